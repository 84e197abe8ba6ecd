"""What only a browser shows: quick exit works with and without JavaScript, nothing loads
from another origin, and every page type passes axe-core (WCAG 2.2 AA) with zero violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PAGE_TYPES = [
    "/",
    "/learn/how-the-bond-grows/",
    "/learn/references/",
    "/reflect/",
    "/reflect/topics/fear-of-abandonment/",
    "/reflect/prompts/not-my-fault/",
    "/reflect/ground/",
    "/help/",
    "/settings/",
    "/cover-your-tracks/",
    "/journal/what-we-store/",
    "/no-such-page/",
]


def test_quick_exit_button_leaves_and_replaces_the_history_entry(site, page):
    page.goto(site + "/")
    page.goto(site + "/learn/what-is-trauma-bonding/")
    history_before = page.evaluate("history.length")
    page.click("#quick-exit")
    page.wait_for_url(site + reverse("safety:neutral"))
    assert page.evaluate("history.length") == history_before, "the exit must replace, not add, a history entry"
    assert page.evaluate("document.referrer") == ""
    page.go_back()
    page.wait_for_load_state()
    assert page.url == site + "/", "Back skips the page that was on screen"


def test_shift_three_times_leaves(site, page):
    page.goto(site + "/reflect/")
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(site + reverse("safety:neutral"))


def test_shift_used_for_capitals_does_not_leave(site, page):
    page.goto(site + "/reflect/")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift+A")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift+B")
    page.keyboard.press("Shift")
    assert page.url == site + "/reflect/"
    assert "Shift pressed 1 time" in page.inner_text("#quick-exit-status")


def test_quick_exit_works_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/learn/the-body-and-brain/")
    page.click("#quick-exit")
    page.wait_for_url(site + reverse("safety:neutral"))
    assert "Easy vegetable soup" in page.content()
    context.close()


def test_quick_exit_is_the_first_tab_stop(site, page):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "quick-exit"


def test_quick_exit_stays_in_view_on_a_phone(site, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(site + "/learn/how-the-bond-grows/")
    page.mouse.wheel(0, 3000)
    page.wait_for_function("window.scrollY > 1000")
    box = page.locator("#quick-exit").bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= 640
    assert page.evaluate("""() => {
        const b = document.getElementById('quick-exit').getBoundingClientRect();
        return document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2).id;
    }""") == "quick-exit", "nothing may cover the exit button"
    context.close()


def test_walkthrough_requests_nothing_from_another_origin(site, page):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    for url in PAGE_TYPES:
        page.goto(site + url)
    page.goto(site + "/reflect/prompts/not-my-fault/")
    page.click("summary:has-text('Five senses')")
    assert page.is_visible("details[open] ol")
    page.select_option("#country-select", "US")
    page.click(".country-form button")
    page.wait_for_load_state()
    assert "Help now: United States" in page.content()
    outside = [url for url in requested if not url.startswith(site)]
    assert requested and not outside, outside


def test_country_choice_works_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/reflect/")
    page.select_option("#country-select", "AU")
    page.click(".country-form button")
    page.wait_for_url(site + "/reflect/")
    assert "Help now: Australia" in page.content()
    context.close()


@pytest.mark.parametrize("url", PAGE_TYPES)
def test_no_accessibility_violations(site, page, url):
    page.goto(site + url)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("url", ["/", "/learn/how-the-bond-grows/", "/reflect/prompts/not-my-fault/", "/help/", "/settings/"])
def test_no_accessibility_violations_in_the_dark_colour_scheme(site, browser, url):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(site + url)
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(251, 250, 247)", "dark scheme applies"
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    context.close()
    assert results.violations_count == 0, results.generate_report()


def test_reduced_motion_is_respected(site, browser):
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.goto(site + "/")
    assert page.evaluate("getComputedStyle(document.querySelector('.btn') || document.body).transitionDuration") in ("0s", "")
    context.close()
