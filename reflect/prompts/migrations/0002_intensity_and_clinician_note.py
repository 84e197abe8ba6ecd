from django.db import migrations, models

# Taken out of the library in issue 11, as near-duplicates of prompts that stay. `load_content`
# only adds and updates rows, so without this an install that loaded the older library would go on
# showing them, and one could hold the place (topic and order) a new prompt now takes.
REMOVED_PROMPTS = [
    "your-body-on-your-side",  # thanked the body, as thanking-your-mind-and-body does
    "guilt-for-thinking",  # guilt about one's own needs, as guilt-and-putting-yourself-first
    "room-for-every-feeling",  # room for every feeling, as feelings-that-count and two-feelings-at-once
    "safe-respected-free",  # being treated with respect, as what-respect-feels-like
]


def forget_removed_prompts(apps, schema_editor):
    # An entry written before prompts were sealed may still point at one in clear; deleting sets
    # that link to null, as the journal's foreign key says, and the entry itself stays.
    apps.get_model("prompts", "Prompt").objects.filter(slug__in=REMOVED_PROMPTS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("prompts", "0001_initial"),
        # So the deletion knows which journal rows point at a prompt (Entry and Draft.legacy_prompt).
        ("journal", "0004_prompt_sealed_with_the_writing"),
    ]

    operations = [
        migrations.AddField(
            model_name="prompt",
            name="intensity",
            field=models.CharField(
                choices=[("gentle", "Gentle"), ("deeper", "Goes deeper")],
                default="gentle",
                help_text="Gentle stays close to today; deeper may stir up more. The person sees it too.",
                max_length=6,
            ),
        ),
        migrations.AddField(
            model_name="prompt",
            name="clinician_note",
            field=models.CharField(
                default="",
                help_text="One line on what the prompt is for. Shown to therapists only.",
                max_length=160,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(forget_removed_prompts, migrations.RunPython.noop),
    ]
