"""The journal's list, a page at a time: newest first, moving from the entry at a page's edge.

"The 20 entries just older than this one" is found through the index on (owner, created_at),
however far back it is, so the last page costs what the first does; "skip 9,980 rows, then take
20" would read every row it skips, and a page count would read them all. A link names only the
edge entry's id, as the entry's own address does, never when it was written.

Search and topics have to open entries to choose (what an entry says, and which prompt it
answers, are sealed): they open one at a time and keep only the rows of the page shown.
"""

import math
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db.models import Q, QuerySet, Subquery

from .models import Entry, Writing

PAGE_SIZE = 20

Row = tuple[Entry, Writing | None]


@dataclass
class EntryPage:
    rows: list[Row]
    newer: Entry | None = None  # the first row, when newer entries come before this page
    older: Entry | None = None  # the last row, when older entries follow it


def newest_first(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    # The id settles entries written in the same instant, so no entry is ever on two pages or none.
    return entries.order_by("-created_at", "-id")


def past(entries: QuerySet[Entry], edge: uuid.UUID, *, newer: bool) -> QuerySet[Entry]:
    """The entries newer (or older) than `edge`, nearest first; none when `edge` is not among `entries`."""
    written = Subquery(entries.filter(pk=edge).order_by().values("created_at"))
    if newer:
        beyond = Q(created_at__gt=written) | Q(created_at=written, pk__gt=edge)
        return entries.filter(beyond, created_at__gte=written).order_by("created_at", "id")
    beyond = Q(created_at__lt=written) | Q(created_at=written, pk__lt=edge)
    return entries.filter(beyond, created_at__lte=written).order_by("-created_at", "-id")


def one_at_a_time(entries: QuerySet[Entry], key: bytes, chunk: int = 100) -> Iterator[Row]:
    """Each entry with its writing opened (None if it can't be), holding one fetch of rows at a time."""
    for entry in entries.iterator(chunk_size=chunk):
        yield entry, entry.open_or_none(key)


def entry_page(
    entries: QuerySet[Entry],
    key: bytes,
    *,
    older_than: uuid.UUID | None = None,
    newer_than: uuid.UUID | None = None,
    keep: Callable[[Writing], bool] | None = None,
) -> EntryPage | None:
    """The page just past an edge entry (the newest page without one), showing only the writing
    `keep` chooses, if given. None when the page is empty: its edge entry was deleted, say."""
    edge = newer_than or older_than
    going_newer = newer_than is not None
    candidates = past(entries, edge, newer=going_newer) if edge else newest_first(entries)
    if keep is None:
        found = [(entry, entry.open_or_none(key)) for entry in candidates[: PAGE_SIZE + 1]]
    else:
        chosen = (row for row in one_at_a_time(candidates, key) if row[1] is not None and keep(row[1]))
        found = list(islice(chosen, PAGE_SIZE + 1))
    rows, more = found[:PAGE_SIZE], len(found) > PAGE_SIZE
    if edge and not rows:
        return None
    if not going_newer:
        return EntryPage(rows, newer=rows[0][0] if edge else None, older=rows[-1][0] if more else None)
    if not more and len(rows) < PAGE_SIZE:
        # Back at the newest, with entries deleted meanwhile: the newest page is a whole one.
        return entry_page(entries, key, keep=keep)
    rows.reverse()
    return EntryPage(rows, newer=rows[0][0] if more else None, older=rows[-1][0])


@dataclass
class ResultPage:
    """One page of search results, and how many entries were found in all."""

    number: int
    found: int
    rows: list[Row] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.found / PAGE_SIZE))

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


def results_page(opened: Iterable[Row], matches: Callable[[Writing], bool], number: int) -> ResultPage:
    """Page `number` of the writing that `matches` (the last page, if there are fewer), counting
    every match but keeping only the rows of that page and of the last one begun."""
    wanted, last, found = [], [], 0
    for entry, writing in opened:
        if writing is None or not matches(writing):
            continue
        if found % PAGE_SIZE == 0:
            last = []
        last.append((entry, writing))
        if found // PAGE_SIZE == number - 1:
            wanted.append((entry, writing))
        found += 1
    page = ResultPage(number, found, wanted)
    if number > page.pages:
        page.number, page.rows = page.pages, last
    return page


def as_rows(rows: Iterable[Row]) -> list[dict[str, Any]]:
    """What the list's template shows for each entry."""
    return [{"entry": entry, "writing": writing} for entry, writing in rows]
