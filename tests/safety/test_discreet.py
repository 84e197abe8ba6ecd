"""Discreet mode says exactly what it does (issue 11, section 5): the tab and the titles saved in
history read "Notes", but each page's address does not change, so the settings page says so and
explains private windows, which keep pages out of history altogether."""

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from reflect.safety.shell import DISPLAY_COOKIE

pytestmark = pytest.mark.django_db


def text_of(html):
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def our_links(html):
    return {
        urlsplit(href).path
        for href in re.findall(r'<a [^>]*href="([^"]+)"', html)
        if href.startswith("/") and not href.startswith("//")
    }


def test_the_settings_page_says_addresses_still_show(client):
    text = text_of(client.get(reverse("safety:settings")).content.decode())
    assert "history list show just the word" not in text, "the old promise, which was not true"
    assert "still shows the address of each page" in text
    assert "private window" in text and "not added to your history" in text
    assert "before you turned discreet mode on" in text


def test_the_private_window_advice_is_prominent(client):
    html = client.get(reverse("safety:settings")).content.decode()
    advice = html.split('id="private-window"', 1)[1].split("</section>", 1)[0]
    assert "<h2" in advice or "<h3" in advice, "it has its own heading"
    assert "Ctrl+Shift+N" in advice and "Ctrl+Shift+P" in advice


def test_what_the_settings_page_says_is_what_discreet_mode_does(client):
    """Every page reachable from the contents, in two steps: the title is "Notes", the icon plain,
    and the addresses are the same as without discreet mode (which is why the page says they show)."""
    plain_links = our_links(client.get("/").content.decode())
    client.cookies[DISPLAY_COOKIE] = "plain"
    home = client.get("/").content.decode()
    assert our_links(home) == plain_links, "discreet mode does not change any address"
    assert any(path.startswith("/learn/") and path.count("/") > 2 for path in plain_links), "telling addresses"
    visited, links = {"/"}, our_links(home)
    for _depth in range(2):
        found = set()
        for path in sorted(links - visited):
            visited.add(path)
            if path.startswith(("/leave", "/static")):
                continue
            response = client.get(path, follow=True)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            html = response.content.decode()
            found |= our_links(html)
            assert "<title>Notes</title>" in html, path
            assert "neutral-icon" in re.search(r'<link rel="icon" href="([^"]+)"', html)[1], path
        links = found
    assert len(visited) > 20
