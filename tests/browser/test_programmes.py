"""Programmes in a real browser: from the prompt library to a programme, following it without
JavaScript, and the next prompt offered after saving; a therapist gives one, a prompt every few
days. axe finds nothing in light or dark, and nothing scrolls sideways at 320 px."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from reflect.programmes.models import Programme

from .helpers import accessibility, set_up_journal
from .test_practice import THERAPIST, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_follows_a_programme_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    set_up_journal(page, site)
    programme = Programme.objects.get(slug="first-steps-gently")
    first, second = programme.prompts()[:2]
    page.goto(site + "/reflect/")
    page.click("text=follow a programme")
    page.click(f"text={programme.title}")
    page.click("button:has-text('Follow this programme')")
    expect(page.locator("main")).to_contain_text("You are following this programme")
    page.click(f"a.write-link[href='/journal/write/?prompt={first.slug}']")
    page.fill("#id_text", "A few words.")
    page.click("button:has-text('Save')")
    offer = page.locator(".next-step a", has_text=f"Go on with {programme.title}")
    expect(offer).to_have_attribute("href", f"/journal/write/?prompt={second.slug}")
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_programme_pages_have_no_accessibility_violations(site, page, scheme):
    page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
    programme = Programme.objects.first()
    page.goto(site + "/reflect/programmes/")
    results = {"list": accessibility(page)}
    page.goto(site + programme.get_absolute_url())
    results["programme, locked"] = accessibility(page)
    set_up_journal(page, site)
    page.goto(site + programme.get_absolute_url())
    page.click("button:has-text('Follow this programme')")
    expect(page.locator("main")).to_contain_text("You are following this programme")
    expect(page.locator(".programme-clinician-note")).to_have_count(0)  # for therapists only, as the prompts' notes
    results["programme, followed"] = accessibility(page)
    failing = [f"{name}: {result.generate_report()}" for name, result in results.items() if result.violations_count]
    assert not failing, "\n".join(failing)


def test_nothing_scrolls_sideways_on_a_narrow_phone(site, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    for url in ("/reflect/programmes/", Programme.objects.first().get_absolute_url()):
        page.goto(site + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, url
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_therapist_gives_a_programme_a_prompt_every_few_days(site, browser, settings, scheme):
    settings.PRACTICE = True
    call_command("create_therapist", THERAPIST[0], "--display-name", "Sam", "--passphrase", THERAPIST[1])
    programme = Programme.objects.get(slug="first-steps-gently")
    context = browser.new_context(color_scheme=scheme, reduced_motion="reduce")
    page = context.new_page()
    sign_in(page, site, *THERAPIST)
    page.goto(site + "/practice/assignments/new/")
    page.click("summary:has-text('What each programme is for')")
    expect(page.locator(".programme-notes dd").first).to_be_visible()
    results = {"new assignment, notes open": accessibility(page)}
    page.select_option("#id_programme", programme.slug)
    page.fill("#id_release_every", "3")
    page.click("button:has-text('Make the assignment')")
    expect(page.locator(".release-schedule li")).to_have_count(len(programme.prompts()))
    expect(page.locator(".release-schedule li").nth(1)).to_contain_text("(day 4)")
    results["assignment with its schedule"] = accessibility(page)
    page.goto(site + programme.get_absolute_url())
    expect(page.locator(".programme-clinician-note")).to_have_count(1)
    page.click("summary:has-text('A note for therapists')")
    results["programme, as a therapist"] = accessibility(page)
    context.close()
    failing = [f"{name}: {result.generate_report()}" for name, result in results.items() if result.violations_count]
    assert not failing, "\n".join(failing)
