"""Support while writing (issue 11, §2): care when writing stirs things up, a time box, a closing step.

The care panel is offered when the "after" rating is 7 or more, or has risen by 2 or more from
"before"; it names the crisis line for the chosen country exactly as fixtures/helplines.tsv has it.
"""

import html
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from reflect.journal.views.entries import stirred_up
from reflect.safety.helplines import is_verified, read_rows
from reflect.safety.shell import COUNTRY_COOKIE

from .conftest import entry_page

pytestmark = pytest.mark.django_db

HELPLINES_TSV = Path(django_settings.BASE_DIR, "fixtures", "helplines.tsv")


def crisis_rows(country):
    return [row for row in read_rows(HELPLINES_TSV) if row["country_code"] == country and row["kind"] == "crisis"]


def care_panel(page):
    """The care panel's HTML, or None. The footer names the helplines too, so look only inside the panel."""
    if 'class="care-panel"' not in page:
        return None
    return page.split('class="care-panel"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize(
    ("before", "after", "offered"),
    [
        (None, 6, False),
        (None, 7, True),
        (0, 10, True),
        (3, 4, False),  # a rise of 1
        (3, 5, True),  # a rise of 2
        (8, 7, True),  # falling, but still high
        (5, 3, False),
        (None, None, False),
        (4, None, False),  # no "after": nothing to compare
        (None, 5, False),  # no "before": a rise can't be seen
    ],
)
def test_the_care_rule_at_its_boundaries(before, after, offered):
    assert stirred_up(before, after) is offered


class TestCarePanel:
    @pytest.mark.parametrize(
        ("before", "after", "offered"),
        [
            ("", "6", False),
            ("", "7", True),
            ("4", "5", False),
            ("4", "6", True),
            ("", "", False),
            ("5", "", False),
            ("", "5", False),
            ("9", "6", False),
        ],
    )
    def test_appears_only_for_a_high_or_rising_rating(self, client, journal, write, before, after, offered):
        pk = write("Some words.", distress_before=before, distress_after=after)
        assert (care_panel(entry_page(client, pk)) is not None) is offered

    def test_after_a_rise_it_offers_grounding_gently(self, client, journal, write):
        panel = care_panel(entry_page(client, write("Some words.", distress_before="2", distress_after="4")))
        assert "Be gentle with yourself" in panel
        assert "Writing can stir things up" in panel
        assert "exercise" in panel, "the grounding exercises are in the panel"

    @pytest.mark.parametrize("country", ["GB", "US", "DE"])
    def test_names_the_verified_crisis_line_for_the_chosen_country(self, client, journal, write, country):
        client.cookies[COUNTRY_COOKIE] = country
        panel = care_panel(entry_page(client, write("Some words.", distress_after="8")))
        rows = [row for row in crisis_rows(country) if is_verified(row["confidence"])]
        assert rows
        for row in rows:
            assert html.escape(row["service_name"]) in panel
            for number in row["phone"].split(" / "):
                if number.strip() not in {"—", ""}:
                    assert html.escape(number.split(" or ")[0].strip()) in panel
        assert 'href="/help/"' in panel, "all the help lines, and where the numbers come from"

    def test_never_names_a_line_that_is_not_verified(self, client, journal, write):
        unverified = [row for row in crisis_rows("ZA") if not is_verified(row["confidence"])]
        assert unverified and not [row for row in crisis_rows("ZA") if is_verified(row["confidence"])]
        client.cookies[COUNTRY_COOKIE] = "ZA"
        panel = care_panel(entry_page(client, write("Some words.", distress_after="9")))
        for row in unverified:
            assert row["phone"] not in panel and html.escape(row["service_name"]) not in panel
        assert 'href="/help/"' in panel

    def test_links_to_the_help_page_to_choose_a_country_when_none_is_chosen(self, client, journal, write, settings):
        settings.REFLECT_DEFAULT_COUNTRY = ""
        panel = care_panel(entry_page(client, write("Some words.", distress_after="7")))
        assert 'href="/help/"' in panel and "choose your country" in panel
        assert "tel:" not in panel


class TestWritingPage:
    def test_suggests_a_time_box_without_pressure(self, client, journal):
        page = client.get("/journal/write/").content.decode()
        assert "Many people find 15 to 20 minutes is enough. You can stop sooner." in page
        assert "{#" not in page and "Pennebaker" not in page, "the source note stays in the template"

    def test_the_gentle_timer_is_opt_in_and_hidden_without_javascript(self, client, journal):
        page = client.get("/journal/write/").content.decode()
        timer = page.split('class="time-box-timer"', 1)[1].split("</div>", 1)[0]
        assert timer.startswith(" hidden>"), "without JavaScript only the plain words show"
        assert re.search(r'<button type="button"[^>]*data-time-box="15"', timer)

    def test_a_before_you_go_note_sits_beside_save(self, client, journal):
        page = client.get("/journal/write/").content.decode()
        form = page.split('id="entry-form"', 1)[1].split("</form>", 1)[0]
        after_the_last_rating = form.split('name="distress_after"', 1)[1]
        assert "Before you go" in after_the_last_rating.split('type="submit"', 1)[0]

    def test_the_edit_page_has_them_too(self, client, journal, write):
        page = client.get(f"/journal/entries/{write('first')}/edit/").content.decode()
        assert "15 to 20 minutes" in page and "Before you go" in page
        assert "your entry's page will suggest" not in page, "only a new entry's page offers the next step"


class TestClosingStep:
    def test_the_what_next_panel_closes_with_a_grounding_line(self, client, journal):
        response = client.post("/journal/write/", {"text": "Words.", "title": ""}, follow=True)
        page = response.content.decode()
        next_step = page.split('class="next-step"', 1)[1].split("</section>", 1)[0]
        assert "What next?" in next_step
        assert 'class="closing-step"' in next_step and "breathe out slowly" in next_step

    def test_no_closing_step_when_an_entry_is_only_read_again(self, client, journal, write):
        pk = write("Words.")
        assert 'class="closing-step"' in entry_page(client, pk), "just saved"
        assert 'class="closing-step"' not in entry_page(client, pk)
