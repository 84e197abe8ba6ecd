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
"""

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

from reflect.learn.models import ContentVersion
from reflect.safety.shell import chosen_country, preferences

View = Callable[..., HttpResponse]
# (Content-Type, the page, the page compressed with gzip)
Page = tuple[str, bytes, bytes]


def public_page(view: View) -> View:
    """Serves the view's page from the cache when it can be shared (see above)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_be_shared(request):
            return view(request, *args, **kwargs)
        key = page_key(request)
        page = cache.get(key)
        if page is None:
            response = view(request, *args, **kwargs)
            if not can_be_kept(response):
                return response
            page = (response["Content-Type"], response.content, compress_string(response.content))
            cache.set(key, page, settings.REFLECT_PUBLIC_PAGE_SECONDS)
        return served(request, page)

    return wrapper


def can_be_shared(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and "HX-Request" not in request.headers
        and not request.vault.is_unlocked
        and not len(get_messages(request))
    )


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


def served(request: HttpRequest, page: Page) -> HttpResponse:
    content_type, body, compressed = page
    response = HttpResponse(content_type=content_type)
    if re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")):
        response.content = compressed
        response["Content-Encoding"] = "gzip"
    else:
        response.content = body
    # The same address gives another page to another country, display choice or encoding.
    patch_vary_headers(response, ["Accept-Encoding", "Cookie"])
    return response
