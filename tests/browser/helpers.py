from playwright.sync_api import expect

from ..conftest import PASSPHRASE


def set_up_journal(page, site):
    page.goto(site + "/journal/")
    page.fill("#id_new_passphrase", PASSPHRASE)
    page.fill("#id_new_passphrase_again", PASSPHRASE)
    page.click("button[type=submit]")
    page.check("#id_saved")
    page.click("text=Continue to my journal")
    expect(page).to_have_url(site + "/journal/")


def unlock(page, site, next_url="/journal/"):
    page.goto(site + next_url)
    if "/journal/unlock/" in page.url:
        page.fill("#id_passphrase", PASSPHRASE)
        page.click("button:has-text('Unlock')")
    expect(page).to_have_url(site + next_url)


def type_like_a_person(page, text):
    """Capitals typed with Shift held down, as a person does."""
    for character in text:
        if character.isupper():
            page.keyboard.down("Shift")
            page.keyboard.press(f"Key{character}")
            page.keyboard.up("Shift")
        else:
            page.keyboard.type(character)
