"""How far a prompt goes, in a real browser: the person sees "Gentle" or "Goes deeper" as words on
the topic and prompt pages, the therapist sees it with what each prompt is for while choosing, and
axe finds nothing in light or dark; nothing scrolls sideways at 320 px."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from reflect.prompts.models import Prompt

from .helpers import accessibility
from .test_practice import THERAPIST, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def failures(results):
    return [f"{name}: {result.generate_report()}" for name, result in results.items() if result.violations_count]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_person_sees_how_far_each_prompt_goes(site, page, scheme):
    page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
    deeper = Prompt.objects.filter(intensity="deeper").select_related("dynamic").first()
    page.goto(site + deeper.dynamic.get_absolute_url())
    item = page.locator(".prompt-item", has_text=deeper.text)
    expect(item.locator(".intensity")).to_have_text("Goes deeper")
    results = {"topic": accessibility(page)}
    page.goto(site + deeper.get_absolute_url())
    expect(page.locator(".intensity-line")).to_contain_text("Goes deeper")
    expect(page.locator("main")).not_to_contain_text(deeper.clinician_note)
    results["prompt"] = accessibility(page)
    assert not failures(results), "\n".join(failures(results))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_therapist_sees_intensity_and_purpose_while_choosing(site, page, settings, scheme):
    settings.PRACTICE = True
    call_command("create_therapist", THERAPIST[0], "--display-name", "Sam", "--passphrase", THERAPIST[1])
    page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
    sign_in(page, site, *THERAPIST)
    page.wait_for_url(site + "/practice/")
    page.goto(site + "/practice/assignments/new/?dynamic=anger")
    prompt = Prompt.objects.filter(dynamic__slug="anger").first()
    label = page.locator(f"label[for='{page.get_attribute(f'input[value={prompt.slug}]', 'id')}']")
    expect(label).to_contain_text(prompt.get_intensity_display())
    expect(label).to_contain_text(prompt.clinician_note)
    label.click()
    expect(page.locator(f"input[value='{prompt.slug}']")).to_be_checked()
    results = {"picker": accessibility(page)}
    assert not failures(results), "\n".join(failures(results))


def test_nothing_scrolls_sideways_on_a_narrow_phone(site, browser, settings):
    settings.PRACTICE = True
    call_command("create_therapist", THERAPIST[0], "--display-name", "Sam", "--passphrase", THERAPIST[1])
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    prompt = Prompt.objects.filter(intensity="deeper").first()
    for url in ("/reflect/", prompt.dynamic.get_absolute_url(), prompt.get_absolute_url()):
        page.goto(site + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, url
    sign_in(page, site, *THERAPIST)
    page.wait_for_url(site + "/practice/")
    page.goto(site + "/practice/assignments/new/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()
