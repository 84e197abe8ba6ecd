"""The journal in a real browser: htmx autosave, saving on the way out, no-JS writing, axe.
Leaving in a hurry from the journal is proven in test_exit_everywhere."""

import pytest
from playwright.sync_api import expect

from reflect.journal.models import Draft, Entry

from .helpers import accessibility, set_up_journal, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_autosaves_an_encrypted_draft(site, page, settings):
    settings.REFLECT_AUTOSAVE_SECONDS = 1  # the pause before saving; how long it is doesn't matter here
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
    wait_until(page, Draft.objects.exists)
    page.goto(site + "/journal/write/")
    expect(page.locator("main")).to_contain_text("You have an unsaved draft here")
    page.click("text=Continue that draft")
    expect(page.locator("#id_text")).to_have_value("Left before the autosave timer ran.")


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
    page.goto(site + "/journal/setup/")
    results = {"setup": accessibility(page)}
    set_up_journal(page, site)
    page.goto(site + "/journal/write/?prompt=not-my-fault")
    page.fill("#id_text", "An entry to look at.")
    page.select_option("#id_distress_after", "8")
    results["write"] = accessibility(page)
    page.click("button:has-text('Save')")
    results["detail"] = accessibility(page)
    for name, url in [
        ("list", "/journal/"),
        ("settings", "/journal/settings/"),
        ("export", "/journal/export/"),
        ("delete everything", "/journal/delete-everything/"),
        ("what we store", "/journal/what-we-store/"),
    ]:
        page.goto(site + url)
        results[name] = accessibility(page)
    page.click("button:has-text('Lock journal')")
    results["unlock"] = accessibility(page)
    page.goto(site + "/journal/recover/")
    results["recover"] = accessibility(page)
    failing = [f"{name}: {result.generate_report()}" for name, result in results.items() if result.violations_count]
    assert not failing, "\n".join(failing)
