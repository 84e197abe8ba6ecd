"""The journal in a real browser: htmx autosave, saving on the way out, no-JS writing, axe."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from reflect.journal.models import Draft, Entry

from .helpers import set_up_journal
from .test_shell import WCAG_22_AA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_autosaves_an_encrypted_draft(site, page, settings):
    set_up_journal(page, site)
    page.goto(site + "/journal/write/?prompt=not-my-fault")
    page.fill("#id_text", "Words the browser saved by itself.")
    expect(page.locator("#save-status")).to_contain_text("Draft saved at")
    expect(page.locator("#id_draft_revision")).to_have_value("1")
    page.type("#id_text", " And a few more.")
    expect(page.locator("#id_draft_revision")).to_have_value("2")
    assert Draft.objects.count() == 1
    page.click("button:has-text('Save')")
    expect(page.locator("main")).to_contain_text("And a few more.")
    assert Entry.objects.count() == 1 and Draft.objects.count() == 0


def test_leaving_in_a_hurry_keeps_the_draft(site, page):
    set_up_journal(page, site)
    page.goto(site + "/journal/write/")
    page.fill("#id_text", "Left before the autosave timer ran.")
    page.goto(site + "/reflect/")  # pagehide sends the draft
    page.wait_for_timeout(500)
    page.goto(site + "/journal/write/")
    expect(page.locator("main")).to_contain_text("You have an unsaved draft here")
    page.click("text=Continue that draft")
    expect(page.locator("#id_text")).to_have_value("Left before the autosave timer ran.")


def test_quick_exit_from_the_writing_box_saves_the_draft_and_locks(site, page):
    set_up_journal(page, site)
    page.goto(site + "/journal/write/")
    page.click("#id_text")
    page.keyboard.type("Typed With Capitals And Shift Keys.")
    assert "/journal/write/" in page.url, "capital letters must not trigger the exit"
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(site + "/notes/")
    page.wait_for_timeout(500)
    assert Draft.objects.count() == 1
    page.goto(site + "/journal/")
    assert "/journal/unlock/" in page.url, "the journal is locked after a quick exit"


def test_writing_and_saving_work_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    set_up_journal(page, site)
    page.goto(site + "/journal/write/")
    page.fill("#id_text", "Saved with a plain form.")
    page.click("button:has-text('Save')")
    expect(page.locator("main")).to_contain_text("Saved with a plain form.")
    page.click("button:has-text('Lock journal')")
    expect(page).to_have_url(site + "/journal/unlock/")
    context.close()


def test_journal_pages_have_no_accessibility_violations(site, page):
    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": WCAG_22_AA}}
    page.goto(site + "/journal/setup/")
    results = {"setup": axe.run(page, options=options)}
    set_up_journal(page, site)
    page.goto(site + "/journal/write/?prompt=not-my-fault")
    page.fill("#id_text", "An entry to look at.")
    page.select_option("#id_distress_after", "8")
    results["write"] = axe.run(page, options=options)
    page.click("button:has-text('Save')")
    results["detail"] = axe.run(page, options=options)
    for name, url in [("list", "/journal/"), ("settings", "/journal/settings/"), ("export", "/journal/export/"),
                      ("delete everything", "/journal/delete-everything/"), ("what we store", "/journal/what-we-store/")]:
        page.goto(site + url)
        results[name] = axe.run(page, options=options)
    page.click("button:has-text('Lock journal')")
    results["unlock"] = axe.run(page, options=options)
    page.goto(site + "/journal/recover/")
    results["recover"] = axe.run(page, options=options)
    failing = [f"{name}: {result.generate_report()}" for name, result in results.items() if result.violations_count]
    assert not failing, "\n".join(failing)
