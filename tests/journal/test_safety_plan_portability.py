"""The safety plan goes wherever the journal goes: in both exports, back in with an import that
never replaces a plan already here, and away with "delete everything"."""

import json

import pytest
from django.contrib.auth import get_user_model

from reflect.journal import portable
from reflect.journal.models import Entry, PendingImport, SafetyPlan
from reflect.vault.models import Vault

from ..conftest import PASSPHRASE, opened
from .conftest import upload
from .test_safety_plan import PLAN_URL, plan

pytestmark = pytest.mark.django_db


def exported(client):
    document = json.loads(client.get("/journal/export/journal.json").getvalue())
    document.pop("exported_at")
    return document


def a_file(**document):
    return json.dumps({"format": "reflect-journal", "version": 1, "entries": [], **document}).encode()


def start_again(client):
    response = client.post("/journal/delete-everything/", {"confirmation": "delete everything"})
    assert response.status_code == 302
    client.post("/journal/setup/", {"new_passphrase": PASSPHRASE, "new_passphrase_again": PASSPHRASE})


def confirm(client, response):
    return client.post(f"/journal/import/{response.context['pending'].pk}/confirm/", follow=True)


class TestExport:
    def test_the_json_export_holds_the_plan(self, client, journal):
        client.post(PLAN_URL, plan(code_word="teapot", things_to_take="Keys\nCharger"))
        document = exported(client)
        row = SafetyPlan.objects.get()
        assert document["safety_plan"] == {
            "created_at": row.created_at.isoformat(),
            "updated_at": row.updated_at.isoformat(),
            "warning_signs": "",
            "people": "",
            "places": "",
            "things_to_take": "Keys\nCharger",
            "code_word": "teapot",
            "other_help": "",
        }

    def test_a_journal_without_a_plan_exports_none(self, client, journal, write):
        write("just an entry")
        assert "safety_plan" not in exported(client)

    def test_the_markdown_export_has_a_section_for_the_plan(self, client, journal, write):
        write("an entry")
        client.post(PLAN_URL, plan(places="The library on Mill Road", code_word="teapot"))
        text = client.get("/journal/export/journal.md").getvalue().decode()
        section = text[text.index("## My plan") :]
        assert "### Places I can go\n\nThe library on Mill Road" in section
        assert "### A code word\n\nteapot" in section
        assert "### Signs that things are getting worse" not in section, "empty parts are left out"


class TestImport:
    def test_export_delete_everything_import_gives_the_same_plan(self, client, journal, write):
        write("an entry to keep it company")
        client.post(PLAN_URL, plan(people="Jo: 0700 000000, text first", code_word="ünïcödé 🌱"))
        before = exported(client)
        raw = client.get("/journal/export/journal.json").getvalue()
        start_again(client)
        assert not SafetyPlan.objects.exists()
        response = upload(client, raw)
        assert response.status_code == 200
        assert "Your plan will be added" in response.content.decode()
        assert b"Jo: 0700" not in bytes(response.context["pending"].ciphertext)
        confirm(client, response)
        assert exported(client) == before

    def test_a_file_with_only_a_plan_can_be_imported(self, client, journal):
        response = upload(client, a_file(safety_plan={"code_word": "teapot"}))
        html = response.content.decode()
        assert response.status_code == 200 and "disabled" not in html
        page = confirm(client, response).content.decode()
        assert "Your plan was added" in page
        assert opened(SafetyPlan.objects.get())["code_word"] == "teapot"

    def test_a_plan_already_here_is_never_replaced(self, client, journal):
        client.post(PLAN_URL, plan(code_word="mine"))
        row = SafetyPlan.objects.get()
        response = upload(client, a_file(safety_plan={"code_word": "from the file"}))
        assert "you already have a plan here" in response.content.decode()
        page = confirm(client, response).content.decode()
        assert "kept yours" in page
        assert SafetyPlan.objects.get().ciphertext == row.ciphertext
        assert opened(SafetyPlan.objects.get())["code_word"] == "mine"

    def test_the_same_plan_again_is_recognised(self, client, journal):
        client.post(PLAN_URL, plan(code_word="mine"))
        raw = client.get("/journal/export/journal.json").getvalue()
        response = upload(client, raw)
        assert "Your plan is already here" in response.content.decode()

    def test_a_plan_made_while_the_import_waited_is_kept(self, client, journal):
        response = upload(client, a_file(safety_plan={"code_word": "from the file"}))
        client.post(PLAN_URL, plan(code_word="typed meanwhile"))
        page = confirm(client, response).content.decode()
        assert "kept yours" in page
        assert opened(SafetyPlan.objects.get())["code_word"] == "typed meanwhile"

    def test_an_import_waiting_from_before_plans_still_works(self, client, journal):
        """A file checked, but not yet confirmed, just before this version was installed."""
        pending = PendingImport(owner=get_user_model().objects.get())
        item = {
            "id": "6c1b0a1e-0000-4000-8000-000000000000",
            "created_at": "2024-03-01T09:30:00+00:00",
            "updated_at": "2024-03-01T09:30:00+00:00",
            "prompt": None,
            "title": "",
            "text": "from an older copy",
            "distress_before": None,
            "distress_after": None,
            "prompt_text": "",
        }
        pending.seal(Vault.objects.get().open_with_passphrase(PASSPHRASE), [item])
        pending.save()
        client.post(f"/journal/import/{pending.pk}/confirm/")
        assert opened(Entry.objects.get()).text == "from an older copy"

    @pytest.mark.parametrize(
        "safety_plan, message",
        [
            ("a plan", "plan in this file"),
            (["code_word"], "plan in this file"),
            ({"code_word": 7}, "A code word"),
            ({"people": "x" * 5001}, "too long"),
            ({"places": "a\x00b"}, "control characters"),
            ({"places": "bad \ud800 surrogate"}, "not valid text"),
            ({"code_word": "ok", "created_at": "yesterday"}, "date"),
            ({"code_word": "ok", "updated_at": "1066-10-14T09:00:00+00:00"}, "1900"),
        ],
    )
    def test_a_plan_that_cannot_be_read_stops_the_import_plainly(self, client, journal, write, safety_plan, message):
        write("untouched")
        entry = {
            "id": "6c1b0a1e-0000-4000-8000-000000000000",
            "created_at": "2026-01-01T00:00:00+00:00",
            "text": "new words",
        }
        raw = json.dumps(
            {"format": "reflect-journal", "version": 1, "entries": [entry], "safety_plan": safety_plan},
            ensure_ascii=True,
        ).encode()
        response = upload(client, raw)
        assert response.status_code == 400
        html = response.content.decode()
        assert message in html and "Nothing was imported" in html
        assert Entry.objects.count() == 1 and not PendingImport.objects.exists() and not SafetyPlan.objects.exists()

    def test_a_plan_of_null_is_no_plan(self):
        assert portable.parse_export(a_file(safety_plan=None)).safety_plan is None

    def test_parts_this_copy_does_not_know_are_left_out(self):
        parsed = portable.parse_export(a_file(safety_plan={"code_word": "kept", "horoscope": "left out"}))
        assert parsed.safety_plan["parts"]["code_word"] == "kept" and "horoscope" not in parsed.safety_plan["parts"]


def test_delete_everything_deletes_the_plan(client, journal):
    client.post(PLAN_URL, plan(code_word="gone"))
    assert SafetyPlan.objects.exists()
    page = client.get("/journal/delete-everything/").content.decode()
    assert "plan" in page
    response = client.post("/journal/delete-everything/", {"confirmation": "delete everything"})
    assert response.status_code == 302
    assert not SafetyPlan.objects.exists()
