from django.db import migrations, models


def forget_old_counts(apps, schema_editor):
    # The keys are now made another way (one HMAC key per kind, and a new pair key), so the old
    # rows would never be matched again: delete them rather than keep them for nothing.
    apps.get_model("vault", "UnlockThrottle").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('vault', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='unlockthrottle',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, db_index=True),
        ),
        migrations.RunPython(forget_old_counts, migrations.RunPython.noop),
    ]
