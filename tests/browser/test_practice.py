"""The whole practice loop in a browser: a therapist assigns, a client joins, writes, shares."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .helpers import accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THERAPIST = ("sam", "therapist long passphrase")
CLIENT = ("alex", "client long passphrase")


def sign_in(page, site, username, passphrase):
    page.goto(site + "/journal/unlock/")
    page.fill("#id_username", username)
    page.fill("#id_passphrase", passphrase)
    page.click("button:has-text('Unlock')")


def test_therapist_and_client_complete_the_loop(site, browser, settings):
    settings.PRACTICE = True
    call_command("create_therapist", THERAPIST[0], "--display-name", "Sam", "--passphrase", THERAPIST[1])
    failing = []

    def check(page, name):
        result = accessibility(page)
        if result.violations_count:
            failing.append(f"{name}: {result.generate_report()}")

    therapist = browser.new_context().new_page()
    sign_in(therapist, site, *THERAPIST)
    expect(therapist).to_have_url(site + "/practice/")
    check(therapist, "dashboard")
    therapist.click("text=New assignment")
    therapist.check("input[value='not-my-fault']")
    therapist.fill("#id_custom", "What felt a little easier this week?")
    therapist.fill("#id_note", "Only if you feel up to it.")
    check(therapist, "new assignment")
    therapist.click("button:has-text('Make the assignment')")
    check(therapist, "assignment")
    link = therapist.locator(".qr").locator("xpath=..").locator("a").first.get_attribute("href")
    assert re.search(r"/practice/join/[0-9A-Z-]+/$", link)
    expect(therapist.locator(".withdraw-note")).to_contain_text("can't be taken back")
    assert therapist.locator(".qr svg").count() == 1

    client = browser.new_context().new_page()
    client.goto(link)
    check(client, "join")
    client.fill("#id_username", CLIENT[0])
    client.fill("#id_new_passphrase", CLIENT[1])
    client.fill("#id_new_passphrase_again", CLIENT[1])
    client.click("button:has-text('Make my journal')")
    sign_in_name = client.locator("#sign-in-name").inner_text().strip()
    assert re.fullmatch(rf"{CLIENT[0]}\.\d{{4}}", sign_in_name), sign_in_name
    check(client, "sign-in name and recovery key")
    client.check("#id_saved")
    client.click("text=Continue to my journal")
    expect(client.locator("#from-therapist")).to_contain_text("Only if you feel up to it.")
    check(client, "journal with assignment")
    client.click("text=What felt a little easier this week?")
    client.fill("#id_text", "Making tea in the morning felt calm.")
    client.click("button:has-text('Save')")
    expect(client.locator("main")).to_contain_text("Only you can read this entry")

    therapist.goto(site + "/practice/")
    expect(therapist.locator("main")).to_contain_text("done")
    therapist.click(f"text={sign_in_name}")
    expect(therapist.locator("main")).not_to_contain_text("Making tea")

    client.click("text=Share it with Sam")
    check(client, "share")
    client.fill("#id_text", "Making tea felt calm.")
    client.click("button:has-text('Share this')")
    expect(client.locator("main")).to_contain_text("Shared with Sam")

    therapist.reload()
    expect(therapist.locator("main")).to_contain_text("Making tea felt calm.")
    check(therapist, "client page")

    client.click("button:has-text('Stop sharing')")
    therapist.reload()
    expect(therapist.locator("main")).not_to_contain_text("Making tea")

    client.click("button:has-text('Lock journal')")
    sign_in(client, site, sign_in_name.upper(), CLIENT[1])
    expect(client).to_have_url(site + "/journal/")
    assert not failing, "\n".join(failing)
