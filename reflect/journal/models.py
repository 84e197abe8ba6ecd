from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import models

from reflect.prompts.models import Prompt
from reflect.vault.sealing import SealedRow, Unreadable

__all__ = ["ClientAssignment", "Draft", "Entry", "PendingImport", "SafetyPlan", "Unreadable", "Writing"]


@dataclass
class Writing:
    """What a person wrote: the part that only ever exists encrypted at rest."""

    text: str = ""
    title: str = ""
    distress_before: int | None = None
    distress_after: int | None = None
    prompt_text: str = ""  # a therapist's own prompt, when the entry answers one
    prompt: str = ""  # the slug of the library prompt it answers: which questions a person chose is theirs alone

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> Writing:
        values = json.loads(data.decode("utf-8"))
        return cls(
            text=values.get("text", ""),
            title=values.get("title", ""),
            distress_before=values.get("distress_before"),
            distress_after=values.get("distress_after"),
            prompt_text=values.get("prompt_text") or "",
            prompt=values.get("prompt") or "",
        )

    def display_title(self) -> str:
        if self.title:
            return self.title
        first_line = self.text.strip().split("\n", 1)[0]
        return first_line[:60] + ("…" if len(first_line) > 60 else "")


class SealedWriting(SealedRow, models.Model):
    """Something a person wrote, sealed with their data key, bound to the row's identity."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    # Rows written before the prompt was sealed with the writing kept it here, in clear; the next
    # unlock moves it inside (journal.answers.seal_legacy_prompts) and empties this column.
    legacy_prompt = models.ForeignKey(Prompt, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ciphertext = models.BinaryField()
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        abstract = True

    def encode(self, writing: Writing) -> bytes:
        return writing.to_bytes()

    def decode(self, plaintext: bytes) -> Writing:
        writing = Writing.from_bytes(plaintext)
        if not writing.prompt and self.legacy_prompt_id:
            writing.prompt = self.legacy_prompt.slug
        return writing


class ClientAssignment(SealedRow, models.Model):
    """Prompts from a therapist, as the client's own copy, sealed with the client's data key.

    It arrives through a code on this server (then `assignment` lets the therapist see the
    status) or as a portable code pasted into any install (then `source` recognises it again).
    """

    NOT_STARTED, DONE, SKIPPED = "not_started", "done", "skipped"
    STATUS_CHOICES = [(NOT_STARTED, "Not started"), (DONE, "Done"), (SKIPPED, "Skipped")]

    seal_purpose = "client-assignment"
    sealed_field = "sealed_content"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    assignment = models.OneToOneField(
        "practice.Assignment", null=True, blank=True, on_delete=models.SET_NULL, related_name="client_copy"
    )
    source = models.CharField(max_length=64, blank=True, help_text="Hash of a portable code's id.")
    sealed_content = models.BinaryField()
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=NOT_STARTED)
    status_hidden = models.BooleanField(default=False, help_text="The client hides the status from the therapist.")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "source"], condition=~models.Q(source=""), name="portable_code_once"
            )
        ]

    def __str__(self):
        return f"assignment copy {self.id}"


class Entry(SealedWriting):
    seal_purpose = "entry"
    assignment = models.ForeignKey(
        ClientAssignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"])]
        verbose_name_plural = "entries"

    def __str__(self):
        return f"entry {self.id}"


class Draft(SealedWriting):
    """Text being written, saved as the person types. `entry` is set when editing."""

    seal_purpose = "draft"
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.CASCADE, related_name="drafts")
    entry_revision = models.PositiveIntegerField(
        null=True, blank=True, help_text="The entry's revision the draft started from."
    )

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["owner", "-updated_at"])]

    def __str__(self):
        return f"draft {self.id}"


class PendingImport(SealedRow, models.Model):
    """An uploaded export waiting for the person to confirm, sealed like everything else."""

    seal_purpose = "import"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    ciphertext = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"import {self.id}"


class SafetyPlan(SealedRow, models.Model):
    """A person's private plan for staying safer, sealed with their data key like their entries.

    One each. Its content is a dict of PARTS, each plain text the person typed; `revision` moves
    on with every save, so a page that started from an older one can never silently replace it.
    """

    # (name, label): a label also heads the part on paper, so none names what the plan is for.
    PARTS = (
        ("warning_signs", "Signs that things are getting worse"),
        ("people", "People who can help, and how to reach them safely"),
        ("places", "Places I can go"),
        ("things_to_take", "What to take with me"),
        ("code_word", "A code word"),
        ("other_help", "Other numbers and services"),
    )

    seal_purpose = "safety-plan"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ciphertext = models.BinaryField()
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self):
        return f"safety plan {self.id}"

    def encode(self, parts: dict[str, str]) -> bytes:
        return super().encode({name: parts.get(name, "") for name, _label in self.PARTS})

    def decode(self, plaintext: bytes) -> dict[str, str]:
        values = super().decode(plaintext)
        if not isinstance(values, dict):
            raise ValueError("a safety plan is a dict of its parts")
        return {name: str(values.get(name) or "") for name, _label in self.PARTS}
