"""The private safety plan: sealed like entries, one per person, saved without ever silently
replacing a newer version, kept through a lock, and printed under a title that gives nothing away.
Taking it out and bringing it back with the journal: test_safety_plan_portability."""

import logging
import re
import uuid
from html import unescape

import pytest
from django.test import Client

from reflect.journal.forms import SAFETY_PLAN_FIELDS, SafetyPlanForm
from reflect.journal.models import SafetyPlan
from reflect.safety.helplines import COUNTRY_NAMES
from reflect.safety.models import Helpline

from ..conftest import PASSPHRASE, at_once, opened
from ..safety.printing import forbidden_words, read_paper
from .conftest import assert_stored_nowhere_in_clear

pytestmark = pytest.mark.django_db

PLAN_URL = "/journal/safety-plan/"
PRINT_URL = "/journal/safety-plan/print/"


def plan(**parts):
    """What the plan's form sends: every part, blank unless given, and the revision it started from."""
    return {
        "warning_signs": "",
        "people": "",
        "places": "",
        "things_to_take": "",
        "code_word": "",
        "other_help": "",
        "revision": "0",
        **parts,
    }


def saved_parts():
    return opened(SafetyPlan.objects.get())


def title_and_heading(html):
    return unescape(re.search(r"<title>(.*?)</title>", html, re.S)[1]).strip(), unescape(
        re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)[1]
    ).strip()


def main_of(html):
    return html[html.index("<main") : html.index("</main>")]


@pytest.mark.django_db(transaction=True)
def test_a_word_typed_into_the_plan_is_nowhere_on_disk_in_the_clear(client, content, journal, caplog, capfd):
    """Privacy guarantee 1, for the plan: the database file, its WAL, the session table and the logs."""
    caplog.set_level(logging.DEBUG)
    marker = f"heronlantern{uuid.uuid4().hex[:8]}"
    response = client.post(PLAN_URL, plan(code_word=f"the word is {marker}", people=f"{marker}'s sister"))
    assert response.status_code == 302
    response = client.post(PLAN_URL, plan(code_word=f"now {marker} again", revision="1"))
    assert response.status_code == 302
    assert marker in client.get(PLAN_URL).content.decode(), "the plan must still read back"
    assert marker in client.get(PRINT_URL).content.decode()

    assert_stored_nowhere_in_clear(marker, capfd, caplog)


def test_the_form_has_a_field_for_every_part_of_the_plan():
    names = [name for name, _label in SafetyPlan.PARTS]
    assert list(SafetyPlanForm.base_fields) == [*names, "revision"]
    assert (*names, "revision") == SAFETY_PLAN_FIELDS
    for name in names:
        assert SafetyPlanForm.base_fields[name].help_text, f"{name} needs a few words of help"


class TestEditing:
    def test_an_empty_plan_to_start_with_then_saved_and_shown_again(self, client, journal):
        page = client.get(PLAN_URL)
        assert page.status_code == 200 and "no-store" in page["Cache-Control"]
        assert 'name="revision" value="0"' in page.content.decode()
        response = client.post(PLAN_URL, plan(warning_signs="He goes quiet", things_to_take="Passport\nInhaler"))
        assert response.status_code == 302 and response.url == PLAN_URL
        assert saved_parts()["things_to_take"] == "Passport\nInhaler"
        html = client.get(PLAN_URL).content.decode()
        assert "Your plan is saved" in html and "He goes quiet" in html
        assert 'name="revision" value="1"' in html
        assert b"He goes quiet" not in bytes(SafetyPlan.objects.get().ciphertext)

    def test_each_save_moves_the_revision_on_and_keeps_one_plan(self, client, journal):
        client.post(PLAN_URL, plan(places="Library"))
        client.post(PLAN_URL, plan(places="Library, then Sam's", revision="1"))
        assert SafetyPlan.objects.count() == 1
        row = SafetyPlan.objects.get()
        assert row.revision == 2 and opened(row)["places"] == "Library, then Sam's"
        assert row.updated_at >= row.created_at

    def test_a_second_tab_never_silently_replaces_a_newer_plan(self, client, journal):
        client.post(PLAN_URL, plan(code_word="first"))
        client.post(PLAN_URL, plan(code_word="from tab one", revision="1"))
        response = client.post(PLAN_URL, plan(code_word="from tab two", revision="1"))
        assert response.status_code == 409
        html = unescape(response.content.decode())
        assert "changed somewhere else" in html
        assert "from tab two" in html, "what this tab typed stays in the form"
        assert "from tab one" in html, "the newer saved version is shown beside it"
        assert saved_parts()["code_word"] == "from tab one"
        assert 'name="revision" value="2"' in html, "saving again is a choice made knowing both"
        assert client.post(PLAN_URL, plan(code_word="from tab two", revision="2")).status_code == 302
        assert saved_parts()["code_word"] == "from tab two"

    def test_two_tabs_starting_the_first_plan_do_not_overwrite_each_other(self, client, journal):
        assert client.post(PLAN_URL, plan(code_word="one")).status_code == 302
        response = client.post(PLAN_URL, plan(code_word="two"))
        assert response.status_code == 409 and "two" in response.content.decode()
        assert saved_parts()["code_word"] == "one" and SafetyPlan.objects.count() == 1

    @pytest.mark.django_db(transaction=True)
    def test_two_saves_sent_at_the_same_moment_keep_one_and_tell_the_other(self, content, client, journal):
        client.post(PLAN_URL, plan(code_word="start"))

        def save(wait, word):
            tab = Client()
            tab.cookies = client.cookies
            wait()
            return tab.post(PLAN_URL, plan(code_word=word, revision="1")).status_code

        statuses = at_once(save, [("apple",), ("pear",)])
        assert sorted(statuses) == [302, 409]
        row = SafetyPlan.objects.get()
        assert row.revision == 2 and opened(row)["code_word"] == ["apple", "pear"][statuses.index(302)]

    def test_works_as_a_plain_form_without_javascript(self, client, journal):
        html = main_of(client.get(PLAN_URL).content.decode())
        assert re.search(r'<form method="post"[^>]*action="/journal/safety-plan/"', html)
        assert "hx-" not in html and "nothing is saved as you type" in html

    def test_a_damaged_plan_is_said_so_and_can_be_written_again(self, client, journal):
        client.post(PLAN_URL, plan(code_word="before"))
        row = SafetyPlan.objects.get()
        flipped = bytearray(row.ciphertext)
        flipped[20] ^= 0x01
        SafetyPlan.objects.filter(pk=row.pk).update(ciphertext=bytes(flipped))
        page = client.get(PLAN_URL)
        assert page.status_code == 200 and "can't be opened" in page.content.decode()
        assert client.get(PRINT_URL).status_code == 200
        assert client.post(PLAN_URL, plan(code_word="again", revision="1")).status_code == 302
        assert saved_parts()["code_word"] == "again"


class TestBadInput:
    def test_a_part_longer_than_it_can_hold_is_refused_and_kept_on_the_page(self, client, journal):
        too_long = "word " * 2_000
        response = client.post(PLAN_URL, plan(people=too_long, code_word="kept too"))
        assert response.status_code == 400
        html = response.content.decode()
        assert "can hold up to" in html and too_long.strip() in html and "kept too" in html
        assert not SafetyPlan.objects.exists()

    def test_control_characters_are_taken_out_and_the_words_kept(self, client, journal):
        response = client.post(PLAN_URL, plan(places="the\x00 library\x07"))
        assert response.status_code == 400
        html = response.content.decode()
        assert "invisible control characters" in html and "the library" in html and "\x00" not in html
        assert not SafetyPlan.objects.exists()

    @pytest.mark.parametrize("revision", ["-1", "x", "9" * 30, "\x00"])
    def test_a_revision_that_cannot_be_one_counts_as_out_of_date(self, client, journal, revision):
        """Never a dead end: the first plan is saved; over a saved one, both are shown."""
        assert client.post(PLAN_URL, plan(code_word="first", revision=revision)).status_code == 302
        response = client.post(PLAN_URL, plan(code_word="still here", revision=revision))
        assert response.status_code == 409 and "still here" in response.content.decode()
        assert saved_parts()["code_word"] == "first"


class TestLocked:
    def test_a_locked_page_asks_to_unlock_and_comes_back(self, client, journal):
        client.post("/journal/lock/")
        for url in (PLAN_URL, PRINT_URL):
            response = client.get(url)
            assert response.status_code == 302 and response.url == f"/journal/unlock/?next={url.replace('/', '%2F')}"

    def test_a_plan_typed_before_the_journal_locked_is_not_lost(self, client, journal):
        client.post("/journal/lock/")
        typed = plan(code_word="blue umbrella", people="Gran: 01234\nsays it's the dentist")
        response = client.post(PLAN_URL, typed)
        assert response.status_code == 403
        html = unescape(response.content.decode())
        assert 'name="carry:code_word" value="blue umbrella"' in html
        carried = {f"carry:{name}": value for name, value in typed.items()}
        response = client.post("/journal/unlock/", {"passphrase": PASSPHRASE, "next": PLAN_URL, **carried})
        assert response.status_code == 200
        assert 'name="code_word" value="blue umbrella"' in response.content.decode()
        assert client.post(PLAN_URL, typed).status_code == 302
        assert saved_parts() == {name: value for name, value in typed.items() if name != "revision"}


class TestPrinting:
    """Read the way a browser prints (tests/safety/printing.py): the <title> and what print CSS keeps."""

    def test_the_printed_page_has_a_neutral_title_and_heading(self, client, journal):
        client.post(PLAN_URL, plan(warning_signs="Slammed doors", code_word="pineapple"))
        response = client.get(PRINT_URL)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        html = response.content.decode()
        title, heading = title_and_heading(html)
        assert title == heading == "My plan"
        paper = read_paper(html)
        assert paper.title.strip() == "My plan" and paper.printed_text.startswith("My plan")
        assert "Slammed doors" in paper.printed_text and "pineapple" in paper.printed_text
        assert "safety" not in paper.printed_text.lower()
        assert not forbidden_words(paper.printed_text), forbidden_words(paper.printed_text)
        assert "somewhere safe" in paper.screen_text and "somewhere safe" not in paper.printed_text
        assert "Headers and footers" in paper.screen_text

    def test_discreet_mode_keeps_its_plain_title(self, client, journal):
        client.cookies["display"] = "plain"
        assert read_paper(client.get(PRINT_URL).content.decode()).title.strip() == "Notes"

    def test_an_empty_part_is_printed_with_room_to_write_by_hand(self, client, journal):
        client.cookies["country"] = "GB"
        client.post(PLAN_URL, plan(code_word="pineapple"))
        printed = main_of(client.get(PRINT_URL).content.decode())
        assert printed.count('class="write-in"') == len(SafetyPlan.PARTS) - 1

    def test_the_plan_page_lists_the_countrys_helplines_exactly_as_the_table_has_them(self, client, journal):
        client.cookies["country"] = "GB"
        lines = list(Helpline.objects.filter(country="GB"))
        assert lines
        text = unescape(main_of(client.get(PLAN_URL).content.decode()))
        for line in lines:
            for written in (line.service_name, line.phone, line.text_or_chat, line.hours):
                assert written in text, written

    @pytest.mark.parametrize("country", sorted(COUNTRY_NAMES))
    def test_on_paper_every_number_is_there_under_plain_words(self, client, journal, country):
        client.cookies["country"] = country
        lines = list(Helpline.objects.filter(country=country))
        assert lines
        paper = read_paper(client.get(PRINT_URL).content.decode())
        assert not forbidden_words(paper.printed_text), forbidden_words(paper.printed_text)
        printed = paper.printed_text
        for line in lines:
            assert " ".join(line.phone.split()) in printed, line.phone
            if line.kind == Helpline.EMERGENCY:
                assert " ".join(line.service_name.split()) in printed, "emergency lines keep their names"
        named = read_paper(client.get(PRINT_URL + "?with_names=on").content.decode()).printed_text
        for line in lines:
            for written in (line.service_name, line.phone, line.text_or_chat):
                assert " ".join(written.split()) in named, written

    def test_another_country_has_its_own_numbers(self, client, journal):
        client.cookies["country"] = "NZ"
        text = unescape(main_of(client.get(PLAN_URL).content.decode()))
        assert all(line.phone in text for line in Helpline.objects.filter(country="NZ"))
        assert not any(line.service_name in text for line in Helpline.objects.filter(country="GB"))


class TestFindingIt:
    def test_the_journal_links_to_the_plan(self, client, journal):
        assert f'href="{PLAN_URL}"' in client.get("/journal/").content.decode()

    def test_the_plan_links_to_the_material_on_staying_safer(self, client, journal):
        link = re.search(r'href="(/learn/[^"]+)">More about staying safer', client.get(PLAN_URL).content.decode())[1]
        assert client.get(link).status_code == 200

    def test_what_we_store_lists_the_plan_as_locked(self, client):
        html = client.get("/journal/what-we-store/").content.decode()
        locked = html[html.index("Locked:") : html.index("Not locked")]
        assert "safety plan" in locked
        not_locked = html[html.index("Not locked") : html.index("Never stored")]
        assert "Whether you have made a safety plan" in not_locked, "a copy of the database shows that much"


class TestOnlyYours:
    """In the practice profile: a plan is its owner's alone, whoever else signs in."""

    @pytest.fixture
    def world(self, settings, db):
        settings.PRACTICE = True
        from ..practice.conftest import Cast

        return Cast.make().world

    def test_nobody_else_sees_or_changes_a_persons_plan(self, world):
        marker = f"kestrel{uuid.uuid4().hex[:8]}"
        assert world.client_a.post(PLAN_URL, plan(code_word=marker)).status_code == 302
        mine = SafetyPlan.objects.get(owner=world.alex)
        before = (bytes(mine.ciphertext), mine.revision)
        for actor in ("client_b", "therapist_x", "therapist_y", "admin"):
            browser = getattr(world, actor)
            for url in (PLAN_URL, PRINT_URL, "/journal/export/journal.json", "/journal/export/journal.md"):
                response = browser.get(url)
                assert response.status_code == 200, (actor, url)
                assert marker not in response.getvalue().decode(), (actor, url)
            assert browser.post(PLAN_URL, plan(code_word=f"{actor}'s own", revision="1")).status_code == 302
        for url in (PLAN_URL, PRINT_URL):
            response = world.anonymous.get(url)
            assert response.status_code == 302 and "/journal/unlock/" in response.url
        mine.refresh_from_db()
        assert (bytes(mine.ciphertext), mine.revision) == before
        assert SafetyPlan.objects.count() == 5
        assert marker in world.client_a.get(PLAN_URL).content.decode()
