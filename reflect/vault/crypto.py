"""The few cryptographic operations Reflect needs, in one place.

- A random 256-bit data key per person encrypts everything private (AES-GCM).
- The data key is stored only wrapped: under a key derived from the passphrase with
  Argon2id, and under a key derived from the recovery key with HKDF.
- Every ciphertext carries associated data naming what it is and whose it is, so a
  ciphertext moved onto another row or another person fails to open.
"""

import os
import secrets
import unicodedata

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
TAG_BYTES = 16
RECOVERY_KEY_BYTES = 20  # 160 bits, written as 32 characters
RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32: no I, L, O, U


class DecryptionError(Exception):
    """The key is wrong, or the ciphertext was changed or moved."""


def new_key():
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def new_salt():
    return os.urandom(SALT_BYTES)


def seal(key, plaintext, associated_data):
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)


def unseal(key, sealed, associated_data):
    sealed = bytes(sealed)
    if len(sealed) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("ciphertext too short")
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], associated_data)
    except InvalidTag as error:
        raise DecryptionError("authentication failed") from error


def normalise_passphrase(passphrase):
    """The same passphrase typed on another keyboard or system must give the same key."""
    return unicodedata.normalize("NFC", passphrase)


def key_from_passphrase(passphrase, salt, params):
    if params.get("algorithm") != "argon2id":
        raise ValueError(f"unknown key derivation {params.get('algorithm')!r}")
    return hash_secret_raw(
        normalise_passphrase(passphrase).encode("utf-8"),
        bytes(salt),
        time_cost=params["time_cost"],
        memory_cost=params["memory_cost"],
        parallelism=params["parallelism"],
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def new_recovery_key():
    """160 random bits as eight groups of four characters, e.g. 7K2Q-...; easy to copy by hand."""
    number = int.from_bytes(secrets.token_bytes(RECOVERY_KEY_BYTES), "big")
    characters = []
    for _ in range(RECOVERY_KEY_BYTES * 8 // 5):
        number, index = divmod(number, 32)
        characters.append(RECOVERY_ALPHABET[index])
    text = "".join(reversed(characters))
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def recovery_key_bytes(text):
    """Reads a recovery key as typed: any case, with or without dashes and spaces."""
    cleaned = "".join(text.split()).replace("-", "").upper()
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(cleaned) != RECOVERY_KEY_BYTES * 8 // 5 or any(c not in RECOVERY_ALPHABET for c in cleaned):
        raise ValueError("not a recovery key")
    number = 0
    for character in cleaned:
        number = number * 32 + RECOVERY_ALPHABET.index(character)
    return number.to_bytes(RECOVERY_KEY_BYTES, "big")


def key_from_recovery_key(raw, salt):
    # The recovery key is 160 random bits, so a fast KDF is enough; Argon2 adds nothing.
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=bytes(salt), info=b"reflect recovery key").derive(raw)
