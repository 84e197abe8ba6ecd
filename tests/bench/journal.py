"""Journal benchmark: unlock, save, and list/search/export/Looking back with 10,000 entries of ~300 words.

Run with `make bench`. Uses the production Argon2 parameters, not the quick ones of the tests.
"""

import random
import uuid
from datetime import timedelta

from common import start_django, timed

ENTRIES = 10_000
WORDS_PER_ENTRY = 300
PASSPHRASE = "maple kettle river tuesday"


def main():
    start_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    import reflect.settings as production
    from reflect.journal.models import Entry, Writing
    from reflect.prompts.models import Prompt
    from reflect.vault.models import Vault

    for name in ("REFLECT_ARGON2_TIME_COST", "REFLECT_ARGON2_MEMORY_KIB", "REFLECT_ARGON2_PARALLELISM"):
        setattr(settings, name, getattr(production, name))

    rows = []
    client = Client()
    client.post("/journal/setup/", {"new_passphrase": PASSPHRASE, "new_passphrase_again": PASSPHRASE})
    vault = Vault.objects.get()
    rows.append(
        ("Argon2id parameters", "t={time_cost} m={memory_cost} KiB p={parallelism}".format(**vault.passphrase_params))
    )

    unwrap, _ = timed(lambda: vault.open_with_passphrase(PASSPHRASE), 5)
    rows.append(("unlock: derive key and unwrap", f"{unwrap * 1000:.0f} ms"))

    def unlock_through_the_view():
        client.post("/journal/lock/")
        assert client.post("/journal/unlock/", {"passphrase": PASSPHRASE}).status_code == 302

    unlock, _ = timed(unlock_through_the_view, 5)
    rows.append(("unlock: whole request (lock, then unlock)", f"{unlock * 1000:.0f} ms"))

    words = [
        "quiet",
        "morning",
        "river",
        "kettle",
        "window",
        "letter",
        "garden",
        "promise",
        "evening",
        "shadow",
        "careful",
        "tired",
        "hopeful",
        "gentle",
        "walk",
        "door",
        "kitchen",
        "phone",
        "sister",
        "friend",
        "doctor",
        "work",
        "rain",
        "coffee",
        "breath",
        "tight",
        "chest",
        "calm",
        "sorry",
        "again",
        "better",
        "maybe",
        "tomorrow",
        "enough",
        "safe",
    ]
    body = lambda: " ".join(random.choices(words, k=WORDS_PER_ENTRY))  # noqa: E731

    save, _ = timed(lambda: client.post("/journal/write/", {"text": body(), "title": "A day"}), 20)
    rows.append(("save one entry (request)", f"{save * 1000:.1f} ms"))

    def queries_per_list_page():
        with CaptureQueriesContext(connection) as captured:
            client.get("/journal/")
        return len(captured)

    few_queries = queries_per_list_page()

    key = vault.open_with_passphrase(PASSPHRASE)
    owner = vault.owner
    start = timezone.now() - timedelta(days=ENTRIES)
    # Most entries answer a library prompt, and are rated before and after, as Looking back expects.
    prompts = [*Prompt.objects.values_list("slug", flat=True), "", ""]
    batch = []
    for number in range(ENTRIES):
        moment = start + timedelta(days=number)
        entry = Entry(id=uuid.uuid4(), owner=owner, created_at=moment, updated_at=moment)
        text = body() + (" lighthouse" if number % 1000 == 0 else "")
        before = random.randint(0, 10)
        after = min(10, max(0, before + random.randint(-3, 1)))
        entry.seal(key, Writing(text, f"Entry {number}", before, after, prompt=random.choice(prompts)))
        batch.append(entry)
    Entry.objects.bulk_create(batch, batch_size=1000)
    total = Entry.objects.count()
    rows.append(("entries in the journal", f"{total:,}"))

    list_first, _ = timed(lambda: client.get("/journal/"), 20)
    rows.append(("list, first page", f"{list_first * 1000:.1f} ms"))
    list_last, _ = timed(lambda: client.get(f"/journal/?page={total // 20}"), 20)
    rows.append(("list, last page", f"{list_last * 1000:.1f} ms"))
    rows.append(("queries per list page (20 entries / 10,000)", f"{few_queries} / {queries_per_list_page()}"))

    search, response = timed(lambda: client.post("/journal/", {"q": "lighthouse"}), 3)
    assert b"10 entries found" in response.content, "the search must find the ten marked entries"
    rows.append(("search all entries", f"{search * 1000:.0f} ms"))

    export, response = timed(lambda: client.get("/journal/export/journal.json"), 3)
    rows.append(("export JSON", f"{export * 1000:.0f} ms ({len(response.content) / 2**20:.1f} MiB)"))
    markdown, response = timed(lambda: client.get("/journal/export/journal.md"), 3)
    rows.append(("export Markdown", f"{markdown * 1000:.0f} ms ({len(response.content) / 2**20:.1f} MiB)"))

    for chosen, name in (("all", "all 10,000 entries"), ("3-months", "the last 3 months")):
        took, queries = time_looking_back(client, chosen, total if chosen == "all" else None)
        rows.append((f"Looking back, {name} (median of 5)", f"{took * 1000:.0f} ms, {queries} queries"))

    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


def time_looking_back(client, chosen, expected_entries):
    """Median time to draw Looking back for a range, and the queries one drawing makes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def draw():
        response = client.get("/journal/looking-back/", {"range": chosen})
        assert response.status_code == 200 and b'class="feelings-chart"' in response.content
        return response

    with CaptureQueriesContext(connection) as captured:
        summary = draw().context["summary"]
    queries = len(captured)  # counted now: the next request empties the log it reads from
    if expected_entries is not None:
        assert summary.entries == expected_entries, "Looking back must count every entry"
    took, _ = timed(draw, 5)
    return took, queries


if __name__ == "__main__":
    main()
