"""safe_target: a `next` value only ever leads to a path on this site."""

import pytest
from django.test import RequestFactory

from reflect.navigation import safe_target

UNSAFE = [
    "foo",
    "foo/bar",
    "journal:list",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "\t//evil.example",
    " /journal/",
    "/journal/\x00",
    "/journal/\r\nSet-Cookie: x=1",
    "javascript:alert(1)",
    "http://evil.example/",
    "https://testserver/journal/",
    "//testserver/journal/",
    "http:/evil.example",
    "mailto:x@evil.example",
    "/\u3000/evil.example",
    "/journal/\u200b",
    "",
    None,
    "/" + "a" * 5000,
]
SAFE = ["/", "/journal/", "/journal/write/?prompt=not-my-fault", "/reflect/#exercises", "/journal/entries/x/edit/"]


@pytest.mark.parametrize("target", UNSAFE)
def test_anything_but_a_path_on_this_site_gives_the_fallback(target):
    request = RequestFactory().get("/")
    assert safe_target(request, target, "/fallback/") == "/fallback/"


@pytest.mark.parametrize("target", SAFE)
def test_a_path_on_this_site_is_kept(target):
    assert safe_target(RequestFactory().get("/"), target, "/fallback/") == target


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["foo", "//evil.example", "/\\evil.example", "/journal/\x00"])
def test_unlocking_with_a_strange_next_goes_to_the_journal(client, journal, target):
    response = client.get("/journal/unlock/", {"next": target})
    assert response.status_code == 302
    assert response.url == "/journal/"
