"""What the vault's tests share: a second passphrase, unlocking and locking as a browser does, and
watching the real key derivation (how often it runs, how many run at once)."""

import threading

from reflect.vault import crypto

from ..conftest import PASSPHRASE

NEW_PASSPHRASE = "seven quiet harbour lamps"


def unlock(client, passphrase=PASSPHRASE, **extra):
    return client.post("/journal/unlock/", {"passphrase": passphrase, **extra})


def change_passphrase(client):
    return client.post(
        "/journal/settings/passphrase/",
        {"passphrase": PASSPHRASE, "new_passphrase": NEW_PASSPHRASE, "new_passphrase_again": NEW_PASSPHRASE},
    )


def lock(client):
    return client.post("/journal/lock/")


def counting_derivations(monkeypatch):
    """Wraps the real Argon2 derivation; the returned list grows by one per call."""
    real = crypto.key_from_passphrase
    calls = []
    guard = threading.Lock()

    def counted(*args, **kwargs):
        with guard:
            calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(crypto, "key_from_passphrase", counted)
    return calls


def most_at_once(monkeypatch):
    """Wraps the real Argon2 computation, inside its slot; the returned list's one item is the most
    derivations that have run at the same moment so far."""
    real, running, most = crypto.argon2id_on_one_thread, [0], [0]
    guard = threading.Lock()

    def measured(*args):
        with guard:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            return real(*args)
        finally:
            with guard:
                running[0] -= 1

    monkeypatch.setattr(crypto, "argon2id_on_one_thread", measured)
    return most
