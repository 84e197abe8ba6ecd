import json
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from reflect.vault import crypto
from reflect.vault.models import client_address


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

    def associated_data(self):
        return f"reflect:v1:therapist-private-key:user={self.user_id}".encode()

    @classmethod
    def create(cls, user, display_name, data_key):
        private, public = crypto.new_key_pair()
        therapist = cls(user=user, display_name=display_name, public_key=public)
        therapist.sealed_private_key = crypto.seal(data_key, private, therapist.associated_data())
        therapist.save()
        return therapist

    def private_key(self, data_key):
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


def default_expiry():
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
    client = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="assignments_received")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"assignment {self.id}"

    def associated_data(self, part):
        return f"reflect:v1:assignment-{part}:{self.id}:therapist={self.therapist_id}".encode()

    @classmethod
    def create(cls, therapist, therapist_key, content, due_date=None):
        code = crypto.new_code()
        now = timezone.now()
        assignment = cls(therapist=therapist, code_lookup=crypto.code_lookup(code), due_date=due_date,
                         created_at=now, expires_at=now + timedelta(days=settings.REFLECT_ASSIGNMENT_DAYS))
        assignment.sealed_code = crypto.seal(therapist_key, code.encode(), assignment.associated_data("code"))
        assignment.sealed_content = crypto.seal(
            crypto.key_from_code(code), json.dumps(content).encode("utf-8"), assignment.associated_data("content"))
        assignment.save()
        return assignment, code

    def code(self, therapist_key):
        return crypto.unseal(therapist_key, self.sealed_code, self.associated_data("code")).decode()

    def content_with_code(self, code):
        return json.loads(crypto.unseal(crypto.key_from_code(code), self.sealed_content, self.associated_data("content")))

    @property
    def state(self):
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


class JoinThrottle(models.Model):
    """Refused joins (unknown or used codes, forms that didn't go through) from one client, with a
    wait that grows, so codes and the join form can't be tried over and over. In the database, not
    in memory, so every app process counts together; the key is an HMAC, never an address."""

    key = models.CharField(max_length=64, unique=True)
    refusals = models.PositiveIntegerField(default=0)
    blocked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # A person who mistypes a passphrase a few times never waits; a script soon does.
    FREE_REFUSALS = 5
    FIRST_WAIT = timedelta(seconds=30)
    LONGEST_WAIT = timedelta(minutes=15)
    FORGET_AFTER = timedelta(days=1)

    def __str__(self):
        return f"{self.key}: {self.refusals} refusals"

    @staticmethod
    def key_for(request):
        return salted_hmac("reflect.practice.join-throttle", client_address(request)).hexdigest()[:32]

    @classmethod
    def seconds_to_wait(cls, key):
        blocked_until = cls.objects.filter(key=key).values_list("blocked_until", flat=True).first()
        return max((blocked_until - timezone.now()).total_seconds(), 0) if blocked_until else 0

    @classmethod
    def record_refusal(cls, key):
        now = timezone.now()
        # Counts left untouched for a day are forgotten, so the table never becomes a history.
        cls.objects.filter(updated_at__lt=now - cls.FORGET_AFTER).delete()
        with transaction.atomic():
            throttle, _ = cls.objects.select_for_update().get_or_create(key=key)
            throttle.refusals += 1
            extra = throttle.refusals - cls.FREE_REFUSALS
            if extra > 0:
                throttle.blocked_until = now + min(cls.FIRST_WAIT * 2 ** min(extra - 1, 20), cls.LONGEST_WAIT)
            throttle.save()

    @classmethod
    def clear(cls, key):
        cls.objects.filter(key=key).delete()
