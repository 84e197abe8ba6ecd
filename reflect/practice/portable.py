"""Portable assignment codes: the whole assignment in a line of text, for an install with no
server in common. They carry a checksum, so a code changed by hand is refused."""

import base64
import hashlib
import json
from datetime import datetime

from django.utils import timezone

PREFIX = "REFLECT-ASSIGNMENT-1"


class CodeProblem(Exception):
    """The code can't be used; the message says why in plain words."""


def portable_code(content, assignment_code, expires_at):
    body = {
        # Derived from the server code: stable, so importing the same code twice is recognised.
        "id": hashlib.sha256(b"reflect portable:" + assignment_code.encode()).hexdigest()[:32],
        "expires": expires_at.isoformat(),
        **content,
    }
    payload = base64.urlsafe_b64encode(json.dumps(body, ensure_ascii=False).encode("utf-8")).decode().rstrip("=")
    return f"{PREFIX}.{payload}.{checksum(payload)}"


def checksum(payload):
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def read_portable_code(text):
    parts = "".join(text.split()).split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise CodeProblem("This isn't a Reflect assignment code. Please copy the whole code, from REFLECT to the end.")
    _, payload, given = parts
    if checksum(payload) != given:
        raise CodeProblem("This code has been changed or cut short, so it can't be used. Please copy it again exactly.")
    try:
        body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode("utf-8"))
        expires = datetime.fromisoformat(body["expires"])
        content = {
            "id": str(body["id"]),
            "therapist": str(body.get("therapist") or "your therapist")[:100],
            "prompts": [str(slug) for slug in body.get("prompts", [])],
            "custom": [str(text)[:1000] for text in body.get("custom", [])][:10],
            "note": str(body.get("note") or "")[:2000],
            "due": body.get("due"),
        }
    except (ValueError, KeyError, TypeError):
        raise CodeProblem("This code can't be read. Please ask your therapist for a new one.")
    if expires <= timezone.now():
        raise CodeProblem("This code has expired. Please ask your therapist for a new one.")
    return content
