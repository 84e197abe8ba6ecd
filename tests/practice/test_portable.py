"""Portable assignment codes: a therapist's prompts carried to any Reflect, personal or practice,
in one line of text that must be refused plainly whenever it is not what we made."""

import base64
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from reflect.journal.models import ClientAssignment
from reflect.practice.portable import PREFIX, checksum, portable_code

from ..conftest import at_once
from .conftest import CLIENT_PASSPHRASE

pytestmark = pytest.mark.django_db


def encode_portable(body):
    text = body if isinstance(body, str) else json.dumps(body)
    payload = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
    return f"{PREFIX}.{payload}.{checksum(payload)}"


def good_body(**changes):
    return {
        "id": "0123456789abcdef0123456789abcdef",
        "expires": (timezone.now() + timedelta(days=9)).isoformat(),
        "therapist": "Sam",
        "prompts": ["not-my-fault"],
        "custom": ["Own question"],
        "note": "Hi",
        "due": None,
        **changes,
    }


STRANGE_PORTABLE_CODES = {
    "a naive expiry": good_body(expires="2099-01-01T00:00:00"),
    "an expiry outside the calendar in UTC": good_body(expires="9999-12-31T23:59:59-12:00"),
    "an expiry that is a number": good_body(expires=4102444800),
    "an id longer than the column": good_body(id="a" * 100),
    "an id that is not hex": good_body(id="z" * 32),
    "an id that is a number": good_body(id=12345678901234567890123456789012),
    "custom prompts as one text": good_body(custom="abc"),
    "a note that is a list": good_body(note=["x"]),
    "a therapist that is a number": good_body(therapist=7),
    "prompts that are numbers": good_body(prompts=[1, 2]),
    "a due date that is an object": good_body(due={"year": 2030}),
    "a due date that is no date": good_body(due="next tuesday"),
    "a list, not an object": [1, 2, 3],
    "deeply nested JSON": '{"id": ' + "[" * 5000 + "]" * 5000 + "}",
}


class TestPortableCodes:
    @pytest.fixture
    def portable(self):
        content = {
            "therapist": "Sam",
            "prompts": ["not-my-fault"],
            "custom": ["Own question"],
            "note": "Hi",
            "due": None,
        }
        return portable_code(content, "ABCDE-FGHJK-MNPQR-STVWX-YZ012-3", timezone.now() + timedelta(days=30))

    @pytest.fixture
    def personal(self, settings, client):
        settings.PRACTICE = False
        client.post("/journal/setup/", {"new_passphrase": CLIENT_PASSPHRASE, "new_passphrase_again": CLIENT_PASSPHRASE})
        return client

    def test_a_personal_install_adds_prompts_from_a_portable_code(self, personal, portable):
        response = personal.post("/journal/from-therapist/add/", {"code": portable})
        assert response.status_code == 302
        html_page = personal.get("/journal/").content.decode()
        assert "Own question" in html_page and "From Sam" in html_page
        response = personal.post("/journal/from-therapist/add/", {"code": portable}, follow=True)
        assert "already added" in response.content.decode()
        assert ClientAssignment.objects.count() == 1

    @pytest.mark.django_db(transaction=True)
    def test_the_same_code_sent_twice_at_once_is_added_once(self, content, personal, portable):
        """A double click or two tabs: both requests end well, and the prompts are there once."""

        def add(wait):
            tab = Client()
            tab.cookies = personal.cookies
            wait()
            return tab.post("/journal/from-therapist/add/", {"code": portable}).status_code

        assert at_once(add, [()] * 2) == [302, 302]
        assert ClientAssignment.objects.count() == 1

    def test_a_code_edited_by_hand_is_refused(self, personal, portable):
        prefix, payload, check = portable.split(".")
        edited = f"{prefix}.{payload[:-3]}xyz.{check}"
        response = personal.post("/journal/from-therapist/add/", {"code": edited})
        assert response.status_code == 400 and "changed or cut short" in response.content.decode()
        assert not ClientAssignment.objects.exists()

    @pytest.mark.parametrize(
        "code, message",
        [
            ("hello", "isn&#x27;t a Reflect assignment code"),
            ("REFLECT-ASSIGNMENT-1.e30.0000", "changed or cut short"),
        ],
    )
    def test_foreign_codes_are_refused(self, personal, code, message):
        response = personal.post("/journal/from-therapist/add/", {"code": code})
        assert response.status_code == 400 and message in response.content.decode()
        assert not ClientAssignment.objects.exists()

    def test_an_expired_portable_code_is_refused(self, personal):
        expired = portable_code(
            {"therapist": "Sam", "prompts": [], "custom": ["Q"], "note": "", "due": None},
            "ABCDE-FGHJK-MNPQR-STVWX-YZ012-3",
            timezone.now() - timedelta(days=1),
        )
        response = personal.post("/journal/from-therapist/add/", {"code": expired})
        assert response.status_code == 400 and "expired" in response.content.decode()

    def test_a_well_formed_code_made_by_hand_is_accepted(self, personal):
        """The strange codes below differ from this one in one field each."""
        response = personal.post("/journal/from-therapist/add/", {"code": encode_portable(good_body())})
        assert response.status_code == 302
        assert ClientAssignment.objects.count() == 1

    @pytest.mark.parametrize("body", STRANGE_PORTABLE_CODES.values(), ids=STRANGE_PORTABLE_CODES.keys())
    def test_a_strange_code_is_a_clear_400_and_keeps_what_was_pasted(self, personal, body):
        code = encode_portable(body)
        response = personal.post("/journal/from-therapist/add/", {"code": code})
        assert response.status_code == 400
        assert "can&#x27;t be read" in response.content.decode()
        assert code[:1000] in response.content.decode()
        assert not ClientAssignment.objects.exists()

    def test_a_code_far_longer_than_any_real_one_is_refused_before_reading(self, personal):
        code = encode_portable(good_body(note="x" * 300_000))
        response = personal.post("/journal/from-therapist/add/", {"code": code})
        assert response.status_code == 400 and "much longer" in response.content.decode()
