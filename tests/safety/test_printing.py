"""Pages made for paper (issue 11, section 5): what they print names neither Reflect, nor the
subject, nor the person who hurts someone; the printed <title> is neutral; and on screen only, a
reminder says to keep the paper somewhere safe. tests/browser/test_printing.py checks the same in
chromium's print rendering."""

import pytest

from ..conftest import PASSPHRASE
from ..practice.conftest import join, make_assignment, make_therapist
from .printing import forbidden_words, read_paper

pytestmark = pytest.mark.django_db


def recovery_key_page(client):
    response = client.post("/journal/setup/", {"new_passphrase": PASSPHRASE, "new_passphrase_again": PASSPHRASE})
    assert response.status_code == 200
    return response.content.decode()


def printed_journal(client, journal, write):
    write("An ordinary day, written down.", title="Tuesday")
    return client.get("/journal/print/").content.decode()


def worksheet(settings):
    settings.PRACTICE = True
    therapist = make_therapist("xena")
    assignment, _code = make_assignment(therapist, custom="What helped this week?")
    response = therapist.get(f"/practice/assignments/{assignment}/worksheet/")
    assert response.status_code == 200
    return response.content.decode()


def assert_safe_on_paper(html, must_print, title="My notes"):
    """`title`: what the browser prints at the top of the page."""
    paper = read_paper(html)
    assert paper.title.strip() == title
    assert must_print in paper.printed_text
    assert not forbidden_words(paper.printed_text), (forbidden_words(paper.printed_text), paper.printed_text)
    assert "somewhere safe" in paper.screen_text, "the reminder to keep the paper safe is on screen"
    assert "Headers and footers" in paper.screen_text, "how to keep the address off the paper"
    assert "somewhere safe" not in paper.printed_text, "the reminder itself stays off the paper"
    return paper


def test_the_recovery_key_prints_under_a_plain_heading(client):
    html = recovery_key_page(client)
    key = html.split('id="recovery-key">', 1)[1].split("<", 1)[0]
    paper = assert_safe_on_paper(html, must_print=key)
    assert "My notes" in paper.printed_text
    assert "person who hurts you" not in html
    assert "recovery key" in paper.screen_text.lower(), "on screen the page still says what the key is"


def test_a_new_clients_sign_in_name_and_key_print_under_a_plain_heading(settings):
    """A client who joins from a therapist's link gets the recovery key page with their sign-in name."""
    settings.PRACTICE = True
    _assignment, code = make_assignment(make_therapist("xena"))
    _client, response = join(code, "alex")
    html = response.content.decode()
    name = html.split('id="sign-in-name">', 1)[1].split("<", 1)[0]
    paper = assert_safe_on_paper(html, must_print=name)
    assert "My notes" in paper.printed_text


def test_printed_entries_carry_a_neutral_heading(client, journal, write):
    paper = assert_safe_on_paper(printed_journal(client, journal, write), must_print="An ordinary day, written down.")
    assert paper.printed_text.startswith("My notes")


def test_the_worksheet_carries_a_neutral_heading(client, settings):
    paper = assert_safe_on_paper(
        worksheet(settings), must_print="What helped this week?", title="Questions to think about"
    )
    assert "Questions to think about" in paper.printed_text


def test_print_pages_stay_neutral_in_discreet_mode_too(client, journal, write):
    client.cookies["display"] = "plain"
    html = printed_journal(client, journal, write)
    assert_safe_on_paper(html, must_print="An ordinary day, written down.", title="Notes")


def test_the_first_visit_tip_is_not_printed(client, journal, write):
    """The quick-exit tip names what the site is for; a first visit can land on a print page."""
    client.cookies.pop("tip", None)
    html = printed_journal(client, journal, write)
    assert "first-visit-tip" in html
    assert "Exit this page" not in read_paper(html).printed_text
