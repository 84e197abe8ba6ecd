"""Journal entries: encrypted at rest, scoped to their owner, autosaved, exported and imported."""

import json
import logging
import os
import re
import uuid
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reflect.journal.models import Draft, Entry, Writing
from reflect.prompts.models import Prompt
from reflect.vault.models import Vault

from .conftest import PASSPHRASE

pytestmark = pytest.mark.django_db


def entry_page(client, pk):
    return client.get(f"/journal/entries/{pk}/").content.decode()


def export_document(client):
    response = client.get("/journal/export/journal.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    document = json.loads(response.content)
    document.pop("exported_at")
    return document


def upload(client, content, name="journal.json"):
    return client.post("/journal/import/", {"file": SimpleUploadedFile(name, content, "application/json")})


@pytest.mark.django_db(transaction=True)
def test_a_word_written_through_the_ui_is_nowhere_on_disk_in_the_clear(client, content, journal, write, caplog, capfd):
    """Privacy guarantee 1: the database file, its WAL, the session table and the logs."""
    caplog.set_level(logging.DEBUG)
    marker = f"zebracanary{uuid.uuid4().hex[:8]}"
    prompt = Prompt.objects.first()
    entry = write(f"A line with {marker} inside.", title=f"Title {marker}", distress_before="4", distress_after="2",
                  prompt=prompt.slug)
    client.post("/journal/drafts/save/", {"text": f"draft {marker}", "draft_id": str(uuid.uuid4()), "draft_revision": "0"})
    client.post(f"/journal/entries/{entry}/edit/", {"text": f"edited {marker}", "title": marker, "entry_revision": "1"})
    client.post("/journal/", {"q": marker})
    assert marker in entry_page(client, entry), "the entry must still read back"

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


def test_entry_text_is_stored_only_as_ciphertext(client, journal, write):
    pk = write("plain words here", title="A title")
    entry = Entry.objects.get(pk=pk)
    assert b"plain words" not in bytes(entry.ciphertext) and b"A title" not in bytes(entry.ciphertext)
    html = entry_page(client, pk)
    assert "plain words here" in html and "A title" in html


def test_one_damaged_entry_does_not_hide_the_others(client, journal, write):
    damaged = write("this one will be damaged")
    fine = write("this one is fine")
    entry = Entry.objects.get(pk=damaged)
    flipped = bytearray(entry.ciphertext)
    flipped[20] ^= 0x01
    Entry.objects.filter(pk=damaged).update(ciphertext=bytes(flipped))
    response = client.get(f"/journal/entries/{damaged}/")
    assert response.status_code == 200
    assert "This entry can't be opened" in response.content.decode()
    assert "this one is fine" in entry_page(client, fine)
    listing = client.get("/journal/").content.decode()
    assert "An entry that can't be opened" in listing
    assert "this one is fine" in listing


def test_a_ciphertext_copied_onto_another_entry_does_not_open(client, journal, write):
    first, second = write("first secret"), write("second secret")
    Entry.objects.filter(pk=second).update(ciphertext=Entry.objects.get(pk=first).ciphertext)
    assert "first secret" not in entry_page(client, second)


class TestWritingAndReading:
    def test_writing_from_a_prompt_shows_the_prompt_above_the_box(self, client, journal):
        prompt = Prompt.objects.get(slug="not-my-fault")
        html = client.get(f"/journal/write/?prompt={prompt.slug}").content.decode()
        assert html.index("Being hurt is not my fault") < html.index("<textarea")

    def test_an_unknown_prompt_gives_404(self, client, journal):
        assert client.get("/journal/write/?prompt=no-such-prompt").status_code == 404

    def test_list_is_newest_first_and_paginated(self, client, journal, write):
        for number in range(25):
            write(f"entry number {number}", title=f"Entry {number:02d}")
        first_page = client.get("/journal/").content.decode()
        assert first_page.index("Entry 24") < first_page.index("Entry 23")
        assert "Entry 04" not in first_page
        assert "Entry 04" in client.get("/journal/?page=2").content.decode()

    def test_list_queries_do_not_grow_with_the_number_of_entries(self, client, journal, write):
        def queries():
            with CaptureQueriesContext(connection) as captured:
                assert client.get("/journal/").status_code == 200
            return len(captured)
        write("one")
        few = queries()
        for number in range(30):
            write(f"more {number}", prompt="not-my-fault")
        assert queries() == few

    def test_filter_by_dynamic(self, client, journal, write):
        write("about shame", prompt="not-my-fault", title="Shame entry")
        write("free writing", title="Free entry")
        html = client.get("/journal/?dynamic=shame-and-self-worth").content.decode()
        assert "Shame entry" in html and "Free entry" not in html
        response = client.get("/journal/?dynamic=nonsense")
        assert response.status_code == 400 and "Free entry" in response.content.decode()

    def test_search_finds_words_inside_the_encrypted_text(self, client, journal, write):
        write("I went to the lighthouse today", title="Walk")
        write("Nothing much", title="Quiet")
        response = client.post("/journal/", {"q": "LIGHTHOUSE"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "Walk" in html and "Quiet" not in html
        assert "1 entry found" in html

    def test_search_is_not_put_in_the_address(self, client, journal):
        html = client.get("/journal/").content.decode()
        assert 'method="post" class="search-form"' in html

    def test_high_distress_after_writing_offers_grounding_gently(self, client, journal, write):
        calm = write("calm", distress_after="2")
        upset = write("hard", distress_after="9")
        assert "Be gentle with yourself" not in entry_page(client, calm)
        assert "Be gentle with yourself" in entry_page(client, upset)

    def test_edit_and_delete_with_confirmation(self, client, journal, write):
        pk = write("first version")
        response = client.post(f"/journal/entries/{pk}/edit/", {"text": "second version", "entry_revision": "1"})
        assert response.status_code == 302
        assert "second version" in entry_page(client, pk)
        assert "Delete this entry?" in client.get(f"/journal/entries/{pk}/delete/").content.decode()
        assert Entry.objects.filter(pk=pk).exists(), "asking is not deleting"
        client.post(f"/journal/entries/{pk}/delete/")
        assert not Entry.objects.filter(pk=pk).exists()

    def test_writing_works_without_javascript_as_a_plain_form(self, client, journal):
        html = client.get("/journal/write/").content.decode()
        assert 'method="post" id="entry-form"' in html and 'action="/journal/write/"' in html
        assert 'type="submit"' in html


class TestOwnership:
    @pytest.fixture
    def strangers_entry(self):
        stranger = get_user_model().objects.create(username="stranger")
        vault, key, _ = Vault.create(stranger, "another long passphrase")
        entry = Entry(owner=stranger, created_at="2026-01-01T00:00:00Z", updated_at="2026-01-01T00:00:00Z")
        entry.seal(key, Writing("not yours"))
        entry.save()
        draft = Draft(owner=stranger, created_at=entry.created_at, updated_at=entry.updated_at)
        draft.seal(key, Writing("not yours either"))
        draft.save()
        return entry, draft

    def test_another_persons_ids_give_404(self, client, journal, strangers_entry):
        entry, draft = strangers_entry
        for url in (f"/journal/entries/{entry.pk}/", f"/journal/entries/{entry.pk}/edit/", f"/journal/entries/{entry.pk}/delete/"):
            assert client.get(url).status_code == 404, url
        assert client.post(f"/journal/entries/{entry.pk}/delete/").status_code == 404
        assert client.post(f"/journal/drafts/{draft.pk}/discard/").status_code == 404
        assert Entry.objects.filter(pk=entry.pk).exists() and Draft.objects.filter(pk=draft.pk).exists()

    def test_autosave_cannot_write_into_another_persons_draft(self, client, journal, strangers_entry):
        _, draft = strangers_entry
        before = bytes(draft.ciphertext)
        client.post("/journal/drafts/save/", {"text": "mine", "draft_id": str(draft.pk), "draft_revision": "1"})
        draft.refresh_from_db()
        assert bytes(draft.ciphertext) == before
        assert Draft.objects.filter(owner__username="personal").count() == 1


class TestDrafts:
    def autosave(self, client, draft_id, revision, text, **extra):
        return client.post("/journal/drafts/save/", {"text": text, "draft_id": str(draft_id), "draft_revision": str(revision), **extra},
                           HTTP_HX_REQUEST="true")

    def test_autosave_keeps_an_encrypted_draft_and_offers_it_back(self, client, journal):
        draft_id = uuid.uuid4()
        response = self.autosave(client, draft_id, 0, "half a thought", prompt="not-my-fault")
        assert response.status_code == 200
        assert "Draft saved at" in response.content.decode()
        assert 'value="1"' in response.content.decode(), "the page learns the new revision"
        draft = Draft.objects.get(pk=draft_id)
        assert b"half a thought" not in bytes(draft.ciphertext)
        html = client.get("/journal/write/?prompt=not-my-fault").content.decode()
        assert "You have an unsaved draft here" in html
        html = client.get(f"/journal/write/?draft={draft_id}").content.decode()
        assert "half a thought" in html

    def test_a_damaged_draft_opens_as_an_empty_page_not_an_error(self, client, journal):
        draft_id = uuid.uuid4()
        self.autosave(client, draft_id, 0, "soon damaged")
        Draft.objects.filter(pk=draft_id).update(ciphertext=b"x" * 40)
        response = client.get(f"/journal/write/?draft={draft_id}")
        assert response.status_code == 200
        assert "That draft can&#x27;t be opened" in response.content.decode()

    def test_saving_the_entry_clears_its_draft(self, client, journal, write):
        draft_id = uuid.uuid4()
        self.autosave(client, draft_id, 0, "almost done")
        write("almost done, now finished", draft_id=str(draft_id))
        assert not Draft.objects.exists()

    def test_empty_autosave_makes_no_draft(self, client, journal):
        self.autosave(client, uuid.uuid4(), 0, "   ")
        assert not Draft.objects.exists()

    def test_two_tabs_never_lose_the_newer_text(self, client, journal):
        draft_id = uuid.uuid4()
        self.autosave(client, draft_id, 0, "opened in both tabs")
        # Both tabs now hold revision 1. Tab A saves newer text first...
        self.autosave(client, draft_id, 1, "tab A: the newer text")
        # ...then tab B, which still thinks it is at revision 1, saves too.
        response = self.autosave(client, draft_id, 1, "tab B: its own text")
        assert "kept both versions" in response.content.decode()
        key = Vault.objects.get().open_with_passphrase(PASSPHRASE)
        texts = {draft.open(key).text for draft in Draft.objects.all()}
        assert texts == {"tab A: the newer text", "tab B: its own text"}

    def test_a_draft_never_silently_overwrites_a_newer_saved_entry(self, client, journal, write):
        pk = write("version one")
        # Tab 1 opened the entry at revision 1; tab 2 saves a change first.
        client.post(f"/journal/entries/{pk}/edit/", {"text": "version two from tab 2", "entry_revision": "1"})
        response = client.post(f"/journal/entries/{pk}/edit/", {"text": "tab 1 words", "entry_revision": "1"})
        assert response.status_code == 409
        html = response.content.decode()
        assert "tab 1 words" in html and "version two from tab 2" in html
        assert "version two from tab 2" in entry_page(client, pk)
        key = Vault.objects.get().open_with_passphrase(PASSPHRASE)
        assert Draft.objects.get(entry_id=pk).open(key).text == "tab 1 words"
        # Saving again from the conflict page is a knowing choice.
        response = client.post(f"/journal/entries/{pk}/edit/", {"text": "tab 1 words", "entry_revision": "2"})
        assert response.status_code == 302
        assert "tab 1 words" in entry_page(client, pk)

    def test_a_locked_autosave_says_so_and_saves_nothing(self, client, journal):
        client.post("/journal/lock/")
        response = self.autosave(client, uuid.uuid4(), 0, "typed after locking")
        assert response.status_code == 403
        assert not Draft.objects.exists()


class TestBadInput:
    def test_empty_text_gets_a_clear_message(self, client, journal):
        response = client.post("/journal/write/", {"text": "  ", "title": "Only a title"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "There is nothing to save yet" in html and "Only a title" in html

    def test_a_megabyte_of_text_is_refused_but_kept_on_the_page(self, client, journal):
        text = "word " * 200_000
        response = client.post("/journal/write/", {"text": text})
        assert response.status_code == 400
        html = response.content.decode()
        assert "longer than one entry can hold" in html
        assert text.strip() in html
        assert not Entry.objects.exists()

    def test_control_characters_are_taken_out_and_the_text_kept(self, client, journal):
        response = client.post("/journal/write/", {"text": "before\x00after\x07 end", "title": "t\x1bitle"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "invisible control characters" in html
        assert "beforeafter end" in html and 'value="title"' in html
        assert "\x00" not in html

    def test_a_missing_csrf_token_is_refused_and_nothing_is_lost(self, journal, client, write):
        write("already safe")
        other = Client(enforce_csrf_checks=True)
        other.cookies = client.cookies
        response = other.post("/journal/write/", {"text": "no token"})
        assert response.status_code == 403
        assert "That form had expired" in response.content.decode()
        assert Entry.objects.count() == 1
        key = Vault.objects.get().open_with_passphrase(PASSPHRASE)
        assert Entry.objects.get().open(key).text == "already safe"

    def test_out_of_range_ratings_are_refused(self, client, journal):
        response = client.post("/journal/write/", {"text": "hello", "distress_before": "11"})
        assert response.status_code == 400
        assert not Entry.objects.exists()

    def test_a_locked_save_keeps_the_words_through_unlocking(self, client, journal):
        client.post("/journal/lock/")
        response = client.post("/journal/write/", {"text": "written just before it locked", "title": "Late"})
        assert response.status_code == 403
        html = response.content.decode()
        assert 'name="carry:text" value="written just before it locked"' in html
        response = client.post("/journal/unlock/", {
            "passphrase": PASSPHRASE, "next": "/journal/write/",
            "carry:text": "written just before it locked", "carry:title": "Late",
        })
        assert response.status_code == 200
        assert 'name="text" value="written just before it locked"' in response.content.decode()
        response = client.post("/journal/write/", {"text": "written just before it locked", "title": "Late"})
        assert response.status_code == 302
        assert Entry.objects.count() == 1


class TestExportAndImport:
    def test_export_delete_everything_import_gives_the_same_journal(self, client, journal, write):
        write("first", title="One", distress_before="3", distress_after="1", prompt="not-my-fault")
        write("second\nwith two lines", title="")
        write("third, with ünïcödé and emoji 🌱")
        exported = export_document(client)
        raw = client.get("/journal/export/journal.json").content

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
        raw = client.get("/journal/export/journal.json").content
        response = upload(client, raw)
        assert "0 new entries" in response.content.decode() and "1 is already in your journal" in response.content.decode()

    def test_duplicates_are_recognised_under_another_id(self, client, journal, write):
        write("same words")
        document = json.loads(client.get("/journal/export/journal.json").content)
        document["entries"][0]["id"] = str(uuid.uuid4())
        response = upload(client, json.dumps(document).encode())
        assert "1 is already in your journal" in response.content.decode()

    @pytest.mark.parametrize("content, message", [
        (b"\xff\xfe\x00not utf-8 at all \xc3\x28", "not UTF-8"),
        (b'{"format": "reflect-journal", "version": 1, "entries": [', "not valid JSON"),
        (b'{"name": "someone else\'s app", "items": []}', "isn&#x27;t a Reflect journal export"),
        (b'[1, 2, 3]', "isn&#x27;t a Reflect journal export"),
        (b'{"format": "reflect-journal", "version": 99, "entries": []}', "version 99"),
        (b'{"format": "reflect-journal", "version": 1, "entries": [{"id": "x", "text": "hi"}]}', "id or dates"),
        (b'{"format": "reflect-journal", "version": 1, "entries": [{"id": "6c1b0a1e-0000-4000-8000-000000000000", '
         b'"created_at": "2026-01-01T00:00:00+00:00", "text": "hi", "distress_after": 40}]}', "from 0 to 10"),
        (b'{"format": "reflect-journal", "version": 1, "entries": [{"id": "6c1b0a1e-0000-4000-8000-000000000000", '
         b'"created_at": "2026-01-01T00:00:00+00:00", "text": "bad \\ud800 surrogate"}]}', "not valid text"),
    ])
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
        text = markdown.content.decode()
        assert "## Markdown title" in text and "markdown body" in text and "> You might read this sentence" in text
        printed = client.get("/journal/print/")
        assert "no-store" in printed["Cache-Control"]
        assert "markdown body" in printed.content.decode()

    @pytest.mark.parametrize("url, extension", [("/journal/export/journal.json", "json"), ("/journal/export/journal.md", "md")])
    def test_downloads_have_plain_names_that_say_nothing(self, client, journal, url, extension):
        disposition = client.get(url)["Content-Disposition"]
        assert re.fullmatch(rf'attachment; filename="notes-\d{{4}}-\d{{2}}-\d{{2}}\.{extension}"', disposition), disposition

    def test_delete_everything_needs_the_typed_phrase(self, client, journal, write):
        write("keep me")
        response = client.post("/journal/delete-everything/", {"confirmation": "yes"})
        assert response.status_code == 400
        assert Entry.objects.count() == 1

    def test_cancelled_import_adds_nothing(self, client, journal, write):
        write("exists")
        document = json.loads(client.get("/journal/export/journal.json").content)
        document["entries"][0].update(id=str(uuid.uuid4()), text="new words")
        pending = upload(client, json.dumps(document).encode()).context["pending"]
        client.post(f"/journal/import/{pending.pk}/cancel/")
        assert Entry.objects.count() == 1


def test_what_we_store_is_public_and_plain(client):
    html = client.get("/journal/what-we-store/").content.decode()
    assert "What we store" in html and "Never stored" in html
