"""Taking a journal out and bringing it back: export, print, import, delete everything, and the
page that says what we store."""

import json
import re
import uuid

import pytest
from django.conf import settings as django_settings

from reflect.journal.models import Draft, Entry
from reflect.vault.models import Throttle, Vault
from reflect.vault.session import COOKIE

from ..conftest import PASSPHRASE
from .conftest import upload

pytestmark = pytest.mark.django_db


def export_document(client):
    response = client.get("/journal/export/journal.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    document = json.loads(response.getvalue())
    document.pop("exported_at")
    return document


class TestExportAndImport:
    def test_export_delete_everything_import_gives_the_same_journal(self, client, journal, write):
        write("first", title="One", distress_before="3", distress_after="1", prompt="not-my-fault")
        write("second\nwith two lines", title="")
        write("third, with ünïcödé and emoji 🌱")
        exported = export_document(client)
        raw = client.get("/journal/export/journal.json").getvalue()

        response = client.post("/journal/delete-everything/", {"confirmation": "Delete everything"})
        assert response.status_code == 302 and response.url == "/journal/setup/"
        assert not Entry.objects.exists() and not Vault.objects.exists() and not Draft.objects.exists()

        client.post("/journal/setup/", {"new_passphrase": PASSPHRASE, "new_passphrase_again": PASSPHRASE})
        response = upload(client, raw)
        assert response.status_code == 200
        assert "3 new entries will be added" in response.content.decode()
        pending = response.context["pending"]
        assert b"first" not in bytes(pending.ciphertext)
        client.post(f"/journal/import/{pending.pk}/confirm/")
        assert export_document(client) == exported

    def test_importing_twice_recognises_duplicates(self, client, journal, write):
        write("only once")
        raw = client.get("/journal/export/journal.json").getvalue()
        response = upload(client, raw)
        assert (
            "0 new entries" in response.content.decode() and "1 is already in your journal" in response.content.decode()
        )

    def test_duplicates_are_recognised_under_another_id(self, client, journal, write):
        write("same words")
        document = json.loads(client.get("/journal/export/journal.json").getvalue())
        document["entries"][0]["id"] = str(uuid.uuid4())
        response = upload(client, json.dumps(document).encode())
        assert "1 is already in your journal" in response.content.decode()

    @pytest.mark.parametrize(
        "content, message",
        [
            (b"\xff\xfe\x00not utf-8 at all \xc3\x28", "not UTF-8"),
            (b'{"format": "reflect-journal", "version": 1, "entries": [', "not valid JSON"),
            (b'{"name": "someone else\'s app", "items": []}', "isn&#x27;t a Reflect journal export"),
            (b"[1, 2, 3]", "isn&#x27;t a Reflect journal export"),
            (b'{"format": "reflect-journal", "version": 99, "entries": []}', "version 99"),
            (b'{"format": "reflect-journal", "version": 1, "entries": [{"id": "x", "text": "hi"}]}', "id or dates"),
            (
                b'{"format": "reflect-journal", "version": 1, "entries": '
                b'[{"id": "6c1b0a1e-0000-4000-8000-000000000000", '
                b'"created_at": "2026-01-01T00:00:00+00:00", "text": "hi", "distress_after": 40}]}',
                "from 0 to 10",
            ),
            (
                b'{"format": "reflect-journal", "version": 1, "entries": '
                b'[{"id": "6c1b0a1e-0000-4000-8000-000000000000", '
                b'"created_at": "2026-01-01T00:00:00+00:00", "text": "bad \\ud800 surrogate"}]}',
                "not valid text",
            ),
        ],
    )
    def test_foreign_or_broken_files_change_nothing(self, client, journal, write, content, message):
        write("untouched")
        before = list(Entry.objects.values_list("id", "ciphertext"))
        response = upload(client, content)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert list(Entry.objects.values_list("id", "ciphertext")) == before

    def test_no_file_gets_a_clear_message(self, client, journal):
        response = client.post("/journal/import/", {})
        assert response.status_code == 400
        assert "Please choose a file" in response.content.decode()

    def test_markdown_and_print_views(self, client, journal, write):
        write("markdown body", title="Markdown title", prompt="not-my-fault")
        markdown = client.get("/journal/export/journal.md")
        assert markdown["Content-Disposition"].startswith("attachment;")
        text = markdown.getvalue().decode()
        assert "## Markdown title" in text and "markdown body" in text and "> You might read this sentence" in text
        printed = client.get("/journal/print/")
        assert "no-store" in printed["Cache-Control"]
        assert "markdown body" in printed.content.decode()

    @pytest.mark.parametrize(
        "url, extension", [("/journal/export/journal.json", "json"), ("/journal/export/journal.md", "md")]
    )
    def test_downloads_have_plain_names_that_say_nothing(self, client, journal, url, extension):
        disposition = client.get(url)["Content-Disposition"]
        assert re.fullmatch(rf'attachment; filename="notes-\d{{4}}-\d{{2}}-\d{{2}}\.{extension}"', disposition), (
            disposition
        )

    def test_delete_everything_needs_the_typed_phrase(self, client, journal, write):
        write("keep me")
        response = client.post("/journal/delete-everything/", {"confirmation": "yes"})
        assert response.status_code == 400
        assert Entry.objects.count() == 1

    def test_cancelled_import_adds_nothing(self, client, journal, write):
        write("exists")
        document = json.loads(client.get("/journal/export/journal.json").getvalue())
        document["entries"][0].update(id=str(uuid.uuid4()), text="new words")
        pending = upload(client, json.dumps(document).encode()).context["pending"]
        client.post(f"/journal/import/{pending.pk}/cancel/")
        assert Entry.objects.count() == 1


def test_what_we_store_is_public_and_plain(client):
    html = client.get("/journal/what-we-store/").content.decode()
    assert "What we store" in html and "Never stored" in html


def test_what_we_store_names_every_cookie_and_how_long_things_are_kept(client):
    page = client.get("/journal/what-we-store/").content.decode()
    for cookie in (django_settings.SESSION_COOKIE_NAME, COOKIE, django_settings.CSRF_COOKIE_NAME):
        assert f"<code>{cookie}</code>" in page
    assert f"{django_settings.REFLECT_IDLE_LOCK_MINUTES} minutes" in page
    assert f"{Throttle.FORGET_AFTER.days} day" in page
