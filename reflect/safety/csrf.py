from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt


def fetch_metadata_origin(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Lets Django's CSRF protection work under `Referrer-Policy: no-referrer`.

    Under that policy browsers send `Origin: null` on every POST, even to the same site, so
    Django's origin check would refuse all our forms. `Sec-Fetch-Site` is set by the browser
    itself and cannot be forged by a page, so when it says "same-origin" we restore the Origin
    the browser withheld. Django's middleware then checks origin and CSRF token as always.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.META.get("HTTP_ORIGIN") == "null" and request.headers.get("Sec-Fetch-Site") == "same-origin":
            request.META["HTTP_ORIGIN"] = f"{request.scheme}://{request.get_host()}"
        return get_response(request)

    return middleware


def came_from_this_site(request: HttpRequest) -> bool:
    """Whether the browser says one of our own pages sent this request.

    `Sec-Fetch-Site` is written by the browser and no page can set it. Browsers too old to send
    it still send Origin on a POST; a request with neither comes from no web page at all, and it
    carries no cookie a web page could have lent it (our cookies are SameSite=Strict).
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    return origin is None or origin == f"{request.scheme}://{request.get_host()}"


def same_origin_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """CSRF protection by where the request came from, not by a form token.

    For saving drafts: a token goes stale when the journal is locked and unlocked in another tab,
    and a stale token must never cost someone the words they were typing. For the country and
    display choices in every page's footer: a token there would make each public page one
    visitor's own, so it could not be shared from the cache (reflect/public_pages.py).
    """

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not came_from_this_site(request):
            # The same kind page, with quick exit and help, as a form refused by Django's check.
            return import_string(settings.CSRF_FAILURE_VIEW)(request, reason="not sent from our own pages")
        return view(request, *args, **kwargs)

    return wrapper
