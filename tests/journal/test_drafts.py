"""Drafts: autosave keeps what is being written, two tabs never lose the newer text, and leaving
in a hurry (quick exit, the idle lock) always locks and keeps what was typed (privacy guarantee 3,
server side)."""

import uuid
import zlib

import pytest
from django.test import Client

from reflect.journal.models import Draft
from reflect.safety.shell import COUNTRY_COOKIE
from reflect.vault.models import Vault

from ..conftest import PASSPHRASE, at_once
from .conftest import entry_page

pytestmark = pytest.mark.django_db

LEAVE_WITH_DRAFT = "/journal/drafts/save-and-leave/"
LOCK_WITH_DRAFT = "/journal/drafts/save-and-lock/"
FROM_OUR_PAGE = {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "null"}


def is_locked(client):
    response = client.get("/journal/")
    return response.status_code == 302 and response.url.startswith("/journal/unlock/")


def drafts():
    key = Vault.objects.get().open_with_passphrase(PASSPHRASE)
    return {draft.id: draft.open(key) for draft in Draft.objects.all()}


def with_a_stale_token(client):
    """A browser whose form token went stale: the journal was locked and unlocked in another tab."""
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    page = strict.get("/journal/write/")
    stale = page.context["csrf_token"]
    strict.post("/journal/lock/")
    strict.post(
        "/journal/unlock/", {"passphrase": PASSPHRASE, "csrfmiddlewaretoken": strict.cookies["csrftoken"].value}
    )
    assert not is_locked(strict)
    return strict, stale


class TestDrafts:
    def autosave(self, client, draft_id, revision, text, **extra):
        return client.post(
            "/journal/drafts/save/",
            {"text": text, "draft_id": str(draft_id), "draft_revision": str(revision), **extra},
            HTTP_HX_REQUEST="true",
        )

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


class TestLeavingFromTheWritingPage:
    @pytest.mark.parametrize(
        "fields",
        [
            {},
            {"distress_before": "6"},
            {"text": "", "title": "", "draft_id": str(uuid.uuid4()), "draft_revision": "0"},
            {"draft_id": "not a uuid", "draft_revision": "9" * 5000, "entry": "x", "distress_after": "eleven"},
        ],
        ids=["nothing sent", "only a rating", "an empty form", "nonsense"],
    )
    def test_it_locks_whatever_the_draft_holds(self, client, journal, fields):
        response = client.post(LEAVE_WITH_DRAFT, fields, **FROM_OUR_PAGE)
        assert response.status_code == 204
        assert is_locked(client)
        assert not Draft.objects.exists()

    def test_typed_words_are_kept_and_the_journal_locked(self, client, journal):
        draft_id = uuid.uuid4()
        client.post(
            LEAVE_WITH_DRAFT,
            {
                "text": "words on the way out",
                "title": "",
                "draft_id": str(draft_id),
                "draft_revision": "0",
                "distress_before": "4",
            },
            **FROM_OUR_PAGE,
        )
        assert is_locked(client)
        assert drafts()[draft_id].text == "words on the way out"
        assert drafts()[draft_id].distress_before == 4

    def test_a_stale_form_token_neither_stops_the_lock_nor_loses_the_draft(self, client, journal):
        strict, stale = with_a_stale_token(client)
        response = strict.post(
            LEAVE_WITH_DRAFT,
            {
                "csrfmiddlewaretoken": stale,
                "text": "typed in the old tab",
                "draft_id": str(uuid.uuid4()),
                "draft_revision": "0",
            },
            **FROM_OUR_PAGE,
        )
        assert response.status_code == 204
        assert is_locked(strict)
        assert [writing.text for writing in drafts().values()] == ["typed in the old tab"]

    def test_a_request_from_another_site_only_locks(self, client, journal):
        response = client.post(
            LEAVE_WITH_DRAFT,
            {"text": "planted by another site", "draft_id": str(uuid.uuid4()), "draft_revision": "0"},
            HTTP_SEC_FETCH_SITE="cross-site",
            HTTP_ORIGIN="https://elsewhere.example",
        )
        assert response.status_code == 204
        assert is_locked(client)
        assert not Draft.objects.exists()

    def test_the_idle_lock_keeps_the_draft_and_the_visit(self, client, journal):
        client.cookies[COUNTRY_COOKIE] = "GB"
        response = client.post(
            LOCK_WITH_DRAFT,
            {"text": "typed before the pause", "draft_id": str(uuid.uuid4()), "draft_revision": "0"},
            **FROM_OUR_PAGE,
        )
        assert response.status_code == 204
        assert is_locked(client)
        assert [writing.text for writing in drafts().values()] == ["typed before the pause"]
        assert "Clear-Site-Data" not in response and COUNTRY_COOKIE not in response.cookies

    def test_leaving_when_already_locked_is_still_fine(self, client, journal):
        client.post("/journal/lock/")
        assert client.post(LEAVE_WITH_DRAFT, {"text": "too late"}, **FROM_OUR_PAGE).status_code == 204
        assert not Draft.objects.exists()


class TestAutosaveWithoutAFormToken:
    def test_a_stale_token_still_saves(self, client, journal):
        strict, stale = with_a_stale_token(client)
        response = strict.post(
            "/journal/drafts/save/",
            {
                "csrfmiddlewaretoken": stale,
                "text": "still typing",
                "draft_id": str(uuid.uuid4()),
                "draft_revision": "0",
            },
            HTTP_HX_REQUEST="true",
            **FROM_OUR_PAGE,
        )
        assert response.status_code == 200
        assert [writing.text for writing in drafts().values()] == ["still typing"]

    @pytest.mark.parametrize(
        "headers",
        [
            {"HTTP_SEC_FETCH_SITE": "cross-site"},
            {"HTTP_SEC_FETCH_SITE": "same-site"},
            {"HTTP_ORIGIN": "https://elsewhere.example"},
            {"HTTP_ORIGIN": "null"},
        ],
    )
    def test_other_sites_are_refused(self, client, journal, headers):
        response = client.post(
            "/journal/drafts/save/",
            {"text": "planted", "draft_id": str(uuid.uuid4()), "draft_revision": "0"},
            **headers,
        )
        assert response.status_code == 403
        assert not Draft.objects.exists()

    def test_line_breaks_are_kept_as_typed_once(self, client, journal):
        client.post(
            "/journal/drafts/save/",
            {"text": "one\r\ntwo\rthree\n", "draft_id": str(uuid.uuid4()), "draft_revision": "0"},
        )
        assert [writing.text for writing in drafts().values()] == ["one\ntwo\nthree\n"]


def splice(saved, start, end, middle):
    return {
        "splice_start": str(start),
        "splice_end": str(end),
        "splice_text": middle,
        "splice_base_length": str(len(saved)),
        "splice_base_checksum": str(zlib.crc32(saved.encode("utf-16-le"))),
    }


class TestLongDraftsSentAsASplice:
    """A request sent as a page closes carries at most 64 KiB; a long draft sends only its change."""

    LONG = "Seventy thousand characters, one calm sentence after another." * 1130  # 70,060

    def test_words_added_to_a_long_draft_make_it_whole(self, client, journal):
        draft_id = uuid.uuid4()
        client.post("/journal/drafts/save/", {"text": self.LONG, "draft_id": str(draft_id), "draft_revision": "0"})
        client.post(
            LEAVE_WITH_DRAFT,
            {
                "draft_id": str(draft_id),
                "draft_revision": "1",
                **splice(self.LONG, len(self.LONG), 0, " And the last few words."),
            },
            **FROM_OUR_PAGE,
        )
        assert is_locked(client)
        assert drafts()[draft_id].text == self.LONG + " And the last few words."

    def test_a_change_in_the_middle_with_characters_beyond_the_basic_plane(self, client, journal):
        saved = "🌱 start " + self.LONG + " end 🌻"
        draft_id = uuid.uuid4()
        client.post("/journal/drafts/save/", {"text": saved, "draft_id": str(draft_id), "draft_revision": "0"})
        client.post(
            "/journal/drafts/save/",
            {"draft_id": str(draft_id), "draft_revision": "1", **splice(saved, 8, len(saved) - 8, "🌿 middle ")},
            **FROM_OUR_PAGE,
        )
        assert drafts()[draft_id].text == saved[:8] + "🌿 middle " + saved[8:]

    def test_a_splice_of_an_entry_being_edited_before_any_draft(self, client, journal, write):
        pk = write(self.LONG)
        client.post(
            LEAVE_WITH_DRAFT,
            {
                "entry": pk,
                "entry_revision": "1",
                "draft_id": str(uuid.uuid4()),
                "draft_revision": "0",
                **splice(self.LONG, 0, len(self.LONG), "Before all: "),
            },
            **FROM_OUR_PAGE,
        )
        [kept] = Draft.objects.all()
        assert str(kept.entry_id) == pk
        assert drafts()[kept.id].text == "Before all: " + self.LONG

    def test_a_splice_that_no_longer_fits_keeps_its_words_apart(self, client, journal):
        draft_id = uuid.uuid4()
        client.post("/journal/drafts/save/", {"text": self.LONG, "draft_id": str(draft_id), "draft_revision": "0"})
        stale = "An older text the page thought was saved. " * 10
        client.post(
            LEAVE_WITH_DRAFT,
            {"draft_id": str(draft_id), "draft_revision": "1", **splice(stale, len(stale), 0, "the newest words")},
            **FROM_OUR_PAGE,
        )
        kept = drafts()
        assert kept[draft_id].text == self.LONG, "a splice is never forced onto other text"
        assert sorted(writing.text for writing in kept.values()) == sorted([self.LONG, "the newest words"])


@pytest.mark.django_db(transaction=True)
def test_the_first_save_and_the_save_on_the_way_out_arriving_together_lose_nothing(content, client, journal):
    """Autosave and the quick exit's save both carry a draft id that is not in the database yet."""
    for round_number in range(8):
        draft_id = str(uuid.uuid4())

        def save(wait, path, text, draft_id=draft_id):
            browser = Client()
            browser.cookies = client.cookies
            wait()
            data = {"draft_id": draft_id, "draft_revision": "0", "text": text, "title": ""}
            return browser.post(path, data, **FROM_OUR_PAGE, HTTP_HX_REQUEST="true").status_code

        first, last = f"round {round_number}, typed so far", f"round {round_number}, typed so far and more"
        statuses = at_once(save, [("/journal/drafts/save/", first), ("/journal/drafts/save/", last)])
        assert statuses == [200, 200], statuses
        assert last in {writing.text for writing in drafts().values()}
