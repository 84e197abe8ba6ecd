"""Turns the plain text a clinician writes in a fixture into safe HTML.

Blocks are separated by a blank line. A block of lines starting with "- " is a list;
a line starting with "## " is a subheading (shown as <h2>); anything else is a paragraph.
Everything is escaped: content can never inject markup.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def prose(text: str) -> SafeString:
    html = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            items = format_html_join("", "<li>{}</li>", ((line[2:].strip(),) for line in lines))
            html.append(format_html("<ul>{}</ul>", items))
        elif len(lines) == 1 and lines[0].startswith("## "):
            html.append(format_html("<h2>{}</h2>", lines[0][3:].strip()))
        else:
            html.append(format_html("<p>{}</p>", " ".join(lines)))
    return format_html_join("\n", "{}", ((block,) for block in html))
