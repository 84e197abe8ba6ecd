"""Practice accounts: sign-in names that reveal nobody and can't be mistaken for each other, found
however they are typed, and deleted whole when a person deletes everything."""

import html
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from reflect.journal.models import ClientAssignment
from reflect.practice.models import SignInName
from reflect.vault.models import Vault

from ..conftest import at_once
from .conftest import (
    CLIENT_PASSPHRASE,
    THERAPIST_PASSPHRASE,
    PageForm,
    join,
    make_assignment,
    make_therapist,
    numbers_in_order,
    sign_in_name,
    signed_in,
)

pytestmark = pytest.mark.django_db


def test_unknown_names_and_wrong_passphrases_look_the_same(world):
    unknown = Client().post("/journal/unlock/", {"username": "nobody", "passphrase": THERAPIST_PASSPHRASE})
    wrong = Client().post("/journal/unlock/", {"username": "xena", "passphrase": "not the passphrase"})
    assert unknown.status_code == wrong.status_code == 400
    assert (
        "didn&#x27;t open a journal" in unknown.content.decode()
        and "didn&#x27;t open a journal" in wrong.content.decode()
    )


class TestSignInNames:
    def test_the_same_name_twice_is_never_called_taken(self, world):
        x = world.therapist_x
        _, first = join(make_assignment(x)[1], "robin")
        _, second = join(make_assignment(x)[1], "robin")
        assert first.status_code == second.status_code == 200
        assert "taken" not in first.content.decode() + second.content.decode()
        names = {sign_in_name(first), sign_in_name(second)}
        assert len(names) == 2 and all(re.fullmatch(r"robin\.\d{4}", name) for name in names)

    def test_the_sign_in_name_is_shown_with_the_recovery_key_and_on_the_dashboard(self, world):
        page = html.unescape(world.therapist_x.get("/practice/").content.decode())
        alex = world.alex.username
        assert re.fullmatch(r"alex\.\d{4}", alex)
        assert alex in page
        _, response = join(make_assignment(world.therapist_x)[1], "sky")
        text = response.content.decode()
        assert sign_in_name(response) in text and "Your recovery key" in text and "Unlock" in text

    @pytest.mark.parametrize("typed", ["ALEX.{n}", "Alex.{n}", "  alex.{n} ", "ａｌｅｘ.{n}"])
    def test_unlock_finds_the_name_however_it_is_typed(self, world, typed):
        number = world.alex.username.split(".")[1]
        typed = typed.format(n=number)
        response = Client().post("/journal/unlock/", {"username": typed, "passphrase": CLIENT_PASSPHRASE})
        assert response.status_code == 302 and "/journal/" in response.url

    def test_recover_finds_the_name_however_it_is_typed(self):
        out = io.StringIO()
        call_command("create_therapist", "quinn", "--passphrase", THERAPIST_PASSPHRASE, stdout=out)
        recovery_key = re.search(r"Recovery key.*: (\S+)", out.getvalue())[1]
        response = Client().post(
            "/journal/recover/",
            {
                "username": "QUINN",
                "recovery_key": recovery_key,
                "new_passphrase": "a brand new passphrase",
                "new_passphrase_again": "a brand new passphrase",
            },
        )
        assert response.status_code == 302

    def test_names_made_before_normalising_still_open(self):
        user = get_user_model().objects.create_user("Xavier")
        Vault.create(user, CLIENT_PASSPHRASE)
        for typed in ("Xavier", "xavier", "XAVIER"):
            response = Client().post("/journal/unlock/", {"username": typed, "passphrase": CLIENT_PASSPHRASE})
            assert response.status_code == 302, typed

    @pytest.mark.parametrize(
        "chosen, made",
        [
            ("Alex", "alex"),
            ("ａｌｅｘ", "alex"),
            ("Straße", "strasse"),
            ("Sam_K", "sam_k"),
        ],
    )
    def test_chosen_names_are_normalised(self, world, chosen, made):
        _, response = join(make_assignment(world.therapist_x)[1], chosen)
        assert response.status_code == 200
        assert re.fullmatch(re.escape(made) + r"\.\d{4}", sign_in_name(response))

    @pytest.mark.parametrize("chosen", ["zoë", "two words", "<b>", ".alex", "alex-", "", "a" * 31, "al\u200bex"])
    def test_names_outside_the_allowed_letters_are_explained_and_nothing_is_made(self, world, chosen):
        users = get_user_model().objects.count()
        _, response = join(make_assignment(world.therapist_x)[1], chosen)
        assert response.status_code == 400
        text = html.unescape(response.content.decode())
        assert "letters a to z" in text or "This field is required" in text or "at most 30" in text
        assert get_user_model().objects.count() == users

    def test_a_number_already_in_use_is_replaced_by_another(self, world, monkeypatch):
        x = world.therapist_x
        numbers_in_order(monkeypatch, "1234", "1234", "5678")
        _, first = join(make_assignment(x)[1], "alex")
        _, second = join(make_assignment(x)[1], "alex")
        assert (sign_in_name(first), sign_in_name(second)) == ("alex.1234", "alex.5678")

    @pytest.mark.parametrize("look_alike", ["a1ex", "ALEX", "al-ex", "al_ex"])
    def test_no_two_sign_in_names_look_alike(self, world, monkeypatch, look_alike):
        x = world.therapist_x
        numbers_in_order(monkeypatch, "1234", "1234", "5678")
        join(make_assignment(x)[1], "alex")
        _, response = join(make_assignment(x)[1], look_alike)
        assert response.status_code == 200
        assert sign_in_name(response).endswith(".5678")

    def test_therapist_names_are_normalised_and_look_alikes_refused(self):
        call_command("create_therapist", "Ｓam", "--passphrase", THERAPIST_PASSPHRASE, stdout=io.StringIO())
        assert get_user_model().objects.filter(username="sam").exists()
        for look_alike in ("sarn", "SAM", "s-am"):
            with pytest.raises(CommandError):
                call_command("create_therapist", look_alike, "--passphrase", THERAPIST_PASSPHRASE, stdout=io.StringIO())
        with pytest.raises(CommandError):
            call_command("create_therapist", "sam smith", "--passphrase", THERAPIST_PASSPHRASE, stdout=io.StringIO())
        assert get_user_model().objects.count() == 1
        assert signed_in("SAM", THERAPIST_PASSPHRASE).get("/practice/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_joins_with_the_same_name_both_succeed(content, monkeypatch):
    """Both people pick the same number at the same moment: one of them gets another, nobody a 500."""
    x = make_therapist("xena")
    codes = [make_assignment(x)[1] for _ in range(2)]
    numbers_in_order(monkeypatch, "1234", "5678", "9012")

    def join_at_once(wait, code):
        client = Client()
        page = client.get(f"/practice/join/{code}/")
        form = PageForm(page.content.decode())
        wait()
        response = client.post(
            form.action or f"/practice/join/{code}/",
            {
                **form.hidden,
                "username": "alex",
                "new_passphrase": CLIENT_PASSPHRASE,
                "new_passphrase_again": CLIENT_PASSPHRASE,
            },
        )
        return response.status_code, sign_in_name(response) if response.status_code == 200 else None

    results = at_once(join_at_once, [(code,) for code in codes])
    assert sorted(results, key=str) == [(200, "alex.1234"), (200, "alex.5678")], results
    assert ClientAssignment.objects.count() == 2


# --- Delete everything ------------------------------------------------------------------------


def test_delete_everything_in_the_practice_profile_ends_on_a_real_page(world):
    response = world.client_a.post("/journal/delete-everything/", {"confirmation": "delete everything"}, follow=True)
    assert response.status_code == 200
    assert "Everything has been deleted" in response.content.decode()
    assert not get_user_model().objects.filter(pk=world.alex.pk).exists()


def test_delete_everything_in_the_personal_profile_ends_on_a_real_page(settings, client):
    settings.PRACTICE = False
    client.post("/journal/setup/", {"new_passphrase": CLIENT_PASSPHRASE, "new_passphrase_again": CLIENT_PASSPHRASE})
    response = client.post("/journal/delete-everything/", {"confirmation": "delete everything"}, follow=True)
    assert response.status_code == 200
    assert "Everything has been deleted" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_names_skeletons_and_keeps_look_alikes_working():
    from django.db.migrations.executor import MigrationExecutor

    before = [("practice", "0001_initial")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    User = old.get_model("auth", "User")
    User.objects.create(username="Alex")
    User.objects.create(username="a1ex")  # already looks like Alex: made before names were checked
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    names = dict(SignInName.objects.values_list("user__username", "skeleton"))
    assert names == {"Alex": "aiex"}
