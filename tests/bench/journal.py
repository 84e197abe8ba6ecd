"""Journal benchmark: unlock, save, and list/search/export/Looking back with 10,000 entries of ~300 words.

Run with `make bench`. Uses the production Argon2 parameters, not the quick ones of the tests.
Queries are counted per page (list, the newest entry, the writing page) at 21 entries and at
10,000; the memory of exporting and searching is measured in a fresh process, as a worker that
has served one small page would grow while answering that one request (`--memory`).
"""

import json
import random
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

from common import start_django, timed
from words import WORDS, WORDS_PER_ENTRY

ENTRIES = 10_000
PASSPHRASE = "maple kettle river tuesday"


def main():
    start_django()
    from django.conf import settings
    from django.test import Client
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

    body = lambda: " ".join(random.choices(WORDS, k=WORDS_PER_ENTRY))  # noqa: E731

    save, _ = timed(lambda: client.post("/journal/write/", {"text": body(), "title": "A day"}), 20)
    rows.append(("save one entry (request)", f"{save * 1000:.1f} ms"))

    few_queries, few_entries = queries_per_page(client), Entry.objects.count()

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
    last_page = last_page_url(client)
    list_last, response = timed(lambda: client.get(last_page), 20)
    assert response.content.count(b'<a href="/journal/entries/') == 20, "the last page shows the 20 oldest entries"
    rows.append(("list, last page", f"{list_last * 1000:.1f} ms"))
    # The content version is read at most once a second in each process: one more query then.
    rows.append((f"queries per page at {few_entries} entries: list / entry / writing", few_queries))
    rows.append((f"queries per page at {total:,} entries: list / entry / writing", queries_per_page(client)))

    search, response = timed(lambda: client.post("/journal/", {"q": "lighthouse"}), 3)
    assert b"10 entries found" in response.content, "the search must find the ten marked entries"
    rows.append(("search all entries", f"{search * 1000:.0f} ms"))

    export, size = timed(lambda: downloaded(client.get("/journal/export/journal.json")), 3)
    rows.append(("export JSON", f"{export * 1000:.0f} ms ({size / 2**20:.1f} MiB)"))
    markdown, size = timed(lambda: downloaded(client.get("/journal/export/journal.md")), 3)
    rows.append(("export Markdown", f"{markdown * 1000:.0f} ms ({size / 2**20:.1f} MiB)"))
    for name, method, url, data in (
        ("export JSON", "get", "/journal/export/journal.json", {}),
        ("export Markdown", "get", "/journal/export/journal.md", {}),
        ("search all entries", "post", "/journal/", {"q": "lighthouse"}),
        ("a topic's first page", "get", "/journal/?dynamic=shame-and-self-worth", {}),
    ):
        grew = memory_in_a_fresh_process(client, method, url, data)
        rows.append((f"{name}: a fresh worker grows by", f"{grew / 2**20:.1f} MiB"))

    for chosen, name in (("all", "all 10,000 entries"), ("3-months", "the last 3 months")):
        took, queries = time_looking_back(client, chosen, total if chosen == "all" else None)
        rows.append((f"Looking back, {name} (median of 5)", f"{took * 1000:.0f} ms, {queries} queries"))

    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


def queries_per_page(client):
    """Queries for the list, the newest entry and the writing page, each counted on a second visit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reflect.journal.models import Entry

    newest = Entry.objects.order_by("-created_at").values_list("pk", flat=True).first()
    counts = []
    for url in ("/journal/", f"/journal/entries/{newest}/", "/journal/write/"):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    return " / ".join(map(str, counts))


def last_page_url(client):
    """The page of the 20 oldest entries: found from its edge entry, or (before that) by number."""
    from reflect.journal.models import Entry

    if b"Older entries" in client.get("/journal/").content:
        edge = Entry.objects.order_by("created_at", "id").values_list("pk", flat=True)[20]
        return f"/journal/?older={edge}"
    return f"/journal/?page={Entry.objects.count() // 20}"


def downloaded(response):
    assert response.status_code == 200
    return sum(map(len, response.streaming_content)) if response.streaming else len(response.content)


def memory_in_a_fresh_process(client, method, url, data):
    """Bytes by which a new process, on this database and signed in as `client`, grows at its
    peak while answering this one request, after one small page to warm up."""
    from django.db import connection

    asked = {
        "database": connection.settings_dict["NAME"],
        "cookies": {name: morsel.value for name, morsel in client.cookies.items()},
        "method": method,
        "url": url,
        "data": data,
    }
    command = [sys.executable, __file__, "--memory", json.dumps(asked)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=True)
    return json.loads(done.stdout.splitlines()[-1])["grew"]


def process_memory(field):
    """VmRSS (now) or VmHWM (the peak) of this process, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise LookupError(field)


def measure_one_request(asked):
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.settings_dict["NAME"] = asked["database"]
    client = Client()
    for name, value in asked["cookies"].items():
        client.cookies[name] = value
    assert client.get("/journal/write/").status_code == 200, "signed in, as the benchmark's client"
    started = process_memory("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from here
    response = getattr(client, asked["method"])(asked["url"], asked["data"])
    downloaded(response)
    print(json.dumps({"grew": process_memory("VmHWM") - started}))


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
    if sys.argv[1:2] == ["--memory"]:
        measure_one_request(json.loads(sys.argv[2]))
    else:
        main()
