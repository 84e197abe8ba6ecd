"""When a therapist's library prompts reach the client: all at once, or one every few days.

The interval travels sealed inside the assignment (`release_every`, in days). The day each prompt
arrives is worked out whenever it is needed, from the day the client's copy arrived, so nothing
about how far someone has got is stored, in clear or otherwise.
"""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TypeVar

from django.utils import timezone

Item = TypeVar("Item")
# One prompt a day at the most often, one every two weeks at the least.
LONGEST_GAP = 14


def gap(value: object) -> int | None:
    """The days between prompts, or None (all at once) for anything else a copy might hold."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= LONGEST_GAP else None


def release_days(count: int, every: object, first: date) -> list[date]:
    """The day each of `count` prompts arrives: the first on `first`, then one every `every` days."""
    return [first + timedelta(days=index * (gap(every) or 0)) for index in range(count)]


def released(
    items: Sequence[Item], every: object, received_at: datetime, today: date | None = None
) -> tuple[list[Item], date | None]:
    """(the items that have arrived by `today`, the day the next one arrives or None).

    Days are the person's calendar days, so a prompt arrives in the morning, not at the minute
    the assignment came three days before."""
    today = today or timezone.localdate()
    days = release_days(len(items), every, timezone.localdate(received_at))
    arrived = [item for item, day in zip(items, days, strict=True) if day <= today]
    return arrived, next((day for day in days if day > today), None)
