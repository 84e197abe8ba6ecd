"""The journal export format (JSON, versioned, re-importable; written by journal.exporting), and
reading it back.

Everything here works on decrypted Writing in memory; nothing is written to disk.
"""

import hashlib
import json
import math
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils import timezone

from reflect.prompts.models import Prompt

from .forms import CODE_WORD_MAX, CONTROL_CHARACTERS, PLAN_PART_MAX, TITLE_MAX
from .models import Entry, SafetyPlan, Writing
from .paging import one_at_a_time

if TYPE_CHECKING:
    from django.contrib.auth.models import User

FORMAT = "reflect-journal"
VERSION = 1

# Limits on an import file, each stated in the README. An export nests three deep (the file,
# its list of entries, an entry); nothing real comes near these.
MAX_ENTRIES = 50_000
MAX_DEPTH = 10
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
PROMPT_SLUG_MAX = 50
# Rows looked up per query: far below any database's limit on query variables.
CHUNK = 500


class ImportProblem(Exception):
    """The file can't be imported; the message says why in plain words."""


@dataclass
class ExportFile:
    """What an import file holds, read and checked: its entries, and its safety plan if it has one
    ({"created_at", "updated_at": ISO text or None, "parts": {name: text}})."""

    entries: list[dict[str, Any]]
    safety_plan: dict[str, Any] | None = None


def opened_entries(owner: "User", data_key: bytes, **written: datetime) -> Iterator[tuple[Entry, Writing | None]]:
    """(entry, writing) for every entry, newest first, writing None when it can't be opened; one
    at a time, so only one fetch of rows is held however long the journal is.

    `written` narrows by when entries were written (e.g. created_at__gte=...), which is kept in
    clear: only those rows are fetched and opened."""
    return one_at_a_time(Entry.objects.filter(owner=owner, **written).select_related("legacy_prompt"), data_key)


def readable_entries(owner: "User", data_key: bytes, **written: datetime) -> tuple[list[tuple[Entry, Writing]], int]:
    """(entry, writing) for every entry that opens, newest first, and how many did not (see opened_entries)."""
    opened, unreadable = [], 0
    for entry, writing in opened_entries(owner, data_key, **written):
        if writing is None:
            unreadable += 1
        else:
            opened.append((entry, writing))
    return opened, unreadable


def fingerprint(created_at: datetime, writing: Writing) -> str:
    """Recognises the same entry even when it arrives under another id."""
    content = json.dumps([created_at.isoformat(), writing.title, writing.text], ensure_ascii=False)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def size_limit_in_mb() -> int:
    return math.ceil(settings.FILE_UPLOAD_MAX_MEMORY_SIZE / 2**20)


def nested_too_deep(document: Any) -> bool:
    """Whether lists and objects sit more than MAX_DEPTH inside each other."""
    waiting = [(document, 1)]
    while waiting:
        value, depth = waiting.pop()
        if isinstance(value, (list, dict)):
            if depth > MAX_DEPTH:
                return True
            waiting.extend((inner, depth + 1) for inner in (value.values() if isinstance(value, dict) else value))
    return False


def parse_export(raw: bytes) -> ExportFile:
    """Bytes of an uploaded file -> its entries and plan, or ImportProblem. Reads, never writes."""
    if len(raw) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE:
        raise ImportProblem(
            f"This file is too big to import (the limit is {size_limit_in_mb()} MB). Nothing was imported."
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ImportProblem(
            "This file isn't text we can read (it is not UTF-8). Please choose a Reflect export file."
        ) from None
    too_deep = ImportProblem(
        "This file isn't a Reflect export: its parts are nested far deeper than in an export. Nothing was imported."
    )
    try:
        document = json.loads(text)
    except RecursionError:  # nested deeper than Python's parser goes, which stops cleanly
        raise too_deep from None
    except ValueError:  # not JSON, or a number too long to read
        raise ImportProblem(
            "This file isn't a Reflect export: it is not valid JSON. It may be damaged or cut short. "
            "Nothing was imported."
        ) from None
    if nested_too_deep(document):
        raise too_deep
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportProblem("This file isn't a Reflect journal export, so nothing was imported.")
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        # Only a plain number is repeated back: the field could hold anything, of any length.
        named = f"version {version}" if type(version) is int and abs(version) < 10**6 else "a version"
        raise ImportProblem(
            f"This export is {named} that this copy of Reflect can't read (it reads version {VERSION}). "
            "Nothing was imported."
        )
    entries = document.get("entries")
    if not isinstance(entries, list):
        raise ImportProblem("This export has no list of entries, so nothing was imported.")
    if len(entries) > MAX_ENTRIES:
        raise ImportProblem(
            f"This export has {len(entries):,} entries, and Reflect can import up to {MAX_ENTRIES:,} "
            "at a time. Nothing was imported."
        )
    problems, parsed = [], []
    for number, item in enumerate(entries, start=1):
        try:
            parsed.append(parse_entry(item))
        except ValueError as error:
            problems.append(f"entry {number}: {error}")
    if problems:
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
        raise ImportProblem(f"Some entries in this file can't be read ({shown}). Nothing was imported.")
    try:
        plan = parse_plan(document.get("safety_plan"))
    except ValueError as error:
        raise ImportProblem(f"The plan in this file can't be read ({error}). Nothing was imported.") from None
    return ExportFile(parsed, plan)


def parse_entry(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ValueError("not an entry")
    text, title, prompt_text = item.get("text"), item.get("title") or "", item.get("prompt_text") or ""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("the text is missing")
    if not isinstance(title, str) or len(title) > TITLE_MAX:
        raise ValueError("the title is not valid")
    if len(text) > settings.REFLECT_ENTRY_MAX_CHARS:
        raise ValueError("the text is too long")
    if not isinstance(prompt_text, str) or len(prompt_text) > 1000:
        raise ValueError("the prompt is not valid")
    for value in (text, title, prompt_text):
        if CONTROL_CHARACTERS.search(value):
            raise ValueError("it contains control characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("it contains characters that are not valid text") from None
    ratings = {}
    for name in ("distress_before", "distress_after"):
        value = item.get(name)
        if value is not None and (type(value) is not int or not 0 <= value <= 10):
            raise ValueError(f"{name.replace('_', ' ')} must be a number from 0 to 10")
        ratings[name] = value
    try:
        entry_id = uuid.UUID(str(item.get("id")))
        created_at = moment(item["created_at"])
        updated_at = moment(item.get("updated_at") or item["created_at"])
    except OutOfRange:
        raise ValueError(f"the date is outside the years {EARLIEST.year} to {LATEST.year}") from None
    except (KeyError, TypeError, ValueError):
        raise ValueError("the id or dates are not valid") from None
    prompt = item.get("prompt")
    if prompt is not None and not is_prompt_slug(prompt):
        raise ValueError("the prompt is not valid")
    return {
        "id": str(entry_id),
        "created_at": created_at.isoformat(),
        "updated_at": updated_at.isoformat(),
        "prompt": prompt,
        "title": title,
        "text": text,
        "prompt_text": prompt_text,
        **ratings,
    }


def parse_plan(item: Any) -> dict[str, Any] | None:
    """A safety plan from an export: its parts as text (any this copy doesn't know are left out)."""
    if item is None:
        return None
    if not isinstance(item, dict):
        raise ValueError("it is not a plan")
    parts = {}
    for name, label in SafetyPlan.PARTS:
        value = item.get(name) or ""
        if not isinstance(value, str):
            raise ValueError(f"“{label}” is not text")
        if len(value) > (CODE_WORD_MAX if name == "code_word" else PLAN_PART_MAX):
            raise ValueError(f"“{label}” is too long")
        if CONTROL_CHARACTERS.search(value):
            raise ValueError(f"“{label}” contains control characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"“{label}” contains characters that are not valid text") from None
        parts[name] = value
    dates = {}
    for name in ("created_at", "updated_at"):
        try:
            dates[name] = moment(item[name]).isoformat() if item.get(name) else None
        except OutOfRange:
            raise ValueError(f"a date is outside the years {EARLIEST.year} to {LATEST.year}") from None
        except (TypeError, ValueError):
            raise ValueError("its dates are not valid") from None
    return {**dates, "parts": parts}


class OutOfRange(ValueError):
    pass


def moment(value: str) -> datetime:
    """An ISO 8601 date and time as UTC, between EARLIEST and LATEST; no offset means UTC."""
    parsed = datetime.fromisoformat(value)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    try:
        parsed = parsed.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 pushed past the calendar's end by its offset
        raise OutOfRange(value) from None
    if not EARLIEST <= parsed <= LATEST:
        raise OutOfRange(value)
    return parsed


def is_prompt_slug(value: object) -> bool:
    if not isinstance(value, str) or len(value) > PROMPT_SLUG_MAX:
        return False
    try:
        validate_slug(value)
    except ValidationError:
        return False
    return True


def chunked(values: Iterable[str]) -> Iterator[list[str]]:
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def plan_import(owner: "User", data_key: bytes, items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """Sorts parsed entries into new ones and ones already in the journal."""
    opened, _ = readable_entries(owner, data_key)
    known_ids = {str(pk) for pk in Entry.objects.filter(owner=owner).values_list("id", flat=True)}
    known_prints = {fingerprint(entry.created_at, writing) for entry, writing in opened}
    new, duplicates = [], 0
    for item in items:
        writing = Writing(
            item["text"], item["title"], item["distress_before"], item["distress_after"], item["prompt_text"]
        )
        stamp = fingerprint(datetime.fromisoformat(item["created_at"]), writing)
        if item["id"] in known_ids or stamp in known_prints:
            duplicates += 1
            continue
        known_ids.add(item["id"])
        known_prints.add(stamp)
        new.append(item)
    return new, duplicates


def pending(parsed: ExportFile, new: list[dict[str, Any]]) -> dict[str, Any]:
    """What a PendingImport seals: the entries still to add, and the file's plan."""
    return {"entries": new, "safety_plan": parsed.safety_plan}


def read_pending(content: Any) -> ExportFile:
    """A PendingImport's content; one sealed before plans were exported is a list of entries."""
    if isinstance(content, list):
        return ExportFile(content)
    return ExportFile(content["entries"], content["safety_plan"])


def apply_import(owner: "User", data_key: bytes, items: list[dict[str, Any]]) -> int:
    prompts, taken = set(), set()
    for slugs in chunked({item["prompt"] for item in items if item["prompt"]}):
        prompts.update(Prompt.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    for ids in chunked(item["id"] for item in items):
        taken.update(Entry.objects.filter(id__in=ids).values_list("id", flat=True))
    created = []
    for item in items:
        entry_id = uuid.UUID(item["id"])
        entry = Entry(
            id=uuid.uuid4() if entry_id in taken else entry_id,
            owner=owner,
            created_at=datetime.fromisoformat(item["created_at"]),
            updated_at=datetime.fromisoformat(item["updated_at"]),
        )
        entry.seal(
            data_key,
            Writing(
                item["text"],
                item["title"],
                item["distress_before"],
                item["distress_after"],
                item["prompt_text"],
                # A prompt from a newer version, not in this library, is left out rather than kept dangling.
                prompt=item["prompt"] if item["prompt"] in prompts else "",
            ),
        )
        created.append(entry)
    Entry.objects.bulk_create(created, batch_size=500)
    return len(created)
