"""The one stylesheet (reflect/stylesheet.py): linked alone from every page, small, built from what the
installed packages hold now, and keeping every Bootstrap class our pages use.

The pages' classes are found here on their own, not with the builder's scan: from the class
attributes written in our templates, and from the pages themselves as they render, forms with
their errors included. tests/browser/test_lean_pages.py checks that pages look the same with it as
with the whole of Bootstrap."""

import gzip
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template import Context, Template

from reflect import stylesheet
from tests.pages import JOURNAL_PAGES, MISSING_PAGE, PUBLIC_PAGES

pytestmark = pytest.mark.django_db

BUILT = Path(settings.BASE_DIR, "build", "static", "reflect", "site.css")
LIMIT = 12 * 1024  # gzip-compressed, the way WhiteNoise sends it


def built_css() -> str:
    assert BUILT.exists(), f"{BUILT} is missing: `make test` builds it, or run `python -m reflect.stylesheet`"
    return BUILT.read_text(encoding="utf-8")


def class_selectors(css: str) -> set[str]:
    """Every class a stylesheet's selectors name (strings and urls, which may hold dots, taken out)."""
    css = re.sub(r"/\*.*?\*/|\"[^\"]*\"|'[^']*'|url\([^)]*\)", "", css, flags=re.DOTALL)
    return set(re.findall(r"\.(-?[_a-zA-Z][\w-]*)", css))


class Classes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.found.update((dict(attrs).get("class") or "").split())


def classes_on(html: str) -> set[str]:
    parser = Classes()
    parser.feed(html)
    return parser.found


def classes_written_in_templates() -> set[str]:
    """The words of every class attribute in our templates, with the template tags taken out."""
    found = set()
    for path in Path(settings.BASE_DIR, "templates").rglob("*.*"):
        text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", path.read_text(encoding="utf-8"))
        for value in re.findall(r'\bclass="([^"]*)"', text):
            found.update(value.split())
    return found


class EveryKindOfField(forms.Form):
    """A field of each kind our forms have, for crispy-forms to render with its problems showing."""

    text = forms.CharField()
    words = forms.CharField(widget=forms.Textarea)
    choice = forms.ChoiceField(choices=[("a", "A")])
    number = forms.IntegerField(widget=forms.NumberInput)
    tick = forms.BooleanField()
    file = forms.FileField()
    hidden = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("A problem with the form as a whole.")


def classes_from_crispy_forms() -> set[str]:
    """What crispy-forms writes for our forms: `|crispy`, `|as_crispy_field` and its errors template,
    which a template of ours includes."""
    form = EveryKindOfField({"choice": "b", "number": "x"})
    html = Template(
        '{% load crispy_forms_tags %}{% include "bootstrap5/errors.html" %}{{ form|crispy }}'
        "{% for field in form %}{{ field|as_crispy_field }}{% endfor %}"
    ).render(Context({"form": form}))
    return classes_on(html)


def classes_on_rendered_pages(client, journal, write) -> set[str]:
    entry = write("A few words for the stylesheet test.", title="A title", distress_before="3", distress_after="6")
    journal_pages = [page.format(entry=entry) for page in JOURNAL_PAGES]
    pages = [client.get(url) for url in [*PUBLIC_PAGES, MISSING_PAGE, *journal_pages]]
    # Forms sent back with their problems showing.
    pages.append(client.post("/journal/write/", {"text": "", "distress_before": "11"}))
    pages.append(client.post("/journal/settings/passphrase/", {"current_passphrase": "wrong"}))
    client.post("/journal/lock/")
    pages.append(client.post("/journal/unlock/", {"passphrase": "not the passphrase"}))
    pages.append(client.post("/journal/recover/", {"recovery_key": "not a key"}))
    assert all(page.status_code < 500 for page in pages)
    assert client.get("/journal/unlock/").status_code == 200
    return set().union(*(classes_on(page.content.decode()) for page in pages))


def test_every_page_links_the_one_stylesheet_and_no_other(client, journal):
    for url in ["/", "/reflect/prompts/not-my-fault/", "/journal/", "/journal/write/"]:
        html = client.get(url).content.decode()
        assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) == ["/static/reflect/site.css"], url


def test_the_stylesheet_is_at_most_12_kib_compressed():
    assert len(gzip.compress(built_css().encode(), 9)) <= LIMIT


def test_the_built_stylesheet_is_what_building_now_gives():
    """tests/conftest.py builds it as the session starts, and `make` at install: never a stale one."""
    assert built_css() == stylesheet.build(), "site.css is stale: run `python -m reflect.stylesheet` (make does)"


THIS_FILE = Path(__file__).relative_to(settings.BASE_DIR).as_posix()


def test_the_built_stylesheet_is_never_committed():
    """It is made from Bootstrap at install time: neither it nor any copy of Bootstrap is in the repository."""
    if not Path(settings.BASE_DIR, ".git").exists():
        pytest.skip("not a git checkout")
    ignored = subprocess.run(["git", "check-ignore", "-q", str(BUILT)], cwd=settings.BASE_DIR, check=False)
    assert ignored.returncode == 0
    copies = subprocess.run(
        # This file names what it looks for, so it is left out of the search.
        ["git", "grep", "-l", "-e", "The Bootstrap Authors", "-e", "--bs-btn-padding-x", "--", ".", f":!{THIS_FILE}"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert copies.stdout == ""


def test_the_built_stylesheet_loads_nothing_from_elsewhere(client):
    response = client.get("/static/reflect/site.css")
    assert response.status_code == 200
    css = b"".join(response.streaming_content).decode()
    assert "url(" in css and not re.findall(r"url\((?!['\"]?data:)", css)
    assert "@import" not in css


def test_bootstrap_keeps_its_licence_note_in_the_built_stylesheet():
    assert "Copyright 2011-" in built_css() and "Licensed under MIT" in built_css()


def test_every_bootstrap_class_our_pages_use_is_kept(client, journal, write):
    bootstrap = class_selectors(Path(finders.find("bootstrap/css/bootstrap.min.css")).read_text(encoding="utf-8"))
    used = classes_written_in_templates() | classes_on_rendered_pages(client, journal, write)
    used |= classes_from_crispy_forms()
    assert {
        "btn",
        "form-control",
        "is-invalid",
        "invalid-feedback",
        "alert",
        "m-0",
        "visually-hidden",
    } <= used & bootstrap
    missing = (used & bootstrap) - class_selectors(built_css())
    assert not missing, f"Bootstrap classes our pages use but site.css lacks: {sorted(missing)}"


def test_most_of_bootstrap_is_left_out():
    bootstrap = class_selectors(Path(finders.find("bootstrap/css/bootstrap.min.css")).read_text(encoding="utf-8"))
    kept = class_selectors(built_css()) & bootstrap
    assert len(kept) < len(bootstrap) / 10
    assert not {"card", "modal", "accordion", "navbar", "carousel", "tooltip"} & kept


def custom_properties(css: str) -> dict[str, set[str]]:
    """{selector: the custom properties its rules define}."""
    css = re.sub(r"/\*.*?\*/|@charset[^;]*;", "", css, flags=re.DOTALL)
    defined: dict[str, set[str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        defined.setdefault(selectors.strip(), set()).update(re.findall(r"(--[\w-]+)\s*:", body))
    return defined


def bootstrap_part() -> str:
    """The built stylesheet's first line: what it keeps of Bootstrap (our own CSS is the second)."""
    return built_css().splitlines()[0]


def test_only_the_custom_properties_something_reads_are_kept():
    full_root = custom_properties(Path(finders.find("bootstrap/css/bootstrap.min.css")).read_text())[
        ":root,[data-bs-theme=light]"
    ]
    kept = custom_properties(bootstrap_part())
    root = kept[":root"]
    read = set(re.findall(r"var\(\s*(--[\w-]+)", built_css()))
    assert "--bs-body-color" in root and "--bs-font-sans-serif" in root  # read by body, and through another
    assert not root - read, "defined on :root but read by nothing kept"
    assert len(root) < len(full_root) / 2
    assert not (read & full_root) - root, "read, and defined on Bootstrap's :root, but not on ours"
    assert "[data-bs-theme=dark]" not in kept, "the dark scheme follows the device: reflect.css, not data-bs-theme"


def test_our_own_css_comes_after_bootstrap_and_whole():
    ours = Path(settings.BASE_DIR, "static", "reflect", "reflect.css").read_text(encoding="utf-8")
    first, second = built_css().splitlines()
    assert class_selectors(ours) <= class_selectors(second)
    assert ".quick-exit-bar" not in first and ".btn{" in first and ".btn{" not in second
