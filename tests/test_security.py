"""Across the whole site: security headers on every response, and nothing from another origin anywhere.

The practice profile's deployment checks at the end test reflect/settings.py; they belong in
tests/test_settings.py once that file is free to edit."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings

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
    roots = [
        Path(settings.BASE_DIR, "templates"),
        Path(settings.BASE_DIR, "static"),
        Path(settings.BASE_DIR, "reflect"),
    ]
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
                    offenders += [
                        f"{path}: {call}" for call in re.findall(r"(?:fetch|sendBeacon)\(\s*[\"'`][^)]*", text)
                    ]
    assert not offenders


def test_bootstrap_css_we_serve_loads_nothing_from_elsewhere(client):
    response = client.get("/static/bootstrap/css/bootstrap.min.css")
    assert response.status_code == 200
    css = b"".join(response.streaming_content).decode()
    assert not re.findall(r"url\((?!['\"]?data:)", css)
    assert "@import" not in css


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
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
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
        result = subprocess.run(
            [sys.executable, "manage.py", "check"],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode != 0 and missing in result.stderr
