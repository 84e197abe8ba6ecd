"""Portable assignment codes: the whole assignment in a line of text, for an install with no
server in common. They carry a checksum, so a code changed by hand is refused.

Every code is read by `read_portable_code`, which accepts only the shape `portable_code` writes
(a checksum is no signature: anyone can make a code whose checksum matches) and refuses
anything else with a CodeProblem, whose message a person can read.
"""

import base64
import hashlib
import json
import re
from datetime import UTC, date, datetime
from typing import Any

from django.utils import timezone

from reflect.journal.release import gap

from .models import Assignment

PREFIX = "REFLECT-ASSIGNMENT-1"
PORTABLE_ID = re.compile(r"[0-9a-f]{32}")
# Far more than any real code (ten prompts of a thousand characters, a note, the library slugs).
MAX_CODE_CHARS = 200_000
MAX_PROMPTS = 200
UNREADABLE = "This code can't be read. Please ask your therapist for a new one."


class CodeProblem(Exception):
    """The code can't be used; the message says why in plain words."""


def portable_id(assignment_code: str) -> str:
    """Derived from the server code: stable, so the same code added twice, or a code whose
    assignment was withdrawn on this server, is recognised."""
    return hashlib.sha256(b"reflect portable:" + assignment_code.encode()).hexdigest()[:32]


def portable_code(content: dict[str, Any], assignment_code: str, expires_at: datetime) -> str:
    body = {"id": portable_id(assignment_code), "expires": expires_at.isoformat(), **content}
    payload = base64.urlsafe_b64encode(json.dumps(body, ensure_ascii=False).encode("utf-8")).decode().rstrip("=")
    return f"{PREFIX}.{payload}.{checksum(payload)}"


def checksum(payload: str) -> str:
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def read_portable_code(text: str) -> dict[str, Any]:
    """The assignment in a portable code, as a dict, or a CodeProblem. On the server that made
    it, a code whose assignment the therapist has withdrawn is refused too."""
    content = parse_portable_code(text)
    if withdrawn_here(content["id"]):
        raise CodeProblem(
            "Your therapist has withdrawn these prompts, so they can't be added. "
            "If you'd like them, please ask your therapist for a new code."
        )
    return content


def withdrawn_here(portable_id: str) -> bool:
    return Assignment.objects.filter(portable_id=portable_id, revoked_at__isnull=False).exists()


def parse_portable_code(text: str) -> dict[str, Any]:
    if len(text) > MAX_CODE_CHARS:
        raise CodeProblem("This is much longer than a code from a therapist. Please check you copied the right text.")
    parts = "".join(text.split()).split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise CodeProblem("This isn't a Reflect assignment code. Please copy the whole code, from REFLECT to the end.")
    _, payload, given = parts
    if checksum(payload) != given:
        raise CodeProblem("This code has been changed or cut short, so it can't be used. Please copy it again exactly.")
    try:
        # RecursionError: JSON nested thousands deep, which no code of ours contains.
        body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode("utf-8"))
    except (ValueError, RecursionError):
        raise CodeProblem(UNREADABLE) from None
    if not isinstance(body, dict):
        raise CodeProblem(UNREADABLE)
    expires = expiry(body.get("expires"))
    content = {
        "id": text_value(body.get("id")),
        "therapist": text_value(body.get("therapist"), default="your therapist")[:100] or "your therapist",
        "prompts": text_list(body.get("prompts"), MAX_PROMPTS),
        "custom": [text[:1000] for text in text_list(body.get("custom"), MAX_PROMPTS)][:10],
        "note": text_value(body.get("note"))[:2000],
        "due": due_date(body.get("due")),
        "release_every": release_every(body.get("release_every")),
    }
    # Checked before the id meets any query or column.
    if not PORTABLE_ID.fullmatch(content["id"]):
        raise CodeProblem(UNREADABLE)
    if any(len(slug) > 100 for slug in content["prompts"]):
        raise CodeProblem(UNREADABLE)
    if expires <= timezone.now():
        raise CodeProblem("This code has expired. Please ask your therapist for a new one.")
    return content


def text_value(value: object, default: str = "") -> str:
    if value is None:
        return default
    if not isinstance(value, str):
        raise CodeProblem(UNREADABLE)
    return value


def text_list(value: object, limit: int) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > limit or not all(isinstance(item, str) for item in value):
        raise CodeProblem(UNREADABLE)
    return value


def expiry(value: object) -> datetime:
    """An aware datetime. Reflect always writes the zone, so a time without one (naive) did not
    come from Reflect and is refused rather than guessed at; so is one outside the calendar in UTC."""
    try:
        expires = datetime.fromisoformat(text_value(value))
        if expires.utcoffset() is None:
            raise CodeProblem(UNREADABLE)
        return expires.astimezone(UTC)
    except (ValueError, OverflowError):
        raise CodeProblem(UNREADABLE) from None


def release_every(value: object) -> int | None:
    """None (every prompt at once; codes made before this existed have none), or the days
    between one library prompt and the next."""
    if value is None:
        return None
    if gap(value) is None:
        raise CodeProblem(UNREADABLE)
    return value


def due_date(value: object) -> str | None:
    """None, or the due date as ISO text (YYYY-MM-DD)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(text_value(value)).isoformat()
    except ValueError:
        raise CodeProblem(UNREADABLE) from None
