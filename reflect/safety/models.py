from django.db import models


class Helpline(models.Model):
    """One row of ../shared/reference/helplines-verified.tsv, with its source kept.

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
    region = models.CharField(max_length=10, blank=True, help_text="Code from the TSV when narrower than a country, e.g. GB-SCT.")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    service_name = models.CharField(max_length=200)
    phone = models.CharField(max_length=200, blank=True, help_text="As written in the source.")
    text_or_chat = models.CharField(max_length=200, blank=True)
    hours = models.CharField(max_length=100, blank=True)
    contacts = models.JSONField(default=list, help_text='[{"scheme": "tel"|"sms", "number": "...", "label": "...", "body": "..."}]')
    source_url = models.URLField(max_length=500)
    evidence_quote = models.TextField()
    confidence = models.CharField(max_length=100)

    class Meta:
        ordering = ["country", "kind", "region", "service_name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "country", "kind", "service_name"], name="helpline_unique"),
        ]

    def __str__(self):
        return f"{self.region or self.country}: {self.service_name}"
