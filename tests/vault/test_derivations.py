"""Few passphrase checks at once on one machine, whichever process asks (REFLECT_ARGON2_AT_ONCE).

When every slot is taken, the form comes back at once with a 503 and Retry-After, keeping what the
person typed (never the passphrase), and nothing is derived, counted or changed.
"""

import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import pytest
from argon2.low_level import Type, hash_secret_raw
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model

from reflect.vault import crypto, derivations
from reflect.vault.models import Throttle, Vault

from ..conftest import PASSPHRASE
from .conftest import NEW_PASSPHRASE, change_passphrase, counting_derivations, lock, most_at_once, unlock

pytestmark = pytest.mark.django_db

BUSY = "Reflect is busy for a moment. Please try again in a few seconds."


@contextmanager
def every_slot_taken():
    """Every slot held, as by other requests deriving at this moment: each in a thread of its own."""
    count = django_settings.REFLECT_ARGON2_AT_ONCE
    taken, finished = threading.Barrier(count + 1, timeout=10), threading.Event()

    def hold():
        with derivations.derivation_slot():
            taken.wait()
            finished.wait(timeout=30)

    holders = [threading.Thread(target=hold) for _ in range(count)]
    for holder in holders:
        holder.start()
    taken.wait()
    try:
        yield
    finally:
        finished.set()
        for holder in holders:
            holder.join()


def assert_busy(response, *kept):
    """A calm 503 that says when to come back, with the form and what was typed, but no passphrase."""
    page = response.content.decode()
    assert response.status_code == 503
    assert int(response["Retry-After"]) >= 1
    assert BUSY in page
    assert "<form" in page
    for text in kept:
        assert text in page, text
    for secret in (PASSPHRASE, NEW_PASSPHRASE):
        assert f'value="{secret}"' not in page, "a passphrase is never filled back in"


class TestBusy:
    def test_unlock_answers_at_once_keeps_the_form_and_counts_nothing(self, client, journal, monkeypatch):
        lock(client)
        derivations_run = counting_derivations(monkeypatch)
        with every_slot_taken():
            started = time.monotonic()
            response = unlock(client, next="/journal/write/", **{"carry:text": "words I was writing"})
            took = time.monotonic() - started
        assert_busy(response, 'value="/journal/write/"', "words I was writing", 'action="/journal/unlock/"')
        assert took < 1, f"a busy answer comes at once, not after a wait ({took:.2f} s)"
        assert derivations_run == []
        assert not Throttle.objects.exists(), "a try that never ran is not counted"
        response = unlock(client, next="/journal/write/")
        assert response.status_code == 302 and response.url == "/journal/write/", "with a slot free, it opens"

    def test_the_name_is_kept_in_the_practice_profile(self, client, settings):
        settings.PRACTICE = True
        Vault.create(get_user_model().objects.create_user("alex.4821"), PASSPHRASE)
        with every_slot_taken():
            response = unlock(client, username="alex.4821")
        assert_busy(response, 'value="alex.4821"')

    def test_setup_makes_no_journal(self, client):
        with every_slot_taken():
            response = client.post(
                "/journal/setup/", {"new_passphrase": PASSPHRASE, "new_passphrase_again": PASSPHRASE}
            )
        assert_busy(response, "Choose a passphrase")
        assert not Vault.objects.exists() and not get_user_model().objects.exists()

    def test_recovery_changes_nothing(self, client, journal):
        lock(client)
        before = bytes(Vault.objects.get().passphrase_wrapped_key)
        with every_slot_taken():
            response = client.post(
                "/journal/recover/",
                {"recovery_key": journal, "new_passphrase": NEW_PASSPHRASE, "new_passphrase_again": NEW_PASSPHRASE},
            )
        assert_busy(response, f'value="{journal}"')
        assert bytes(Vault.objects.get().passphrase_wrapped_key) == before
        assert unlock(client).status_code == 302, "the old passphrase still opens the journal"

    def test_changing_the_passphrase_changes_nothing(self, client, journal):
        before = bytes(Vault.objects.get().passphrase_wrapped_key)
        with every_slot_taken():
            response = change_passphrase(client)
        assert_busy(response, "Change your passphrase")
        assert bytes(Vault.objects.get().passphrase_wrapped_key) == before

    def test_a_new_recovery_key_is_not_made(self, client, journal):
        before = bytes(Vault.objects.get().recovery_wrapped_key)
        with every_slot_taken():
            response = client.post("/journal/settings/recovery-key/", {"passphrase": PASSPHRASE})
        assert_busy(response, "Make a new recovery key")
        assert bytes(Vault.objects.get().recovery_wrapped_key) == before

    def test_a_try_that_must_wait_is_told_to_wait_and_takes_no_slot(self, client, journal, monkeypatch):
        lock(client)
        for _ in range(Throttle.RULES["pair"][0]):
            unlock(client, "not the passphrase at all")
        with every_slot_taken():
            response = unlock(client)
        assert response.status_code == 429, "a refused try is answered without waiting for a slot"
        assert int(response["Retry-After"]) >= 1


HOLD_A_SLOT = """
import sys, django
django.setup()
from reflect.vault.derivations import derivation_slot
with derivation_slot():
    print("held", flush=True)
    sys.stdin.read()
"""


def test_a_slot_held_by_another_process_counts(client, journal, settings):
    """Like another gunicorn worker deriving: the bound is the machine's, not one process's."""
    settings.REFLECT_ARGON2_AT_ONCE = 1
    lock(client)
    env = {name: value for name, value in os.environ.items() if not name.startswith(("REFLECT_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="reflect.settings",
        REFLECT_DATA_DIR=str(settings.DATA_DIR),
        REFLECT_SECRET_KEY="only-for-tests-" + "x" * 40,
        REFLECT_ARGON2_AT_ONCE="1",
    )
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD_A_SLOT],
        cwd=settings.BASE_DIR,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout.readline().strip() == "held"
        assert_busy(unlock(client))
    finally:
        other.stdin.close()
        other.wait(timeout=30)
    assert unlock(client).status_code == 302, "the slot is free again when that process lets go"


def test_derivations_outside_a_request_wait_their_turn(settings, monkeypatch):
    """A command or a join that derives without asking first still never runs past the bound."""
    settings.REFLECT_ARGON2_AT_ONCE = 2
    most = most_at_once(monkeypatch)
    params = {"algorithm": "argon2id", "time_cost": 2, "memory_cost": 8192, "parallelism": 2}
    salt = crypto.new_salt()
    keys = []

    def derive():
        keys.append(crypto.key_from_passphrase(PASSPHRASE, salt, params))

    threads = [threading.Thread(target=derive) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 6 and len(set(keys)) == 1
    assert most[0] <= 2, f"{most[0]} derivations ran at once with 2 slots"


def test_a_thread_that_holds_a_slot_uses_it_again(settings):
    """Changing a passphrase checks the old one and wraps with the new: one slot, never waiting on itself."""
    settings.REFLECT_ARGON2_AT_ONCE = 1
    with derivations.derivation_slot(), derivations.derivation_slot():
        pass
    with every_slot_taken(), pytest.raises(derivations.Busy), derivations.derivation_slot():
        pass


def test_one_thread_derives_the_same_key_as_argon2_with_all_its_lanes():
    """Running the lanes one after another changes the time, never the key: existing journals still open."""
    salt = crypto.new_salt()
    for lanes in (1, 2, 4):
        params = {"algorithm": "argon2id", "time_cost": 2, "memory_cost": 8192, "parallelism": lanes}
        expected = hash_secret_raw(PASSPHRASE.encode(), salt, 2, 8192, lanes, crypto.KEY_BYTES, Type.ID)
        assert crypto.key_from_passphrase(PASSPHRASE, salt, params) == expected


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="threads have priorities of their own on Linux only")
def test_argon2_runs_in_a_thread_that_gives_way_to_pages(monkeypatch):
    real, seen = crypto.argon2id_on_one_thread, []

    def watched(*args):
        seen.append((threading.get_native_id(), os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
        return real(*args)

    monkeypatch.setattr(crypto, "argon2id_on_one_thread", watched)
    params = {"algorithm": "argon2id", "time_cost": 1, "memory_cost": 8192, "parallelism": 1}
    here = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    crypto.key_from_passphrase(PASSPHRASE, crypto.new_salt(), params)
    [(thread, priority)] = seen
    assert thread != threading.get_native_id() and priority == min(here + derivations.NICENESS, 19)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == here, "the page's own thread is untouched"
    with pytest.raises(ValueError, match="handed back"):
        derivations.beside_pages(lambda: (_ for _ in ()).throw(ValueError("handed back")))
