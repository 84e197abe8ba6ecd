import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from . import crypto


class WrongSecret(Exception):
    """A passphrase or recovery key that does not open this vault. Nothing was changed."""


def argon2_params():
    return {
        "algorithm": "argon2id",
        "time_cost": settings.REFLECT_ARGON2_TIME_COST,
        "memory_cost": settings.REFLECT_ARGON2_MEMORY_KIB,
        "parallelism": settings.REFLECT_ARGON2_PARALLELISM,
    }


class Vault(models.Model):
    """A person's data key, kept only in wrapped form.

    The parameters used to derive each wrapping key are stored beside it, so they can be
    raised later without locking anyone out.
    """

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vault")
    passphrase_salt = models.BinaryField()
    passphrase_params = models.JSONField()
    passphrase_wrapped_key = models.BinaryField()
    recovery_salt = models.BinaryField()
    recovery_wrapped_key = models.BinaryField()
    recovery_key_confirmed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    passphrase_changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"vault of {self.owner}"

    def associated_data(self, purpose):
        return f"reflect:v1:{purpose}:user={self.owner_id}".encode()

    @classmethod
    def create(cls, owner, passphrase):
        """Returns (vault, data_key, recovery_key); the recovery key is never stored."""
        vault = cls(owner=owner)
        data_key = crypto.new_key()
        vault.wrap_with_passphrase(data_key, passphrase)
        recovery_key = vault.wrap_with_new_recovery_key(data_key)
        vault.save()
        return vault, data_key, recovery_key

    def wrap_with_passphrase(self, data_key, passphrase):
        self.passphrase_salt = crypto.new_salt()
        self.passphrase_params = argon2_params()
        wrapping_key = crypto.key_from_passphrase(passphrase, self.passphrase_salt, self.passphrase_params)
        self.passphrase_wrapped_key = crypto.seal(wrapping_key, data_key, self.associated_data("passphrase"))
        self.passphrase_changed_at = timezone.now()

    def wrap_with_new_recovery_key(self, data_key):
        recovery_key = crypto.new_recovery_key()
        self.recovery_salt = crypto.new_salt()
        wrapping_key = crypto.key_from_recovery_key(crypto.recovery_key_bytes(recovery_key), self.recovery_salt)
        self.recovery_wrapped_key = crypto.seal(wrapping_key, data_key, self.associated_data("recovery"))
        self.recovery_key_confirmed = False
        return recovery_key

    def open_with_passphrase(self, passphrase):
        wrapping_key = crypto.key_from_passphrase(passphrase, self.passphrase_salt, self.passphrase_params)
        try:
            return crypto.unseal(wrapping_key, self.passphrase_wrapped_key, self.associated_data("passphrase"))
        except crypto.DecryptionError as error:
            raise WrongSecret from error

    def open_with_recovery_key(self, recovery_key):
        try:
            raw = crypto.recovery_key_bytes(recovery_key)
            wrapping_key = crypto.key_from_recovery_key(raw, self.recovery_salt)
            return crypto.unseal(wrapping_key, self.recovery_wrapped_key, self.associated_data("recovery"))
        except (ValueError, crypto.DecryptionError) as error:
            raise WrongSecret from error


class UnlockThrottle(models.Model):
    """Failed unlock attempts for one client or one account, with a delay that grows.

    Kept in the database, not in memory, so every app process sees the same count.
    """

    key = models.CharField(max_length=100, unique=True)
    failures = models.PositiveIntegerField(default=0)
    blocked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    FREE_ATTEMPTS = 3
    LONGEST_WAIT = timedelta(minutes=15)

    def __str__(self):
        return f"{self.key}: {self.failures} failures"

    @staticmethod
    def client_key(request):
        # An HMAC, not the address itself: the table must not become a record of where people were.
        # Behind a proxy every request comes from the proxy's address; a practice names the
        # header its proxy sets (e.g. X-Real-IP), so clients are still counted one by one.
        header = settings.REFLECT_CLIENT_IP_HEADER
        address = (request.headers.get(header) if header else None) or request.META.get("REMOTE_ADDR", "")
        digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()
        return f"client:{digest[:32]}"

    @staticmethod
    def account_key(username):
        # Counted by name, so a name that doesn't exist is slowed down just like one that does.
        digest = hmac.new(settings.SECRET_KEY.encode(), username.encode(), hashlib.sha256).hexdigest()
        return f"account:{digest[:32]}"

    @classmethod
    def seconds_to_wait(cls, keys):
        now = timezone.now()
        waits = [
            (throttle.blocked_until - now).total_seconds()
            for throttle in cls.objects.filter(key__in=keys, blocked_until__gt=now)
        ]
        return max(waits, default=0)

    @classmethod
    def record_failure(cls, keys):
        for key in keys:
            throttle, _ = cls.objects.get_or_create(key=key)
            throttle.failures += 1
            extra = throttle.failures - cls.FREE_ATTEMPTS
            if extra > 0:
                wait = min(timedelta(seconds=2 ** (extra - 1)), cls.LONGEST_WAIT)
                throttle.blocked_until = timezone.now() + wait
            throttle.save()

    @classmethod
    def clear(cls, keys):
        cls.objects.filter(key__in=keys).delete()
