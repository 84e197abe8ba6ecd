"""Django's CSRF protection under `Referrer-Policy: no-referrer` (reflect/safety/csrf.py)."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


class TestCsrfUnderNoReferrer:
    """With no-referrer, browsers send `Origin: null`; Sec-Fetch-Site proves the form is ours."""

    def post_country(self, with_token=True, **headers):
        client = Client(enforce_csrf_checks=True)
        client.get(reverse("learn:contents"))
        data = {"country": "GB", "next": "/"}
        if with_token:
            data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
        return client.post(reverse("safety:country"), data, **headers)

    def test_our_own_form_is_accepted(self):
        response = self.post_country(HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 303

    def test_a_null_origin_from_another_site_is_refused(self):
        assert self.post_country(HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
        assert self.post_country(HTTP_ORIGIN="null").status_code == 403

    def test_another_origin_is_refused(self):
        response = self.post_country(HTTP_ORIGIN="https://attacker.example", HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 403

    def test_the_token_is_still_required(self):
        response = self.post_country(with_token=False, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 403
