"""The import file format's limits: every file that can't be imported gets a plain message and a
400, and nothing is imported; nothing in a file can cause a 500."""

import json
import sqlite3
import uuid

import pytest
from django.db import connection

from reflect.journal import portable
from reflect.journal.models import Entry, PendingImport

from ..conftest import opened
from .conftest import upload

pytestmark = pytest.mark.django_db


def entry(**fields):
    return {
        "id": str(uuid.uuid4()),
        "created_at": "2024-03-01T09:30:00+00:00",
        "updated_at": "2024-03-01T09:30:00+00:00",
        "prompt": None,
        "title": "",
        "text": "Words from before.",
        "distress_before": None,
        "distress_after": None,
        "prompt_text": "",
        **fields,
    }


def export(*entries, **document):
    return json.dumps({"format": "reflect-journal", "version": 1, "entries": list(entries), **document}).encode()


def refused(raw):
    with pytest.raises(portable.ImportProblem) as problem:
        portable.parse_export(raw)
    message = str(problem.value)
    assert "Nothing was imported" in message
    return message


def test_a_deeply_nested_file_is_refused_plainly(client, journal):
    raw = b'{"format": "reflect-journal", "version": 1, "entries": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert "nested" in refused(raw)
    response = upload(client, raw)
    assert response.status_code == 400
    assert "nested" in response.content.decode()


def test_nesting_inside_text_is_only_text():
    parsed = portable.parse_export(export(entry(text="[" * 5000 + "{" * 5000)))
    assert parsed.entries[0]["text"].startswith("[[[")


def test_a_number_too_long_to_read_is_refused_plainly(client, journal):
    raw = b'{"format": "reflect-journal", "version": 1, "entries": [], "exported_at": ' + b"9" * 5000 + b"}"
    refused(raw)
    assert upload(client, raw).status_code == 400


@pytest.mark.parametrize(
    "moment",
    [
        "0001-01-01T00:00:00+01:00",  # overflows when turned into UTC
        "9999-12-31T23:59:59-05:00",
        "0001-01-01T00:00:00",
        "1899-12-31T23:59:59+00:00",
        "3000-01-01T00:00:00+00:00",
    ],
)
def test_dates_outside_the_range_are_refused(client, journal, moment):
    assert "1900" in refused(export(entry(created_at=moment)))
    assert "1900" in refused(export(entry(updated_at=moment)))
    response = upload(client, export(entry(created_at=moment)))
    assert response.status_code == 400
    assert not PendingImport.objects.exists()


def test_dates_at_the_edges_of_the_range_are_imported(client, journal):
    response = upload(
        client,
        export(
            entry(created_at="1900-01-01T00:00:00+00:00"),
            entry(created_at="2999-12-31T23:59:59+00:00", text="Later words."),
        ),
    )
    assert response.status_code == 200
    client.post(f"/journal/import/{PendingImport.objects.get().pk}/confirm/")
    assert sorted(e.created_at.year for e in Entry.objects.all()) == [1900, 2999]


def test_dates_with_an_offset_are_kept_as_the_same_moment():
    parsed = portable.parse_export(export(entry(created_at="2024-03-01T23:30:00-05:00")))
    assert parsed.entries[0]["created_at"] == "2024-03-02T04:30:00+00:00"


def test_more_entries_than_the_limit_are_refused():
    raw = export(*[{} for _ in range(portable.MAX_ENTRIES + 1)])
    assert f"{portable.MAX_ENTRIES:,}" in refused(raw)


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000
    assert "too big" in refused(export(entry(text="x" * 2000)))


@pytest.mark.parametrize("prompt", ["\x00", "not a slug", "a" * 51, 7, ["x"]])
def test_a_prompt_that_cannot_be_a_prompt_is_refused(prompt):
    assert "prompt" in refused(export(entry(prompt=prompt)))


def test_a_prompt_that_is_not_in_this_library_is_left_out(client, journal):
    upload(client, export(entry(prompt="a-prompt-from-a-newer-version")))
    client.post(f"/journal/import/{PendingImport.objects.get().pk}/confirm/")
    imported = Entry.objects.get()
    assert imported.legacy_prompt is None
    assert opened(imported).prompt == ""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's limit on query variables")
def test_a_big_import_never_meets_sqlites_variable_limit(client, journal):
    connection.ensure_connection()
    connection.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)  # an older SQLite's default
    try:
        response = upload(client, export(*[entry(text=f"Entry number {n}.") for n in range(1200)]))
        assert response.status_code == 200
        response = client.post(f"/journal/import/{PendingImport.objects.get().pk}/confirm/")
        assert response.status_code == 302
    finally:
        connection.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 250_000)
    assert Entry.objects.count() == 1200


def test_nesting_up_to_the_limit_is_read_and_just_past_it_is_refused():
    def nest(depth):  # lists inside the file's own object, which is the first level
        return json.loads("[" * (depth - 1) + "]" * (depth - 1))

    assert portable.parse_export(export(entry(), extra=nest(portable.MAX_DEPTH))).entries
    assert "nested" in refused(export(entry(), extra=nest(portable.MAX_DEPTH + 1)))


@pytest.mark.parametrize("version", [2, "x" * 100_000, ["1"], 10**1000, True])
def test_an_unknown_version_is_refused_without_repeating_what_the_file_holds(version):
    message = refused(export(version=version))
    assert len(message) < 200
    assert ("version 2" in message) == (version == 2)
