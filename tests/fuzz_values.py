"""Hypothesis strategies for the values a hostile or careless browser can send.

Everything here produces plain strings, because that is all a request carries. `hostile()` is
the general mix; POISONS are the values that break code most often. Uploaded files and pasted
codes are in tests/fuzz_documents.py; values that look right for a name are in tests/fuzz_cases.py.
"""

import uuid
from datetime import date
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
