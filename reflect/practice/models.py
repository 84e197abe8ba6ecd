from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from reflect.journal.models import Entry
from reflect.vault import crypto
from reflect.vault.sealing import Unreadable, associated_data

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Therapist(models.Model):
    """A therapist's X25519 key pair: clients share entries to the public key; the private key is
    sealed with the therapist's own vault data key, so only their passphrase opens it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="therapist")
    display_name = models.CharField(max_length=100, help_text="Shown to clients, e.g. 'Sam (your therapist)'.")
    public_key = models.BinaryField()
    sealed_private_key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.display_name

    def associated_data(self) -> bytes:
        return associated_data("therapist-private-key", user=self.user_id)

    @classmethod
    def create(cls, user: User, display_name: str, data_key: bytes) -> Therapist:
        private, public = crypto.new_key_pair()
        therapist = cls(user=user, display_name=display_name, public_key=public)
        therapist.sealed_private_key = crypto.seal(data_key, private, therapist.associated_data())
        therapist.save()
        return therapist

    def private_key(self, data_key: bytes) -> bytes:
        return crypto.unseal(data_key, self.sealed_private_key, self.associated_data())


class ClientLink(models.Model):
    """A client works with a therapist: made when the client takes up the therapist's first code."""

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="therapist_links")
    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="client_links")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "therapist"], name="one_link_per_pair")]

    def __str__(self):
        return f"{self.client} with {self.therapist}"


class SharedEntry(models.Model):
    """One entry (or an excerpt of it) that its writer chose to share, sealed to the therapist's
    public key, so only the therapist's passphrase opens it. Deleting the row is revoking.

    The table keeps the name it had when sharing lived in the journal app.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="shares")
    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="shared_entries")
    ephemeral_public_key = models.BinaryField()
    ciphertext = models.BinaryField()
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "journal_sharedentry"
        ordering = ["-shared_at"]
        constraints = [models.UniqueConstraint(fields=["entry", "therapist"], name="share_once_per_therapist")]

    def __str__(self):
        return f"shared entry {self.id}"

    def associated_data(self) -> bytes:
        return associated_data("share", self.id, therapist=self.therapist_id)

    def seal_for(self, therapist: Therapist, shared: dict[str, str]) -> None:
        self.therapist = therapist
        self.ephemeral_public_key, self.ciphertext = crypto.seal_to(
            therapist.public_key, json.dumps(shared).encode("utf-8"), self.associated_data()
        )

    def open(self, therapist_private_key: bytes) -> dict[str, Any]:
        try:
            return json.loads(
                crypto.unseal_from(
                    therapist_private_key, self.ephemeral_public_key, self.ciphertext, self.associated_data()
                )
            )
        except (crypto.DecryptionError, ValueError) as error:
            raise Unreadable(str(self.id)) from error


def default_expiry() -> datetime:
    return timezone.now() + timedelta(days=settings.REFLECT_ASSIGNMENT_DAYS)


class Assignment(models.Model):
    """Prompts a therapist gives a client, reached with a single-use code.

    The content (prompts, custom prompt text, note) is sealed with a key derived from the code;
    the server keeps only a hash of the code, and the code itself sealed for the therapist. So
    neither a copy of the database nor the operator can read it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="assignments")
    code_lookup = models.CharField(max_length=64, unique=True)
    sealed_code = models.BinaryField()
    sealed_content = models.BinaryField()
    due_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=default_expiry)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Set when the assignment is withdrawn (the therapist is unlocked then, so its code can be
    # read); from then on a client on this server can't add its portable code. Set only then, so
    # assignments made before this field existed are covered too, and the database does not tie
    # every portable copy a client adds here to the assignment it came from.
    portable_id = models.CharField(max_length=32, blank=True, db_index=True)
    redeemed_at = models.DateTimeField(null=True, blank=True)
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignments_received"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"assignment {self.id}"

    def associated_data(self, part: str) -> bytes:
        return associated_data(f"assignment-{part}", self.id, therapist=self.therapist_id)

    @classmethod
    def create(
        cls,
        therapist: Therapist,
        therapist_key: bytes,
        content: dict[str, Any],
        due_date: date | None = None,
    ) -> tuple[Assignment, str]:
        code = crypto.new_code()
        now = timezone.now()
        assignment = cls(
            therapist=therapist,
            code_lookup=crypto.code_lookup(code),
            due_date=due_date,
            created_at=now,
            expires_at=now + timedelta(days=settings.REFLECT_ASSIGNMENT_DAYS),
        )
        assignment.sealed_code = crypto.seal(therapist_key, code.encode(), assignment.associated_data("code"))
        assignment.sealed_content = crypto.seal(
            crypto.key_from_code(code), json.dumps(content).encode("utf-8"), assignment.associated_data("content")
        )
        assignment.save()
        return assignment, code

    def code(self, therapist_key: bytes) -> str:
        return crypto.unseal(therapist_key, self.sealed_code, self.associated_data("code")).decode()

    def content_with_code(self, code: str) -> dict[str, Any]:
        return json.loads(
            crypto.unseal(crypto.key_from_code(code), self.sealed_content, self.associated_data("content"))
        )

    @property
    def state(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.redeemed_at:
            return "taken up"
        if self.expires_at <= timezone.now():
            return "expired"
        return "waiting"


class SignInName(models.Model):
    """The skeleton of a person's sign-in name (see reflect.names), unique, so no two people on
    a server have names that are easy to mistake for each other. The database keeps it unique
    even when two people join at the same moment."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_name")
    skeleton = models.CharField(max_length=150, unique=True)

    def __str__(self):
        return self.skeleton
