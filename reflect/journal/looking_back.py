"""Looking back: what a person's own entries show over a stretch of time.

Feelings before and after writing, the topics written about, the prompts answered and not yet,
and how many entries each week. It is worked out here, in memory, from entries already opened,
each time the page is asked for: nothing of it is ever stored.

The chart shows one point per entry while there are few rated entries (MOST_POINTS or fewer).
With more, each point is the average of a week; of a month when the rated entries span more than
MOST_POINTS weeks; of a year when they span more than MOST_POINTS months. So ten thousand entries
still make a chart of at most about thirty points, one a person can take in at a glance.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import fmean
from typing import NamedTuple

from django.utils import dateformat, timezone

from reflect.prompts.models import Dynamic, Prompt

from .models import Entry, Writing

# The most points on the chart, and rows in the table of entries over time, that stay readable.
MOST_POINTS = 30
LOWEST, HIGHEST = 0, 10  # the writing page's scale: 0 is calm, 10 is the most upset you can imagine
ENTRY, WEEK, MONTH, YEAR = "entry", "week", "month", "year"


@dataclass(frozen=True)
class Range:
    """A stretch of time to look back over, in whole weeks from Monday; `weeks=None` is everything."""

    slug: str
    label: str  # for the choice: "The last 4 weeks"
    during: str  # for a sentence: "in the last 4 weeks"
    weeks: int | None

    def since(self, today: date) -> date | None:
        """The first day in the range: the Monday `weeks - 1` weeks before this week's."""
        if self.weeks is None:
            return None
        return starts(today, WEEK) - timedelta(weeks=self.weeks - 1)


RANGES = (
    Range("4-weeks", "The last 4 weeks", "in the last 4 weeks", 4),
    Range("3-months", "The last 3 months", "in the last 3 months", 13),
    Range("all", "Everything", "since you started", None),
)
DEFAULT_RANGE = RANGES[1]


def range_called(slug: str) -> Range:
    return next((each for each in RANGES if each.slug == slug), DEFAULT_RANGE)


class Rated(NamedTuple):
    """An entry with at least one feelings rating, at its local time."""

    when: datetime
    entry: Entry
    before: int | None
    after: int | None


@dataclass(frozen=True)
class Feelings:
    """One point on the chart: an entry, or the average of the entries in a week, month or year."""

    starts: date
    label: str  # in words, for the table and the chart's tooltip: "Week of 3 Mar 2025"
    short_label: str  # under the chart: "3 Mar"
    entries: int  # how many entries it stands for
    before: float | None
    after: float | None
    entry: Entry | None = None  # the entry itself, when the point is one entry

    @property
    def change(self) -> float | None:
        """After minus before: below zero is calmer after writing, above zero more upset."""
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 1)

    @property
    def direction(self) -> str:
        change = self.change
        if change is None:
            return ""
        return "calmer" if change < 0 else "upset" if change > 0 else "same"


@dataclass(frozen=True)
class TopicSummary:
    topic: Dynamic
    entries: int
    answered: list[Prompt]
    not_yet: list[Prompt]

    @property
    def prompts(self) -> int:
        return len(self.answered) + len(self.not_yet)


@dataclass(frozen=True)
class EntriesIn:
    """How many entries were written in one week (or month, or year)."""

    starts: date
    label: str
    entries: int


@dataclass(frozen=True)
class LookingBack:
    range: Range
    since: date | None
    entries: int
    grouping: str  # what one point on the chart is: ENTRY, WEEK, MONTH or YEAR
    feelings: list[Feelings]
    rated_both: int  # entries rated both before and after writing
    average_change: float | None  # their mean of after minus before
    calmer: int
    same: int
    upset: int
    topics: list[TopicSummary]
    without_topic: int  # entries that answer no prompt in the library
    period: str  # what one row of `per_period` is: WEEK, MONTH or YEAR
    per_period: list[EntriesIn]


def look_back(
    pairs: Iterable[tuple[Entry, Writing]], chosen: Range, today: date, topics: Sequence[Dynamic]
) -> LookingBack:
    """Everything the page shows, from opened entries (any order) and the topics with their prompts."""
    since = chosen.since(today)
    zone = timezone.get_current_timezone()  # asked once: per entry, it took most of the time for 10,000
    local = ((entry.created_at.astimezone(zone), entry, writing) for entry, writing in pairs)
    dated = sorted(
        (item for item in local if since is None or since <= item[0].date() <= today), key=lambda item: item[0]
    )
    rated = [
        Rated(when, entry, rating(writing.distress_before), rating(writing.distress_after))
        for when, entry, writing in dated
    ]
    rated = [item for item in rated if item.before is not None or item.after is not None]
    both = [item.after - item.before for item in rated if item.before is not None and item.after is not None]
    grouping, feelings = feelings_over_time(rated)
    period, per_period = entries_over_time([when.date() for when, _, _ in dated], since, today)
    slugs = [writing.prompt for _, _, writing in dated]
    in_library = {prompt.slug for topic in topics for prompt in topic.prompts.all()}
    return LookingBack(
        range=chosen,
        since=since,
        entries=len(dated),
        grouping=grouping,
        feelings=feelings,
        rated_both=len(both),
        average_change=round(fmean(both), 1) if both else None,
        calmer=sum(change < 0 for change in both),
        same=sum(change == 0 for change in both),
        upset=sum(change > 0 for change in both),
        topics=topic_summaries(slugs, topics),
        without_topic=sum(slug not in in_library for slug in slugs),
        period=period,
        per_period=per_period,
    )


def rating(value: object) -> int | None:
    """A rating from the scale, or None: skipped, or anything that is not a whole number from 0 to 10."""
    if isinstance(value, int) and not isinstance(value, bool) and LOWEST <= value <= HIGHEST:
        return value
    return None


def feelings_over_time(rated: list[Rated]) -> tuple[str, list[Feelings]]:
    """(ENTRY or the period averaged over, the points), oldest first, at most MOST_POINTS when it can."""
    if len(rated) <= MOST_POINTS:
        return ENTRY, [
            Feelings(
                starts=when.date(),
                label=dateformat.format(when, "j M Y, H:i"),
                short_label=dateformat.format(when, "j M"),
                entries=1,
                before=before,
                after=after,
                entry=entry,
            )
            for when, entry, before, after in rated
        ]
    first, last = rated[0].when.date(), rated[-1].when.date()
    # Past MOST_POINTS years (only an import from long ago does that) a point is still a year.
    unit = next((unit for unit in (WEEK, MONTH) if periods_between(first, last, unit) <= MOST_POINTS), YEAR)
    groups: dict[date, list[Rated]] = {}
    for item in rated:
        groups.setdefault(starts(item.when.date(), unit), []).append(item)
    return unit, [averaged(first_day, unit, items) for first_day, items in groups.items()]


def averaged(first_day: date, unit: str, items: list[Rated]) -> Feelings:
    befores = [item.before for item in items if item.before is not None]
    afters = [item.after for item in items if item.after is not None]
    return Feelings(
        starts=first_day,
        label=period_label(first_day, unit),
        short_label=short_period_label(first_day, unit),
        entries=len(items),
        before=round(fmean(befores), 1) if befores else None,
        after=round(fmean(afters), 1) if afters else None,
    )


def entries_over_time(days: list[date], since: date | None, today: date) -> tuple[str, list[EntriesIn]]:
    """How many entries in each week of the range, with the weeks that have none; in months or years
    when there would be more than MOST_POINTS rows, and only the years with entries if even those are."""
    if not days:
        return WEEK, []
    first, last = since or days[0], max(today, days[-1])
    for unit in (WEEK, MONTH, YEAR):
        if periods_between(first, last, unit) <= MOST_POINTS:
            break
    counted = Counter(starts(day, unit) for day in days)
    if periods_between(first, last, unit) > MOST_POINTS:
        return unit, [EntriesIn(day, period_label(day, unit), counted[day]) for day in sorted(counted)]
    rows, day = [], starts(first, unit)
    while day <= last:
        rows.append(EntriesIn(day, period_label(day, unit), counted[day]))
        day = following(day, unit)
    return unit, rows


def topic_summaries(slugs: list[str], topics: Sequence[Dynamic]) -> list[TopicSummary]:
    """Every topic, in its order, with the entries answering its prompts and which prompts those were."""
    answers = Counter(slugs)
    summaries = []
    for topic in topics:
        prompts = list(topic.prompts.all())
        summaries.append(
            TopicSummary(
                topic=topic,
                entries=sum(answers[prompt.slug] for prompt in prompts),
                answered=[prompt for prompt in prompts if answers[prompt.slug]],
                not_yet=[prompt for prompt in prompts if not answers[prompt.slug]],
            )
        )
    return summaries


# --- Weeks, months and years ----------------------------------------------------------------


def starts(day: date, unit: str) -> date:
    """The first day of the week (a Monday), month or year that `day` falls in."""
    if unit == WEEK:
        return day - timedelta(days=day.weekday())
    if unit == MONTH:
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def following(first_day: date, unit: str) -> date:
    if unit == WEEK:
        return first_day + timedelta(weeks=1)
    if unit == MONTH:
        return date(first_day.year + first_day.month // 12, first_day.month % 12 + 1, 1)
    return date(first_day.year + 1, 1, 1)


def periods_between(first: date, last: date, unit: str) -> int:
    """How many weeks, months or years the days from `first` to `last` touch."""
    if unit == WEEK:
        return (starts(last, WEEK) - starts(first, WEEK)).days // 7 + 1
    if unit == MONTH:
        return (last.year - first.year) * 12 + last.month - first.month + 1
    return last.year - first.year + 1


def period_label(first_day: date, unit: str) -> str:
    if unit == WEEK:
        return "Week of " + dateformat.format(first_day, "j M Y")
    return dateformat.format(first_day, "F Y" if unit == MONTH else "Y")


def short_period_label(first_day: date, unit: str) -> str:
    return dateformat.format(first_day, {WEEK: "j M", MONTH: "M Y", YEAR: "Y"}[unit])
