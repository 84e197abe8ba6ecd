from django.db import models


class HelplineManager(models.Manager):
    def by_kind(self, country: str) -> list[tuple[str, str, list["Helpline"]]]:
        """[(kind, label, [helpline, ...]), ...] in the order a person in trouble needs them."""
        lines = list(self.filter(country=country))
        return [(kind, label, [line for line in lines if line.kind == kind]) for kind, label in Helpline.KIND_CHOICES]


def for_thoughts_of_suicide(groups: list[tuple[str, str, list["Helpline"]]]) -> dict[str, "Helpline | None"]:
    """From a country's lines grouped `by_kind`: the crisis line to name first (one with a number
    to ring, where there is one) and the emergency line, for the plain advice on what to do with
    thoughts of suicide or self-harm."""
    lines = {kind: found for kind, _, found in groups}
    crisis = sorted(lines.get(Helpline.CRISIS, []), key=lambda line: not line.can_be_called)
    emergency = lines.get(Helpline.EMERGENCY, [])
    return {"crisis": next(iter(crisis), None), "emergency": next(iter(emergency), None)}


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
    # From fixtures/helpline_labels.json, which a clinician can edit: how the line is worded for a person.
    shown_name = models.CharField(max_length=300, blank=True, help_text="Replaces service_name on screen.")
    for_whom = models.CharField(max_length=200, blank=True, help_text='Who the service is for, e.g. "for women".')
    cost = models.CharField(max_length=100, blank=True, help_text="Said only where the line's source says so.")
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

    @property
    def can_be_called(self) -> bool:
        return any(contact["scheme"] == "tel" for contact in self.contacts)

    @property
    def name(self) -> str:
        return self.shown_name or self.service_name

    @property
    def checked_as(self) -> str:
        """ "verified", without the TSV's notes on parts of a row (such as "(chat hours: likely)"),
        which describe details we do not show."""
        return self.confidence.split("(")[0].strip()
