"""Runs with the code and settings of the tree being measured (PYTHONPATH, REFLECT_DATA_DIR set by
http_bench.py), never with the test settings: the served app reads the same database.

  http_seed.py seed ENTRIES OUT.json [--collectstatic]   a journal of ENTRIES entries, as `make run` keeps it
  http_seed.py queries IN.json OUT.json                  SQL queries per page, with the cookies of an open journal

Entries are sealed and inserted the way tests/bench/journal.py does it, so 10,000 take seconds.
"""

import json
import random
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import django
from words import WORDS, WORDS_PER_ENTRY

PASSPHRASE = "maple kettle river tuesday"
# Every 1,000th entry has this word, for the search under load.
SEARCHED_WORD = "lighthouse"


def client():
    from django.test import Client

    # The served settings allow 127.0.0.1, not the test client's "testserver".
    return Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip, br")


def seed(entries: int, out: Path, collect_static: bool) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_content", verbosity=0)
    if collect_static:
        call_command("collectstatic", interactive=False, verbosity=0)
    from django.urls import reverse

    from reflect.journal.models import Entry
    from reflect.learn.models import Section
    from reflect.prompts.models import Dynamic, Prompt
    from reflect.vault.models import Vault

    answer = client().post("/journal/setup/", {"new_passphrase": PASSPHRASE, "new_passphrase_again": PASSPHRASE})
    if answer.status_code != 200:
        raise SystemExit(f"setting up the journal answered {answer.status_code}")
    vault = Vault.objects.get()
    newest = add_entries(vault, entries)
    pages = {
        "contents": "/",
        "section": Section.objects.order_by("pk").first().get_absolute_url(),
        "prompt": Prompt.objects.order_by("pk").first().get_absolute_url(),
        "topic": Dynamic.objects.order_by("pk").first().get_absolute_url(),
        "library": reverse("prompts:library"),
        "help": reverse("safety:help"),
        "list": reverse("journal:list"),
        "entry": reverse("journal:detail", args=[newest]),
        "write": reverse("journal:write"),
        "export": reverse("journal:export_json"),
    }
    found = {"pages": pages, "entries": Entry.objects.count(), "passphrase": PASSPHRASE, "throttle": throttle_rule()}
    out.write_text(json.dumps(found, indent=1))


def add_entries(vault, count: int) -> str:
    """`count` entries of about 300 words, one a day up to now; returns the newest one's id."""
    from django.utils import timezone

    from reflect.journal.models import Entry, Writing
    from reflect.prompts.models import Prompt

    chance = random.Random(12)
    key = vault.open_with_passphrase(PASSPHRASE)
    prompts = [*Prompt.objects.values_list("slug", flat=True), "", ""]
    start = timezone.now() - timedelta(days=count)
    batch = []
    for number in range(count):
        moment = start + timedelta(days=number)
        entry = Entry(id=uuid.uuid4(), owner=vault.owner, created_at=moment, updated_at=moment)
        text = " ".join(chance.choices(WORDS, k=WORDS_PER_ENTRY)) + (f" {SEARCHED_WORD}" if number % 1000 == 0 else "")
        before = chance.randint(0, 10)
        after = min(10, max(0, before + chance.randint(-3, 1)))
        writing = Writing(text, f"Entry {number}", before, after, prompt=chance.choice(prompts))
        entry.seal(key, writing)
        batch.append(entry)
    Entry.objects.bulk_create(batch, batch_size=1000)
    return str(batch[-1].id)


def throttle_rule() -> list[float] | None:
    """[free tries, first wait in seconds] for one name from one address, as this tree's throttle says."""
    try:
        from reflect.vault.models import Throttle

        free, first_wait = Throttle.RULES["pair"]
        return [free, first_wait.total_seconds()]
    except (ImportError, AttributeError, KeyError, TypeError, ValueError):
        return None


def queries(request_file: Path, out: Path) -> None:
    """Queries of the second request to each page: the first may fill caches, as a first visitor does."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    asked = json.loads(request_file.read_text())
    browser = client()
    for name, value in asked["cookies"].items():
        browser.cookies[name] = value
    counted = {}
    for path in asked["paths"]:
        browser.get(path)
        with CaptureQueriesContext(connection) as captured:
            status = browser.get(path).status_code
        counted[path] = {"queries": len(captured), "status": status}
    out.write_text(json.dumps(counted, indent=1))


def main() -> None:
    django.setup()
    command, *arguments = sys.argv[1:]
    if command == "seed":
        seed(int(arguments[0]), Path(arguments[1]), "--collectstatic" in arguments)
    elif command == "queries":
        queries(Path(arguments[0]), Path(arguments[1]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
