"""The passphrase vault: setup, unlock, lock, idle lock, throttling, recovery and changes."""

import base64
import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from reflect.journal.models import Entry
from reflect.vault import crypto
from reflect.vault.models import Throttle, Vault, WrongSecret, client_address
from reflect.vault.session import COOKIE, SEEN_FIELD

from ..conftest import PASSPHRASE
from .conftest import NEW_PASSPHRASE, change_passphrase, lock, unlock

pytestmark = pytest.mark.django_db


class TestSetup:
    def test_first_visit_asks_for_a_passphrase(self, client):
        response = client.get("/journal/")
        assert response.status_code == 302 and response.url == "/journal/setup/"
        assert "Choose a passphrase" in client.get("/journal/setup/").content.decode()

    def test_setup_shows_a_recovery_key_once_and_stores_only_wrapped_keys(self, client, journal):
        assert len(crypto.recovery_key_bytes(journal)) == 20
        vault = Vault.objects.get()
        assert vault.passphrase_params == {
            "algorithm": "argon2id",
            "time_cost": 1,
            "memory_cost": 8192,
            "parallelism": 1,
        }
        assert vault.recovery_key_confirmed
        assert journal.encode() not in bytes(vault.recovery_wrapped_key)
        assert client.get("/journal/setup/").status_code == 302, "a second setup must not replace the vault"

    @pytest.mark.parametrize(
        "passphrase, again, message",
        [
            ("short", "short", "at least 10 characters"),
            ("maple kettle river", "maple kettle rover", "are different"),
            ("aaaaaaaaaaaa", "aaaaaaaaaaaa", "too few characters"),
            ("password123", "password123", "most common passwords"),
        ],
    )
    def test_weak_or_mismatched_passphrases_are_refused(self, client, passphrase, again, message):
        response = client.post("/journal/setup/", {"new_passphrase": passphrase, "new_passphrase_again": again})
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not Vault.objects.exists()

    def test_the_recovery_key_must_be_confirmed(self, client):
        client.post("/journal/setup/", {"new_passphrase": PASSPHRASE, "new_passphrase_again": PASSPHRASE})
        client.post("/journal/setup/saved/", {})
        assert not Vault.objects.get().recovery_key_confirmed
        assert "haven't confirmed saving your recovery key" in client.get("/journal/").content.decode()


class TestUnlockAndLock:
    def test_locked_pages_go_to_unlock_and_come_back(self, client, journal):
        lock(client)
        response = client.get("/journal/export/")
        assert response.status_code == 302
        assert response.url == "/journal/unlock/?next=%2Fjournal%2Fexport%2F"
        response = unlock(client, next="/journal/export/")
        assert response.status_code == 302 and response.url == "/journal/export/"
        assert client.get("/journal/export/").status_code == 200

    def test_unlock_refuses_to_send_the_person_elsewhere(self, client, journal):
        lock(client)
        assert unlock(client, next="https://example.com/").url == "/journal/"

    def test_a_wrong_passphrase_changes_nothing(self, client, journal, write):
        write("kept safe")
        lock(client)
        before = (
            bytes(Vault.objects.get().passphrase_wrapped_key),
            list(Entry.objects.values_list("ciphertext", flat=True)),
        )
        response = unlock(client, "not my passphrase")
        assert response.status_code == 400
        assert "didn&#x27;t open your journal. Nothing has been changed." in response.content.decode()
        after = (
            bytes(Vault.objects.get().passphrase_wrapped_key),
            list(Entry.objects.values_list("ciphertext", flat=True)),
        )
        assert before == after
        unlock(client)
        assert "kept safe" in client.get(f"/journal/entries/{Entry.objects.get().pk}/").content.decode()

    def test_locking_forgets_the_session_and_the_cookie_key(self, client, journal):
        session_key = client.session.session_key
        response = lock(client)
        assert response.status_code == 302
        assert response.cookies[COOKIE].value == ""
        assert not Session.objects.filter(session_key=session_key).exists()
        assert client.get("/journal/").status_code == 302

    def test_quick_exit_locks_the_journal_and_deletes_the_cookie_key(self, client, journal):
        response = client.get("/leave/")
        assert response.status_code == 303
        assert response.cookies[COOKIE].value == ""
        assert client.get("/journal/").status_code == 302

    def test_lock_works_even_without_a_csrf_token(self, journal):
        client = Client(enforce_csrf_checks=True)
        assert client.post("/journal/lock/").status_code == 302

    def test_the_key_cookie_is_httponly_and_strict(self, client):
        response = client.post("/journal/setup/", {"new_passphrase": PASSPHRASE, "new_passphrase_again": PASSPHRASE})
        cookie = response.cookies[COOKIE]
        assert cookie["httponly"] and cookie["samesite"] == "Strict"
        assert cookie["max-age"] == "", "the key cookie ends with the browser session"

    def test_the_cookie_alone_or_the_session_alone_opens_nothing(self, client, journal):
        cookie = client.cookies[COOKIE].value
        del client.cookies[COOKIE]
        assert client.get("/journal/").status_code == 302, "the session without the cookie key is locked"
        other = Client()
        other.cookies[COOKIE] = cookie
        assert other.get("/journal/").status_code == 302, "the cookie without the session is locked"

    def test_the_data_key_is_never_in_the_session_table(self, client, journal):
        data_key = Vault.objects.get().open_with_passphrase(PASSPHRASE)
        for stored in Session.objects.all():
            raw = stored.session_data.encode() + str(stored.get_decoded()).encode()
            for form in (
                data_key,
                base64.b64encode(data_key),
                base64.urlsafe_b64encode(data_key),
                data_key.hex().encode(),
            ):
                assert form not in raw

    def test_idle_journal_locks_itself(self, client, journal, settings):
        session = client.session
        session[SEEN_FIELD] = int(time.time()) - settings.REFLECT_IDLE_LOCK_MINUTES * 60 - 1
        session.save()
        response = client.get("/journal/", follow=True)
        assert response.redirect_chain == [("/journal/unlock/?next=%2Fjournal%2F", 302)]
        assert "locked itself after a while" in response.content.decode()
        assert client.get("/journal/").status_code == 302

    def test_activity_keeps_the_journal_open(self, client, journal, settings):
        session = client.session
        session[SEEN_FIELD] = int(time.time()) - settings.REFLECT_IDLE_LOCK_MINUTES * 60 + 30
        session.save()
        assert client.get("/journal/").status_code == 200
        assert client.session[SEEN_FIELD] >= int(time.time()) - 1

    def test_private_pages_are_never_cached(self, client, journal):
        for url in ("/journal/", "/journal/write/", "/journal/export/", "/journal/settings/", "/journal/unlock/"):
            assert "no-store" in client.get(url)["Cache-Control"], url


class TestThrottling:
    """The rule itself (who waits, for how long, and how the owner always gets in) is in test_throttle.py."""

    def test_success_clears_the_count(self, client, journal):
        lock(client)
        unlock(client, "wrong passphrase!")
        assert unlock(client).status_code == 302
        assert not Throttle.objects.exists()

    def test_behind_a_proxy_clients_are_told_apart_by_the_named_header(self, journal, settings):
        settings.REFLECT_CLIENT_IP_HEADER = "X-Real-IP"
        attacker = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="198.51.100.1")
        unlock(attacker, "wrong passphrase!")
        neighbour = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="198.51.100.2")
        assert client_address(attacker.get("/").wsgi_request) == "198.51.100.1"
        assert client_address(neighbour.get("/").wsgi_request) == "198.51.100.2"
        assert unlock(neighbour).status_code == 302, "the neighbour's count is their own"

    def test_client_addresses_are_not_stored(self, journal):
        client = Client(REMOTE_ADDR="203.0.113.77")
        unlock(client, "wrong passphrase!")
        assert not Throttle.objects.filter(key__contains="203.0.113.77").exists()


class TestRecoveryAndChanges:
    def test_recovery_key_sets_a_new_passphrase(self, client, journal, write):
        entry = write("still here after recovery")
        lock(client)
        response = client.post(
            "/journal/recover/",
            {
                "recovery_key": journal.lower().replace("-", " "),
                "new_passphrase": NEW_PASSPHRASE,
                "new_passphrase_again": NEW_PASSPHRASE,
            },
        )
        assert response.status_code == 302
        assert "still here after recovery" in client.get(f"/journal/entries/{entry}/").content.decode()
        lock(client)
        assert unlock(client).status_code == 400, "the forgotten passphrase no longer opens it"
        assert unlock(client, NEW_PASSPHRASE).status_code == 302

    def test_a_wrong_recovery_key_changes_nothing(self, client, journal):
        lock(client)
        before = bytes(Vault.objects.get().passphrase_wrapped_key)
        response = client.post(
            "/journal/recover/",
            {
                "recovery_key": crypto.new_recovery_key(),
                "new_passphrase": NEW_PASSPHRASE,
                "new_passphrase_again": NEW_PASSPHRASE,
            },
        )
        assert response.status_code == 400
        assert bytes(Vault.objects.get().passphrase_wrapped_key) == before
        assert unlock(client).status_code == 302

    def test_changing_the_passphrase_rewraps_the_key_not_the_entries(self, client, journal, write):
        entry = write("written before the change")
        ciphertext = bytes(Entry.objects.get().ciphertext)
        response = change_passphrase(client)
        assert response.status_code == 302
        assert bytes(Entry.objects.get().ciphertext) == ciphertext
        lock(client)
        assert unlock(client).status_code == 400
        assert unlock(client, NEW_PASSPHRASE).status_code == 302
        assert "written before the change" in client.get(f"/journal/entries/{entry}/").content.decode()
        assert Vault.objects.get().open_with_recovery_key(journal), "the recovery key still works"

    def test_changing_needs_the_current_passphrase(self, client, journal):
        response = client.post(
            "/journal/settings/passphrase/",
            {
                "passphrase": "not the passphrase",
                "new_passphrase": NEW_PASSPHRASE,
                "new_passphrase_again": NEW_PASSPHRASE,
            },
        )
        assert response.status_code == 400
        lock(client)
        assert unlock(client).status_code == 302

    def test_a_new_recovery_key_replaces_the_old_one(self, client, journal):
        response = client.post("/journal/settings/recovery-key/", {"passphrase": PASSPHRASE})
        new_key = response.context["recovery_key"]
        assert new_key != journal
        vault = Vault.objects.get()
        assert vault.open_with_recovery_key(new_key)
        with pytest.raises(WrongSecret):
            vault.open_with_recovery_key(journal)


class TestRaisingTheCost:
    """Like Django's password hashers: a wrap made with a lower Argon2 cost is made again at unlock."""

    def test_a_cheaper_wrap_is_made_again_at_unlock_with_todays_cost(self, client, journal, write, settings):
        entry = write("written under the old cost")
        before = Vault.objects.get()
        settings.REFLECT_ARGON2_TIME_COST = before.passphrase_params["time_cost"] + 1
        settings.REFLECT_ARGON2_MEMORY_KIB = before.passphrase_params["memory_cost"] * 2
        lock(client)
        assert unlock(client).status_code == 302
        after = Vault.objects.get()
        assert after.passphrase_params["time_cost"] == settings.REFLECT_ARGON2_TIME_COST
        assert after.passphrase_params["memory_cost"] == settings.REFLECT_ARGON2_MEMORY_KIB
        assert bytes(after.passphrase_salt) != bytes(before.passphrase_salt)
        assert after.passphrase_changed_at == before.passphrase_changed_at, "the passphrase itself did not change"
        lock(client)
        assert unlock(client).status_code == 302
        assert "written under the old cost" in client.get(f"/journal/entries/{entry}/").content.decode()

    def test_a_dearer_wrap_is_left_alone(self, client, journal, settings):
        before = Vault.objects.get()
        settings.REFLECT_ARGON2_TIME_COST = 1
        settings.REFLECT_ARGON2_MEMORY_KIB = before.passphrase_params["memory_cost"] // 2
        lock(client)
        assert unlock(client).status_code == 302
        assert bytes(Vault.objects.get().passphrase_wrapped_key) == bytes(before.passphrase_wrapped_key)

    def test_a_wrong_passphrase_changes_no_wrap(self, client, journal, settings):
        before = Vault.objects.get()
        settings.REFLECT_ARGON2_TIME_COST = before.passphrase_params["time_cost"] + 1
        lock(client)
        assert unlock(client, "not the passphrase at all").status_code == 400
        assert bytes(Vault.objects.get().passphrase_wrapped_key) == bytes(before.passphrase_wrapped_key)
