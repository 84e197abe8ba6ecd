"""Hypothesis strategies for the values a hostile or careless browser can send.

Everything here produces plain strings (or bytes for uploaded files), because that is all a
request carries. `hostile()` is the general mix; `for_name()` adds values that look right for a
field of that name, so the fuzzer also gets past validation and into the code behind it.
"""

import base64
import hashlib
import json
import string
import uuid
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from hypothesis import strategies as st

HUGE_DIGITS = "9" * 5000  # beyond Python's 4,300-digit limit for int("...")
BIG_INTEGERS = [
    "2147483647",
    "2147483648",
    "-2147483649",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    str(10**40),
    HUGE_DIGITS,
    "-" + HUGE_DIGITS,
    "0" * 40 + "1",
]
ODD_NUMBERS = [
    "-1",
    "0",
    "1",
    "1.5",
    "1e10",
    "-0",
    "NaN",
    "inf",
    "-inf",
    " 7 ",
    "0x10",
    "1_000",
    "١٢",
    "²",
    "7\x00",
    "+3",
    "00",
    "10",
    "11",
    "1e400",
]
CONTROL = "".join(chr(n) for n in range(32)) + "\x7f\x85\u2028\u2029\u200b\u202e\ufeff"
ODD_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "%00",
    "\r\n",
    "\t",
    "'",
    '"',
    "\\",
    "<script>alert(1)</script>",
    "{{ 7 }}",
    "../../etc/passwd",
    "null",
    "None",
    "[]",
    "{}",
    "😀",
    "é" * 300,
    "\u202egnp.exe",
    "ﬁ",
    "İ",
    "ß",
    "x" * 5000,
    "y" * 200_001,
    "delete everything",
    "DELETE   EVERYTHING",
    "on",
    "off",
    "true",
]
UNSAFE_NEXT = [
    "foo",
    "foo/bar",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,hi",
    "http://evil.example/",
    "https://evil.example",
    "http:/evil.example",
    "https://testserver/journal/",
    "//testserver/journal/",
    "/%2F/evil.example",
    "/\t/evil.example",
    " /journal/",
    "\t//evil.example",
    "/journal/\r\nSet-Cookie: x=1",
    "/\x00",
    "/journal/\x00",
    "\x00/journal/",
    "/ /evil.example",
    "/journal/?next=//evil.example",
    "/journal/#x",
    "/.//evil.example",
    "/journal/../..//evil",
    "/journal/",
    "/",
    "/reflect/",
    "/practice/",
    "",
    "?x=1",
    "#top",
    ".",
    "..",
    "mailto:x@evil.example",
    "/\u3000/evil.example",
    "/%5Cevil.example",
    "\u2215\u2215evil.example",
    "/" + "a" * 5000,
]
DATES = [
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "0000-01-01",
    "2024-02-30",
    "2023-02-29",
    "2024-13-01",
    "2024-00-10",
    "-0001-01-01",
    "24-1-1",
    "2024/01/01",
    "01/02/2024",
    "2024-01-01T00:00",
    "today",
    "",
    "2024-W01",
    "+002024-01-01",
    "1970-01-01",
    "2038-01-19",
    "2999-12-31",
]
DATETIMES = [
    "0001-01-01T00:00:00+01:00",
    "0001-01-01T00:00:00",
    "0001-01-01T00:00:00+00:00",
    "9999-12-31T23:59:59-05:00",
    "9999-12-31T23:59:59.999999",
    "9999-12-31T23:59:59+00:00",
    "2024-01-01T12:00:00",
    "2024-01-01T12:00:00+14:00",
    "2024-01-01 12:00",
    "2024-01-01T25:00:00",
    "2024-01-01T12:00:00+24:00",
    "1899-12-31T23:59:59+00:00",
    "1900-01-01T00:00:00+00:00",
    "1999-12-31T23:59:59Z",
    "2030-06-01T00:00:00+00:00",
]
# The values that most often break code, one of each kind, tried on every name in "poisoned" cases.
POISONS = [
    "\x00",  # PostgreSQL refuses NUL in text, even in a lookup
    HUGE_DIGITS,  # int() refuses more than 4,300 digits
    "9223372036854775808",  # one past the largest 64-bit integer column
    "foo",  # a relative `next`, which redirect() would also try as a view name
    "0001-01-01T00:00:00+01:00",  # overflows when turned into UTC
    "x" * 5000,
]
RANDOM_NAMES = [
    "id",
    "pk",
    "page",
    "q",
    "next",
    "format",
    "debug",
    "user",
    "owner",
    "admin",
    "callback",
    "_method",
    "csrfmiddlewaretoken",
]


@lru_cache
def texts(max_size=60):
    """Any text a browser can send: every code point except lone surrogates, which UTF-8 cannot carry."""
    return st.text(st.characters(exclude_categories=("Cs",)), max_size=max_size)


@lru_cache
def with_controls():
    return st.builds(lambda a, c, b: a + c + b, texts(10), st.sampled_from(list(CONTROL)), texts(10))


@lru_cache
def integers():
    return st.one_of(st.integers().map(str), st.sampled_from(BIG_INTEGERS + ODD_NUMBERS))


@lru_cache
def floats():
    return st.floats(allow_nan=True, allow_infinity=True).map(repr)


@lru_cache
def uuids(known=()):
    odd = st.sampled_from(
        [
            "not-a-uuid",
            "0" * 32,
            "00000000-0000-0000-0000-000000000000",
            "{" + str(uuid.UUID(int=1)) + "}",
            "urn:uuid:" + str(uuid.UUID(int=2)),
            "g" * 36,
            str(uuid.UUID(int=3)).upper() + "\x00",
        ]
    )
    options = [st.uuids().map(str), odd]
    if known:
        options.insert(0, st.sampled_from(list(known)))
    return st.one_of(options)


@lru_cache
def dates():
    return st.one_of(st.sampled_from(DATES), st.dates().map(date.isoformat))


@lru_cache
def next_targets():
    return st.one_of(st.sampled_from(UNSAFE_NEXT), st.builds(lambda s: "/" + s, texts(20)), texts(20))


@lru_cache
def hostile(known_ids=()):
    """The general mix for any parameter or field."""
    return st.one_of(
        st.sampled_from(ODD_TEXT),
        texts(),
        with_controls(),
        integers(),
        floats(),
        uuids(known_ids),
        dates(),
        st.sampled_from(DATETIMES),
        st.sampled_from(UNSAFE_NEXT),
    )


# --- JSON documents: exports to import, and portable assignment codes -----------------------


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
