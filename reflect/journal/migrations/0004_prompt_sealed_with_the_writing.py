import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The prompt an entry or draft answers now lives inside its ciphertext. The old column is kept,
    renamed, for rows written before: each person's next unlock moves them in and empties it."""

    dependencies = [
        ("journal", "0003_sharing_moves_to_practice"),
        ("prompts", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("entry", "prompt", "legacy_prompt"),
        migrations.RenameField("draft", "prompt", "legacy_prompt"),
        migrations.AlterField(
            model_name="entry",
            name="legacy_prompt",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="prompts.prompt",
            ),
        ),
        migrations.AlterField(
            model_name="draft",
            name="legacy_prompt",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="prompts.prompt",
            ),
        ),
    ]
