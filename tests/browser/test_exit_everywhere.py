"""Quick exit locks the journal from every kind of journal page, whatever state the page is in,
and keeps what was typed: also with a stale form token and with a draft beyond 64 KiB."""

import uuid

import pytest
from playwright.sync_api import expect

from reflect.journal.models import ClientAssignment, Draft, Entry
from reflect.vault.models import Vault

from .helpers import PASSPHRASE, set_up_journal, unlock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_drafts():
    key = Vault.objects.get().open_with_passphrase(PASSPHRASE)
    return [draft.open(key) for draft in Draft.objects.all()]


def prompts_from_a_therapist():
    """A set of prompts from a therapist, as a portable code would have brought them."""
    vault = Vault.objects.get()
    key = vault.open_with_passphrase(PASSPHRASE)
    copy = ClientAssignment(owner=vault.owner, source=uuid.uuid4().hex)
    copy.seal(
        key,
        {
            "therapist": "Sam",
            "prompts": ["not-my-fault"],
            "custom": ["What helped this week?"],
            "note": "",
            "due": None,
        },
    )
    copy.save()
    return copy


def search(page):
    page.fill("#id_q", "calm")
    page.click("button:has-text('Search')")
    expect(page.locator("main")).to_contain_text("A calm evening")
    page.wait_for_load_state()


def type_words(page):
    page.click("#id_text")
    page.keyboard.type("words typed just before leaving")


# (page, how to put it in the state to leave from, the draft text that must survive)
JOURNAL_PAGES = [
    ("list", "/journal/", None, None),
    ("entry", "/journal/entries/{entry}/", None, None),
    ("empty writing page", "/journal/write/", None, None),
    ("rating only", "/journal/write/", lambda page: page.select_option("#id_distress_before", "6"), None),
    ("writing page with text", "/journal/write/?prompt=not-my-fault", type_words, "words typed just before leaving"),
    (
        "edit",
        "/journal/entries/{entry}/edit/",
        type_words,
        "A calm evening, written down.words typed just before leaving",
    ),
    ("search results", "/journal/", search, None),
    ("export", "/journal/export/", None, None),
    ("settings", "/journal/settings/", None, None),
    (
        "therapist assignment",
        "/journal/write/?assignment={assignment}&custom=0",
        type_words,
        "words typed just before leaving",
    ),
]


def press_exit(page, how):
    if how == "button":
        page.click("#quick-exit")
    else:
        for _ in range(3):
            page.keyboard.press("Shift")


@pytest.mark.parametrize("how", ["button", "shift three times"])
def test_quick_exit_locks_from_every_journal_page_and_keeps_the_draft(site, context, page, how):
    set_up_journal(page, site)
    page.goto(site + "/journal/write/")
    page.fill("#id_text", "A calm evening, written down.")
    page.click("button:has-text('Save')")
    entry = Entry.objects.get()
    copy = prompts_from_a_therapist()
    for name, path, prepare, kept in JOURNAL_PAGES:
        Draft.objects.all().delete()
        unlock(page, site, path.format(entry=entry.pk, assignment=copy.pk))
        if prepare:
            prepare(page)
        press_exit(page, how)
        page.wait_for_url(site + "/notes/")
        page.goto(site + "/journal/")
        assert "/journal/unlock/" in page.url, f"the journal stayed open after leaving from the {name}"
        if kept:
            assert [writing.text for writing in open_drafts()] == [kept], name
        else:
            assert not Draft.objects.exists(), name


def test_a_stale_form_token_costs_neither_the_lock_nor_the_draft(site, context, page):
    set_up_journal(page, site)
    page.goto(site + "/journal/write/")
    other_tab = context.new_page()
    other_tab.goto(site + "/journal/")
    other_tab.click("button:has-text('Lock journal')")
    unlock(other_tab, site)  # a new session and a new form token; the first tab's token is stale
    page.click("#id_text")
    page.keyboard.type("typed in the first tab")
    page.click("#quick-exit")
    page.wait_for_url(site + "/notes/")
    other_tab.goto(site + "/journal/")
    assert "/journal/unlock/" in other_tab.url
    assert [writing.text for writing in open_drafts()] == ["typed in the first tab"]


LONG = "Seventy thousand characters, one calm sentence after another. " * 1130  # 70,060 characters


def test_a_draft_beyond_64_kib_is_kept_whole(site, page, settings):
    """Saved while typing; the last few words go with the exit as a splice of the saved text."""
    settings.REFLECT_AUTOSAVE_SECONDS = 1  # the pause before saving; how long it is doesn't matter here
    set_up_journal(page, site)
    page.goto(site + "/journal/write/")
    page.fill("#id_text", LONG)
    expect(page.locator("#save-status")).to_contain_text("Draft saved at")
    page.click("#id_text")
    page.keyboard.press("Control+End")
    page.keyboard.type("And the last few words.")
    page.click("#quick-exit")
    page.wait_for_url(site + "/notes/")
    assert [writing.text for writing in open_drafts()] == [LONG + "And the last few words."]
    page.goto(site + "/journal/")
    assert "/journal/unlock/" in page.url


def test_a_long_paste_left_at_once_is_kept_whole(site, page):
    """No save has answered yet: the whole text goes, too big to outlive the page, so it is waited for."""
    set_up_journal(page, site)
    page.goto(site + "/journal/write/?prompt=not-my-fault")
    page.evaluate(
        """text => {
        const box = document.getElementById("id_text");
        box.value = text;
        document.getElementById("quick-exit").click();
    }""",
        LONG,
    )
    page.wait_for_url(site + "/notes/")
    assert [writing.text for writing in open_drafts()] == [LONG]
    page.goto(site + "/journal/")
    assert "/journal/unlock/" in page.url


def test_unlocking_after_an_exit_offers_the_draft_back(site, page):
    set_up_journal(page, site)
    page.goto(site + "/journal/write/?prompt=not-my-fault")
    type_words(page)
    page.click("#quick-exit")
    page.wait_for_url(site + "/notes/")
    unlock(page, site, "/journal/write/?prompt=not-my-fault")
    expect(page.locator("main")).to_contain_text("You have an unsaved draft here")
    page.click("text=Continue that draft")
    expect(page.locator("#id_text")).to_have_value("words typed just before leaving")


def test_the_idle_lock_keeps_the_draft_and_asks_for_the_passphrase(site, page, settings):
    set_up_journal(page, site)
    page.clock.install()
    page.goto(site + "/journal/write/")
    type_words(page)
    page.clock.fast_forward(settings.REFLECT_AUTOSAVE_SECONDS * 1000)
    # The pause before autosaving is always far shorter than the idle limit, so the lock finds
    # the draft saved; the lock request carries it again in case a save failed.
    expect(page.locator("#save-status")).to_contain_text("Draft saved at")
    page.clock.fast_forward(settings.REFLECT_IDLE_LOCK_MINUTES * 60 * 1000)
    page.wait_for_url(site + "/journal/unlock/")
    assert [writing.text for writing in open_drafts()] == ["words typed just before leaving"]
    page.goto(site + "/journal/")
    assert "/journal/unlock/" in page.url


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_after_an_exit_only_the_protective_choice_is_left(site, browser, javascript):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    set_up_journal(page, site)
    page.goto(site + "/settings/")
    # Each choice is a form post; wait for its answer, or the next goto would cancel it.
    with page.expect_navigation():
        page.click("button:has-text('Turn on discreet mode')")
    page.select_option("#country-select", "GB")
    with page.expect_navigation():
        page.click("button:has-text('Show')")
    page.goto(site + "/journal/write/")
    assert {cookie["name"] for cookie in context.cookies()} >= {"display", "country", "tip", "csrftoken", "sessionid"}
    page.click("#quick-exit")
    page.wait_for_url(site + "/notes/")
    assert [(cookie["name"], cookie["value"]) for cookie in context.cookies()] == [("display", "plain")]
    context.close()
