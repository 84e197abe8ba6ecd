import json
import uuid
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import models

from reflect.prompts.models import Prompt
from reflect.vault import crypto


@dataclass
class Writing:
    """What a person wrote: the part that only ever exists encrypted at rest."""

    text: str = ""
    title: str = ""
    distress_before: int | None = None
    distress_after: int | None = None
    prompt_text: str = ""  # a therapist's own prompt, when the entry answers one

    def to_bytes(self):
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_bytes(cls, data):
        values = json.loads(data.decode("utf-8"))
        return cls(
            text=values.get("text", ""),
            title=values.get("title", ""),
            distress_before=values.get("distress_before"),
            distress_after=values.get("distress_after"),
            prompt_text=values.get("prompt_text") or "",
        )

    def display_title(self):
        if self.title:
            return self.title
        first_line = self.text.strip().split("\n", 1)[0]
        return first_line[:60] + ("…" if len(first_line) > 60 else "")


class Unreadable(Exception):
    """Stored text that can no longer be decrypted: damaged, or not this person's."""


class Sealed(models.Model):
    """A row whose content is sealed with its owner's data key, bound to the row's identity."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    prompt = models.ForeignKey(Prompt, null=True, blank=True, on_delete=models.SET_NULL)
    ciphertext = models.BinaryField()
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    purpose = None

    class Meta:
        abstract = True

    def associated_data(self):
        return f"reflect:v1:{self.purpose}:{self.id}:user={self.owner_id}".encode()

    def seal(self, data_key, writing):
        self.ciphertext = crypto.seal(data_key, writing.to_bytes(), self.associated_data())

    def open(self, data_key):
        try:
            return Writing.from_bytes(crypto.unseal(data_key, self.ciphertext, self.associated_data()))
        except (crypto.DecryptionError, ValueError, TypeError) as error:
            raise Unreadable(str(self.id)) from error


class ClientAssignment(models.Model):
    """Prompts from a therapist, as the client's own copy, sealed with the client's data key.

    It arrives through a code on this server (then `assignment` lets the therapist see the
    status) or as a portable code pasted into any install (then `source` recognises it again).
    """

    NOT_STARTED, DONE, SKIPPED = "not_started", "done", "skipped"
    STATUS_CHOICES = [(NOT_STARTED, "Not started"), (DONE, "Done"), (SKIPPED, "Skipped")]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    assignment = models.OneToOneField("practice.Assignment", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="client_copy")
    source = models.CharField(max_length=64, blank=True, help_text="Hash of a portable code's id.")
    sealed_content = models.BinaryField()
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=NOT_STARTED)
    status_hidden = models.BooleanField(default=False, help_text="The client hides the status from the therapist.")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["owner", "source"], condition=~models.Q(source=""),
                                               name="portable_code_once")]

    def __str__(self):
        return f"assignment copy {self.id}"

    def associated_data(self):
        return f"reflect:v1:client-assignment:{self.id}:user={self.owner_id}".encode()

    def seal(self, data_key, content):
        self.sealed_content = crypto.seal(data_key, json.dumps(content).encode("utf-8"), self.associated_data())

    def open(self, data_key):
        try:
            return json.loads(crypto.unseal(data_key, self.sealed_content, self.associated_data()))
        except (crypto.DecryptionError, ValueError) as error:
            raise Unreadable(str(self.id)) from error


class Entry(Sealed):
    purpose = "entry"
    assignment = models.ForeignKey(ClientAssignment, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="entries")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"])]
        verbose_name_plural = "entries"

    def __str__(self):
        return f"entry {self.id}"


class Draft(Sealed):
    """Text being written, saved as the person types. `entry` is set when editing."""

    purpose = "draft"
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.CASCADE, related_name="drafts")
    entry_revision = models.PositiveIntegerField(null=True, blank=True, help_text="The entry's revision the draft started from.")

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["owner", "-updated_at"])]

    def __str__(self):
        return f"draft {self.id}"


class PendingImport(models.Model):
    """An uploaded export waiting for the person to confirm, sealed like everything else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    ciphertext = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def associated_data(self):
        return f"reflect:v1:import:{self.id}:user={self.owner_id}".encode()

    def seal(self, data_key, items):
        self.ciphertext = crypto.seal(data_key, json.dumps(items).encode("utf-8"), self.associated_data())

    def open(self, data_key):
        try:
            return json.loads(crypto.unseal(data_key, self.ciphertext, self.associated_data()))
        except (crypto.DecryptionError, ValueError) as error:
            raise Unreadable(str(self.id)) from error


class SharedEntry(models.Model):
    """One entry (or an excerpt of it) that its writer chose to share, sealed to the therapist's
    public key. Deleting the row is revoking: the therapist can no longer read it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="shares")
    therapist = models.ForeignKey("practice.Therapist", on_delete=models.CASCADE, related_name="shared_entries")
    ephemeral_public_key = models.BinaryField()
    ciphertext = models.BinaryField()
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-shared_at"]
        constraints = [models.UniqueConstraint(fields=["entry", "therapist"], name="share_once_per_therapist")]

    def associated_data(self):
        return f"reflect:v1:share:{self.id}:therapist={self.therapist_id}".encode()

    def seal_for(self, therapist, shared):
        self.therapist = therapist
        self.ephemeral_public_key, self.ciphertext = crypto.seal_to(
            therapist.public_key, json.dumps(shared).encode("utf-8"), self.associated_data())

    def open(self, therapist_private_key):
        try:
            return json.loads(crypto.unseal_from(therapist_private_key, self.ephemeral_public_key,
                                                 self.ciphertext, self.associated_data()))
        except (crypto.DecryptionError, ValueError) as error:
            raise Unreadable(str(self.id)) from error
