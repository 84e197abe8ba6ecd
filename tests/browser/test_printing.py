"""What chromium puts on paper for the pages made for printing (issue 11, section 5): the title it
prints at the top and the text the print stylesheet leaves, with no word that names Reflect, the
subject or the person who hurts someone; and the reminder to keep the paper safe, on screen only."""

import pytest
from django.core.management import call_command

from ..safety.printing import forbidden_words
from .helpers import PASSPHRASE, accessibility, on_paper

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_safe_on_paper(page, title, must_print):
    printed_title, text = on_paper(page)
    assert printed_title == title
    assert must_print in text
    assert not forbidden_words(printed_title + " " + text), text
    assert page.locator(".print-reminder").is_visible(), "the reminder shows on screen"
    page.emulate_media(media="print")
    assert not page.locator(".print-reminder").is_visible(), "and stays off the paper"
    page.emulate_media(media="screen")
    result = accessibility(page)
    assert not result.violations_count, result.generate_report()


def test_the_recovery_key_and_printed_entries_are_safe_on_paper(site, page):
    page.goto(site + "/journal/setup/")
    page.fill("#id_new_passphrase", PASSPHRASE)
    page.fill("#id_new_passphrase_again", PASSPHRASE)
    page.click("button[type=submit]")
    key = page.locator("#recovery-key").inner_text().strip()
    assert_safe_on_paper(page, "My notes", must_print=key)
    assert "recovery key" in page.locator("main").inner_text().lower(), "on screen it still says what it is"
    page.check("#id_saved")
    page.click("text=Continue to my journal")
    page.goto(site + "/journal/write/")
    page.fill("#id_text", "An ordinary day, written down.")
    page.click("button:has-text('Save')")
    page.wait_for_url(site + "/journal/entries/*/")
    page.goto(site + "/journal/print/")
    assert_safe_on_paper(page, "My notes", must_print="An ordinary day, written down.")


def test_the_worksheet_is_safe_on_paper(site, page, settings):
    settings.PRACTICE = True
    call_command("create_therapist", "sam", "--display-name", "Sam", "--passphrase", "therapist long passphrase")
    page.goto(site + "/journal/unlock/")
    page.fill("#id_username", "sam")
    page.fill("#id_passphrase", "therapist long passphrase")
    page.click("button:has-text('Unlock')")
    page.click("text=New assignment")
    page.check("input[value='not-my-fault']")
    page.fill("#id_custom", "What felt a little easier this week?")
    page.click("button:has-text('Make the assignment')")
    page.click("a:has-text('worksheet')")
    assert_safe_on_paper(page, "Questions to think about", must_print="What felt a little easier this week?")
