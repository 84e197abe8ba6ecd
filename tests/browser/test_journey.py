"""The reflective journey, walked as a new person walks it: from the contents page to a section,
a prompt beside it, writing about it (setting up the journal on the way), and the saved entry
carrying its prompt. Clicks are counted, because every one is a moment someone can give up."""

import pytest
from playwright.sync_api import expect

from reflect.prompts.models import Prompt

from .helpers import PASSPHRASE, accessibility, create_journal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Clicks:
    """Clicks a person makes (typing is not counted), so the closing note can report them."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, selector):
        self.count += 1
        self.page.click(selector)

    def check(self, selector):
        self.count += 1
        self.page.check(selector)


def test_from_a_section_to_a_saved_answer_for_a_new_person(site, page):
    page.goto(site + "/")
    page.click(".contents-list a >> nth=1")  # a section, as a reader would open it
    section_url = page.url
    first = page.locator(".section-prompts .prompt-item").first
    prompt_text = first.locator("a").first.inner_text()
    prompt = Prompt.objects.get(text=prompt_text)

    clicks = Clicks(page)
    clicks.click(".section-prompts .prompt-item >> nth=0 >> .write-link")
    expect(page).to_have_url(site + f"/journal/setup/?next=%2Fjournal%2Fwrite%2F%3Fprompt%3D{prompt.slug}")
    page.fill("#id_new_passphrase", PASSPHRASE)
    page.fill("#id_new_passphrase_again", PASSPHRASE)
    clicks.click("button:has-text('Create my journal')")
    clicks.check("#id_saved")
    clicks.click("text=Continue to my journal")
    expect(page).to_have_url(site + f"/journal/write/?prompt={prompt.slug}")
    expect(page.locator(".prompt-box")).to_contain_text(prompt_text)
    page.fill("#id_text", "What I noticed, reading that section.")
    page.select_option("#id_distress_before", "6")
    page.select_option("#id_distress_after", "4")
    clicks.click("button:has-text('Save')")
    expect(page.locator("main")).to_contain_text("What I noticed, reading that section.")
    print(f"\nclicks from a section to a saved answer, first time (with set-up): {clicks.count}")

    entry = page.locator("main .entry")
    expect(entry.locator(".entry-prompt")).to_contain_text(prompt_text)
    assert entry.locator(f"a[href='{prompt.get_absolute_url()}']").count() == 1
    expect(page.locator(".next-step")).to_contain_text("What next?")
    results = {"entry, just saved": accessibility(page)}

    # Already unlocked: back to the section, another prompt, written and saved.
    page.goto(section_url)
    expect(page.locator(".section-prompts .answered-mark")).to_have_count(1)
    again = Clicks(page)
    again.click(".section-prompts .prompt-item >> nth=1 >> .write-link")
    page.fill("#id_text", "A second answer.")
    again.click("button:has-text('Save')")
    expect(page.locator("main")).to_contain_text("A second answer.")
    print(f"clicks from a section to a saved answer, already unlocked: {again.count}")
    assert (clicks.count, again.count) == (5, 2)

    # Looking back: the first entry's ratings (6 before, 4 after) are in the table beside the chart.
    page.goto(site + "/journal/")
    page.click("a:has-text('Looking back')")
    expect(page.locator("main svg[role=img]")).to_have_count(1)
    expect(page.locator("main table").first).to_contain_text("6")
    expect(page.locator("main table").first).to_contain_text("4")
    results["looking back"] = accessibility(page)

    page.goto(site + prompt.get_absolute_url())
    expect(page.locator(".answered-note")).to_contain_text("You have written about this 1 time")
    results["prompt, answered"] = accessibility(page)
    # Reduced motion too, so the change of scheme is not caught halfway through a colour transition.
    page.emulate_media(color_scheme="dark", reduced_motion="reduce")
    results["prompt, answered, dark"] = accessibility(page)
    page.goto(section_url)
    results["section, unlocked, dark"] = accessibility(page)
    failing = [f"{name}: {result.generate_report()}" for name, result in results.items() if result.violations_count]
    assert not failing, "\n".join(failing)


def test_writing_about_a_prompt_works_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    prompt = Prompt.objects.get(slug="not-my-fault")
    page.goto(site + prompt.get_absolute_url())
    page.click("a:has-text('Write about this')")
    create_journal(page)
    page.wait_for_url(site + "/journal/write/?prompt=not-my-fault")
    page.fill("#id_text", "Written with a plain form.")
    page.click("button:has-text('Save')")
    expect(page.locator(".entry-prompt")).to_contain_text(prompt.text)
    context.close()
