"""Headers on every response, no other origin anywhere, and a quick exit that always works."""

import re
from html import unescape
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.urls import reverse

from reflect.safety import views as safety_views

pytestmark = pytest.mark.django_db

RESPONSES = [
    ("get", "/"),
    ("get", "/learn/what-is-trauma-bonding/"),
    ("get", "/reflect/prompts/not-my-fault/"),
    ("get", "/help/"),
    ("get", "/no-such-page/"),
    ("get", "/leave/"),
    ("get", "/notes/"),
    ("post", "/"),
    ("post", "/country/"),
    ("get", "/static/reflect/reflect.css"),
]


@pytest.mark.parametrize("method, url", RESPONSES)
def test_security_headers_are_on_every_response(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code < 500
    csp = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert not re.search(r"https?:|\*", csp), csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'none'" in csp
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions


def test_pages_ask_for_nothing_from_another_origin(client):
    from reflect.safety.models import Helpline

    linkable = {settings.REFLECT_HELPLINE_DIRECTORY_URL} | set(Helpline.objects.values_list("source_url", flat=True))
    for url in ("/", "/learn/the-body-and-brain/", "/reflect/", "/reflect/ground/", "/help/", "/nope/"):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
        # Anything the browser fetches by itself must be ours.
        for tag in re.findall(r"<(?:script|link|img|iframe|source|video|audio|object|embed)\b[^>]*>", html):
            assert not re.search(r'(src|href)="(https?:)?//', tag), tag
        assert "@import" not in html and "style=" not in html and "<style" not in html
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None, "no inline script"
        # Links a person may follow to another site carry no referrer.
        for anchor in re.findall(r'<a\b[^>]*href="https?://[^"]*"[^>]*>', html):
            assert 'rel="noreferrer' in anchor, anchor
            target = unescape(re.search(r'href="([^"]*)"', anchor)[1])
            assert target in linkable, target


OUTSIDE_ORIGIN = re.compile(r"""(?:src|href|action|url\()\s*=?\s*["']?(?:https?:)?//""", re.IGNORECASE)


def test_templates_and_static_files_name_no_other_origin():
    roots = [Path(settings.BASE_DIR, "templates"), Path(settings.BASE_DIR, "static"), Path(settings.BASE_DIR, "reflect")]
    offenders = []
    for root in roots:
        for path in root.rglob("*"):
            if path.suffix in {".html", ".css", ".js", ".svg"}:
                text = path.read_text(encoding="utf-8")
                offenders += [f"{path}: {match}" for match in OUTSIDE_ORIGIN.findall(text)]
                # Our scripts do make requests (quick exit, autosave), but only to addresses our own
                # pages hand them; CSP's connect-src 'self' enforces it and the browser tests prove it.
                if path.suffix in {".css", ".js"} and re.search(r"https?://|@import|XMLHttpRequest", text):
                    offenders.append(f"{path}: mentions another origin or a request")
                if path.suffix == ".js":
                    offenders += [f"{path}: {call}" for call in re.findall(r"(?:fetch|sendBeacon)\(\s*[\"'`][^)]*", text)]
    assert not offenders


def test_bootstrap_css_we_serve_loads_nothing_from_elsewhere(client):
    response = client.get("/static/bootstrap/css/bootstrap.min.css")
    assert response.status_code == 200
    css = b"".join(response.streaming_content).decode()
    assert not re.findall(r"url\((?!['\"]?data:)", css)
    assert "@import" not in css


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
    response = client.post(reverse("safety:country"), {"country": "GB", "next": "/"})
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


def test_practice_profile_passes_the_deployment_checks():
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "reflect.settings",
        "REFLECT_PROFILE": "practice",
        "REFLECT_SECRET_KEY": "a-long-random-practice-key-" + "k9" * 30,
        "DATABASE_URL": "postgres://reflect@127.0.0.1:5432/reflect",
        "REFLECT_ALLOWED_HOSTS": "reflect.example.org",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only; never in deployment
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_practice_profile_refuses_to_start_without_its_database_and_key():
    import os
    import subprocess
    import sys

    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "reflect.settings", "REFLECT_PROFILE": "practice"}
    base.pop("DATABASE_URL", None)
    base.pop("REFLECT_SECRET_KEY", None)
    for missing, env in [("REFLECT_SECRET_KEY", base), ("DATABASE_URL", {**base, "REFLECT_SECRET_KEY": "x" * 60})]:
        result = subprocess.run([sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode != 0 and missing in result.stderr
