"""Public pages, rendered once and then served to every visitor who would see the same page.

A public page (the material, the prompts, help) differs between visitors only by what the safety
shell adds: the country's crisis numbers, discreet mode, leave no trace, and the first-visit tip.
So the page is kept in the cache under those, its path and the content version (which
`load_content` counts up), and compressed once when it is kept.

A page is shared only when it holds nothing of one visitor's own: never while a journal is
unlocked (the page then marks the person's answers and carries a form to lock), never when there
is a message to show, never for an address with a query string (whatever that says could end up
in the page). Shared pages carry no CSRF token either: the footer's forms are checked by
`Sec-Fetch-Site` instead. That is also why compressing them is safe: BREACH needs a secret and
reflected input together in one compressed response, and a shared page has neither.

Two places serve a kept page. `keep_public_pages`, a middleware above sessions, sign-in and CSRF,
serves it to a visitor who brings no session, journal key or message: for them those layers would
change nothing, and skipping them brings such a page close to a bare Django view's cost. Every
other visitor reaches the view, where `@public_page` asks the session whether the page fits them.
"""

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.text import compress_string

from reflect.learn.models import ContentVersion
from reflect.safety.shell import chosen_country, preferences
from reflect.vault.session import COOKIE as VAULT_COOKIE

View = Callable[..., HttpResponse]
GetResponse = Callable[[HttpRequest], HttpResponse]
Headers = list[tuple[str, str]]
# The page ready to send, as it is and compressed with gzip: {gzip?: (headers, body)}.
Page = dict[bool, tuple[Headers, bytes]]
# Headers that differ between the two ways a kept page is sent, written for each.
SENDING_HEADERS = {"Content-Length", "Content-Encoding", "Vary"}


def public_page(view: View) -> View:
    """Serves the view's page from the cache when it can be shared (see above), and otherwise
    marks a page that can be kept, which `keep_public_pages` then keeps on its way out."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_be_shared(request):
            return view(request, *args, **kwargs)
        key = page_key(request)
        if (page := cache.get(key)) is not None:
            return served(request, page)
        response = view(request, *args, **kwargs)
        response.keep_as = key
        return response

    return wrapper


def keep_public_pages(get_response: GetResponse) -> GetResponse:
    """Keeps the pages `public_page` marked, with the headers the middleware below it added; and
    serves a kept page at once to a visitor who brings nothing of their own, before sessions,
    sign-in and CSRF are looked at, since for such a visitor they would change nothing.

    Sits below the middleware that adds the headers every response gets (security, the tip
    cookie), so a page served from here still gets them; a page is kept only without cookies."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if brings_nothing_of_their_own(request) and (page := cache.get(page_key(request))) is not None:
            return served(request, page)
        response = get_response(request)
        key = getattr(response, "keep_as", None)
        if key is None or not can_be_kept(response):
            return response
        page = ready_to_send(response)
        cache.set(key, page, settings.REFLECT_PUBLIC_PAGE_SECONDS)
        return served(request, page)

    return middleware


def brings_nothing_of_their_own(request: HttpRequest) -> bool:
    """True when the page this visitor would see is the shared one, judged from the request alone:
    no session (so no unlocked journal and no message kept there), no key to a journal, no message
    in a cookie, and an address and host Reflect answers for."""
    if not can_be_shared_by_address(request):
        return False
    if any(name in request.COOKIES for name in (settings.SESSION_COOKIE_NAME, VAULT_COOKIE, CookieStorage.cookie_name)):
        return False
    try:
        request.get_host()  # a host not in ALLOWED_HOSTS gets the usual 400 from the full path
    except DisallowedHost:
        return False
    return True


def can_be_shared_by_address(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and "HTTP_HX_REQUEST" not in request.META
    )


def can_be_shared(request: HttpRequest) -> bool:
    return can_be_shared_by_address(request) and not request.vault.is_unlocked and not len(get_messages(request))


def can_be_kept(response: HttpResponse) -> bool:
    return response.status_code == 200 and not response.streaming and not response.cookies


def content_version() -> int:
    """The content version, read from the database at most once a second in each process."""
    return cache.get_or_set("content-version", ContentVersion.current, settings.REFLECT_CONTENT_CHECK_SECONDS)


def page_key(request: HttpRequest) -> str:
    shell = preferences(request)
    what_differs = [
        str(content_version()),
        chosen_country(request),
        *(f"{name}={int(on)}" for name, on in sorted(shell.items())),
        request.path,
    ]
    return "public-page:" + hashlib.sha256("\n".join(what_differs).encode()).hexdigest()


def ready_to_send(response: HttpResponse) -> Page:
    kept = [(name, value) for name, value in response.items() if name not in SENDING_HEADERS]
    # The same address gives another page to another country, display choice or encoding.
    kept.append(("Vary", "Accept-Encoding, Cookie"))
    compressed = compress_string(response.content)
    return {
        False: ([*kept, ("Content-Length", str(len(response.content)))], response.content),
        True: ([*kept, ("Content-Encoding", "gzip"), ("Content-Length", str(len(compressed)))], compressed),
    }


def served(request: HttpRequest, page: Page) -> HttpResponse:
    headers, body = page[bool(re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))]
    return HttpResponse(body, headers=headers)
