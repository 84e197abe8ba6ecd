import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import reflect.vault.sealing


class Migration(migrations.Migration):
    """A private safety plan in the journal: one per person, sealed like entries."""

    dependencies = [
        ("journal", "0004_prompt_sealed_with_the_writing"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SafetyPlan",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("ciphertext", models.BinaryField()),
                ("revision", models.PositiveIntegerField(default=1)),
                ("created_at", models.DateTimeField()),
                ("updated_at", models.DateTimeField()),
                (
                    "owner",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            bases=(reflect.vault.sealing.SealedRow, models.Model),
        ),
    ]
