"""Looking back: feelings before and after writing, topics and prompts, entries over time, worked
out from the person's own entries on each request and stored nowhere."""

import re
from datetime import date, datetime, timedelta
from html import unescape
from html.parser import HTMLParser

import pytest
from django.contrib.sessions.models import Session
from django.core import serializers
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reflect.journal.feelings_chart import BOTTOM, TOP
from reflect.journal.looking_back import RANGES, WEEK, look_back
from reflect.journal.models import Entry, Writing
from reflect.prompts.models import Dynamic, Prompt

from ..conftest import rows_by_model

pytestmark = pytest.mark.django_db

PAGE = "/journal/looking-back/"
SHAME = "not-my-fault"  # both in "Shame and self-worth"
SHAME_TOO = "where-shame-sits"
BODY = "body-check-in"  # "The body and nervous system"


class Page(HTMLParser):
    """What Looking back shows: the rows of its tables (by table id) and the chart's marks."""

    def __init__(self, html):
        super().__init__()
        self.tables, self.marks, self.svgs = {}, [], 0
        self.table = self.row = self.cell = None
        self.mark = None
        self.in_mark_title = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "svg" and "feelings-chart" in classes:
            self.svgs += 1
        elif tag == "table":
            self.table = attrs.get("id")
            self.tables[self.table] = []
        elif tag == "tr" and self.table:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag == "g" and "feelings-mark" in classes:
            self.mark = {"classes": classes, "title": "", "dots": {}}
        elif tag == "title" and self.mark is not None:
            self.in_mark_title = True
        elif tag == "circle" and self.mark is not None:
            kind = "before" if "feelings-before" in classes else "after"
            self.mark["dots"][kind] = float(attrs["cy"])

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.table].append(self.row)
            self.row = None
        elif tag == "table":
            self.table = None
        elif tag == "title":
            self.in_mark_title = False
        elif tag == "g" and self.mark is not None:
            self.marks.append(self.mark)
            self.mark = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        if self.in_mark_title:
            self.mark["title"] += data

    def body_rows(self, table):
        return self.tables[table][1:]  # the first row holds the column headings


def rating_in(cell):
    return None if cell == "not rated" else float(cell)


def value_at(height):
    """The rating a dot's height on the chart stands for."""
    return round((BOTTOM - height) / (BOTTOM - TOP) * 10, 1)


def moved_back(pk, days):
    """The entry, as if written `days` ago: when it was written is kept in clear, beside the seal."""
    Entry.objects.filter(pk=pk).update(created_at=timezone.now() - timedelta(days=days))


@pytest.fixture
def four_entries(write):
    """A known journal: 8 → 5 (calmer), 6 → 7 (more upset), 4 → 4 (the same), and one not rated."""
    return [
        write("Answering the shame prompt.", prompt=SHAME, distress_before="8", distress_after="5"),
        write("Free writing.", distress_before="6", distress_after="7"),
        write("Where shame sits.", prompt=SHAME_TOO, distress_before="4", distress_after="4"),
        write("About the body.", prompt=BODY),
    ]


class TestFigures:
    def test_feelings_before_and_after_are_summed_up_right(self, client, journal, four_entries):
        response = client.get(PAGE, {"range": "all"})
        assert response.status_code == 200
        summary = response.context["summary"]
        assert (summary.entries, summary.rated_both, summary.average_change) == (4, 3, -0.7)
        assert (summary.calmer, summary.same, summary.upset) == (1, 1, 1)
        html = response.content.decode()
        assert "Across 3 entries rated before and after writing, you felt on average 0.7 points calmer" in html
        assert "1 ended calmer, 1 the same and 1 more upset." in html
        assert "0 is calm and 10 is the most upset you can imagine." in html, "the writing page's own words"

    def test_one_entry_is_put_in_words_without_averages(self, client, journal, write):
        write("Just one.", distress_before="5", distress_after="3")
        html = client.get(PAGE).content.decode()
        assert "In the one entry rated before and after writing, you felt 2 points calmer after writing" in html

    def test_topics_prompts_answered_and_entries_per_week(self, client, journal, four_entries):
        page = Page(client.get(PAGE, {"range": "all"}).content.decode())
        topics = {row[0]: row[1:] for row in page.body_rows("topics-table")}
        shame, body = Dynamic.objects.get(prompts__slug=SHAME), Dynamic.objects.get(prompts__slug=BODY)
        assert topics[shame.name] == ["2", f"2 of {shame.prompts.count()}"]
        assert topics[body.name] == ["1", f"1 of {body.prompts.count()}"]
        others = Dynamic.objects.exclude(pk__in=[shame.pk, body.pk])
        assert all(topics[other.name] == ["0", f"0 of {other.prompts.count()}"] for other in others)
        assert topics["Written without a prompt from the library"] == ["1", ""]
        assert page.body_rows("entries-table") == [[f"Week of {monday():%-d %b %Y}", "4"]]

    def test_prompts_not_yet_answered_lead_to_writing_about_them(self, client, journal, four_entries):
        html = client.get(PAGE, {"range": "all"}).content.decode()
        not_yet = re.findall(r'href="/journal/write/\?prompt=([a-z0-9-]+)"', html)
        every = set(Prompt.objects.values_list("slug", flat=True))
        assert set(not_yet) == every - {SHAME, SHAME_TOO, BODY}

    def test_the_chart_and_the_table_show_the_same_figures(self, client, journal, four_entries):
        page = Page(client.get(PAGE, {"range": "all"}).content.decode())
        assert page.svgs == 1
        rows = page.body_rows("feelings-table")
        assert len(rows) == len(page.marks) == 3, "one point per rated entry while there are few"
        for (when, before, after, change), mark in zip(rows, page.marks, strict=True):
            assert mark["title"] == f"{when}: before {before}, after {after} ({change})"
            assert value_at(mark["dots"]["before"]) == rating_in(before)
            assert value_at(mark["dots"]["after"]) == rating_in(after)
        assert [row[1:] for row in rows] == [
            ["8", "5", "3 points calmer"],
            ["6", "7", "1 point more upset"],
            ["4", "4", "no change"],
        ]

    def test_a_rise_is_drawn_differently_and_offers_a_pause(self, client, journal, four_entries):
        page = Page(html := client.get(PAGE, {"range": "all"}).content.decode())
        kinds = [
            next(c for c in mark["classes"] if c.startswith("feelings-") and c != "feelings-mark")
            for mark in page.marks
        ]
        assert kinds == ["feelings-calmer", "feelings-upset", "feelings-same"]
        assert "dashed line" in html, "the legend names the rise by its shape, not only its colour"
        assert 'href="/reflect/ground/"' in html.split("<main", 1)[1].split("</main>")[0]

    def test_many_entries_are_averaged_by_week(self):
        """Forty rated entries over four weeks make four weekly points, not forty."""
        today = date(2025, 3, 30)  # a Sunday: the last 4 weeks began on Monday 3 March
        pairs = []
        for number in range(40):
            written = timezone.make_aware(datetime(2025, 3, 3, 9) + timedelta(weeks=number // 10))
            pairs.append((Entry(created_at=written), Writing("x", distress_before=6 + number % 2, distress_after=4)))
        summary = look_back(pairs, RANGES[0], today, [])
        assert summary.grouping == WEEK and len(summary.feelings) == 4
        assert [point.entries for point in summary.feelings] == [10, 10, 10, 10]
        assert all(point.after == 4 and 6 <= point.before <= 7 for point in summary.feelings)
        assert summary.average_change == -2.5 and summary.rated_both == 40


def monday(weeks_ago=0):
    today = timezone.localdate()
    return today - timedelta(days=today.weekday(), weeks=weeks_ago)


class TestRanges:
    @pytest.fixture
    def spread_out(self, write):
        """Written today, 40 days ago and 200 days ago."""
        now = write("Today.", distress_before="5", distress_after="3")
        moved_back(weeks := write("Weeks ago.", distress_before="7", distress_after="6"), 40)
        moved_back(write("Long ago.", distress_before="9", distress_after="2"), 200)
        return now, weeks

    @pytest.mark.parametrize(("chosen", "count"), [("4-weeks", 1), ("3-months", 2), ("all", 3), ("", 2)])
    def test_each_range_counts_its_own_entries(self, client, journal, spread_out, chosen, count):
        response = client.get(PAGE, {"range": chosen} if chosen else {})
        assert response.status_code == 200
        assert response.context["summary"].entries == count
        assert len(Page(response.content.decode()).marks) == count

    def test_the_last_4_weeks_list_each_week_even_the_empty_ones(self, client, journal, spread_out):
        rows = Page(client.get(PAGE, {"range": "4-weeks"}).content.decode()).body_rows("entries-table")
        assert rows == [[f"Week of {monday(ago):%-d %b %Y}", "1" if ago == 0 else "0"] for ago in (3, 2, 1, 0)]

    def test_the_range_form_shows_what_was_chosen_and_works_without_javascript(self, client, journal):
        html = client.get(PAGE, {"range": "4-weeks"}).content.decode()
        assert re.search(r'<form method="get"[^>]*>', html)
        assert '<option value="4-weeks" selected>' in html

    @pytest.mark.parametrize("odd", ["forever", "4-WEEKS", "\x00", "9" * 5000, "all "])
    def test_an_unknown_range_gets_a_message_and_a_400_and_the_page_still_helps(self, client, journal, spread_out, odd):
        response = client.get(PAGE, {"range": odd})
        assert response.status_code == 400
        html = unescape(response.content.decode())
        assert "We don't know that range, so this shows the last 3 months." in html
        assert response.context["summary"].entries == 2, "the last 3 months, as if nothing was chosen"
        assert '<option value="3-months" selected>' in html


class TestPrivacy:
    def test_a_locked_journal_asks_to_unlock_first_and_comes_back(self, client, journal, four_entries):
        client.post("/journal/lock/")
        response = client.get(PAGE, {"range": "all"})
        assert response.status_code == 302
        assert response.url == "/journal/unlock/?next=%2Fjournal%2Flooking-back%2F%3Frange%3Dall"

    def test_the_page_is_never_cached(self, client, journal, four_entries):
        response = client.get(PAGE)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]

    def test_nothing_new_is_stored_and_the_session_holds_nothing_new(self, client, journal, four_entries):
        client.get("/journal/")  # the session as an ordinary page leaves it
        before, session_before = stored(), dict(client.session)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE, {"range": "all"}).status_code == 200
        writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
        assert not [sql for sql in writes if "django_session" not in sql]
        assert stored() == before
        assert dict(client.session).keys() == session_before.keys()
        assert client.session.get("vault_sealed_key") == session_before.get("vault_sealed_key")

    def test_an_entry_that_cant_be_opened_is_counted_as_left_out(self, client, journal, four_entries):
        damaged = Entry.objects.get(pk=four_entries[0])
        flipped = bytearray(damaged.ciphertext)
        flipped[20] ^= 0x01
        Entry.objects.filter(pk=damaged.pk).update(ciphertext=bytes(flipped))
        response = client.get(PAGE, {"range": "all"})
        assert response.status_code == 200
        assert response.context["summary"].entries == 3
        assert "1 entry from this time can't be opened, so it is left out here." in response.content.decode()


def stored():
    """Every row of every table except the sessions (whose expiry moves with each visit)."""
    return {
        model._meta.label: serializers.serialize("json", model._base_manager.order_by("pk"))
        for model in rows_by_model()
        if model is not Session
    }


class TestEmpty:
    def test_no_entries_gets_a_gentle_word_and_no_chart(self, client, journal):
        response = client.get(PAGE)
        assert response.status_code == 200
        html = response.content.decode()
        assert "There's nothing to look back on yet" in html
        assert Page(html).svgs == 0

    def test_entries_without_ratings_get_no_chart_but_still_their_topics(self, client, journal, write):
        write("No ratings here.", prompt=BODY)
        page = Page(html := client.get(PAGE).content.decode())
        assert page.svgs == 0 and "feelings-table" not in page.tables
        assert "None of these entries has a feelings rating" in html
        body = Dynamic.objects.get(prompts__slug=BODY)
        assert [body.name, "1", f"1 of {body.prompts.count()}"] in page.body_rows("topics-table")

    def test_a_quiet_range_suggests_looking_further_back(self, client, journal, write):
        moved_back(write("Long ago.", distress_before="5", distress_after="4"), 200)
        html = client.get(PAGE, {"range": "4-weeks"}).content.decode()
        assert "You haven't written anything in the last 4 weeks" in html
        assert 'href="/journal/looking-back/?range=all"' in html


def test_the_journal_links_to_looking_back(client, journal):
    assert f'href="{PAGE}"' in client.get("/journal/").content.decode()


class TestSomeoneElsesJournal:
    @pytest.fixture
    def world(self, settings):
        from ..practice.conftest import make_world

        settings.PRACTICE = True
        return make_world()

    def test_another_persons_entries_are_never_counted(self, world):
        for browser, before, after, prompt in ((world.client_a, 9, 1, SHAME), (world.client_b, 2, 3, BODY)):
            response = browser.post(
                "/journal/write/",
                {"text": "Words", "distress_before": before, "distress_after": after, "prompt": prompt},
            )
            assert response.status_code == 302
        page = world.client_b.get(PAGE, {"range": "all"})
        summary = page.context["summary"]
        assert page.context["unreadable"] == 0, "A's entries are not even tried with B's key"
        assert (summary.entries, summary.rated_both, summary.average_change) == (1, 1, 1.0)
        counted = {topic.topic.slug: topic.entries for topic in summary.topics if topic.entries}
        assert counted == {Dynamic.objects.get(prompts__slug=BODY).slug: 1}
        alex = world.client_a.get(PAGE, {"range": "all"}).context["summary"]
        assert (alex.entries, alex.average_change) == (2, -8.0), "A's own entry from the assignment, and this one"
