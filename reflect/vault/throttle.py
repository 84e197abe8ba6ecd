"""Slowing down guesses: wrong passphrases and recovery keys, and refused joins.

Counts live in the database, not in memory, so every app process and machine sees the same ones;
their keys are HMACs, never names or addresses.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac


def client_address(request: HttpRequest) -> str:
    """The address wrong passphrases are counted against.

    Behind a proxy every request comes from the proxy's address; a practice names the header its
    proxy sets (e.g. X-Real-IP), so clients are still counted one by one.
    """
    header = settings.REFLECT_CLIENT_IP_HEADER
    return (request.headers.get(header) if header else None) or request.META.get("REMOTE_ADDR", "")


@dataclass(frozen=True)
class ThrottleKeys:
    """The three counts one try is held to: this name from this client, this client, this name."""

    pair: str
    client: str
    account: str

    def all(self) -> list[str]:
        return [self.pair, self.client, self.account]


def throttle_key(kind: str, *parts: str) -> str:
    # An HMAC, never the name or address itself: the table must not become a record of who
    # tried to open which journal from where. One key salt per kind, so the kinds never collide.
    digest = salted_hmac(f"reflect.vault.Throttle.{kind}", json.dumps(parts), algorithm="sha256").hexdigest()
    return f"{kind}:{digest[:32]}"


def throttle_keys(account: str, address: str) -> "ThrottleKeys":
    # Counted by name, so a name that doesn't exist is slowed down just like one that does.
    return ThrottleKeys(
        pair=throttle_key("pair", account, address),
        client=throttle_key("client", address),
        account=throttle_key("account", account),
    )


@dataclass
class Reservation:
    """One try, counted as a failure before its key derivation runs; `wait` > 0 means refused."""

    keys: ThrottleKeys
    wait: float = 0
    # key -> ((blocked_until, updated_at) before this try, (blocked_until, updated_at) it left), to undo on success
    changes: dict = field(default_factory=dict)


class Throttle(models.Model):
    """Failed tries at a passphrase or recovery key (and refused joins), with a wait that grows.

    The rule, which the README states for people:
    - Every try is held to two counts: this name from this client (the pair) and this client
      across all names. After the free tries of a count, the next try waits 1 second, then 2, 4,
      ... up to 15 minutes.
    - A third count, this name from anywhere, brakes a guesser who spreads tries over many
      clients. It applies only to a client that has failed itself, so someone else's failures
      never keep out the owner trying from a clean device.
    - A try is counted before Argon2 runs, in one transaction with its rows locked: parallel
      tries cannot all slip past the count, and every try that runs is counted. When the secret
      was right, the pair's failures are taken back from all three counts (not the client's
      failures at other names: opening one's own journal must not wipe a count against others).
    - Counts untouched for a day are forgotten, and deleted.
    - Joining from a therapist's code is counted by client only ("join"): after 5 refusals (an
      unknown or used code, a form that didn't go through) the wait starts at 30 seconds.

    Kept in the database, not in memory, so every app process sees the same counts.
    """

    key = models.CharField(max_length=100, unique=True)
    failures = models.PositiveIntegerField(default=0)
    blocked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    # kind: (tries before any wait, the first wait)
    RULES = {
        "pair": (3, timedelta(seconds=1)),
        "client": (10, timedelta(seconds=1)),
        "account": (10, timedelta(seconds=1)),
        "join": (5, timedelta(seconds=30)),
    }
    LONGEST_WAIT = timedelta(minutes=15)
    FORGET_AFTER = timedelta(days=1)

    def __str__(self):
        return f"{self.key}: {self.failures} failures"

    @property
    def free_attempts(self) -> int:
        return self.RULES[self.key.split(":", 1)[0]][0]

    def wait_after_failures(self) -> timedelta | None:
        """Nothing within the free tries; then the first wait, doubling with each failure, up to the longest."""
        free, first_wait = self.RULES[self.key.split(":", 1)[0]]
        extra = self.failures - free
        if extra < 0:
            return None
        return min(first_wait * 2 ** min(extra, 32), self.LONGEST_WAIT)

    # --- One count on its own (joins): counted after the refusal, cleared on success ---------

    @classmethod
    def seconds_to_wait(cls, key: str) -> float:
        blocked_until = (
            cls.objects.filter(key=key, updated_at__gte=timezone.now() - cls.FORGET_AFTER)
            .values_list("blocked_until", flat=True)
            .first()
        )
        return max((blocked_until - timezone.now()).total_seconds(), 0) if blocked_until else 0

    @classmethod
    def count_refusal(cls, key: str) -> None:
        now = timezone.now()
        with transaction.atomic():
            row = cls.lock_rows([key])[key]
            if row.updated_at < now - cls.FORGET_AFTER:
                row.failures, row.blocked_until = 0, None
            row.failures += 1
            delay = row.wait_after_failures()
            if delay is not None:
                row.blocked_until = now + delay
            row.save()

    @classmethod
    def clear(cls, key: str) -> None:
        cls.objects.filter(key=key).delete()

    # --- Passphrases and recovery keys: reserved before the key derivation runs ------------

    @classmethod
    def reserve(cls, keys: ThrottleKeys) -> Reservation:
        """Counts a try before it is made, or refuses it; commits before any key derivation."""
        with transaction.atomic():
            return cls.count_try(keys, cls.lock_rows(keys.all()))

    @classmethod
    def seconds_before_try(cls, keys: ThrottleKeys) -> float:
        """How long a try must wait, read without locking or writing anything.

        A try that must wait is answered before it takes a derivation slot, so a stream of refused
        tries never crowds out anyone else's; `reserve` still decides, atomically, for the rest.
        """
        now = timezone.now()
        fresh = cls.objects.filter(key__in=keys.all(), updated_at__gte=now - cls.FORGET_AFTER)
        return cls.wait_among(keys, {row.key: row for row in fresh}, now)

    @classmethod
    def wait_among(cls, keys: ThrottleKeys, rows: dict[str, "Throttle"], now: datetime) -> float:
        """Seconds until a try held to these rows may run: the longest wait among the counts that apply."""
        client = rows.get(keys.client)
        applying = [keys.pair, keys.client] + ([keys.account] if client and client.failures else [])
        until = [rows[key].blocked_until for key in applying if key in rows and rows[key].blocked_until]
        return max([0.0] + [(blocked_until - now).total_seconds() for blocked_until in until])

    @classmethod
    def count_try(cls, keys: ThrottleKeys, rows: dict[str, "Throttle"]) -> Reservation:
        """With the rows locked: refuse if a count that applies is waiting, else count this try as failed."""
        now = timezone.now()
        cls.forget_stale(now, exclude=keys.all())
        for row in rows.values():
            if row.updated_at < now - cls.FORGET_AFTER:
                row.failures, row.blocked_until = 0, None
        if wait := cls.wait_among(keys, rows, now):
            cls.objects.filter(key__in=keys.all(), failures=0).delete()  # rows this refused try made
            return Reservation(keys, wait=wait)
        reservation = Reservation(keys)
        for row in rows.values():
            before = (row.blocked_until, row.updated_at)
            row.failures += 1
            delay = row.wait_after_failures()
            if delay is not None:
                row.blocked_until = now + delay
            row.save()
            reservation.changes[row.key] = (before, (row.blocked_until, row.updated_at))
        return reservation

    @classmethod
    def forgive(cls, reservation: Reservation) -> None:
        """The secret was right: take back what this pair added, and the wait this try started.

        A count's age stays that of its last wrong try, so a right one never keeps it alive.
        """
        keys = reservation.keys
        with transaction.atomic():
            rows = cls.locked(keys.all())
            pair = rows.pop(keys.pair, None)
            given_back = pair.failures if pair else 0  # no pair row: a parallel success gave it all back
            if pair:
                pair.delete()
            for row in rows.values():
                failures = max(row.failures - given_back, 0)
                if not failures:
                    row.delete()
                    continue
                current = (row.blocked_until, row.updated_at)
                before, left = reservation.changes.get(row.key, (current, current))
                # Put back only what no other try has changed since.
                blocked_until = before[0] if row.blocked_until == left[0] else row.blocked_until
                updated_at = before[1] if row.updated_at == left[1] else row.updated_at
                if failures < row.free_attempts:
                    blocked_until = None
                cls.objects.filter(pk=row.pk).update(
                    failures=failures, blocked_until=blocked_until, updated_at=updated_at
                )

    @classmethod
    def lock_rows(cls, keys: Iterable[str]) -> dict[str, "Throttle"]:
        """{key: row}, each made if missing, locked until the transaction ends.

        One upsert takes every lock, in key order, so two tries sharing rows never wait on each
        other in a cycle; a row another try deletes meanwhile is simply made again.
        """
        keys = sorted(keys)
        cls.objects.bulk_create(
            [cls(key=key) for key in keys], update_conflicts=True, unique_fields=["key"], update_fields=["key"]
        )
        return cls.locked(keys)

    @classmethod
    def locked(cls, keys: Iterable[str]) -> dict[str, "Throttle"]:
        """{key: row} for the rows that exist, locked in key order until the transaction ends."""
        return {row.key: row for row in cls.objects.select_for_update().filter(key__in=keys).order_by("key")}

    @classmethod
    def forget_stale(cls, now: datetime | None = None, exclude: Iterable[str] = ()) -> int:
        """Deletes counts untouched for a day, skipping rows another try holds (never waiting on them)."""
        cutoff = (now or timezone.now()) - cls.FORGET_AFTER
        with transaction.atomic():
            stale = (
                cls.objects.select_for_update(skip_locked=True).filter(updated_at__lt=cutoff).exclude(key__in=exclude)
            )
            return cls.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()[0]
