"""The few cookies Reflect keeps in the browser, and what a quick exit leaves of them (privacy
guarantee 3, server side)."""

import pytest
from django.conf import settings

from reflect.safety.shell import COUNTRY_COOKIE, DISPLAY_COOKIE, TIP_COOKIE

from ..conftest import PASSPHRASE

pytestmark = pytest.mark.django_db

LEAVE_WITH_DRAFT = "/journal/drafts/save-and-leave/"
FROM_OUR_PAGE = {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "null"}


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
            assert response["Clear-Site-Data"] == '"cache", "storage"'

    def test_the_writing_page_exit_clears_them_too(self, client, journal):
        client.cookies[COUNTRY_COOKIE] = "GB"
        response = client.post(LEAVE_WITH_DRAFT, {}, **FROM_OUR_PAGE)
        assert response.cookies[COUNTRY_COOKIE]["max-age"] == 0
        assert response["Clear-Site-Data"] == '"cache", "storage"'

    def test_no_cookie_but_a_protective_choice_outlives_the_browser_session(self, client, journal):
        client.cookies.clear()
        cookies = {}
        for response in (
            client.get("/"),
            client.get("/journal/write/"),
            client.post("/journal/unlock/", {"passphrase": PASSPHRASE}),
            client.post("/settings/set/", {"name": "discreet", "value": "1", "next": "/"}),
            client.post("/country/", {"country": "GB", "next": "/"}),
        ):
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
