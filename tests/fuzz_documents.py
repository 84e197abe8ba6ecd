"""Hypothesis strategies for the files and codes a person uploads or pastes: journal exports to
import, and portable assignment codes from a therapist. Each comes nearly right (so the code
behind the parser is reached) or as nonsense, and the poisons among them are tried every run.
"""

import base64
import hashlib
import json
import string
import uuid
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from hypothesis import strategies as st

from .fuzz_values import DATES, DATETIMES, HUGE_DIGITS, dates, texts, uuids


def nested(depth, opener="[", closer="]"):
    return opener * depth + closer * depth


@lru_cache
def json_scalars():
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        texts(30),
        st.sampled_from(["", "\x00", "�", "x" * 2000, *DATETIMES, *DATES]),
    )


@lru_cache
def json_values():
    return st.recursive(
        json_scalars(),
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(texts(8), inner, max_size=3)),
        max_leaves=8,
    )


@lru_cache
def export_entries(known_ids=(), prompt_slugs=()):
    """An entry of a journal export: right, or right but for one field, so imports get deep."""
    words = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=30)
    moments = st.datetimes(datetime(1900, 1, 2), datetime(2999, 12, 30), timezones=st.timezones())
    good = {
        "id": uuids(known_ids),
        "created_at": st.one_of(moments.map(datetime.isoformat), st.sampled_from(DATETIMES)),
        "updated_at": moments.map(datetime.isoformat),
        "prompt": st.sampled_from([*list(prompt_slugs), None]),
        "title": words,
        "text": st.one_of(st.just("Today I wrote this."), words.filter(str.strip)),
        "distress_before": st.one_of(st.none(), st.integers(0, 10)),
        "distress_after": st.one_of(st.none(), st.integers(0, 10)),
        "prompt_text": words,
    }
    bad = st.one_of(json_values(), st.sampled_from(["\x00", "a\x00", "x" * 100_001, 11, -1, True, 2**64, 1e300]))

    @st.composite
    def entry(draw):
        broken = draw(st.sampled_from([None, *list(good)]))
        return {name: draw(bad if name == broken else strategy) for name, strategy in good.items()}

    return entry()


@lru_cache
def export_documents(known_ids=(), prompt_slugs=()):
    """Bytes of an uploaded journal export, from nearly right to nonsense."""
    good = {
        "format": st.just("reflect-journal"),
        "version": st.just(1),
        "exported_at": st.sampled_from(DATETIMES),
        "entries": st.lists(export_entries(known_ids, prompt_slugs), min_size=1, max_size=4),
    }

    @st.composite
    def document(draw):
        broken = draw(st.sampled_from([None, *list(good)]))
        return json.dumps(
            {name: draw(json_values() if name == broken else strategy) for name, strategy in good.items()}
        ).encode()

    raw = st.sampled_from(
        [
            b"",
            b"{",
            b"\xff\xfe\x00",
            b"[]",
            b"null",
            b"1e999",
            ("9" * 5000).encode(),
            b'{"format": ' + b"9" * 5000 + b"}",
            b'{"format": "reflect-journal", "version": 1, "entries": ' + nested(100_000).encode() + b"}",
            nested(100_000, '{"a":', "}").encode(),
            nested(2_000).encode(),
            b"\x00" * 100,
            b'{"format": "reflect-journal", "version": 1, "entries": [' + nested(50_000, '{"a":', "}").encode() + b"]}",
            b'{"format": "reflect-journal", "version": 1, "entries": "\\ud800"}',
        ]
    )
    return st.integers(0, 4).flatmap(lambda n: document() if n < 3 else raw if n == 3 else st.binary(max_size=200))


def portable_code(body):
    """A portable assignment code around any JSON body, with a correct checksum."""
    payload = base64.urlsafe_b64encode(body).decode().rstrip("=")
    return f"REFLECT-ASSIGNMENT-1.{payload}.{hashlib.sha256(payload.encode()).hexdigest()[:16]}"


def good_portable_code(prompt_slugs=()):
    """A portable assignment code as a therapist's server writes one."""
    body = {
        "id": uuid.uuid4().hex,
        "expires": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
        "therapist": "Sam",
        "prompts": list(prompt_slugs)[:2],
        "custom": ["What helps you feel safe?"],
        "note": "No rush.",
        "due": None,
    }
    return portable_code(json.dumps(body).encode())


def poison_exports():
    """Export files that broke imports before: each is tried on every import, every run."""

    def entry(**fields):
        return {"id": str(uuid.UUID(int=7)), "created_at": "2024-03-01T09:30:00+00:00", "text": "Words.", **fields}

    def export(*entries, **extra):
        return json.dumps({"format": "reflect-journal", "version": 1, "entries": list(entries), **extra}).encode()

    return [
        b'{"format": "reflect-journal", "version": 1, "entries": ' + nested(100_000).encode() + b"}",
        b'{"format": "reflect-journal", "version": 1, "entries": [], "n": ' + HUGE_DIGITS.encode() + b"}",
        export(entry(created_at="0001-01-01T00:00:00+01:00")),
        export(entry(updated_at="9999-12-31T23:59:59-05:00")),
        export(entry(prompt="\x00")),
        export(entry(id="x" * 5000)),
        export(version=[[[[]]]]),
    ]


def poison_codes(prompt_slugs=()):
    """Portable codes with a right checksum around a body that broke reading codes before."""
    later = (datetime.now(UTC) + timedelta(days=30)).isoformat()

    def code(**fields):
        body = {
            "id": uuid.uuid4().hex,
            "expires": later,
            "therapist": "Sam",
            "prompts": list(prompt_slugs)[:1],
            "custom": [],
            "note": "",
            "due": None,
            **fields,
        }
        return portable_code(json.dumps(body).encode())

    return [
        code(expires=later.replace("+00:00", "")),  # no time zone
        code(id="x" * 500),  # longer than the column it is kept in
        code(due="0001-01-01"),
        code(due=HUGE_DIGITS),
        code(prompts=["\x00"]),
        code(custom=[[[]]], note={"a": 1}),
        portable_code(b'{"id": "a", "expires": ' + nested(50_000).encode() + b"}"),
        portable_code(b'{"id": ' + HUGE_DIGITS.encode() + b"}"),
    ]


@lru_cache
def portable_codes():
    """Codes that pass the checksum, so the code behind it meets what the body holds."""
    later = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    body = st.fixed_dictionaries(
        {
            "id": st.one_of(st.text(string.hexdigits, min_size=32, max_size=32), json_values(), st.just("x" * 500)),
            "expires": st.one_of(st.just(later), st.sampled_from([*DATETIMES, "2999-01-01T00:00:00"]), json_values()),
            "therapist": json_values(),
            "prompts": st.one_of(st.lists(texts(20), max_size=3), json_values()),
            "custom": st.one_of(st.lists(texts(20), max_size=3), json_values()),
            "note": json_values(),
            "due": st.one_of(dates(), json_values()),
        }
    ).map(lambda doc: json.dumps(doc).encode())
    deep = st.sampled_from(
        [
            nested(100_000).encode(),
            b'{"id": "a", "expires": ' + nested(50_000).encode() + b"}",
            b"\xff",
            b"9" * 5000,
            b"[]",
        ]
    )
    odd = st.sampled_from(["REFLECT-ASSIGNMENT-1", "REFLECT-ASSIGNMENT-1..", "REFLECT-ASSIGNMENT-1.x.y", "x" * 300_000])
    return st.one_of(st.one_of(body, deep).map(portable_code), odd, texts())
