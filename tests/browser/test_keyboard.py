"""A keyboard-only walk from the contents page to a saved entry, with focus always visible."""

import pytest
from playwright.sync_api import expect

from .helpers import PASSPHRASE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUS_IS_VISIBLE = """() => {
    const style = getComputedStyle(document.activeElement);
    return (style.outlineStyle !== "none" && style.outlineWidth !== "0px") || style.boxShadow !== "none";
}"""


def tab_to(page, test, limit=80):
    """Presses Tab until the focused element passes `test` (a JS function); checks focus is visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUS_IS_VISIBLE), page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
        if page.evaluate(test):
            return
    raise AssertionError(f"never reached an element for {test}")


def focused_text(text):
    return f"() => document.activeElement.textContent.trim() === {text!r}"


def focused_id(element_id):
    return f"() => document.activeElement.id === {element_id!r}"


def test_keyboard_only_from_contents_to_a_saved_entry(site, page):
    page.goto(site + "/")
    tab_to(page, focused_text("Journal"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(site + "/journal/setup/")
    tab_to(page, focused_id("id_new_passphrase"))
    page.keyboard.type(PASSPHRASE)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSPHRASE)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Your recovery key")
    tab_to(page, focused_id("id_saved"))
    page.keyboard.press("Space")
    tab_to(page, focused_text("Continue to my journal"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(site + "/journal/")
    tab_to(page, focused_text("Write freely"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(site + "/journal/write/")
    tab_to(page, focused_id("id_text"))
    page.keyboard.type("Written with the keyboard alone.")
    tab_to(page, focused_text("Save"))
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("Written with the keyboard alone.")
