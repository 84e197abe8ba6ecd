"""The safety app's own pages: quick exit without JavaScript, and error pages that keep the shell."""

from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.urls import reverse

from reflect.safety import views as safety_views

pytestmark = pytest.mark.django_db


class TestQuickExitWithoutJavaScript:
    def test_the_link_locks_and_leaves_with_a_303(self, client):
        session = client.session
        session["marker"] = "something private"
        session.save()
        old_key = session.session_key
        response = client.get(reverse("safety:leave"))
        assert response.status_code == 303
        assert response["Location"] == settings.REFLECT_EXIT_URL
        assert '"cache"' in response["Clear-Site-Data"] and '"storage"' in response["Clear-Site-Data"]
        assert "no-store" in response["Cache-Control"]
        from django.contrib.sessions.models import Session

        assert not Session.objects.filter(session_key=old_key).exists()

    def test_the_script_path_needs_no_csrf_token_and_answers_at_once(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post(reverse("safety:leave"))
        assert response.status_code == 204
        assert '"cache"' in response["Clear-Site-Data"] and '"storage"' in response["Clear-Site-Data"]

    def test_a_local_neutral_page_can_be_chosen(self, client, settings):
        settings.REFLECT_EXIT_URL = "local"
        response = client.get(reverse("safety:leave"))
        assert response["Location"] == reverse("safety:neutral")
        html = client.get(reverse("learn:contents")).content.decode()
        assert f'data-exit-url="{reverse("safety:neutral")}"' in html


def test_a_missing_csrf_token_gets_a_clear_page_with_the_shell():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("vault:setup"), {"new_passphrase": "a b c d", "new_passphrase_again": "a b c d"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "That form had expired" in html
    assert 'id="quick-exit"' in html


def test_server_error_page_keeps_the_shell():
    request = RequestFactory().get("/")
    response = safety_views.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert 'id="quick-exit"' in html and 'class="safety-footer"' in html


def test_server_error_page_survives_a_broken_database():
    request = RequestFactory().get("/")
    with mock.patch("reflect.safety.context_processors.Helpline.objects.filter", side_effect=OperationalError):
        response = safety_views.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert f'href="{reverse("safety:leave")}"' in html
    assert "local emergency number" in html
