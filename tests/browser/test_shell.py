"""What only a browser shows about the site around the journal: nothing loads from another origin,
the country choice works without JavaScript, and every page type passes axe-core (WCAG 2.2 AA)
with zero violations, in light and dark. Quick exit has its own module, test_quick_exit."""

import pytest

from .helpers import accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

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


DARK_TOO = {"/", "/learn/how-the-bond-grows/", "/reflect/prompts/not-my-fault/", "/help/", "/settings/"}


@pytest.mark.parametrize("url", PAGE_TYPES)
def test_no_accessibility_violations(site, page, url):
    """In the light colour scheme, and for the pages with the most kinds of element, the dark one too."""
    page.goto(site + url)
    results = {"light": accessibility(page)}
    if url in DARK_TOO:
        # Reduced motion too, so the change of scheme is not caught halfway through a colour transition.
        page.emulate_media(color_scheme="dark", reduced_motion="reduce")
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(251, 250, 247)", "dark applies"
        results["dark"] = accessibility(page)
    failing = [f"{scheme}: {result.generate_report()}" for scheme, result in results.items() if result.violations_count]
    assert not failing, "\n".join(failing)


def test_reduced_motion_is_respected(site, browser):
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.goto(site + "/")
    assert page.evaluate("getComputedStyle(document.querySelector('.btn') || document.body).transitionDuration") in (
        "0s",
        "",
    )
    context.close()
