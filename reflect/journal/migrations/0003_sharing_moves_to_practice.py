from django.db import migrations


class Migration(migrations.Migration):
    """SharedEntry now belongs to the practice app. Its table stays where it is (journal_sharedentry):
    only Django's idea of which app owns it changes, so no row is touched."""

    dependencies = [
        ("journal", "0002_clientassignment_entry_assignment_sharedentry_and_more"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SharedEntry")],
            database_operations=[],
        ),
    ]
