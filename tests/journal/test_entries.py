"""Journal entries: encrypted at rest, scoped to their owner, written, read, searched, edited and deleted."""

import logging
import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reflect.journal.models import Draft, Entry, Writing
from reflect.prompts.models import Prompt
from reflect.vault.models import Vault

from ..conftest import PASSPHRASE
from .conftest import assert_stored_nowhere_in_clear, entry_page

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_a_word_written_through_the_ui_is_nowhere_on_disk_in_the_clear(client, content, journal, write, caplog, capfd):
    """Privacy guarantee 1: the database file, its WAL, the session table and the logs."""
    caplog.set_level(logging.DEBUG)
    marker = f"zebracanary{uuid.uuid4().hex[:8]}"
    prompt = Prompt.objects.first()
    entry = write(
        f"A line with {marker} inside.",
        title=f"Title {marker}",
        distress_before="4",
        distress_after="2",
        prompt=prompt.slug,
    )
    client.post(
        "/journal/drafts/save/", {"text": f"draft {marker}", "draft_id": str(uuid.uuid4()), "draft_revision": "0"}
    )
    client.post(f"/journal/entries/{entry}/edit/", {"text": f"edited {marker}", "title": marker, "entry_revision": "1"})
    client.post("/journal/", {"q": marker})
    assert marker in entry_page(client, entry), "the entry must still read back"

    assert_stored_nowhere_in_clear(marker, capfd, caplog)


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
        older = re.search(r'<a rel="next" href="([^"]+)">Older entries</a>', first_page)[1].replace("&amp;", "&")
        assert "Entry 04" in client.get("/journal/" + older).content.decode()

    def test_list_queries_do_not_grow_with_the_number_of_entries(self, client, journal, write):
        def queries():
            with CaptureQueriesContext(connection) as captured:
                assert client.get("/journal/").status_code == 200
            return len(captured)

        write("one", prompt="not-my-fault")
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
        _vault, key, _ = Vault.create(stranger, "another long passphrase")
        entry = Entry(owner=stranger, created_at="2026-01-01T00:00:00Z", updated_at="2026-01-01T00:00:00Z")
        entry.seal(key, Writing("not yours"))
        entry.save()
        draft = Draft(owner=stranger, created_at=entry.created_at, updated_at=entry.updated_at)
        draft.seal(key, Writing("not yours either"))
        draft.save()
        return entry, draft

    def test_another_persons_ids_give_404(self, client, journal, strangers_entry):
        entry, draft = strangers_entry
        for url in (
            f"/journal/entries/{entry.pk}/",
            f"/journal/entries/{entry.pk}/edit/",
            f"/journal/entries/{entry.pk}/delete/",
        ):
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
        response = client.post(
            "/journal/unlock/",
            {
                "passphrase": PASSPHRASE,
                "next": "/journal/write/",
                "carry:text": "written just before it locked",
                "carry:title": "Late",
            },
        )
        assert response.status_code == 200
        assert 'name="text" value="written just before it locked"' in response.content.decode()
        response = client.post("/journal/write/", {"text": "written just before it locked", "title": "Late"})
        assert response.status_code == 302
        assert Entry.objects.count() == 1
