"""Exports are sent as they are written, one entry at a time, and are byte for byte what a
whole-file export was: the import reads them, and so does anything a person made with them."""

import json
import re
import tracemalloc
import uuid
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from reflect.journal.models import Entry, SafetyPlan, Writing
from reflect.vault.models import Vault

from ..conftest import PASSPHRASE

pytestmark = pytest.mark.django_db

PLAN_SAVED_AT = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
JSON_URL, MARKDOWN_URL = "/journal/export/journal.json", "/journal/export/journal.md"


@pytest.fixture
def fixture_journal(journal):
    """Three entries with every kind of field, and a plan, at fixed ids and times."""
    key = Vault.objects.get().open_with_passphrase(PASSPHRASE)
    owner = Vault.objects.get().owner
    rows = [
        ("2025-01-02T03:04:05+00:00", Writing("first\nwith two lines", "One", 3, 1, prompt="not-my-fault")),
        ("2025-02-03T04:05:06+00:00", Writing('ünïcödé and emoji 🌱, "quotes" and \\ too', "", None, 7)),
        ("2025-03-04T05:06:07+00:00", Writing("a therapist's question", "Three", None, None, "What helps?")),
    ]
    for number, (moment, writing) in enumerate(rows, start=1):
        entry = Entry(id=uuid.UUID(int=number), owner=owner, created_at=moment, updated_at=moment)
        entry.seal(key, writing)
        entry.save()
    plan = SafetyPlan(id=uuid.UUID(int=9), owner=owner, created_at=PLAN_SAVED_AT, updated_at=PLAN_SAVED_AT)
    plan.seal(key, {"people": "My sister, 0123", "code_word": "pineapple"})
    plan.save()


def whole_json_as_before(exported_at):
    """The JSON export as the whole-file version wrote it, for the fixture journal."""

    def entry(number, created, writing):
        return {
            "id": str(uuid.UUID(int=number)),
            "created_at": created,
            "updated_at": created,
            "prompt": writing["prompt"],
            "title": writing["title"],
            "text": writing["text"],
            "distress_before": writing["before"],
            "distress_after": writing["after"],
            "prompt_text": writing["prompt_text"],
        }

    document = {
        "format": "reflect-journal",
        "version": 1,
        "exported_at": exported_at,
        "entries": [
            entry(
                3,
                "2025-03-04T05:06:07+00:00",
                {
                    "prompt": None,
                    "title": "Three",
                    "text": "a therapist's question",
                    "before": None,
                    "after": None,
                    "prompt_text": "What helps?",
                },
            ),
            entry(
                2,
                "2025-02-03T04:05:06+00:00",
                {
                    "prompt": None,
                    "title": "",
                    "text": 'ünïcödé and emoji 🌱, "quotes" and \\ too',
                    "before": None,
                    "after": 7,
                    "prompt_text": "",
                },
            ),
            entry(
                1,
                "2025-01-02T03:04:05+00:00",
                {
                    "prompt": "not-my-fault",
                    "title": "One",
                    "text": "first\nwith two lines",
                    "before": 3,
                    "after": 1,
                    "prompt_text": "",
                },
            ),
        ],
        "safety_plan": {
            "created_at": PLAN_SAVED_AT.isoformat(),
            "updated_at": PLAN_SAVED_AT.isoformat(),
            "warning_signs": "",
            "people": "My sister, 0123",
            "places": "",
            "things_to_take": "",
            "code_word": "pineapple",
            "other_help": "",
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


MARKDOWN_AS_BEFORE = """# My Reflect journal

Exported {exported}.

## Three

*{third}*

> What helps?

a therapist's question

## ünïcödé and emoji 🌱, "quotes" and \\ too

*{second}*

Feeling before: –/10. After: 7/10.

ünïcödé and emoji 🌱, "quotes" and \\ too

## One

*{first}*

> {prompt}

Feeling before: 3/10. After: 1/10.

first
with two lines

## My plan

### People who can help, and how to reach them safely

My sister, 0123

### A code word

pineapple
"""


def local(moment):
    return f"{timezone.localtime(datetime.fromisoformat(moment)):%d %B %Y, %H:%M}"


def streamed(response):
    assert response.status_code == 200
    assert response.streaming, "sent as it is written, not built whole first"
    return b"".join(response.streaming_content)


def exported_at(json_export):
    return json.loads(json_export)["exported_at"]


def exported_on(markdown_export):
    return re.search(r"^Exported (.+)\.$", markdown_export, re.MULTILINE)[1]


def test_the_json_export_is_streamed_and_byte_for_byte_as_before(client, fixture_journal):
    response = client.get(JSON_URL)
    sent = streamed(response)
    assert sent == whole_json_as_before(exported_at(sent))
    assert response["Content-Type"] == "application/json"
    assert re.fullmatch(r'attachment; filename="notes-[0-9-]{10}\.json"', response["Content-Disposition"])
    assert "no-store" in response["Cache-Control"]


def test_the_markdown_export_is_streamed_and_byte_for_byte_as_before(client, fixture_journal):
    from reflect.prompts.models import Prompt

    response = client.get(MARKDOWN_URL)
    sent = streamed(response).decode()
    expected = MARKDOWN_AS_BEFORE.format(
        exported=exported_on(sent),
        first=local("2025-01-02T03:04:05+00:00"),
        second=local("2025-02-03T04:05:06+00:00"),
        third=local("2025-03-04T05:06:07+00:00"),
        prompt=Prompt.objects.get(slug="not-my-fault").text,
    )
    assert sent == expected
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert re.fullmatch(r'attachment; filename="notes-[0-9-]{10}\.md"', response["Content-Disposition"])
    assert "no-store" in response["Cache-Control"]


def test_an_empty_journal_exports_as_before(client, journal):
    sent = streamed(client.get(JSON_URL))
    document = {"format": "reflect-journal", "version": 1, "exported_at": exported_at(sent), "entries": []}
    assert sent == json.dumps(document, ensure_ascii=False, indent=1).encode()
    markdown = streamed(client.get(MARKDOWN_URL)).decode()
    assert markdown == f"# My Reflect journal\n\nExported {exported_on(markdown)}.\n"


def test_a_damaged_entry_is_left_out_and_the_rest_still_sent(client, fixture_journal):
    Entry.objects.filter(pk=uuid.UUID(int=2)).update(ciphertext=b"damaged")
    document = json.loads(streamed(client.get(JSON_URL)))
    assert [entry["title"] for entry in document["entries"]] == ["Three", "One"]


@pytest.mark.parametrize("url", [JSON_URL, MARKDOWN_URL])
def test_exporting_thousands_of_entries_holds_few_of_them_in_memory_at_once(client, many_entries, url):
    words = " ".join(["a few quiet words about the day"] * 40)  # about 1.3 KB an entry
    many_entries(2000, text=words)  # about 3 MB of writing
    response = client.get(url)
    tracemalloc.start()
    try:
        size = sum(len(chunk) for chunk in response.streaming_content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size > 2000 * 1300
    assert peak < size / 2, f"{peak / 2**20:.1f} MiB held at once to send {size / 2**20:.1f} MiB"
