"""Playwright driving Debian's chromium against pytest-django's live server.

Chromium comes from `apt-get install chromium` (.ci/run does it); Playwright's own browser
download cannot work here. Without chromium these tests are skipped on a developer's machine,
and fail in CI, where a skip would hide a missing install step.
"""

import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by our
# fixtures are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("REFLECT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"browser tests need {CHROMIUM}; .ci/run installs it with apt-get")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, settings, content):
    """The live server with its content loaded, quick exit landing on our own neutral page."""
    settings.REFLECT_EXIT_URL = "local"
    settings.REFLECT_DEFAULT_COUNTRY = "GB"
    return live_server.url


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


class NeutralSite(ThreadingHTTPServer):
    """An everyday "weather" site on another origin (127.0.0.1, its own port), recording requests."""

    daemon_threads = True

    def __init__(self):
        self.received = []
        super().__init__(("127.0.0.1", 0), NeutralHandler)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class NeutralHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.received.append((self.path, dict(self.headers)))
        if self.path.startswith("/slow"):
            time.sleep(1)  # keeps the page being left alive long enough to measure it
        body = b"<!doctype html><title>Weather</title><h1>Sunny spells</h1>"
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser moved on before the slow page answered

    def log_message(self, *args):
        pass


@pytest.fixture
def neutral_site(settings):
    """Quick exit lands on this stub instead of a real public site."""
    server = NeutralSite()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.REFLECT_EXIT_URL = server.url + "/weather"
    yield server
    server.shutdown()
    server.server_close()
