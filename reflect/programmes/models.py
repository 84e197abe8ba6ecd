"""Programmes: short sequences of library prompts, and the one a person has chosen to follow.

Programmes and their steps are content, loaded from fixtures/programmes.json. Which programme a
person follows says something about them, so it is kept only sealed inside their journal
(`FollowedProgramme`), never in clear and never in a cookie.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from reflect.learn.models import SlugManager
from reflect.prompts.models import Prompt
from reflect.vault.sealing import SealedRow


class Programme(models.Model):
    slug = models.SlugField(unique=True)
    order = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=120)
    description = models.TextField(help_text="For the person: two or three plain sentences on what it is for.")
    clinician_note = models.TextField(help_text="For clinicians: who it suits, what it does and does not ask.")

    objects = SlugManager()

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:programme", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def prompts(self) -> list[Prompt]:
        """The prompts in the order a person meets them."""
        return [step.prompt for step in self.steps.select_related("prompt__dynamic")]


class ProgrammeStep(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(help_text="Position within the programme, from 1.")
    # A prompt a programme uses can't be deleted by accident: the programme would lose a step.
    prompt = models.ForeignKey(Prompt, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "order"], name="programme_step_order_unique"),
            models.UniqueConstraint(fields=["programme", "prompt"], name="programme_prompt_once"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.order}"


class FollowedProgramme(SealedRow, models.Model):
    """The programme a person follows, one at a time: its slug and when they started, sealed
    with their data key. The row says only that they follow one, not which."""

    seal_purpose = "followed-programme"
    sealed_field = "sealed_content"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sealed_content = models.BinaryField()

    def __str__(self) -> str:
        return f"followed programme {self.id}"
