"""The feelings chart of Looking back, drawn on the server as SVG, and the same figures in words.

Feelings go up the side as the writing page asks for them: 0 (calm) at the bottom, 10 (the most
upset you can imagine) at the top. Each point joins its "before" (a hollow dot) to its "after"
(a filled dot), so a line that falls means calmer after writing and a line that rises means more
upset; a rise is also dashed and coloured, so it never depends on colour alone. This module only
works out where things go; templates/journal/_feelings_chart.svg draws them, escaping every word.
"""

from dataclasses import dataclass

from .looking_back import ENTRY, HIGHEST, LOWEST, MONTH, WEEK, Feelings, LookingBack

WIDTH, HEIGHT = 640, 310
LEFT, RIGHT, TOP, BOTTOM = 112, 624, 20, 256  # the plot area, inside room for the labels
MOST_LABELS = 5  # dates under the chart: more would run into each other


@dataclass(frozen=True)
class Mark:
    """One point: where its dots go, which way it went, and its figures in words (for its tooltip and
    its row in the table, so the two always say the same)."""

    x: float
    before_y: float | None
    after_y: float | None
    direction: str  # "calmer", "upset", "same", or "" when only one rating is there
    when: str  # "3 Mar 2025, 14:05", or "Week of 3 Mar 2025 (4 entries)"
    before: str
    after: str
    change: str  # "1.5 points calmer", "no change", or "" when it can't be known
    feelings: Feelings

    @property
    def says(self) -> str:
        """ "Week of 3 Mar 2025 (4 entries): before 6.5, after 4 (2.5 points calmer)"."""
        return f"{self.when}: before {self.before}, after {self.after}" + (f" ({self.change})" if self.change else "")


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    marks: list[Mark]
    levels: list[tuple[float, str, str]]  # (y, rating, what it means) for the lines across
    dates: list[tuple[float, str, str, bool]]  # (x, text-anchor, date, left out on a phone) under the chart
    label_x: int  # where the words beside the lines across end
    dates_y: int  # where the dates under the chart sit
    dot_radius: float
    title: str
    description: str


def draw(summary: LookingBack) -> Chart:
    count = len(summary.feelings)
    step = (RIGHT - LEFT) / max(count, 1)
    marks = [
        Mark(
            x=round(LEFT + step * (index + 0.5), 1),
            before_y=height_of(point.before),
            after_y=height_of(point.after),
            direction=point.direction,
            when=point.label if point.entry else f"{point.label} ({plural(point.entries, 'entry', 'entries')})",
            before=figure(point.before),
            after=figure(point.after),
            change=change_in_words(point),
            feelings=point,
        )
        for index, point in enumerate(summary.feelings)
    ]
    shown = sorted({round(index * (count - 1) / (MOST_LABELS - 1)) for index in range(MOST_LABELS)})
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=RIGHT,
        top=TOP,
        bottom=BOTTOM,
        marks=marks,
        levels=[(height_of(HIGHEST), "10", "most upset"), (height_of(5), "5", ""), (height_of(LOWEST), "0", "calm")],
        dates=[
            (marks[index].x, anchor(index, count), summary.feelings[index].short_label, place % 2 == 1)
            for place, index in enumerate(shown)
            if count
        ],
        label_x=LEFT - 8,
        dates_y=BOTTOM + 26,
        dot_radius=5 if count <= 15 else 4 if count <= 30 else 3,
        title=chart_title(summary),
        description=in_words(summary),
    )


def anchor(index: int, count: int) -> str:
    """The first and last dates line up with the chart's edges, so neither runs off it."""
    if count > 2 and index == 0:
        return "start"
    if count > 2 and index == count - 1:
        return "end"
    return "middle"


def height_of(value: float | None) -> float | None:
    if value is None:
        return None
    return round(BOTTOM - (value - LOWEST) / (HIGHEST - LOWEST) * (BOTTOM - TOP), 1)


def chart_title(summary: LookingBack) -> str:
    each = {ENTRY: "each entry", WEEK: "each week", MONTH: "each month"}.get(summary.grouping, "each year")
    averaged = "" if summary.grouping == ENTRY else " (the average)"
    return f"How you felt before and after writing, for {each}{averaged}"


def in_words(summary: LookingBack) -> str:
    """What the chart shows, as a sentence or three: the same figures for anyone who can't see it."""
    scale = "0 is calm and 10 is the most upset you can imagine."
    if not summary.rated_both:
        return (
            f"None of these entries has a rating from both before and after writing, so there is no change yet. {scale}"
        )
    several = summary.rated_both > 1
    across = f"Across {summary.rated_both:,} entries" if several else "In the one entry"
    on_average = " on average" if several else ""
    average = summary.average_change or 0
    if average < 0:
        change = f"you felt{on_average} {points(-average)} calmer after writing than before"
    elif average > 0:
        change = f"you felt{on_average} {points(average)} more upset after writing than before"
    else:
        change = f"you felt{on_average} the same after writing as before"
    sentence = f"{across} rated before and after writing, {change}. {scale}"
    if several:
        sentence += (
            f" {count_in_words(summary.calmer).capitalize()} ended calmer, {count_in_words(summary.same)} the same"
            f" and {count_in_words(summary.upset)} more upset."
        )
    return sentence


def change_in_words(point: Feelings) -> str:
    change = point.change
    if change is None:
        return ""
    if change < 0:
        return f"{points(-change)} calmer"
    if change > 0:
        return f"{points(change)} more upset"
    return "no change"


def figure(value: float | None) -> str:
    """4 → "4", 4.5 → "4.5"; a rating that was skipped → "not rated"."""
    if value is None:
        return "not rated"
    return f"{value:.1f}".removesuffix(".0")


def points(value: float) -> str:
    return f"{figure(value)} point{'' if value == 1 else 's'}"


def plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def count_in_words(count: int) -> str:
    return "none" if count == 0 else f"{count:,}"
