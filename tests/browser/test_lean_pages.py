"""Pages carry only what they use, and lose nothing by it: with the one built stylesheet every element
looks exactly as it did with the whole of Bootstrap and reflect.css (every page on a phone, light,
and on paper those made to be printed; on a desktop, light and dark, the pages whose layout changes
with the width), and the idle lock still runs on unlocked pages that no longer load journal.js."""

import re

import pytest
from playwright.sync_api import expect

from tests.pages import JOURNAL_PAGES, MISSING_PAGE, PUBLIC_PAGES

from .helpers import PASSPHRASE, set_up_journal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every property chromium computes for each element in the page and its ::before and ::after, kept
# in the page under `key` (there is a lot of it), once transitions have finished. Custom properties
# are left out: the built stylesheet drops the ones nothing reads, on purpose.
KEEP_COMPUTED_STYLES = """async (key) => {
  await Promise.all(document.getAnimations().map((animation) => animation.finished));  // transitions too
  const styles = new Map();
  // Elements alike in tag, classes, place among their siblings and ancestry are styled alike, so
  // only the first of each is read: twenty rows of a list cost one (and the test a third of its time).
  const names = new Map([[document, ""]]);
  const elements = [document.documentElement, document.body, ...document.body.querySelectorAll("*")];
  elements.forEach((element) => {
    const name = names.get(element.parentNode) + " > " + element.tagName.toLowerCase()
      + (element.id ? "#" + element.id : "") + [...element.classList].map((c) => "." + c).join("")
      + (element.previousElementSibling ? "" : ":first") + (element.nextElementSibling ? "" : ":last");
    names.set(element, name);
    if (styles.has(name)) return;
    for (const pseudo of ["", "::before", "::after"]) {
      const style = getComputedStyle(element, pseudo || null);
      if (pseudo && style.content === "none") continue;  // no such box
      const values = new Map();
      for (let i = 0; i < style.length; i++) {
        if (!style[i].startsWith("--")) values.set(style[i], style.getPropertyValue(style[i]));
      }
      styles.set(name + pseudo, values);
    }
  });
  window.keptStyles = window.keptStyles || {};
  window.keptStyles[key] = styles;
}"""

# What differs between two sets of kept styles, element by element.
DIFFERENCES = """([before, after]) => {
  const found = [];
  const [one, other] = [window.keptStyles[before], window.keptStyles[after]];
  for (const [element, values] of one) {
    const changed = [...values].filter(([name, value]) => other.get(element)?.get(name) !== value)
      .map(([name, value]) => `${name}: ${value} / ${other.get(element)?.get(name)}`);
    if (changed.length) found.push(`${element}: ${changed.slice(0, 6).join("; ")}`);
  }
  return found;
}"""

# Back to what pages linked before: the whole of Bootstrap, then reflect.css, where site.css was.
WHOLE_BOOTSTRAP = """async () => {
  const built = document.querySelector('link[rel="stylesheet"]');
  const loaded = ["/static/bootstrap/css/bootstrap.min.css", "/static/reflect/reflect.css"].map((href) => {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    built.before(link);
    return new Promise((resolve, reject) => { link.onload = resolve; link.onerror = reject; });
  });
  await Promise.all(loaded);
  built.remove();
}"""

MODES = {"light": {"color_scheme": "light"}, "dark": {"color_scheme": "dark"}, "paper": {"media": "print"}}
# Reading a mode takes about as long as loading the page, so each is read where it can differ.
# Dark comes from reflect.css alone (kept whole; no colour-mode rule of Bootstrap's is used or
# kept), so the desktop visit's main kinds of page check it. Paper costs as much as light and dark together, and only
# pages made to be printed need it: the page is as wide on paper whatever the screen, and
# Bootstrap's only rules for paper are its d-print classes (reflect.css has the rest).
LIGHT_AND_DARK = ["light", "dark"]
LIGHT_AND_PAPER = ["light", "paper"]
PAPER_PAGES = ["/journal/print/", "/journal/looking-back/?range=all", "/journal/safety-plan/print/"]


def keep_styles_in_every_mode(page, stylesheet, modes):
    for mode in modes:
        page.emulate_media(**{"media": "screen", "reduced_motion": "reduce", **MODES[mode]})
        page.evaluate(KEEP_COMPUTED_STYLES, f"{stylesheet} {mode}")
    page.emulate_media(media="screen", color_scheme="light", reduced_motion="no-preference")


def compare(page, site, url, modes=("light",)):
    """How the page now open (or at `url`) looks different with the whole of Bootstrap, mode by mode."""
    if url is not None:
        page.goto(site + url)
    url = page.url.removeprefix(site)
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', page.content()) == ["/static/reflect/site.css"]
    keep_styles_in_every_mode(page, "built", modes)
    page.evaluate(WHOLE_BOOTSTRAP)
    keep_styles_in_every_mode(page, "whole", modes)
    return [
        f"{url}, {mode}, {difference}"
        for mode in modes
        for difference in page.evaluate(DIFFERENCES, [f"whole {mode}", f"built {mode}"])
    ]


# On a desktop, the pages whose layout changes with the width (columns, the menu in a row): the
# stylesheet keeps a class's rules whatever the width, so the phone's visit checks the rest.
WIDE_PAGES = ["/", "/learn/how-the-bond-grows/", "/reflect/", "/help/", "/journal/", "/journal/entries/{entry}/"]


def test_pages_look_the_same_on_a_desktop(site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    set_up_journal(page, site)
    page.goto(site + "/journal/write/")
    page.fill("#id_text", "A few words to look at.")
    page.click("button:has-text('Save')")
    page.wait_for_url(re.compile(r"/journal/entries/[0-9a-f-]+/$"))
    entry = page.url.rstrip("/").rsplit("/", 1)[1]
    found = [
        difference for url in WIDE_PAGES for difference in compare(page, site, url.format(entry=entry), LIGHT_AND_DARK)
    ]
    found += compare(page, site, "/journal/write/", LIGHT_AND_DARK)
    context.close()
    assert not found, "\n".join(found[:40])


def test_pages_look_the_same_as_with_the_whole_of_bootstrap(site, browser):
    context = browser.new_context(viewport={"width": 375, "height": 900})
    page = context.new_page()
    found = [
        difference
        for url in [*PUBLIC_PAGES, MISSING_PAGE, "/journal/setup/"]
        for difference in compare(page, site, url)
    ]
    page.fill("#id_new_passphrase", "short")
    page.click("button[type=submit]")
    found += compare(page, site, None)  # a form with its problems showing
    page.goto(site + "/journal/")
    page.fill("#id_new_passphrase", PASSPHRASE)
    page.fill("#id_new_passphrase_again", PASSPHRASE)
    page.click("button[type=submit]")
    found += compare(page, site, None, LIGHT_AND_PAPER)  # the recovery key, made to be printed
    page.check("#id_saved")
    page.click("text=Continue to my journal")
    page.wait_for_url(site + "/journal/")
    page.goto(site + "/journal/write/?prompt=not-my-fault")
    page.fill("#id_text", "A few words to look at.")
    page.select_option("#id_distress_after", "8")
    page.click("button:has-text('Save')")
    page.wait_for_url(re.compile(r"/journal/entries/[0-9a-f-]+/$"))
    entry = page.url.rstrip("/").rsplit("/", 1)[1]
    found += compare(page, site, None)  # the saved entry, with the care panel
    for url in JOURNAL_PAGES:
        found += compare(page, site, url.format(entry=entry), LIGHT_AND_PAPER if url in PAPER_PAGES else ["light"])
    page.goto(site + "/journal/write/")
    page.fill("#id_text", "x")
    page.select_option("#id_distress_before", "3")
    page.evaluate("document.getElementById('id_text').value = ''")
    page.click("button:has-text('Save')")
    found += compare(page, site, None)  # the writing page sent back
    page.click("button:has-text('Lock journal')")
    page.wait_for_url(site + "/journal/unlock/")
    page.fill("#id_passphrase", "not the passphrase")
    page.click("button:has-text('Unlock')")
    found += compare(page, site, None)
    context.close()
    assert not found, "\n".join(found[:40])


def test_the_idle_lock_runs_on_a_page_without_journal_js(site, page, settings):
    set_up_journal(page, site)
    page.clock.install()
    page.goto(site + "/journal/looking-back/")
    assert "journal.js" not in page.content()
    page.clock.fast_forward(settings.REFLECT_IDLE_LOCK_MINUTES * 60 * 1000)
    page.wait_for_url(site + "/journal/unlock/")
    page.goto(site + "/journal/")
    assert "/journal/unlock/" in page.url


def test_a_public_page_opened_while_unlocked_locks_when_idle(site, page, settings):
    set_up_journal(page, site)
    page.clock.install()
    page.goto(site + "/reflect/prompts/not-my-fault/")
    expect(page.locator("body")).to_have_attribute("data-idle-lock-seconds", re.compile(r"\d+"))
    page.clock.fast_forward(settings.REFLECT_IDLE_LOCK_MINUTES * 60 * 1000)
    page.wait_for_url(site + "/journal/unlock/")
    page.goto(site + "/journal/")
    assert "/journal/unlock/" in page.url
