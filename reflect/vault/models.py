from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from . import crypto
from .sealing import associated_data

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class WrongSecret(Exception):
    """A passphrase or recovery key that does not open this vault. Nothing was changed."""


def argon2_params() -> dict[str, Any]:
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

    def associated_data(self, purpose: str) -> bytes:
        return associated_data(purpose, user=self.owner_id)

    @classmethod
    def create(cls, owner: User, passphrase: str) -> tuple[Vault, bytes, str]:
        """Returns (vault, data_key, recovery_key); the recovery key is never stored."""
        vault = cls(owner=owner)
        data_key = crypto.new_key()
        vault.wrap_with_passphrase(data_key, passphrase)
        recovery_key = vault.wrap_with_new_recovery_key(data_key)
        vault.save()
        return vault, data_key, recovery_key

    def wrap_with_passphrase(self, data_key: bytes, passphrase: str) -> None:
        """A new passphrase (or the first): wrapped with today's key-derivation settings."""
        self.wrap_again(data_key, passphrase)
        self.passphrase_changed_at = timezone.now()

    def wrap_again(self, data_key: bytes, passphrase: str) -> None:
        self.passphrase_salt = crypto.new_salt()
        self.passphrase_params = argon2_params()
        wrapping_key = crypto.key_from_passphrase(passphrase, self.passphrase_salt, self.passphrase_params)
        self.passphrase_wrapped_key = crypto.seal(wrapping_key, data_key, self.associated_data("passphrase"))

    def must_update(self) -> bool:
        """Whether the passphrase wrap was made with a lower cost than today's settings.

        Like Django's password hashers' must_update: at the next unlock, while the passphrase is
        at hand, the data key is wrapped again, so raising the cost reaches existing journals.
        """
        stored, current = self.passphrase_params, argon2_params()
        if stored.get("algorithm") != current["algorithm"]:
            return True
        return any(stored.get(name, 0) < current[name] for name in ("time_cost", "memory_cost", "parallelism"))

    def wrap_with_new_recovery_key(self, data_key: bytes) -> str:
        recovery_key = crypto.new_recovery_key()
        self.recovery_salt = crypto.new_salt()
        wrapping_key = crypto.key_from_recovery_key(crypto.recovery_key_bytes(recovery_key), self.recovery_salt)
        self.recovery_wrapped_key = crypto.seal(wrapping_key, data_key, self.associated_data("recovery"))
        self.recovery_key_confirmed = False
        return recovery_key

    def open_with_passphrase(self, passphrase: str) -> bytes:
        wrapping_key = crypto.key_from_passphrase(passphrase, self.passphrase_salt, self.passphrase_params)
        try:
            return crypto.unseal(wrapping_key, self.passphrase_wrapped_key, self.associated_data("passphrase"))
        except crypto.DecryptionError as error:
            raise WrongSecret from error

    def open_with_recovery_key(self, recovery_key: str) -> bytes:
        try:
            raw = crypto.recovery_key_bytes(recovery_key)
            wrapping_key = crypto.key_from_recovery_key(raw, self.recovery_salt)
            return crypto.unseal(wrapping_key, self.recovery_wrapped_key, self.associated_data("recovery"))
        except (ValueError, crypto.DecryptionError) as error:
            raise WrongSecret from error


# The throttle is a model of this app, kept in its own module.
from .throttle import Throttle, client_address, throttle_key, throttle_keys  # noqa: E402,F401
