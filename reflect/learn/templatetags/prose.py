"""Turns the plain text a clinician writes in a fixture into safe HTML.

Blocks are separated by a blank line. A block of lines starting with "- " is a list;
a line starting with "## " is a subheading (shown as <h2>); anything else is a paragraph.
Inside any of them, [words](/path/) links to a page of this site.
Everything else is escaped: content can never inject markup.
"""

import re

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Only a path on this site: each segment has at least one plain character, so neither "//host"
# nor "/\host" (which browsers read as another website) nor "javascript:" can get through.
LINK = re.compile(r"\[([^\[\]\n]+)\]\((/(?:[\w.~-]+/?)*(?:#[\w-]+)?)\)", re.ASCII)


def with_links(text: str) -> SafeString:
    """`text` escaped, with each [words](/path/) made a link."""
    html, done = [], 0
    for link in LINK.finditer(text):
        html.append(escape(text[done : link.start()]))
        html.append(format_html('<a href="{}">{}</a>', link[2], link[1]))
        done = link.end()
    html.append(escape(text[done:]))
    return mark_safe("".join(html))


@register.filter
def prose(text: str) -> SafeString:
    html = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            items = format_html_join("", "<li>{}</li>", ((with_links(line[2:].strip()),) for line in lines))
            html.append(format_html("<ul>{}</ul>", items))
        elif len(lines) == 1 and lines[0].startswith("## "):
            html.append(format_html("<h2>{}</h2>", with_links(lines[0][3:].strip())))
        else:
            html.append(format_html("<p>{}</p>", with_links(" ".join(lines))))
    return format_html_join("\n", "{}", ((block,) for block in html))
