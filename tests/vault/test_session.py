"""Unlocked sessions end when they should: on a new passphrase elsewhere, and after the idle limit."""

import subprocess
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from reflect.vault.session import COOKIE, SEEN_FIELD, SEEN_RESOLUTION_SECONDS, VaultSession

from ..conftest import PASSPHRASE
from .conftest import NEW_PASSPHRASE, change_passphrase, unlock

pytestmark = pytest.mark.django_db

SECRET_WORDS = "the lighthouse keeper notebook"


def idle_limit():
    return timedelta(minutes=django_settings.REFLECT_IDLE_LOCK_MINUTES)


def session_row(client):
    return Session.objects.get(session_key=client.cookies[django_settings.SESSION_COOKIE_NAME].value)


def assert_locked_out(browser, entry):
    response = browser.get("/journal/")
    assert response.status_code == 302 and response.url.startswith("/journal/unlock/")
    response = browser.get(f"/journal/entries/{entry}/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/journal/unlock/")
    assert SECRET_WORDS not in response.content.decode()


class TestOtherSessionsEnd:
    @pytest.fixture
    def other_browser(self, journal):
        other = Client()
        assert unlock(other).status_code == 302
        return other

    def test_changing_the_passphrase_locks_every_other_browser(self, client, write, other_browser):
        entry = write(SECRET_WORDS)
        assert SECRET_WORDS in other_browser.get(f"/journal/entries/{entry}/").content.decode()
        response = change_passphrase(client)
        assert response.status_code == 302
        assert_locked_out(other_browser, entry)
        assert SECRET_WORDS in client.get(f"/journal/entries/{entry}/").content.decode(), "this browser stays open"

    def test_recovering_locks_every_other_browser(self, client, journal, write, other_browser):
        entry = write(SECRET_WORDS)
        assert SECRET_WORDS in other_browser.get(f"/journal/entries/{entry}/").content.decode()
        recovering = Client()
        response = recovering.post(
            "/journal/recover/",
            {
                "recovery_key": journal,
                "new_passphrase": NEW_PASSPHRASE,
                "new_passphrase_again": NEW_PASSPHRASE,
            },
        )
        assert response.status_code == 302
        assert_locked_out(other_browser, entry)
        assert_locked_out(client, entry)
        assert SECRET_WORDS in recovering.get(f"/journal/entries/{entry}/").content.decode()

    def test_a_new_recovery_key_leaves_other_browsers_open(self, client, write, other_browser):
        entry = write(SECRET_WORDS)
        client.post("/journal/settings/recovery-key/", {"passphrase": PASSPHRASE})
        assert SECRET_WORDS in other_browser.get(f"/journal/entries/{entry}/").content.decode()


class TestIdleExpiry:
    def test_the_sealed_key_itself_refuses_to_open_after_the_idle_limit(self, client, journal, rf):
        """Checked where the key is opened, not only by the middleware that runs first."""

        def data_key_with_last_seen(seconds_ago):
            session = SessionStore(client.session.session_key)
            session[SEEN_FIELD] = int(time.time()) - seconds_ago
            session.save()
            request = rf.get("/journal/")
            request.session = SessionStore(session.session_key)
            request.COOKIES[COOKIE] = client.cookies[COOKIE].value
            request.user = get_user_model().objects.get()
            return VaultSession(request).data_key

        allowed = int(idle_limit().total_seconds())
        assert data_key_with_last_seen(allowed - 5) is not None
        assert data_key_with_last_seen(allowed + 1) is None

    def test_the_session_row_expires_with_the_idle_limit(self, client, journal):
        expires = session_row(client).expire_date - timezone.now()
        assert idle_limit() - timedelta(seconds=5) <= expires <= idle_limit()

    def test_the_session_cookie_still_ends_with_the_browser(self, client):
        response = client.post("/journal/setup/", {"new_passphrase": PASSPHRASE, "new_passphrase_again": PASSPHRASE})
        cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
        assert cookie["max-age"] == "" and cookie["expires"] == ""

    def test_use_moves_the_expiry_so_an_active_person_is_not_locked_early(self, client, journal):
        session = client.session
        session[SEEN_FIELD] = int(time.time()) - SEEN_RESOLUTION_SECONDS
        session.save()
        Session.objects.filter(pk=session.session_key).update(expire_date=timezone.now() + timedelta(seconds=30))
        assert client.get("/journal/").status_code == 200
        expires = session_row(client).expire_date - timezone.now()
        assert expires >= idle_limit() - timedelta(seconds=5)

    def test_an_expired_session_row_says_why_the_journal_locked(self, client, journal):
        Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
        response = client.get("/journal/", follow=True)
        assert response.redirect_chain == [("/journal/unlock/?next=%2Fjournal%2F", 302)]
        assert "locked itself after a while" in response.content.decode()
        assert response.cookies[COOKIE].value == ""

    def test_unlocking_deletes_expired_session_rows(self, client, journal):
        left_behind, still_open = Client(), Client()
        assert unlock(left_behind).status_code == 302 and unlock(still_open).status_code == 302
        Session.objects.filter(pk=session_row(left_behind).pk).update(expire_date=timezone.now() - timedelta(seconds=1))
        client.post("/journal/lock/")
        assert unlock(client).status_code == 302
        assert set(Session.objects.values_list("session_key", flat=True)) == {
            session_row(client).pk,
            session_row(still_open).pk,
        }


def test_make_run_clears_expired_sessions_and_old_counts_before_serving():
    plan = subprocess.run(
        ["make", "--dry-run", "--always-make", "run", "PYTHON=python3"],
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        check=True,
    ).stdout.splitlines()
    position = {
        name: next(i for i, line in enumerate(plan) if name in line)
        for name in ("clearsessions", "forget_unlock_attempts", "gunicorn")
    }
    assert position["clearsessions"] < position["gunicorn"]
    assert position["forget_unlock_attempts"] < position["gunicorn"]
