"""What each page's <head> asks for: the quick exit's script everywhere, journal.js only on pages that
hold what it works on, and a plain description on public pages (none on private pages, and none at
all in discreet mode, which must not say what the site is about)."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings

from reflect.learn.models import Section
from reflect.programmes.models import Programme
from reflect.prompts.models import Dynamic, Prompt
from tests.pages import PUBLIC_PAGES

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR, "templates")
JOURNAL_JS = Path(settings.BASE_DIR, "static", "reflect", "journal.js")


def scripts(html: str) -> list[str]:
    return re.findall(r'<script src="/static/reflect/([\w.-]+)"', html)


def descriptions(html: str) -> list[str]:
    return [unescape(text) for text in re.findall(r'<meta name="description" content="([^"]*)">', html)]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_load_only_the_quick_exit_script(client, url):
    assert scripts(client.get(url).content.decode()) == ["safety.js"]


def test_journal_pages_with_nothing_for_journal_js_still_lock_when_idle(client, journal, write):
    """safety.js holds the idle lock, so it runs on every unlocked page, with or without journal.js."""
    entry = write("Words for the head test.")
    for url in ["/journal/", f"/journal/entries/{entry}/", "/journal/looking-back/", "/reflect/"]:
        html = client.get(url).content.decode()
        assert scripts(html) == ["safety.js"], url
        assert re.search(r'<body[^>]* data-idle-lock-seconds="\d+"', html), url


@pytest.mark.parametrize("url", ["/journal/write/", "/journal/print/", "/journal/safety-plan/print/"])
def test_pages_that_write_or_print_load_journal_js(client, journal, url):
    assert scripts(client.get(url).content.decode()) == ["safety.js", "journal.js"]


def test_the_recovery_key_page_loads_journal_js_for_its_print_and_copy_buttons(client):
    passphrase = "a long enough passphrase"
    response = client.post("/journal/setup/", {"new_passphrase": passphrase, "new_passphrase_again": passphrase})
    assert scripts(response.content.decode()) == ["safety.js", "journal.js"]


def hooks_of_journal_js() -> list[str]:
    """What journal.js looks for in a page, as it appears in a template: id="..." and data-... attributes."""
    script = JOURNAL_JS.read_text(encoding="utf-8")
    ids = [f'id="{name}"' for name in re.findall(r'getElementById\("([\w-]+)"\)', script)]
    attributes = re.findall(r'querySelectorAll\("\[([\w-]+)\]"\)', script)
    assert ids and attributes
    return ids + attributes


def loads_journal_js(template: Path) -> bool:
    text = template.read_text(encoding="utf-8")
    parent = re.search(r'\{% extends "([^"]+)" %\}', text)
    return "reflect/journal.js" in text or bool(parent and loads_journal_js(TEMPLATES / parent[1]))


def test_journal_js_is_loaded_by_exactly_the_templates_that_hold_what_it_works_on():
    hooks = hooks_of_journal_js()
    pages = [path for path in TEMPLATES.rglob("*.html") if "{% extends" in path.read_text(encoding="utf-8")]
    holding = {path.name for path in pages if any(hook in path.read_text(encoding="utf-8") for hook in hooks)}
    loading = {path.name for path in pages if loads_journal_js(path)}
    assert {"write.html", "print.html", "recovery_key.html", "worksheet.html"} <= holding
    assert loading - {"joined.html"} == holding, "joined.html shows the recovery key through recovery_key.html"


@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/journal/unlock/"])
def test_public_pages_have_one_plain_description(client, journal, url):
    client.post("/journal/lock/")
    found = descriptions(client.get(url).content.decode())
    assert len(found) == 1, url
    assert 40 <= len(found[0]) <= 300, found[0]
    assert "{" not in found[0] and "<" not in found[0]


def test_a_section_prompt_topic_and_programme_are_described_by_their_own_words(client):
    section = Section.objects.get(slug="what-is-trauma-bonding")
    assert descriptions(client.get(section.get_absolute_url()).content.decode()) == [section.summary]
    prompt = Prompt.objects.get(slug="not-my-fault")
    assert descriptions(client.get(prompt.get_absolute_url()).content.decode()) == [prompt.text]
    topic = Dynamic.objects.get(slug="fear-of-abandonment")
    assert descriptions(client.get(topic.get_absolute_url()).content.decode()) == [topic.description]
    programme = Programme.objects.first()
    assert descriptions(client.get(programme.get_absolute_url()).content.decode()) == [programme.description]


def test_private_pages_have_no_description(client, journal, write):
    entry = write("Words that are nobody's business.")
    for url in ["/journal/", f"/journal/entries/{entry}/", "/journal/write/", "/journal/looking-back/"]:
        assert descriptions(client.get(url).content.decode()) == [], url


@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/journal/unlock/", "/journal/setup/"])
def test_discreet_mode_describes_nothing(client, url):
    client.cookies["display"] = "plain"
    html = client.get(url, follow=True).content.decode()
    assert "<title>Notes</title>" in html
    assert descriptions(html) == []
    assert 'name="description"' not in html
