from collections.abc import Callable

from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .shell import LEGACY_DISPLAY_COOKIES, TIP_COOKIE, display_choices, remember_display, set_cookie

GetResponse = Callable[[HttpRequest], HttpResponse]


def security_headers(get_response: GetResponse) -> GetResponse:
    """The Content-Security-Policy (from django-csp's settings) and a Permissions-Policy that turns
    off device features no page of ours needs (camera, microphone, location).

    Our policy is the same for every response (no nonces), so it is written out once, not on every
    request as django-csp's own middleware does, which cost about a quarter of a cached page's time.
    """
    content_security_policy = build_policy()

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.setdefault("Content-Security-Policy", content_security_policy)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


def shell_cookies(get_response: GetResponse) -> GetResponse:
    """The first page a browser sees shows the quick-exit tip once, then a session cookie says so.

    Display choices saved under the older, telling cookie names move to the neutral one.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if any(request.COOKIES.get(cookie) for cookie in LEGACY_DISPLAY_COOKIES.values()):
            remember_display(response, display_choices(request))
        if (
            TIP_COOKIE not in request.COOKIES
            and TIP_COOKIE not in response.cookies
            and response.status_code == 200
            and not getattr(response, "leaves_no_cookies", False)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            set_cookie(response, TIP_COOKIE, "1")
        return response

    return middleware
