"""The safety plan in a real browser: made and changed with JavaScript off, printed under a title
and heading that give nothing away, and free of accessibility problems in light and dark."""

import pytest
from playwright.sync_api import expect

from reflect.journal.models import SafetyPlan

from ..conftest import opened
from ..safety.printing import forbidden_words
from .helpers import accessibility, on_paper, set_up_journal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_plan_is_made_and_changed_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    set_up_journal(page, site)
    page.click("text=Your safety plan")
    page.fill("#id_places", "The library on Mill Road")
    page.fill("#id_code_word", "Can you pick up some lemons?")
    page.click("button:has-text('Save my plan')")
    expect(page.locator(".notices")).to_contain_text("Your plan is saved.")
    expect(page.locator("#id_code_word")).to_have_value("Can you pick up some lemons?")
    page.fill("#id_things_to_take", "Passport\nInhaler\nPhone charger")
    page.click("button:has-text('Save my plan')")
    expect(page.locator("#id_things_to_take")).to_have_value("Passport\nInhaler\nPhone charger")
    parts = opened(SafetyPlan.objects.get())
    assert (
        parts["places"] == "The library on Mill Road" and parts["things_to_take"] == "Passport\nInhaler\nPhone charger"
    )
    page.click("text=Open a page to print")
    expect(page.locator("main")).to_contain_text("The library on Mill Road")
    context.close()


def test_the_printout_is_neutral_and_the_pages_pass_axe_in_light_and_dark(site, page):
    set_up_journal(page, site)
    page.goto(site + "/journal/safety-plan/")
    page.fill("#id_warning_signs", "Doors slammed, the car keys hidden")
    page.click("button:has-text('Save my plan')")
    expect(page.locator(".notices")).to_contain_text("Your plan is saved.")
    results = {"plan, light": accessibility(page)}
    page.goto(site + "/journal/safety-plan/print/")
    results["printout, light"] = accessibility(page)

    title, text = on_paper(page)
    assert title == "My plan"
    assert text.strip().startswith("My plan")
    assert "Doors slammed, the car keys hidden" in text
    assert "999" in text, "the chosen country's emergency number is on the paper"
    assert not forbidden_words(title + " " + text), forbidden_words(title + " " + text)
    assert "safety" not in (title + text).lower()
    expect(page.locator(".print-reminder")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".print-reminder")).to_be_hidden()

    page.emulate_media(media="screen", color_scheme="dark", reduced_motion="reduce")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(251, 250, 247)", "dark applies"
    results["printout, dark"] = accessibility(page)
    page.goto(site + "/journal/safety-plan/")
    results["plan, dark"] = accessibility(page)
    other_tab = page.context.new_page()
    other_tab.goto(site + "/journal/safety-plan/")
    other_tab.fill("#id_code_word", "Saved in the other tab")
    other_tab.click("button:has-text('Save my plan')")
    page.fill("#id_code_word", "Typed in this tab")
    page.click("button:has-text('Save my plan')")
    expect(page.locator("main")).to_contain_text("changed somewhere else")
    page.click("text=The other saved version")
    expect(page.locator(".plan-saved")).to_contain_text("Saved in the other tab")
    expect(page.locator("#id_code_word")).to_have_value("Typed in this tab")
    results["conflict, dark"] = accessibility(page)
    page.set_viewport_size({"width": 320, "height": 800})
    for url in ("/journal/safety-plan/", "/journal/safety-plan/print/"):
        page.goto(site + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, f"{url} scrolls sideways at 320 px"
    failing = [f"{name}: {result.generate_report()}" for name, result in results.items() if result.violations_count]
    assert not failing, "\n".join(failing)
