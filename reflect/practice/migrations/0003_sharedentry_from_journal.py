import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """SharedEntry moves here from the journal app, keeping its table (see journal 0003)."""

    dependencies = [
        ("journal", "0003_sharing_moves_to_practice"),
        ("practice", "0002_withdrawn_portable_ids_sign_in_names_join_throttle"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SharedEntry",
                    fields=[
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ("ephemeral_public_key", models.BinaryField()),
                        ("ciphertext", models.BinaryField()),
                        ("shared_at", models.DateTimeField(auto_now_add=True)),
                        ("entry", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="shares",
                                                    to="journal.entry")),
                        ("therapist", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                        related_name="shared_entries", to="practice.therapist")),
                    ],
                    options={
                        "db_table": "journal_sharedentry",
                        "ordering": ["-shared_at"],
                        "constraints": [
                            models.UniqueConstraint(fields=("entry", "therapist"), name="share_once_per_therapist"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
