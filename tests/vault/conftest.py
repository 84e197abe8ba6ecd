"""What the vault's tests share: a second passphrase, and unlocking and locking as a browser does."""

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
