"""Looking back in a real browser: the chart is drawn by the server, so it is there without
JavaScript; the range form works as a plain form; axe finds nothing in light or dark."""

import pytest
from playwright.sync_api import expect

from .helpers import accessibility, set_up_journal, unlock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RATINGS = [("8", "5"), ("6", "7"), ("4", "4")]  # calmer, more upset, the same


def write_rated_entries(page, site):
    for number, (before, after) in enumerate(RATINGS):
        page.goto(site + "/journal/write/?prompt=not-my-fault")
        page.select_option("#id_distress_before", before)
        page.fill("#id_text", f"Entry number {number}.")
        page.select_option("#id_distress_after", after)
        page.click("button:has-text('Save')")
        expect(page.locator("main")).to_contain_text(f"Entry number {number}.")


def test_the_chart_is_drawn_without_javascript_and_the_range_form_works(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    set_up_journal(page, site)
    write_rated_entries(page, site)
    page.goto(site + "/journal/")
    page.click("text=Looking back")
    chart = page.locator("svg.feelings-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("g.feelings-mark")).to_have_count(3)
    expect(chart.locator("g.feelings-upset line.feelings-change")).to_have_count(1)
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 100, f"the chart is drawn at a readable size: {box}"
    expect(page.locator("#feelings-table tbody tr")).to_have_count(3)
    expect(page.locator("main")).to_contain_text("you felt on average 0.7 points calmer after writing")
    page.select_option("#id_range", "all")
    page.click("button:has-text('Show')")
    expect(page).to_have_url(site + "/journal/looking-back/?range=all")
    expect(page.locator("#id_range")).to_have_value("all")
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_looking_back_has_no_accessibility_violations(site, page, scheme):
    page.emulate_media(color_scheme=scheme)
    set_up_journal(page, site)
    page.goto(site + "/journal/looking-back/")
    empty = accessibility(page)
    write_rated_entries(page, site)
    unlock(page, site, "/journal/looking-back/?range=all")
    page.click("summary:has-text('Fear of being left')")  # a list of prompts not yet written about, opened
    expect(page.locator("svg.feelings-chart")).to_be_visible()
    full = accessibility(page)
    failing = [
        f"{name}: {result.generate_report()}"
        for name, result in (("empty", empty), ("full", full))
        if result.violations_count
    ]
    assert not failing, "\n".join(failing)
