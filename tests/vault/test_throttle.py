"""Slowing down wrong passphrases without letting anyone else's failures lock the owner out."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from reflect.vault.models import Throttle, Vault, throttle_keys

from ..conftest import PASSPHRASE, at_once
from .conftest import NEW_PASSPHRASE, counting_derivations, most_at_once, unlock

pytestmark = pytest.mark.django_db

WRONG = "not the passphrase at all"
PAIR_FREE = Throttle.RULES["pair"][0]


def recover(client, recovery_key):
    return client.post(
        "/journal/recover/",
        {
            "recovery_key": recovery_key,
            "new_passphrase": NEW_PASSPHRASE,
            "new_passphrase_again": NEW_PASSPHRASE,
        },
    )


def time_passes():
    """Every wait is over, as if the person came back later; the counts stay."""
    Throttle.objects.update(blocked_until=None)


def failures(account, address):
    """{"pair": n, "client": n, "account": n} for that name tried from that address."""
    keys = throttle_keys(account, address)
    counts = dict(Throttle.objects.filter(key__in=keys.all()).values_list("key", "failures"))
    return {kind: counts.get(getattr(keys, kind), 0) for kind in ("pair", "client", "account")}


def make_account(username, passphrase=PASSPHRASE):
    user = get_user_model().objects.create_user(username)
    return Vault.create(user, passphrase)[2]


class TestSomeoneElsesFailures:
    """An attacker on another device must not be able to keep the owner out."""

    @pytest.fixture
    def attacked(self, journal):
        attacker = Client(REMOTE_ADDR="10.0.0.9")
        for _ in range(20):
            time_passes()
            assert unlock(attacker, WRONG).status_code == 400
        return attacker

    def test_every_failure_is_counted(self, attacked):
        assert failures("personal", "10.0.0.9") == {"pair": 20, "client": 20, "account": 20}

    def test_the_owner_unlocks_at_once_after_twenty_failures_elsewhere(self, attacked):
        owner = Client(REMOTE_ADDR="10.0.0.1")
        assert unlock(owner).status_code == 302
        assert owner.get("/journal/").status_code == 200

    def test_the_owner_recovers_at_once_after_twenty_failures_elsewhere(self, attacked, journal):
        owner = Client(REMOTE_ADDR="10.0.0.1")
        assert recover(owner, journal).status_code == 302
        assert owner.get("/journal/").status_code == 200

    def test_the_attacker_stays_slowed_down(self, attacked):
        response = unlock(attacked)
        assert response.status_code == 429, "even the right passphrase waits on a client that keeps failing"
        assert "please wait" in response.content.decode()

    def test_a_client_with_failures_of_its_own_meets_the_account_wide_brake(self, attacked):
        stranger = Client(REMOTE_ADDR="10.0.0.7")
        assert unlock(stranger, WRONG).status_code == 400, "a clean client gets its try"
        assert unlock(stranger, WRONG).status_code == 429, "once it has failed, the account's wait applies to it"

    def test_the_owners_correct_try_does_not_lengthen_the_attackers_wait(self, attacked):
        account = Throttle.objects.get(key=throttle_keys("personal", "10.0.0.9").account)
        unlock(Client(REMOTE_ADDR="10.0.0.1"))
        after = Throttle.objects.get(pk=account.pk)
        assert (after.failures, after.blocked_until, after.updated_at) == (
            account.failures,
            account.blocked_until,
            account.updated_at,
        )


class TestOwnSuccess:
    @pytest.fixture(autouse=True)
    def practice(self, settings):
        settings.PRACTICE = True

    def test_unlocking_ones_own_account_keeps_the_count_against_others(self):
        make_account("ash")
        for name in ("birch", "cedar", "damson"):
            make_account(name)
        prober = Client(REMOTE_ADDR="10.0.0.5")
        for name in ("birch", "cedar", "damson"):
            for _ in range(PAIR_FREE):
                time_passes()
                assert unlock(prober, WRONG, username=name).status_code == 400
        assert unlock(prober, username="ash").status_code == 302

        make_account("elm")
        time_passes()
        assert unlock(prober, WRONG, username="elm").status_code == 400
        assert unlock(prober, WRONG, username="elm").status_code == 429, (
            "the tenth failure from this client starts its wait, though the pair has failed only once"
        )
        assert failures("birch", "10.0.0.5") == {"pair": 3, "client": 10, "account": 3}
        assert failures("ash", "10.0.0.5") == {"pair": 0, "client": 10, "account": 0}

    def test_success_gives_back_only_what_this_pair_added(self):
        make_account("ash")
        make_account("birch")
        shared = Client(REMOTE_ADDR="10.0.0.6")
        assert unlock(shared, WRONG, username="birch").status_code == 400
        assert unlock(shared, WRONG, username="ash").status_code == 400
        assert unlock(shared, WRONG, username="ash").status_code == 400
        client_count = Throttle.objects.get(key=throttle_keys("ash", "10.0.0.6").client)
        assert unlock(shared, username="ash").status_code == 302
        assert failures("ash", "10.0.0.6") == {"pair": 0, "client": 1, "account": 0}
        assert Throttle.objects.get(pk=client_count.pk).updated_at == client_count.updated_at, (
            "a count's age is that of its last wrong try: a right one doesn't keep it alive"
        )
        assert failures("birch", "10.0.0.6") == {"pair": 1, "client": 1, "account": 1}


class TestTheRule:
    def test_three_free_tries_then_a_wait_that_doubles(self, client, journal):
        client.post("/journal/lock/")
        for _ in range(PAIR_FREE):
            assert unlock(client, WRONG).status_code == 400
        response = unlock(client)
        assert response.status_code == 429, "the third failure starts a wait, even for the right passphrase"
        assert "please wait 1 second," in response.content.decode()
        waits = []
        for _ in range(4):
            time_passes()
            before = timezone.now()
            assert unlock(client, WRONG).status_code == 400
            pair = Throttle.objects.get(key=throttle_keys("personal", "127.0.0.1").pair)
            waits.append(int((pair.blocked_until - before).total_seconds()))
        assert waits == [2, 4, 8, 16]

    def test_the_longest_wait_is_fifteen_minutes_and_said_in_minutes(self, client, journal):
        client.post("/journal/lock/")
        for _ in range(30):
            time_passes()
            unlock(client, WRONG)
        response = unlock(client, WRONG)
        assert response.status_code == 429
        assert "please wait 15 minutes," in response.content.decode()
        pair = Throttle.objects.get(key=throttle_keys("personal", "127.0.0.1").pair)
        assert pair.blocked_until - timezone.now() <= Throttle.LONGEST_WAIT

    def test_a_refused_try_runs_no_key_derivation_and_counts_nothing(self, client, journal, monkeypatch):
        client.post("/journal/lock/")
        for _ in range(PAIR_FREE):
            unlock(client, WRONG)
        derivations = counting_derivations(monkeypatch)
        assert unlock(client, WRONG).status_code == 429
        assert derivations == []
        assert failures("personal", "127.0.0.1") == {"pair": 3, "client": 3, "account": 3}

    def test_counts_untouched_for_a_day_are_forgotten(self, client, journal):
        client.post("/journal/lock/")
        for _ in range(PAIR_FREE):
            unlock(client, WRONG)
        Throttle.objects.update(updated_at=timezone.now() - Throttle.FORGET_AFTER - timedelta(seconds=1))
        assert unlock(client, WRONG).status_code == 400, "last month's typos cost nothing"
        assert failures("personal", "127.0.0.1") == {"pair": 1, "client": 1, "account": 1}

    def test_stale_counts_are_deleted_by_the_next_try_and_by_the_command(self, journal):
        stale = timezone.now() - Throttle.FORGET_AFTER - timedelta(seconds=1)
        unlock(Client(REMOTE_ADDR="10.0.0.3"), WRONG)
        Throttle.objects.update(updated_at=stale)
        unlock(Client(REMOTE_ADDR="10.0.0.4"), WRONG)
        assert failures("personal", "10.0.0.3") == {"pair": 0, "client": 0, "account": 1}
        Throttle.objects.update(updated_at=stale)
        call_command("forget_unlock_attempts")
        assert not Throttle.objects.exists()

    def test_keys_are_purpose_specific_hmacs(self, journal):
        keys = throttle_keys("personal", "203.0.113.77")
        assert len({keys.pair, keys.client, keys.account}) == 3
        assert keys.client != throttle_keys("personal", "203.0.113.78").client
        assert keys.client == throttle_keys("someone", "203.0.113.77").client
        assert keys.account == throttle_keys("personal", "198.51.100.1").account
        assert keys.pair not in (
            throttle_keys("someone", "203.0.113.77").pair,
            throttle_keys("personal", "198.51.100.1").pair,
        )
        for key in keys.all():
            assert "203.0.113" not in key and "personal" not in key


def wrong_unlock(wait):
    """One browser's wrong passphrase, sent when all the others are ready: (status, Retry-After)."""
    browser = Client(REMOTE_ADDR="10.0.0.8")
    wait()
    response = unlock(browser, WRONG)
    return response.status_code, response.get("Retry-After")


@pytest.fixture
def long_first_wait(monkeypatch):
    """A first wait long enough that it can't run out while a burst is still arriving."""
    monkeypatch.setattr(
        Throttle, "RULES", {kind: (free, timedelta(minutes=5)) for kind, (free, _) in Throttle.RULES.items()}
    )


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_wrong_unlocks_runs_argon2_only_for_the_free_tries_and_all_are_counted(
    content, journal, long_first_wait, monkeypatch, settings
):
    settings.REFLECT_ARGON2_AT_ONCE = 24  # slots for every request: the throttle alone decides
    derivations = counting_derivations(monkeypatch)
    answers = at_once(wrong_unlock, [()] * 24)
    assert len(derivations) == PAIR_FREE, f"Argon2 ran {len(derivations)} times for {PAIR_FREE} free tries"
    assert sorted(status for status, _ in answers) == [400] * PAIR_FREE + [429] * (24 - PAIR_FREE)
    assert all(int(retry_after) >= 1 for status, retry_after in answers if status == 429), answers
    assert failures("personal", "10.0.0.8") == {"pair": PAIR_FREE, "client": PAIR_FREE, "account": PAIR_FREE}


@pytest.mark.django_db(transaction=True)
def test_a_burst_with_one_slot_derives_one_at_a_time_and_counts_only_what_ran(
    content, journal, long_first_wait, monkeypatch, settings
):
    settings.REFLECT_ARGON2_AT_ONCE = 1
    most = most_at_once(monkeypatch)
    answers = at_once(wrong_unlock, [()] * 10)
    statuses = [status for status, _ in answers]
    assert set(statuses) <= {400, 429, 503} and 400 in statuses, answers
    assert most == [1], f"{most} derivations ran at once with one slot"
    assert statuses.count(400) <= PAIR_FREE
    counted = statuses.count(400)
    assert failures("personal", "10.0.0.8") == {"pair": counted, "client": counted, "account": counted}, (
        "every derivation is counted, and a busy answer counts nothing"
    )
    assert all(int(retry_after) >= 1 for status, retry_after in answers if status in (429, 503)), answers


@pytest.mark.django_db(transaction=True)
def test_parallel_tries_from_many_clients_at_many_names_never_fail_and_every_count_adds_up(content, settings):
    """Right and wrong passphrases, at once, sharing rows every which way, with day-old rows being deleted."""
    settings.PRACTICE = True
    settings.REFLECT_ARGON2_AT_ONCE = 40  # slots for every request: this is about the counts
    names, addresses = ["ash", "birch", "cedar", "nobody"], [f"10.1.0.{i}" for i in range(5)]
    for name in names[:3]:
        make_account(name)
    for address in addresses:
        for name in names:
            for key in throttle_keys(name, address).all():
                Throttle.objects.get_or_create(key=key, defaults={"failures": 5})
    Throttle.objects.update(updated_at=timezone.now() - Throttle.FORGET_AFTER - timedelta(hours=1))
    tries = [
        (address, name, PASSPHRASE if (i % 3 == 0) else WRONG)
        for i, (address, name) in enumerate((a, n) for a in addresses for n in names)
    ]

    def attempt(wait, address, name, passphrase):
        browser = Client(REMOTE_ADDR=address)
        wait()
        return [unlock(browser, passphrase, username=name).status_code for _ in range(2)]

    statuses = [status for both in at_once(attempt, tries) for status in both]
    assert len(statuses) == 2 * len(tries) and set(statuses) <= {302, 400, 429}, sorted(statuses)
    # Each counted try adds one to its pair, its client and its name; a right one takes its pair's
    # count back from all three. So a client's count is the sum of its pairs, and so is a name's.
    counts = dict(Throttle.objects.values_list("key", "failures"))
    for address in addresses:
        assert counts.get(throttle_keys("", address).client, 0) == sum(
            counts.get(throttle_keys(name, address).pair, 0) for name in names
        )
    for name in names:
        assert counts.get(throttle_keys(name, "").account, 0) == sum(
            counts.get(throttle_keys(name, address).pair, 0) for address in addresses
        )
