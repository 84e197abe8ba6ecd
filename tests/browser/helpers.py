"""What more than one browser test needs: the accessibility rules we hold every page to, setting
up and unlocking a journal as a person does, typing as a person types, and waiting for the server."""

import itertools
import time

from axe_playwright_python.sync_playwright import Axe

from ..conftest import PASSPHRASE

__all__ = [
    "PASSPHRASE",
    "WCAG_22_AA",
    "accessibility",
    "create_journal",
    "on_paper",
    "set_up_journal",
    "type_like_a_person",
    "unlock",
    "wait_until",
]

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE = Axe()


def accessibility(page):
    """axe-core's findings for the page as it is now, under the WCAG 2.2 AA rules and best practice.
    Every violation is reported in full; passing checks are only counted (axe-playwright's own default)."""
    return AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]})


def on_paper(page):
    """(title, text) as chromium lays the page out for printing."""
    page.emulate_media(media="print")
    try:
        return page.title(), page.evaluate("document.body.innerText")
    finally:
        page.emulate_media(media="screen")


def set_up_journal(page, site):
    page.goto(site + "/journal/")
    create_journal(page)
    page.wait_for_url(site + "/journal/")


def create_journal(page):
    """On the setup page: a passphrase twice, then the recovery key saved; lands where setup was going."""
    page.fill("#id_new_passphrase", PASSPHRASE)
    page.fill("#id_new_passphrase_again", PASSPHRASE)
    page.click("button[type=submit]")
    page.check("#id_saved")
    page.click("text=Continue to my journal")


def unlock(page, site, next_url="/journal/"):
    page.goto(site + next_url)
    if "/journal/unlock/" in page.url:
        page.fill("#id_passphrase", PASSPHRASE)
        page.click("button:has-text('Unlock')")
    page.wait_for_url(site + next_url)


def type_like_a_person(page, text):
    """Capitals typed with Shift held down, as a person does ("Shift+KeyA" is Shift down, A down,
    A up, Shift up). Each run of other characters goes in one call, which still sends the page
    every key's own events, one character at a time."""
    for capitals, run in itertools.groupby(text, str.isupper):
        if capitals:
            for character in run:
                page.keyboard.press(f"Shift+Key{character}")
        else:
            page.keyboard.type("".join(run))


def wait_until(page, condition, seconds=10):
    """Waits, letting the page run, until `condition()` is true (a request the page sent on its way
    out has reached the server, say); returns whether it came true in time."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(20)
    return True
