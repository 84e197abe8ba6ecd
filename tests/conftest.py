import threading

import pytest
from django.apps import apps
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from reflect.content import forget_kept

# The rows `load_content` adds, model by model in an order that can be inserted (a row's foreign
# keys before it, many-to-many links last), kept from the one real load at the start of the session.
CONTENT_ROWS = []


def rows_by_model():
    """Every row in the database, model by model, in an order they can be inserted again."""
    models = serializers.sort_dependencies([(config, None) for config in apps.get_app_configs()], allow_cycles=True)
    links = [model for model in apps.get_models(include_auto_created=True) if model._meta.auto_created]
    return {model: {row.pk: row for row in model._base_manager.all()} for model in models + links}


def rows_added(before, after):
    """[(model, [rows]), ...]: the rows in `after` that `before` did not have."""
    added = [(model, [row for pk, row in rows.items() if pk not in before[model]]) for model, rows in after.items()]
    return [(model, rows) for model, rows in added if rows]


def at_once(work, calls):
    """Calls `work(wait, *arguments)` for each tuple of arguments in `calls`, each in its own thread
    with its own database connection. Each call gets ready, then calls `wait()`; all go on together
    from there, as requests from two tabs or many browsers would. Returns what each call returned,
    in order; an exception raised in a thread is returned in its place, so no failure is lost."""
    barrier = threading.Barrier(len(calls), timeout=60)
    results = [None] * len(calls)

    def run(index, arguments):
        try:
            results[index] = work(barrier.wait, *arguments)
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, arguments)) for index, arguments in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture(autouse=True)
def no_shared_pages_from_earlier_tests():
    """Public pages and content are kept in each process; a test's rows must never meet an earlier test's page."""
    cache.clear()
    forget_kept()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test sees the real material, prompts and helplines from fixtures/."""
    with django_db_blocker.unblock():
        before = rows_by_model()
        call_command("load_content", verbosity=0)
        CONTENT_ROWS.extend(rows_added(before, rows_by_model()))


@pytest.fixture
def content(db):
    """For transactional tests, which start from an empty database: the rows that `load_content`
    made at the start of the session, put back as they were, which is far quicker than reading
    the fixtures again. A database that still has content gets the real command."""
    if any(model._base_manager.exists() for model, _ in CONTENT_ROWS):
        call_command("load_content", verbosity=0)
        return
    for model, rows in CONTENT_ROWS:
        model._base_manager.bulk_create(rows)


PASSPHRASE = "maple kettle river tuesday"

SUMMARY_LINES = pytest.StashKey[list]()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """Lines a pytest-xdist worker left for the summary (the fuzzer's tally), kept to print at the end."""
    lines = getattr(node, "workeroutput", {}).get("summary_lines", [])
    node.config.stash.setdefault(SUMMARY_LINES, []).extend(f"[{node.gateway.id}] {line}" for line in lines)


def pytest_terminal_summary(terminalreporter, config):
    for line in config.stash.get(SUMMARY_LINES, []):
        terminalreporter.write_line(line)


def pytest_configure(config):
    """The one stylesheet pages link, built from the templates and CSS as they are now, before any
    test runs (once: pytest-xdist's workers find it built). `make` builds it too (reflect/stylesheet.py)."""
    if not hasattr(config, "workerinput"):
        from reflect import stylesheet

        stylesheet.main()


@pytest.fixture
def journal(client, db):
    """A personal journal, set up through the views and unlocked; returns the recovery key."""
    response = client.post("/journal/setup/", {"new_passphrase": PASSPHRASE, "new_passphrase_again": PASSPHRASE})
    assert response.status_code == 200
    client.post("/journal/setup/saved/", {"saved": "on"})
    return response.context["recovery_key"]


def opened(row):
    """What a sealed row holds, opened with the personal journal's passphrase."""
    from reflect.vault.models import Vault

    return row.open(Vault.objects.get().open_with_passphrase(PASSPHRASE))


@pytest.fixture
def write(client):
    """Saves an entry through the write view and returns its id."""

    def write(text="Today I noticed something.", **fields):
        data = {"text": text, "title": "", "distress_before": "", "distress_after": "", **fields}
        response = client.post("/journal/write/", data)
        assert response.status_code == 302, response.content[:500]
        return response.url.rstrip("/").split("/")[-1]

    return write
