"""Rows whose content only ever exists encrypted, and the label that binds a ciphertext to its row.

Every ciphertext is sealed with associated data naming what it is and whose it is, built by
`associated_data`, so a ciphertext copied onto another row, another person or another purpose
fails to open. `SealedRow` is the mixin for rows sealed with their owner's data key.
"""

import json
from typing import Any

from . import crypto

FORMAT = "reflect:v1"


class Unreadable(Exception):
    """Stored content that can no longer be opened: damaged, moved, or not this person's."""


def associated_data(purpose: str, *identity: object, **owner: object) -> bytes:
    """b"reflect:v1:<purpose>:<identity...>:<name>=<owner>", e.g. b"reflect:v1:entry:<id>:user=3"."""
    parts = [FORMAT, purpose, *map(str, identity), *(f"{name}={value}" for name, value in owner.items())]
    return ":".join(parts).encode()


class SealedRow:
    """A model row whose content is sealed with its owner's data key, bound to the row's id.

    The model names its purpose (`seal_purpose`, part of the associated data) and the field that
    holds the ciphertext (`sealed_field`); it has `owner_id`, and a primary key set before sealing.
    Content is JSON unless the model says otherwise with `encode` and `decode`.
    """

    seal_purpose: str = ""
    sealed_field: str = "ciphertext"

    def associated_data(self) -> bytes:
        return associated_data(self.seal_purpose, self.pk, user=self.owner_id)

    def encode(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False).encode("utf-8")

    def decode(self, plaintext: bytes) -> Any:
        return json.loads(plaintext)

    def seal(self, data_key: bytes, content: Any) -> None:
        sealed = crypto.seal(data_key, self.encode(content), self.associated_data())
        setattr(self, self.sealed_field, sealed)

    def open(self, data_key: bytes) -> Any:
        """The content, or Unreadable: a wrong key, a changed or moved ciphertext, or damage."""
        try:
            return self.decode(crypto.unseal(data_key, getattr(self, self.sealed_field), self.associated_data()))
        except (crypto.DecryptionError, UnicodeDecodeError, ValueError, TypeError) as error:
            raise Unreadable(str(self.pk)) from error

    def open_or_none(self, data_key: bytes) -> Any:
        """The content, or None when it can't be opened: for pages that show what they can."""
        try:
            return self.open(data_key)
        except Unreadable:
            return None
