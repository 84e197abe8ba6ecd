"""The cryptography itself: a sealed text opens only where it was sealed, keys read as typed."""

import pytest

from reflect.vault import crypto


class TestCrypto:
    def test_ciphertext_moved_to_another_identity_does_not_open(self):
        key = crypto.new_key()
        sealed = crypto.seal(key, b"words", b"reflect:v1:entry:1:user=1")
        assert crypto.unseal(key, sealed, b"reflect:v1:entry:1:user=1") == b"words"
        with pytest.raises(crypto.DecryptionError):
            crypto.unseal(key, sealed, b"reflect:v1:entry:2:user=1")

    def test_recovery_keys_read_as_typed(self):
        key = crypto.new_recovery_key()
        assert crypto.recovery_key_bytes(key) == crypto.recovery_key_bytes(" " + key.lower().replace("-", "  "))
        with pytest.raises(ValueError):
            crypto.recovery_key_bytes("not a key")

    def test_passphrases_are_normalised(self):
        params = {"algorithm": "argon2id", "time_cost": 1, "memory_cost": 8192, "parallelism": 1}
        salt = crypto.new_salt()
        composed, decomposed = "caf\u00e9 au lait please", "cafe\u0301 au lait please"
        assert crypto.key_from_passphrase(composed, salt, params) == crypto.key_from_passphrase(
            decomposed, salt, params
        )
