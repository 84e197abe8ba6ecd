"""Turns the plain text a clinician writes in a fixture into safe HTML.

Blocks are separated by a blank line. A block of lines starting with "- " is a list;
a line starting with "## " is a subheading (shown as <h2>); anything else is a paragraph.
Everything is escaped: content can never inject markup.
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def prose(text):
    html = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{escape(line[2:].strip())}</li>" for line in lines)
            html.append(f"<ul>{items}</ul>")
        elif len(lines) == 1 and lines[0].startswith("## "):
            html.append(f"<h2>{escape(lines[0][3:].strip())}</h2>")
        else:
            html.append(f"<p>{escape(' '.join(lines))}</p>")
    return mark_safe("\n".join(html))
