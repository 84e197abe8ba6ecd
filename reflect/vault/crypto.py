"""The few cryptographic operations Reflect needs, in one place.

- A random 256-bit data key per person encrypts everything private (AES-GCM).
- The data key is stored only wrapped: under a key derived from the passphrase with
  Argon2id, and under a key derived from the recovery key with HKDF.
- Every ciphertext carries associated data naming what it is and whose it is, so a
  ciphertext moved onto another row or another person fails to open.
- Argon2 runs in one of the machine's few derivation slots (derivations.py), on one thread, so
  however many people try passphrases at once, pages keep a core and memory stays bounded.
"""

import hashlib
import os
import secrets
import unicodedata
from typing import Any

from argon2.exceptions import HashingError
from argon2.low_level import ARGON2_VERSION, Type, core, error_to_str, ffi, lib
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from .derivations import LONGEST_WAIT_SECONDS, beside_pages, derivation_slot

KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
TAG_BYTES = 16
RECOVERY_KEY_BYTES = 20  # 160 bits, written as 32 characters
RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32: no I, L, O, U


class DecryptionError(Exception):
    """The key is wrong, or the ciphertext was changed or moved."""


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)


def seal(key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)


def unseal(key: bytes, sealed: bytes | memoryview, associated_data: bytes) -> bytes:
    sealed = bytes(sealed)
    if len(sealed) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("ciphertext too short")
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], associated_data)
    except InvalidTag as error:
        raise DecryptionError("authentication failed") from error


def normalise_passphrase(passphrase: str) -> str:
    """The same passphrase typed on another keyboard or system must give the same key."""
    return unicodedata.normalize("NFC", passphrase)


def key_from_passphrase(passphrase: str, salt: bytes | memoryview, params: dict[str, Any]) -> bytes:
    """The one place a passphrase becomes a key, so every check, setup and change is bounded.

    A view makes room first (taking a slot, or answering 503); anyone else waits for a slot here.
    """
    if params.get("algorithm") != "argon2id":
        raise ValueError(f"unknown key derivation {params.get('algorithm')!r}")
    secret, salt = normalise_passphrase(passphrase).encode("utf-8"), bytes(salt)
    time_cost, memory_kib, lanes = params["time_cost"], params["memory_cost"], params["parallelism"]
    with derivation_slot(wait=LONGEST_WAIT_SECONDS):
        return beside_pages(lambda: argon2id_on_one_thread(secret, salt, time_cost, memory_kib, lanes))


def argon2id_on_one_thread(secret: bytes, salt: bytes, time_cost: int, memory_kib: int, lanes: int) -> bytes:
    """Argon2id with all its lanes worked through by one thread: the same key, one core.

    argon2-cffi's hash_secret_raw starts a thread per lane, so one check would take every core
    of a small machine; its `core` binding lets us say how many threads to use.
    """
    out = ffi.new("uint8_t[]", KEY_BYTES)
    secret_buffer, salt_buffer = ffi.new("uint8_t[]", secret), ffi.new("uint8_t[]", salt)
    context = ffi.new(
        "argon2_context *",
        {
            "out": out,
            "outlen": KEY_BYTES,
            "pwd": secret_buffer,
            "pwdlen": len(secret),
            "salt": salt_buffer,
            "saltlen": len(salt),
            "secret": ffi.NULL,
            "secretlen": 0,
            "ad": ffi.NULL,
            "adlen": 0,
            "t_cost": time_cost,
            "m_cost": memory_kib,
            "lanes": lanes,
            "threads": 1,
            "version": ARGON2_VERSION,
            "allocate_cbk": ffi.NULL,
            "free_cbk": ffi.NULL,
            "flags": lib.ARGON2_FLAG_CLEAR_PASSWORD,
        },
    )
    result = core(context, Type.ID.value)
    if result != lib.ARGON2_OK:
        raise HashingError(error_to_str(result))
    return bytes(ffi.buffer(out, KEY_BYTES))


def random_text(random_bytes: int, group: int) -> str:
    """Random bytes written in Crockford's base32, in dash-separated groups: easy to copy by hand."""
    number = int.from_bytes(secrets.token_bytes(random_bytes), "big")
    characters = []
    for _ in range(-(-random_bytes * 8 // 5)):
        number, index = divmod(number, 32)
        characters.append(RECOVERY_ALPHABET[index])
    text = "".join(reversed(characters))
    return "-".join(text[i : i + group] for i in range(0, len(text), group))


def read_typed(text: str, length: int, what: str) -> str:
    """A key or code as a person typed it: any case, with or without dashes and spaces."""
    cleaned = "".join(text.split()).replace("-", "").upper()
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(cleaned) != length or any(c not in RECOVERY_ALPHABET for c in cleaned):
        raise ValueError(f"not {what}")
    return cleaned


def new_recovery_key() -> str:
    """160 random bits as eight groups of four characters."""
    return random_text(RECOVERY_KEY_BYTES, 4)


def recovery_key_bytes(text: str) -> bytes:
    cleaned = read_typed(text, RECOVERY_KEY_BYTES * 8 // 5, "a recovery key")
    number = 0
    for character in cleaned:
        number = number * 32 + RECOVERY_ALPHABET.index(character)
    return number.to_bytes(RECOVERY_KEY_BYTES, "big")


def key_from_recovery_key(raw: bytes, salt: bytes | memoryview) -> bytes:
    # The recovery key is 160 random bits, so a fast KDF is enough; Argon2 adds nothing.
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=bytes(salt), info=b"reflect recovery key").derive(raw)


# --- Sharing with a therapist: sealed to their X25519 public key --------------------------


def new_key_pair() -> tuple[bytes, bytes]:
    """(private, public) raw X25519 keys, 32 bytes each."""
    private = X25519PrivateKey.generate()
    return (
        private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()),
        private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
    )


def _shared_key(secret, ephemeral_public, recipient_public):
    return HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES,
        salt=ephemeral_public + recipient_public,
        info=b"reflect shared entry",
    ).derive(secret)


def seal_to(recipient_public: bytes | memoryview, plaintext: bytes, associated_data: bytes) -> tuple[bytes, bytes]:
    """Encrypts for the holder of the private key only: returns (ephemeral_public, sealed)."""
    recipient_public = bytes(recipient_public)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    secret = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    return ephemeral_public, seal(_shared_key(secret, ephemeral_public, recipient_public), plaintext, associated_data)


def unseal_from(
    recipient_private: bytes | memoryview,
    ephemeral_public: bytes | memoryview,
    sealed: bytes | memoryview,
    associated_data: bytes,
) -> bytes:
    private = X25519PrivateKey.from_private_bytes(bytes(recipient_private))
    recipient_public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    secret = private.exchange(X25519PublicKey.from_public_bytes(bytes(ephemeral_public)))
    return unseal(_shared_key(secret, bytes(ephemeral_public), recipient_public), sealed, associated_data)


# --- Assignment codes: the code is the key to the assignment's content ---------------------

CODE_BYTES = 16  # 128 bits


def new_code() -> str:
    """128 random bits as 26 characters, in groups of five."""
    return random_text(CODE_BYTES, 5)


def normalise_code(text: str) -> str:
    return read_typed(text, 26, "an assignment code")


def code_lookup(code: str) -> str:
    """What the server stores to find an assignment: a hash, from which the code can't be found."""
    return hashlib.sha256(b"reflect code lookup:" + normalise_code(code).encode()).hexdigest()


def key_from_code(code: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=b"reflect assignment", info=b"reflect assignment content"
    ).derive(normalise_code(code).encode())
