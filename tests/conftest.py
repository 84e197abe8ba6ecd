import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test sees the real material, prompts and helplines from fixtures/."""
    with django_db_blocker.unblock():
        call_command("load_content", verbosity=0)


@pytest.fixture
def content(db):
    """For transactional tests, which start from an empty database."""
    call_command("load_content", verbosity=0)


PASSPHRASE = "maple kettle river tuesday"


@pytest.fixture
def journal(client, db):
    """A personal journal, set up through the views and unlocked; returns the recovery key."""
    response = client.post("/journal/setup/", {"new_passphrase": PASSPHRASE, "new_passphrase_again": PASSPHRASE})
    assert response.status_code == 200
    client.post("/journal/setup/saved/", {"saved": "on"})
    return response.context["recovery_key"]


@pytest.fixture
def write(client):
    """Saves an entry through the write view and returns its id."""

    def write(text="Today I noticed something.", **fields):
        data = {"text": text, "title": "", "distress_before": "", "distress_after": "", **fields}
        response = client.post("/journal/write/", data)
        assert response.status_code == 302, response.content[:500]
        return response.url.rstrip("/").split("/")[-1]

    return write
