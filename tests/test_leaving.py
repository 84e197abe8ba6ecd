"""Leaving in a hurry: quick exit and the idle lock always lock, keep what was typed, and leave
as little behind in the browser as they can (privacy guarantee 3, server side)."""

import uuid
import zlib

import pytest
from django.conf import settings
from django.test import Client

from reflect.journal.models import Draft
from reflect.safety.shell import COUNTRY_COOKIE, DISPLAY_COOKIE, TIP_COOKIE
from reflect.vault.models import Vault

from .conftest import PASSPHRASE

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
    strict.post("/journal/unlock/", {"passphrase": PASSPHRASE, "csrfmiddlewaretoken": strict.cookies["csrftoken"].value})
    assert not is_locked(strict)
    return strict, stale


class TestLeavingFromTheWritingPage:
    @pytest.mark.parametrize("fields", [
        {},
        {"distress_before": "6"},
        {"text": "", "title": "", "draft_id": str(uuid.uuid4()), "draft_revision": "0"},
        {"draft_id": "not a uuid", "draft_revision": "9" * 5000, "entry": "x", "distress_after": "eleven"},
    ], ids=["nothing sent", "only a rating", "an empty form", "nonsense"])
    def test_it_locks_whatever_the_draft_holds(self, client, journal, fields):
        response = client.post(LEAVE_WITH_DRAFT, fields, **FROM_OUR_PAGE)
        assert response.status_code == 204
        assert is_locked(client)
        assert not Draft.objects.exists()

    def test_typed_words_are_kept_and_the_journal_locked(self, client, journal):
        draft_id = uuid.uuid4()
        client.post(LEAVE_WITH_DRAFT, {"text": "words on the way out", "title": "", "draft_id": str(draft_id),
                                       "draft_revision": "0", "distress_before": "4"}, **FROM_OUR_PAGE)
        assert is_locked(client)
        assert drafts()[draft_id].text == "words on the way out"
        assert drafts()[draft_id].distress_before == 4

    def test_a_stale_form_token_neither_stops_the_lock_nor_loses_the_draft(self, client, journal):
        strict, stale = with_a_stale_token(client)
        response = strict.post(LEAVE_WITH_DRAFT, {"csrfmiddlewaretoken": stale, "text": "typed in the old tab",
                                                  "draft_id": str(uuid.uuid4()), "draft_revision": "0"}, **FROM_OUR_PAGE)
        assert response.status_code == 204
        assert is_locked(strict)
        assert [writing.text for writing in drafts().values()] == ["typed in the old tab"]

    def test_a_request_from_another_site_only_locks(self, client, journal):
        response = client.post(LEAVE_WITH_DRAFT, {"text": "planted by another site", "draft_id": str(uuid.uuid4()),
                                                  "draft_revision": "0"},
                               HTTP_SEC_FETCH_SITE="cross-site", HTTP_ORIGIN="https://elsewhere.example")
        assert response.status_code == 204
        assert is_locked(client)
        assert not Draft.objects.exists()

    def test_the_idle_lock_keeps_the_draft_and_the_visit(self, client, journal):
        client.cookies[COUNTRY_COOKIE] = "GB"
        response = client.post(LOCK_WITH_DRAFT, {"text": "typed before the pause", "draft_id": str(uuid.uuid4()),
                                                 "draft_revision": "0"}, **FROM_OUR_PAGE)
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
        response = strict.post("/journal/drafts/save/", {"csrfmiddlewaretoken": stale, "text": "still typing",
                                                         "draft_id": str(uuid.uuid4()), "draft_revision": "0"},
                               HTTP_HX_REQUEST="true", **FROM_OUR_PAGE)
        assert response.status_code == 200
        assert [writing.text for writing in drafts().values()] == ["still typing"]

    @pytest.mark.parametrize("headers", [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "https://elsewhere.example"},
        {"HTTP_ORIGIN": "null"},
    ])
    def test_other_sites_are_refused(self, client, journal, headers):
        response = client.post("/journal/drafts/save/", {"text": "planted", "draft_id": str(uuid.uuid4()),
                                                         "draft_revision": "0"}, **headers)
        assert response.status_code == 403
        assert not Draft.objects.exists()

    def test_line_breaks_are_kept_as_typed_once(self, client, journal):
        client.post("/journal/drafts/save/", {"text": "one\r\ntwo\rthree\n", "draft_id": str(uuid.uuid4()),
                                              "draft_revision": "0"})
        assert [writing.text for writing in drafts().values()] == ["one\ntwo\nthree\n"]


def splice(saved, start, end, middle):
    return {"splice_start": str(start), "splice_end": str(end), "splice_text": middle,
            "splice_base_length": str(len(saved)), "splice_base_checksum": str(zlib.crc32(saved.encode("utf-16-le")))}


class TestLongDraftsSentAsASplice:
    """A request sent as a page closes carries at most 64 KiB; a long draft sends only its change."""

    LONG = "Seventy thousand characters, one calm sentence after another." * 1130  # 70,060

    def test_words_added_to_a_long_draft_make_it_whole(self, client, journal):
        draft_id = uuid.uuid4()
        client.post("/journal/drafts/save/", {"text": self.LONG, "draft_id": str(draft_id), "draft_revision": "0"})
        client.post(LEAVE_WITH_DRAFT, {"draft_id": str(draft_id), "draft_revision": "1",
                                       **splice(self.LONG, len(self.LONG), 0, " And the last few words.")},
                    **FROM_OUR_PAGE)
        assert is_locked(client)
        assert drafts()[draft_id].text == self.LONG + " And the last few words."

    def test_a_change_in_the_middle_with_characters_beyond_the_basic_plane(self, client, journal):
        saved = "🌱 start " + self.LONG + " end 🌻"
        draft_id = uuid.uuid4()
        client.post("/journal/drafts/save/", {"text": saved, "draft_id": str(draft_id), "draft_revision": "0"})
        client.post("/journal/drafts/save/", {"draft_id": str(draft_id), "draft_revision": "1",
                                              **splice(saved, 8, len(saved) - 8, "🌿 middle ")}, **FROM_OUR_PAGE)
        assert drafts()[draft_id].text == saved[:8] + "🌿 middle " + saved[8:]

    def test_a_splice_of_an_entry_being_edited_before_any_draft(self, client, journal, write):
        pk = write(self.LONG)
        client.post(LEAVE_WITH_DRAFT, {"entry": pk, "entry_revision": "1", "draft_id": str(uuid.uuid4()),
                                       "draft_revision": "0", **splice(self.LONG, 0, len(self.LONG), "Before all: ")},
                    **FROM_OUR_PAGE)
        [kept] = Draft.objects.all()
        assert str(kept.entry_id) == pk
        assert drafts()[kept.id].text == "Before all: " + self.LONG

    def test_a_splice_that_no_longer_fits_keeps_its_words_apart(self, client, journal):
        draft_id = uuid.uuid4()
        client.post("/journal/drafts/save/", {"text": self.LONG, "draft_id": str(draft_id), "draft_revision": "0"})
        stale = "An older text the page thought was saved. " * 10
        client.post(LEAVE_WITH_DRAFT, {"draft_id": str(draft_id), "draft_revision": "1",
                                       **splice(stale, len(stale), 0, "the newest words")}, **FROM_OUR_PAGE)
        kept = drafts()
        assert kept[draft_id].text == self.LONG, "a splice is never forced onto other text"
        assert sorted(writing.text for writing in kept.values()) == sorted([self.LONG, "the newest words"])


class TestWhatAQuickExitLeavesInTheBrowser:
    def test_conveniences_are_cleared_and_protective_choices_kept(self, client):
        client.cookies[COUNTRY_COOKIE] = "GB"
        client.cookies[TIP_COOKIE] = "1"
        client.cookies[DISPLAY_COOKIE] = "plain"
        client.cookies["reflect_country"] = "GB"
        for method in (client.get, client.post):
            response = method("/leave/")
            gone = {name for name, morsel in response.cookies.items() if morsel["max-age"] == 0}
            assert {COUNTRY_COOKIE, TIP_COOKIE, settings.CSRF_COOKIE_NAME, "reflect_country"} <= gone
            assert DISPLAY_COOKIE not in response.cookies
            assert '"cache", "storage"' == response["Clear-Site-Data"]

    def test_the_writing_page_exit_clears_them_too(self, client, journal):
        client.cookies[COUNTRY_COOKIE] = "GB"
        response = client.post(LEAVE_WITH_DRAFT, {}, **FROM_OUR_PAGE)
        assert response.cookies[COUNTRY_COOKIE]["max-age"] == 0
        assert response["Clear-Site-Data"] == '"cache", "storage"'

    def test_no_cookie_but_a_protective_choice_outlives_the_browser_session(self, client, journal):
        client.cookies.clear()
        cookies = {}
        for response in (client.get("/"), client.get("/journal/write/"), client.post("/journal/unlock/", {"passphrase": PASSPHRASE}),
                         client.post("/settings/set/", {"name": "discreet", "value": "1", "next": "/"}),
                         client.post("/country/", {"country": "GB", "next": "/"})):
            cookies.update({name: morsel for name, morsel in response.cookies.items() if morsel["max-age"] != 0})
        lasting = {name for name, morsel in cookies.items() if morsel["max-age"] or morsel["expires"]}
        assert lasting == {DISPLAY_COOKIE, COUNTRY_COOKIE}
        assert cookies[DISPLAY_COOKIE].value == "plain"
        assert not any("reflect" in name for name in cookies), "cookie names say nothing about Reflect"

    def test_older_display_cookies_move_to_the_neutral_name(self, client):
        client.cookies["reflect_discreet"] = "1"
        client.cookies["reflect_no_trace"] = "1"
        response = client.get("/")
        assert "<title>Notes</title>" in response.content.decode()
        assert response.cookies[DISPLAY_COOKIE].value == "plain.replace"
        assert response.cookies["reflect_discreet"]["max-age"] == 0
        assert client.get("/").content.decode().count("<title>Notes</title>") == 1

    def test_landing_on_the_neutral_page_sets_no_cookie(self, client):
        assert not client.get("/notes/").cookies
