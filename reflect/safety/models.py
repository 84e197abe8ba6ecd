from django.db import models


class HelplineManager(models.Manager):
    def by_kind(self, country: str) -> list[tuple[str, str, list["Helpline"]]]:
        """[(kind, label, [helpline, ...]), ...] in the order a person in trouble needs them."""
        lines = list(self.filter(country=country))
        return [(kind, label, [line for line in lines if line.kind == kind]) for kind, label in Helpline.KIND_CHOICES]


class Helpline(models.Model):
    """One verified row of fixtures/helplines.tsv, with its source kept.

    That file is our copy of shared/reference/helplines-verified.tsv; a test checks the two agree.

    `contacts` holds the dialable numbers read out of `phone` and `text_or_chat`
    (see reflect.safety.helplines), so templates never have to guess a tel: link.
    """

    EMERGENCY = "emergency"
    DOMESTIC_ABUSE = "domestic_abuse"
    CRISIS = "crisis"
    KIND_CHOICES = [
        (EMERGENCY, "Emergency"),
        (DOMESTIC_ABUSE, "Domestic abuse"),
        (CRISIS, "Crisis and emotional support"),
    ]

    country = models.CharField(max_length=2, db_index=True, help_text="ISO 3166-1 alpha-2 code.")
    region = models.CharField(
        max_length=10, blank=True, help_text="Code from the TSV when narrower than a country, e.g. GB-SCT."
    )
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    service_name = models.CharField(max_length=200)
    phone = models.CharField(max_length=200, blank=True, help_text="As written in the source.")
    text_or_chat = models.CharField(max_length=200, blank=True)
    hours = models.CharField(max_length=100, blank=True)
    contacts = models.JSONField(
        default=list, help_text='[{"scheme": "tel"|"sms", "number": "...", "label": "...", "body": "..."}]'
    )
    source_url = models.URLField(max_length=500)
    evidence_quote = models.TextField()
    confidence = models.CharField(max_length=100)

    objects = HelplineManager()

    class Meta:
        ordering = ["country", "kind", "region", "service_name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "country", "kind", "service_name"], name="helpline_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.region or self.country}: {self.service_name}"
