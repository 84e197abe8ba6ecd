"""What the journal's tests share: reading an entry's page, sending a file to import, and looking
for a word in every file the database keeps (privacy guarantee 1)."""

import os
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection


def entry_page(client, pk):
    return client.get(f"/journal/entries/{pk}/").content.decode()


def upload(client, content, name="journal.json"):
    return client.post("/journal/import/", {"file": SimpleUploadedFile(name, content, "application/json")})


def database_files():
    """Every file the database keeps our data in: SQLite's file and WAL, or PostgreSQL's data folder."""
    if connection.vendor == "sqlite":
        database = Path(connection.settings_dict["NAME"])
        return list(database.parent.glob(database.name + "*"))
    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        folder = Path(cursor.fetchone()[0])
    if not os.access(folder, os.R_OK):
        pytest.skip(f"cannot read PostgreSQL's data folder {folder} as this user")
    return [path for path in folder.rglob("*") if path.is_file() and os.access(path, os.R_OK)]


def assert_stored_nowhere_in_clear(marker, capfd, caplog):
    """`marker` is in no database file (nor the WAL, before and after it is folded in), no session, no log."""

    def assert_marker_absent_from_files():
        files = database_files()
        for path in files:
            raw = path.read_bytes()
            for form in (marker.encode("utf-8"), marker.encode("utf-16-le")):
                assert form not in raw, f"{marker} found in {path}"
        return files

    if connection.vendor == "sqlite":
        # While the connection is open, recent writes sit in the WAL; closing folds them into the file.
        assert any(path.name.endswith("-wal") for path in assert_marker_absent_from_files())
        connection.close()
    else:
        assert any("pg_wal" in path.parts for path in assert_marker_absent_from_files())
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    assert_marker_absent_from_files()
    for stored in Session.objects.all():
        assert marker not in stored.session_data and marker not in str(stored.get_decoded())
    captured = capfd.readouterr()
    assert marker not in caplog.text + captured.out + captured.err


@pytest.fixture
def many_entries(journal):
    """Adds `count` entries straight to the database, sealed as the write view seals them, a day
    apart and newest last, titled "Entry 0000", "Entry 0001"...; every third answers a library
    prompt. Far quicker than writing each through the view; returns their ids, oldest first."""
    from datetime import timedelta

    from django.utils import timezone

    from reflect.journal.models import Entry, Writing
    from reflect.vault.models import Vault

    from ..conftest import PASSPHRASE

    key = Vault.objects.get().open_with_passphrase(PASSPHRASE)
    owner = Vault.objects.get().owner
    made = 0

    def add(count, text="Some words about the day."):
        nonlocal made
        start = timezone.now() - timedelta(days=10_000)
        batch = []
        for number in range(made, made + count):
            moment = start + timedelta(days=number)
            entry = Entry(owner=owner, created_at=moment, updated_at=moment)
            prompt = "not-my-fault" if number % 3 == 0 else ""
            entry.seal(key, Writing(f"{text} {number}", f"Entry {number:04d}", 3, 2, prompt=prompt))
            batch.append(entry)
        made += count
        Entry.objects.bulk_create(batch, batch_size=500)
        return [entry.pk for entry in batch]

    return add
