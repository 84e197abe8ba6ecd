"""The journal's exports, JSON (to import again) and Markdown (to read), written a piece at a time.

Each entry is turned into text as it is opened and let go at once, so exporting 10,000 entries
holds about as much memory as exporting ten. The bytes are exactly those of the whole file
written in one go (json.dumps with indent=1; the Markdown lines joined by newlines), so every
export made before still matches, and the import (journal.portable) reads both alike.
"""

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.utils import timezone

from .models import Entry, SafetyPlan, Writing
from .portable import FORMAT, VERSION

# A saved plan as the exports receive it: its row and its opened parts (see journal.safety_plan).
OpenedPlan = tuple[SafetyPlan, dict[str, str]]
EMPTY_ENTRIES = '"entries": []'
# json.dumps(..., ensure_ascii=False, indent=1), made once rather than for each of 10,000 entries.
AS_EXPORTED = json.JSONEncoder(ensure_ascii=False, indent=1)


def exported_entry(entry: Entry, writing: Writing) -> dict[str, Any]:
    return {
        "id": str(entry.id),
        "created_at": entry.created_at.isoformat(),
        "updated_at": entry.updated_at.isoformat(),
        "prompt": writing.prompt or None,
        "title": writing.title,
        "text": writing.text,
        "distress_before": writing.distress_before,
        "distress_after": writing.distress_after,
        "prompt_text": writing.prompt_text,
    }


def export_document(plan: OpenedPlan | None) -> dict[str, Any]:
    """The export without its entries, which export_json writes into it one by one."""
    document = {"format": FORMAT, "version": VERSION, "exported_at": timezone.now().isoformat(), "entries": []}
    if plan:
        row, parts = plan
        document["safety_plan"] = {
            "created_at": row.created_at.isoformat(),
            "updated_at": row.updated_at.isoformat(),
            **parts,
        }
    return document


def export_json(opened: Iterable[tuple[Entry, Writing]], plan: OpenedPlan | None = None) -> Iterator[bytes]:
    # The document is written around an empty list, which each entry then joins, indented as
    # json.dumps indents the second level. Quotes and line breaks inside values are escaped, so
    # the first `"entries": []` is the key itself, and every line break is one between fields.
    before, after = AS_EXPORTED.encode(export_document(plan)).split(EMPTY_ENTRIES, 1)
    yield before.encode("utf-8")
    opening = '"entries": [\n'
    for entry, writing in opened:
        item = AS_EXPORTED.encode(exported_entry(entry, writing))
        yield (opening + "  " + item.replace("\n", "\n  ")).encode("utf-8")
        opening = ",\n"
    closing = EMPTY_ENTRIES if opening.startswith('"entries"') else "\n ]"
    yield (closing + after).encode("utf-8")


def export_markdown(
    opened: Iterable[tuple[Entry, Writing]], library: Mapping[str, str], plan: OpenedPlan | None = None
) -> Iterator[bytes]:
    """`library`: the words of each library prompt, by slug, for the question an entry answers."""
    yield "\n".join(["# My Reflect journal", "", f"Exported {timezone.localtime():%d %B %Y, %H:%M}.", ""]).encode()
    for entry, writing in opened:
        lines = [
            "",
            f"## {writing.display_title() or 'Untitled'}",
            "",
            f"*{timezone.localtime(entry.created_at):%d %B %Y, %H:%M}*",
            "",
        ]
        question = writing.prompt_text or library.get(writing.prompt, "")
        if question:
            lines += [f"> {question}", ""]
        if writing.distress_before is not None or writing.distress_after is not None:
            before = "–" if writing.distress_before is None else writing.distress_before
            after = "–" if writing.distress_after is None else writing.distress_after
            lines += [f"Feeling before: {before}/10. After: {after}/10.", ""]
        lines += [writing.text, ""]
        yield "\n".join(lines).encode("utf-8")
    written = [(label, plan[1][name]) for name, label in SafetyPlan.PARTS if plan and plan[1][name]]
    if written:
        lines = ["", "## My plan", ""]
        for label, text in written:
            lines += [f"### {label}", "", text, ""]
        yield "\n".join(lines).encode("utf-8")
