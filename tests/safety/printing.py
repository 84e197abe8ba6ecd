"""What a page puts on paper, read the way a browser prints it: the <title> (printed in the page's
header) and every element that our print stylesheet does not hide."""

import re
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

CSS = Path(settings.BASE_DIR, "static", "reflect", "reflect.css")
# Bootstrap's own print utility, and the classes that only show on paper.
BOOTSTRAP_HIDDEN_IN_PRINT = {"d-print-none"}
SHOWN_IN_PRINT = {"d-print-block", "d-print-inline", "d-print-inline-block", "d-print-flex"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Words no printed page may carry: the app's name, the subject, and the person who hurts them.
FORBIDDEN = re.compile(
    r"\breflect\b|trauma|\bbond|abus|\bhurts? you|\bharm|violen|suicid|crisis|help ?line|journal",
    re.IGNORECASE,
)


def classes_hidden_in_print() -> set[str]:
    """Every plain class selector that an `@media print` block of reflect.css sets to display: none."""
    css = CSS.read_text(encoding="utf-8")
    hidden = set(BOOTSTRAP_HIDDEN_IN_PRINT)
    for block in re.finditer(r"@media print\s*\{((?:[^{}]*\{[^{}]*\})*)[^{}]*\}", css):
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", block[1]):
            if re.search(r"display\s*:\s*none", body):
                hidden |= {
                    selector.strip()[1:]
                    for selector in selectors.split(",")
                    if re.fullmatch(r"\s*\.[\w-]+\s*", selector)
                }
    return hidden


class Paper(HTMLParser):
    """Collects the text a page prints and, separately, the text shown only on screen."""

    def __init__(self, hidden: set[str]):
        super().__init__()
        self.hidden = hidden
        self.stack: list[tuple[str, str]] = []  # (tag, "print" | "screen" | "none")
        self.title = ""
        self.printed: list[str] = []
        self.screen_only: list[str] = []

    def where(self, tag: str, attrs: dict) -> str:
        classes = set((attrs.get("class") or "").split())
        if tag in ("head", "script", "style", "template") or "hidden" in attrs:
            return "none"
        if classes & self.hidden:
            return "screen"
        if "d-none" in classes and not classes & SHOWN_IN_PRINT:
            return "none"
        return "print"

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        parent = self.stack[-1][1] if self.stack else "print"
        mine = self.where(tag, dict(attrs))
        if tag == "title":
            shown = "title"
        elif "none" in (parent, mine):
            shown = "none"
        elif "screen" in (parent, mine):
            shown = "screen"
        else:
            shown = "print"
        self.stack.append((tag, shown))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        where = self.stack[-1][1] if self.stack else "print"
        if where == "title":
            self.title += data
        elif where == "print":
            self.printed.append(data)
        elif where == "screen":
            self.screen_only.append(data)


def read_paper(html: str) -> Paper:
    paper = Paper(classes_hidden_in_print())
    paper.feed(html)
    paper.printed_text = " ".join(" ".join(paper.printed).split())
    paper.screen_text = " ".join(" ".join(paper.screen_only).split())
    return paper


def forbidden_words(text: str) -> list[str]:
    return FORBIDDEN.findall(text)
