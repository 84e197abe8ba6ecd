from django.db import models
from django.urls import reverse
from django.utils.text import Truncator

from reflect.learn.models import Section, SlugManager


class Dynamic(models.Model):
    """One of the patterns that keep a trauma bond in place; prompts are grouped by it."""

    slug = models.SlugField(unique=True)
    order = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(help_text="Two or three plain sentences.")

    objects = SlugManager()

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("prompts:dynamic", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Prompt(models.Model):
    class Intensity(models.TextChoices):
        # Shown to the person as well as the therapist: calm words, never a warning.
        GENTLE = "gentle", "Gentle"
        DEEPER = "deeper", "Goes deeper"

    slug = models.SlugField(unique=True)
    dynamic = models.ForeignKey(Dynamic, on_delete=models.PROTECT, related_name="prompts")
    order = models.PositiveSmallIntegerField(help_text="Position within its dynamic.")
    text = models.TextField()
    hint = models.TextField(blank=True, help_text="An optional gentle way in, shown under the prompt.")
    intensity = models.CharField(
        max_length=6,
        choices=Intensity.choices,
        default=Intensity.GENTLE,
        help_text="Gentle stays close to today; deeper may stir up more. The person sees it too.",
    )
    clinician_note = models.CharField(
        max_length=160, help_text="One line on what the prompt is for. Shown to therapists only."
    )
    sections = models.ManyToManyField(Section, related_name="prompts")

    objects = SlugManager()

    class Meta:
        ordering = ["dynamic__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["dynamic", "order"], name="prompt_order_unique_in_dynamic"),
        ]

    def __str__(self) -> str:
        return Truncator(self.text).words(10)

    def get_absolute_url(self) -> str:
        return reverse("prompts:prompt", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    natural_key.dependencies = ["prompts.dynamic", "learn.section"]


class Exercise(models.Model):
    """A short grounding exercise, offered beside every prompt."""

    slug = models.SlugField(unique=True)
    order = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=120)
    intro = models.TextField()
    steps = models.TextField(help_text="One step per line.")

    objects = SlugManager()

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def step_list(self) -> list[str]:
        return [line.strip() for line in self.steps.splitlines() if line.strip()]
