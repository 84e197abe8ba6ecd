"""Support while writing, walked in a browser: the time box and its quiet, opt-in note, and the care
panel after a rating that rose, in light and dark, with and without JavaScript."""

import pytest
from playwright.sync_api import expect

from .helpers import accessibility, set_up_journal, type_like_a_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WRITING_PAGE = "/journal/write/?prompt=not-my-fault"


def test_writing_then_a_rise_in_upset_is_met_gently_and_passes_axe(site, page):
    set_up_journal(page, site)
    page.goto(site + WRITING_PAGE)
    expect(page.locator(".time-box")).to_contain_text("Many people find 15 to 20 minutes is enough.")
    page.click("button:has-text('Show me a quiet note after 15 minutes')")
    expect(page.locator(".time-box-status")).to_contain_text("A note will show here after 15 minutes.")
    page.fill("#id_text", "Harder than I thought.")
    page.select_option("#id_distress_before", "3")
    page.select_option("#id_distress_after", "5")
    expect(page.locator(".before-you-go")).to_contain_text("Before you go")
    results = {"writing page": accessibility(page)}
    page.emulate_media(color_scheme="dark", reduced_motion="reduce")
    results["writing page, dark"] = accessibility(page)
    page.emulate_media(color_scheme="light")

    page.click("button:has-text('Save')")
    panel = page.locator(".care-panel")
    expect(panel).to_contain_text("Be gentle with yourself")
    expect(panel).to_contain_text("Samaritans")  # the site's country is GB
    expect(page.locator(".closing-step")).to_contain_text("breathe out slowly")
    results["entry with the care panel"] = accessibility(page)
    page.emulate_media(color_scheme="dark", reduced_motion="reduce")
    results["entry with the care panel, dark"] = accessibility(page)
    page.set_viewport_size({"width": 320, "height": 568})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, "no sideways scroll at 320 px"
    failing = [f"{name}: {result.generate_report()}" for name, result in results.items() if result.violations_count]
    assert not failing, "\n".join(failing)


def test_the_quiet_note_never_interrupts_typing(site, page):
    set_up_journal(page, site)
    page.clock.install()
    page.goto(site + WRITING_PAGE)
    page.click("button:has-text('Show me a quiet note after 15 minutes')")
    page.click("#id_text")
    type_like_a_person(page, "First thoughts. ")
    # Typing now and then, as a person writing does, so the idle lock never comes due.
    for _ in range(3):
        page.clock.run_for(5 * 60 * 1000 - 1000)
        type_like_a_person(page, "More. ")
    page.clock.run_for(5000)
    expect(page.locator(".time-box-status")).to_have_text(
        "15 minutes have passed. You can stop here, or carry on if it helps."
    )
    assert page.evaluate("document.activeElement.id") == "id_text", "focus stays where the person is typing"
    type_like_a_person(page, "Still here.")
    expect(page.locator("#id_text")).to_have_value("First thoughts. More. More. More. Still here.")
    expect(page.locator("button[data-time-box]")).to_have_attribute("aria-pressed", "false")


def test_without_javascript_the_time_box_is_plain_words_and_care_still_comes(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    set_up_journal(page, site)
    page.goto(site + WRITING_PAGE)
    expect(page.locator(".time-box")).to_contain_text("You can stop sooner.")
    expect(page.locator("button[data-time-box]")).to_be_hidden()
    page.fill("#id_text", "Written with a plain form.")
    page.select_option("#id_distress_after", "7")
    page.click("button:has-text('Save')")
    expect(page.locator(".care-panel")).to_contain_text("Samaritans")
    expect(page.locator(".closing-step")).to_be_visible()
    context.close()
