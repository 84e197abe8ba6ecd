"""Joining a therapist through an assignment code: codes that work once, codes that must not work,
joins slowed down, and codes that never reach a log."""

import html
import logging
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from reflect.journal.models import ClientAssignment
from reflect.practice.models import Assignment
from reflect.vault import crypto
from reflect.vault.models import Throttle

from .conftest import CLIENT_PASSPHRASE, PageForm, join, make_assignment, submit

pytestmark = pytest.mark.django_db


class TestCodes:
    def test_a_used_code_works_once(self, world):
        _, code = make_assignment(world.therapist_x)
        join(code, "casey")
        _, response = join(code, "dana")
        assert response.status_code == 410 and "already been used" in response.content.decode()
        assert not get_user_model().objects.filter(username__startswith="dana").exists()

    def test_a_code_used_while_its_page_was_open_creates_nothing(self, world):
        _, code = make_assignment(world.therapist_x)
        late = Client()
        page = late.get(f"/practice/join/{code}/")
        join(code, "casey")
        form = PageForm(page.content.decode())
        response = late.post(
            form.action or f"/practice/join/{code}/",
            {
                **form.hidden,
                "username": "dana",
                "new_passphrase": CLIENT_PASSPHRASE,
                "new_passphrase_again": CLIENT_PASSPHRASE,
            },
        )
        assert response.status_code == 410 and "already been used" in response.content.decode()
        assert not get_user_model().objects.filter(username__startswith="dana").exists()

    def test_a_signed_in_client_adds_the_prompts_from_a_new_link(self, world):
        _, code = make_assignment(world.therapist_x, custom="A second week")
        response = submit(world.client_a, f"/practice/join/{code}/")
        assert response.status_code == 302 and response.url == "/journal/"
        assert "A second week" in world.client_a.get("/journal/").content.decode()
        assert ClientAssignment.objects.filter(owner=world.alex).count() == 2

    def test_a_therapist_cannot_take_up_a_code(self, world):
        _, code = make_assignment(world.therapist_x)
        assert world.therapist_x.get(f"/practice/join/{code}/").status_code == 403
        assert world.therapist_y.post("/practice/join/", {"code": code}).status_code == 403
        assert Assignment.objects.filter(redeemed_at__isnull=False).count() == 2

    def test_an_expired_code_creates_nothing(self, world):
        pk, code = make_assignment(world.therapist_x)
        Assignment.objects.filter(pk=pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        _, response = join(code, "erin")
        assert response.status_code == 410 and "expired" in response.content.decode()
        assert not get_user_model().objects.filter(username__startswith="erin").exists()

    def test_a_withdrawn_code_creates_nothing(self, world):
        pk, code = make_assignment(world.therapist_x)
        world.therapist_x.post(f"/practice/assignments/{pk}/revoke/")
        _, response = join(code, "finn")
        assert response.status_code == 410 and "withdrawn" in response.content.decode()
        assert not get_user_model().objects.filter(username__startswith="finn").exists()

    @pytest.mark.parametrize("code", ["nonsense", "AAAAA-AAAAA", "'; DROP TABLE--", "0" * 26])
    def test_malformed_or_unknown_codes_give_404(self, client, code):
        response = client.get(f"/practice/join/{code}/")
        assert response.status_code == 404
        assert "Nothing has been created or changed" in response.content.decode()

    def test_codes_carry_at_least_80_random_bits_and_expire_in_30_days(self, world):
        pk, code = make_assignment(world.therapist_x)
        assert len(code.replace("-", "")) * 5 >= 128
        assignment = Assignment.objects.get(pk=pk)
        assert timedelta(days=29) < assignment.expires_at - assignment.created_at <= timedelta(days=30)
        assert code not in str(Assignment.objects.values_list().get(pk=pk)), "only a hash of the code is stored"

    def test_a_refused_form_keeps_the_code_usable(self, world):
        _, code = make_assignment(world.therapist_x)
        _, response = join(code, "gale", passphrase_again="something else entirely")
        assert response.status_code == 400 and "The two passphrases are different" in response.content.decode()
        _, response = join(code, "gale")
        assert response.status_code == 200


def test_personal_profile_has_no_accounts_to_join(settings, client):
    settings.PRACTICE = False
    assert client.get("/practice/join/AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-A/").status_code == 404


def test_practice_has_no_self_setup(client):
    assert client.get("/journal/setup/").status_code == 404


# --- Codes never reach a log ----------------------------------------------------------------


def forms_of(code):
    """The ways a code can be written: as given, and as typed (no dashes, any case)."""
    bare = code.replace("-", "")
    return {code, bare, bare.lower(), code.lower()}


def test_the_join_page_posts_its_code_in_the_body_not_the_path(world):
    _, code = make_assignment(world.therapist_x)
    page = Client().get(f"/practice/join/{code}/")
    form = PageForm(page.content.decode())
    assert form.action == "/practice/join/"
    assert form.hidden["code"] == code


def test_a_failing_join_leaves_no_code_in_any_log(world, caplog):
    caplog.set_level(logging.DEBUG)
    x = world.therapist_x
    _, code = make_assignment(x)
    _, response = join(code, "gale", passphrase_again="these two are not the same")
    assert response.status_code == 400
    unknown = crypto.new_code()
    assert Client().get(f"/practice/join/{unknown}/").status_code == 404
    _, used = make_assignment(x)
    stale = Client().get(f"/practice/join/{used}/")
    join(used, "hana")
    assert Client().get(f"/practice/join/{used}/").status_code == 410
    form = PageForm(stale.content.decode())
    response = Client().post(form.action or f"/practice/join/{used}/", {**form.hidden, "username": "ivo"})
    assert response.status_code == 410
    assert Client().post("/practice/join/", {"code": unknown}).status_code == 404

    assert any(record.name == "django.request" for record in caplog.records), "the refused requests were logged"
    for record in caplog.records:
        text = record.getMessage() + repr(record.args)
        for secret in forms_of(code) | forms_of(unknown) | forms_of(used):
            assert secret not in text, record.getMessage()


# --- Joins are slowed down --------------------------------------------------------------------

FREE_JOINS = Throttle.RULES["join"][0]


class TestJoinThrottle:
    def test_refused_joins_soon_get_a_plain_429(self, world):
        _, code = make_assignment(world.therapist_x)
        here = Client(REMOTE_ADDR="10.0.0.21")
        statuses = []
        for _ in range(12):
            _, response = join(code, "gale", passphrase_again="not the same at all", client=here)
            statuses.append(response.status_code)
            if response.status_code == 429:
                break
        assert statuses[:FREE_JOINS] == [400] * FREE_JOINS
        assert statuses[FREE_JOINS:] == [429]
        text = html.unescape(response.content.decode())
        assert "Please wait" in text and "Nothing has been created or changed" in text
        assert here.get(f"/practice/join/{code}/").status_code == 429, "the link waits too"
        elsewhere = Client(REMOTE_ADDR="10.0.0.22")
        assert elsewhere.get(f"/practice/join/{code}/").status_code == 200, "counted per client"

    def test_unknown_codes_count_too(self, db):
        guesser = Client(REMOTE_ADDR="10.0.0.23")
        statuses = [guesser.get(f"/practice/join/{crypto.new_code()}/").status_code for _ in range(8)]
        assert statuses[:FREE_JOINS] == [404] * FREE_JOINS
        assert statuses[FREE_JOINS] == 429

    def test_a_successful_join_starts_the_count_again(self, world):
        x = world.therapist_x
        here = Client(REMOTE_ADDR="10.0.0.24")
        for _ in range(FREE_JOINS - 1):
            here.get(f"/practice/join/{crypto.new_code()}/")
        assert Throttle.objects.get(key__startswith="join:").failures == FREE_JOINS - 1
        join(make_assignment(x)[1], "pat", client=here)
        assert not Throttle.objects.filter(key__startswith="join:").exists()
