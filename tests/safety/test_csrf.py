"""Django's CSRF protection under `Referrer-Policy: no-referrer` (reflect/safety/csrf.py)."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


class TestCsrfUnderNoReferrer:
    """With no-referrer, browsers send `Origin: null`; Sec-Fetch-Site proves the form is ours."""

    def post_form(self, with_token=True, **headers):
        """Posts the setup form with passphrases that differ: 400 if it got through the check, 403 if not."""
        client = Client(enforce_csrf_checks=True)
        client.get(reverse("vault:setup"))
        data = {"new_passphrase": "one two three four", "new_passphrase_again": "five six seven eight"}
        if with_token:
            data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
        return client.post(reverse("vault:setup"), data, **headers)

    def test_our_own_form_is_accepted(self):
        response = self.post_form(HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 400

    def test_a_null_origin_from_another_site_is_refused(self):
        assert self.post_form(HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
        assert self.post_form(HTTP_ORIGIN="null").status_code == 403

    def test_another_origin_is_refused(self):
        response = self.post_form(HTTP_ORIGIN="https://attacker.example", HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 403

    def test_the_token_is_still_required(self):
        response = self.post_form(with_token=False, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 403


class TestFooterFormsWithoutToken:
    """The country and display choices on every public page carry no token (so the page can be
    shared from the cache): the browser's own Sec-Fetch-Site, or the Origin it sends, checks them."""

    @pytest.mark.parametrize(
        ("url", "data"),
        [
            ("safety:country", {"country": "GB", "next": "/"}),
            ("safety:set_preference", {"name": "discreet", "value": "1"}),
        ],
    )
    @pytest.mark.parametrize(
        ("headers", "status"),
        [
            ({"HTTP_ORIGIN": "null", "HTTP_SEC_FETCH_SITE": "same-origin"}, 303),
            ({}, 303),  # not sent by a web page at all: no browser, no cookie to borrow
            ({"HTTP_ORIGIN": "null", "HTTP_SEC_FETCH_SITE": "cross-site"}, 403),
            ({"HTTP_ORIGIN": "null", "HTTP_SEC_FETCH_SITE": "same-site"}, 403),
            ({"HTTP_ORIGIN": "null"}, 403),
            ({"HTTP_ORIGIN": "https://attacker.example"}, 403),
        ],
    )
    def test_only_our_own_pages_can_change_a_choice(self, url, data, headers, status):
        response = Client(enforce_csrf_checks=True).post(reverse(url), data, **headers)
        assert response.status_code == status
        assert bool(response.cookies) == (status == 303)
        if status == 403:
            assert 'id="quick-exit"' in response.content.decode()  # refused, but never stranded
