from django.db import models
from django.urls import reverse


class SlugManager(models.Manager):
    """Lets fixtures refer to rows by slug, so a clinician can edit them by hand."""

    def get_by_natural_key(self, slug: str) -> models.Model:
        return self.get(slug=slug)


class Reference(models.Model):
    slug = models.SlugField(unique=True)
    order = models.PositiveSmallIntegerField()
    authors = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    source = models.CharField(max_length=300, help_text="Publisher, or journal with volume and pages.")
    about = models.TextField(blank=True, help_text="One or two plain sentences on what the work is about.")

    objects = SlugManager()

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return f"{self.authors} ({self.year})"

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Section(models.Model):
    slug = models.SlugField(unique=True)
    order = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=120)
    summary = models.CharField(max_length=300, help_text="One sentence for the contents page.")
    body = models.TextField(
        help_text="Paragraphs separated by a blank line. A line starting with '## ' is a "
        "subheading; lines starting with '- ' make a list."
    )
    references = models.ManyToManyField(Reference, blank=True, related_name="sections")

    objects = SlugManager()

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learn:section", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class ContentVersion(models.Model):
    """One row, counted up each time `load_content` runs.

    Public pages are rendered once per content version and kept in the cache; reading this row is
    how every process, and every machine sharing the database, learns that the material, prompts or
    helplines changed, so an edited crisis number is never served from an older page.
    """

    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"content version {self.number}"

    @classmethod
    def current(cls) -> int:
        return cls.objects.values_list("number", flat=True).first() or 0

    @classmethod
    def count_up(cls) -> None:
        updated = cls.objects.filter(pk=1).update(number=models.F("number") + 1)
        if not updated:
            cls.objects.create(pk=1, number=1)
