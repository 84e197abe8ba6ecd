"""Every page type on a phone: nothing scrolls sideways, nothing is cut off at the edge, and the
quick exit is the first Tab stop, at the top of the screen. Measured at 320, 375 and 414 px wide,
one browser context per width, walking the pages a person would."""

import re

import pytest
from django.core.management import call_command

from reflect.journal.models import Draft
from tests.pages import MISSING_PAGE, PUBLIC_PAGES

from .helpers import PASSPHRASE, accessibility, set_up_journal, wait_until
from .test_practice import THERAPIST, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Width and height of small, common phone screens, in CSS pixels.
PHONES = {320: 568, 375: 667, 414: 896}


# Journal pages, opened while it is unlocked and holds a draft and the ENTRIES below: {long_entry}
# has a title and text that are each one long unbroken word or web address.
# A new journal page added here is measured at every width.
JOURNAL_PAGES = [
    "/journal/",
    "/journal/entries/{long_entry}/",
    "/journal/entries/{long_entry}/edit/",
    "/journal/entries/{prompted_entry}/",
    "/journal/write/?prompt=not-my-fault",
    "/journal/export/",
    "/journal/print/",
    "/journal/settings/",
    "/journal/delete-everything/",
    "/journal/looking-back/?range=all",
    "/journal/safety-plan/",
]

# A therapist's pages, with one assignment ({assignment}) taken up by one client ({client}).
THERAPIST_PAGES = [
    "/practice/",
    "/practice/assignments/new/",
    "/practice/assignments/{assignment}/",
    "/practice/assignments/{assignment}/worksheet/",
    "/practice/clients/{client}/",
]

# The longest name a client may choose, in one piece: their sign-in name adds a number to it.
CLIENT = ("riverside_kettle_maple_tuesday", "client long passphrase")
LONG_WORD = "Whyisitsohardtoleave" * 15  # 300 characters, no space to break at
LONG_ADDRESS = "https://example.org/watch?v=" + "AbCdEfGh0123" * 22 + "xyz12345"  # 300 characters

# (name, title, text, feeling after writing): the second is all unbroken words, and its high
# rating brings up the care panel.
ENTRIES = [
    ("prompted_entry", "", "Some days it feels like my fault. Today I noticed that it isn't.", "3"),
    ("long_entry", LONG_WORD[:200], f"{LONG_WORD}\n\n{LONG_ADDRESS}", "9"),
]

# What does not fit a phone's screen, `width` CSS pixels wide, on the page now open:
# - the page is wider than the screen (a phone would scroll sideways, or zoom out to show it all);
# - a visible element's box reaches past the left or right edge of the screen;
# - an element that hides its overflow cuts off some of its content (a form field scrolling its
#   own text is not cut off);
# - text or a control comes closer than GUTTER_PX to an edge, where it looks cut off and is hard
#   to tap.
# Whatever sits inside a box that scrolls sideways (a wide table in its own scroller) is that box's
# business: the box itself is held to these rules.
GUTTER_PX = 8
MEASURE = """([screen, gutter]) => {
  const name = (element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
    + [...element.classList].map((c) => "." + c).join("")
    + ' "' + (element.innerText || element.value || "").trim().slice(0, 30) + '"';
  const held = new Map();
  const holds = (element) => {
    const holder = element.parentElement;
    if (!holder || holder === document.body) return false;
    if (!held.has(holder)) held.set(holder, getComputedStyle(holder).overflowX !== "visible" || holds(holder));
    return held.get(holder);
  };
  const misfits = new Set();
  const pageWidth = Math.max(document.documentElement.scrollWidth, window.innerWidth);
  if (pageWidth > screen) misfits.add(`the page is ${pageWidth}px wide`);
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (box.width <= 1 || box.height <= 1 || style.visibility !== "visible" || holds(element)) continue;
    if (box.left < -0.5 || box.right > screen + 0.5) {
      misfits.add(`${name(element)} spans ${Math.round(box.left)} to ${Math.round(box.right)}px`);
    }
    const field = ["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName);
    if (!field && ["hidden", "clip"].includes(style.overflowX) && element.scrollWidth > element.clientWidth + 1) {
      misfits.add(`${name(element)} cuts off ${element.scrollWidth - element.clientWidth}px of its content`);
    }
    const room = Math.round(Math.min(box.left, screen - box.right));
    if (element.matches("button, input:not([type=hidden]), select, textarea, .btn") && room < gutter) {
      misfits.add(`${name(element)} is ${room}px from the edge`);
    }
  }
  const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = texts.nextNode(); text; text = texts.nextNode()) {
    const element = text.parentElement;
    if (!text.data.trim() || getComputedStyle(element).visibility !== "visible") continue;
    if (getComputedStyle(element).overflowX !== "visible" || holds(element)) continue;
    const range = document.createRange();
    range.selectNodeContents(text);
    for (const line of range.getClientRects()) {
      const room = Math.round(Math.min(line.left, screen - line.right));
      if (line.width && room < gutter) {
        misfits.add(`${name(element)}: its text is ${room}px from the edge`);
        break;
      }
    }
  }
  return [...misfits];
}"""

# The quick exit: the first Tab stop, in view near the top of the screen, and nothing covering it.
QUICK_EXIT = """() => {
  const exit = document.getElementById("quick-exit");
  const box = exit.getBoundingClientRect();
  const onTop = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
  return {first: document.activeElement === exit, top: box.top, bottom: box.bottom, covered: onTop !== exit};
}"""
QUICK_EXIT_WITHIN_PX = 100

# How far "Lock journal" is from the menu, in pixels: from the last link when it shares that
# link's line, or from where the menu starts when it begins a line of its own.
LOCK_FROM_MENU = """() => {
  const lock = document.querySelector(".lock-form button");
  if (!lock) return 0;
  const button = lock.getBoundingClientRect();
  const menu = document.querySelector(".site-nav-links");
  const last = menu.lastElementChild.getBoundingClientRect();
  const sameLine = button.top < last.bottom && button.bottom > last.top;
  return Math.round(sameLine ? button.left - last.right : button.left - menu.getBoundingClientRect().left);
}"""
LOCK_WITHIN_PX = 48


def misfits(page, where):
    """What does not fit the phone's screen on the page now open, each named with `where`."""
    found = page.evaluate(MEASURE, [page.viewport_size["width"], GUTTER_PX])
    lock_from_menu = page.evaluate(LOCK_FROM_MENU)
    if not 0 <= lock_from_menu <= LOCK_WITHIN_PX:
        found.append(f"Lock journal is {lock_from_menu}px away from the menu")
    page.keyboard.press("Tab")
    exit = page.evaluate(QUICK_EXIT)
    if not exit["first"]:
        found.append("the quick exit is not the first Tab stop")
    if exit["covered"] or exit["top"] < 0 or exit["bottom"] > QUICK_EXIT_WITHIN_PX:
        found.append(f"the quick exit is not in view at the top: {exit}")
    return [f"{where}: {misfit}" for misfit in found]


def visit(page, site, url):
    page.goto(site + url)
    return misfits(page, url)


def on_a_phone(browser, width):
    context = browser.new_context(viewport={"width": width, "height": PHONES[width]}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def save_entry(page, site, title, text, feeling_after):
    """Writes an entry about a prompt and saves it; returns its id, leaving the saved entry open."""
    page.goto(site + "/journal/write/?prompt=not-my-fault")
    page.fill("#id_title", title)
    page.fill("#id_text", text)
    page.select_option("#id_distress_after", feeling_after)
    page.click("button:has-text('Save')")
    page.wait_for_url(re.compile(r"/journal/entries/[0-9a-f-]+/$"))
    return page.url.rstrip("/").rsplit("/", 1)[1]


def leave_a_draft(page, site):
    page.goto(site + "/journal/write/")
    page.fill("#id_text", LONG_WORD)
    page.goto(site + "/journal/what-we-store/")  # leaving the page keeps the draft
    assert wait_until(page, Draft.objects.exists)


@pytest.mark.parametrize("width", PHONES)
def test_personal_pages_fit_a_phone(site, browser, width):
    context, page = on_a_phone(browser, width)
    found = [misfit for url in [*PUBLIC_PAGES, MISSING_PAGE, "/journal/setup/"] for misfit in visit(page, site, url)]
    page.fill("#id_new_passphrase", PASSPHRASE)
    page.fill("#id_new_passphrase_again", PASSPHRASE)
    page.click("button[type=submit]")
    page.wait_for_selector("#recovery-key")
    found += misfits(page, "the recovery key, once")
    page.check("#id_saved")
    page.click("text=Continue to my journal")
    entries = {}
    for name, title, text, feeling_after in ENTRIES:
        entries[name] = save_entry(page, site, title, text, feeling_after)
        found += misfits(page, f"{name}, just saved")
    leave_a_draft(page, site)
    for url in JOURNAL_PAGES:
        found += visit(page, site, url.format(**entries))
    page.click("button:has-text('Lock journal')")
    page.wait_for_url(site + "/journal/unlock/")
    found += misfits(page, "/journal/unlock/")
    found += visit(page, site, "/journal/recover/")
    context.close()
    assert not found, "\n".join(found)


@pytest.mark.parametrize("width", PHONES)
def test_practice_pages_fit_a_phone(site, browser, settings, width):
    settings.PRACTICE = True
    call_command("create_therapist", THERAPIST[0], "--display-name", "Sam", "--passphrase", THERAPIST[1])
    therapist_context, therapist = on_a_phone(browser, width)
    sign_in(therapist, site, *THERAPIST)
    therapist.wait_for_url(site + "/practice/")
    therapist.goto(site + "/practice/assignments/new/")
    therapist.check("input[value='not-my-fault']")
    therapist.fill("#id_custom", "What felt a little easier this week? " + LONG_ADDRESS)
    therapist.fill("#id_note", "Only if you feel up to it.")
    therapist.fill("#id_due_date", "2031-12-31")
    therapist.click("button:has-text('Make the assignment')")
    therapist.wait_for_url(re.compile(r"/practice/assignments/[0-9a-f-]+/$"))
    assignment = therapist.url.rstrip("/").rsplit("/", 1)[1]
    link = therapist.locator(".qr").locator("xpath=..").locator("a").first.get_attribute("href")

    client_context, client = on_a_phone(browser, width)
    client.goto(link)
    found = misfits(client, "the join page")
    client.fill("#id_username", CLIENT[0])
    client.fill("#id_new_passphrase", CLIENT[1])
    client.fill("#id_new_passphrase_again", CLIENT[1])
    client.click("button:has-text('Make my journal')")
    client.wait_for_selector("#sign-in-name")
    found += misfits(client, "the sign-in name and recovery key")
    client.check("#id_saved")
    client.click("text=Continue to my journal")
    client.wait_for_url(site + "/journal/")
    found += misfits(client, "the journal with prompts from a therapist")
    client_context.close()

    therapist.goto(site + "/practice/")
    client_id = re.search(r"/practice/clients/(\d+)/", therapist.content()).group(1)
    for url in THERAPIST_PAGES:
        found += visit(therapist, site, url.format(assignment=assignment, client=client_id))
    therapist_context.close()
    assert not found, "\n".join(found)


# The pages with the most kinds of thing on them: menus, columns, forms, the grounding panel.
AXE_PAGES = ["/", "/learn/how-the-bond-grows/", "/reflect/prompts/not-my-fault/"]
AXE_JOURNAL_PAGES = ["/journal/", "/journal/write/?prompt=not-my-fault"]


def test_no_accessibility_violations_on_the_smallest_phone(site, browser):
    """Tap targets big enough and far enough apart, and text that reflows, at 320 px (WCAG 2.2 AA)."""
    context, page = on_a_phone(browser, 320)
    results = {}
    for url in AXE_PAGES:
        page.goto(site + url)
        results[url] = accessibility(page)
    set_up_journal(page, site)
    for url in AXE_JOURNAL_PAGES:
        page.goto(site + url)
        results[url] = accessibility(page)
    context.close()
    failing = [f"{url}: {result.generate_report()}" for url, result in results.items() if result.violations_count]
    assert not failing, "\n".join(failing)


@pytest.mark.parametrize("width", sorted(PHONES))
def test_every_countrys_help_lines_fit_a_phone(site, browser, width):
    """The footer and help page list each country's lines; some labels are long (a TTY line)."""
    from reflect.safety.models import Helpline

    context, page = on_a_phone(browser, width)
    found = []
    for country in sorted(set(Helpline.objects.values_list("country", flat=True))):
        context.add_cookies([{"name": "country", "value": country, "url": site}])
        found += visit(page, site, "/help/")
    context.close()
    assert not found, "\n".join(found)
