from django.conf import settings

from .shell import PREFERENCE_COOKIES, remember


def permissions_policy(get_response):
    """Turns off device features no page of ours ever needs (camera, microphone, location)."""

    def middleware(request):
        response = get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


def first_visit_tip(get_response):
    """The quick-exit tip is shown on a first visit only: the first page sets a cookie saying so."""

    def middleware(request):
        response = get_response(request)
        if (
            PREFERENCE_COOKIES["tip_seen"] not in request.COOKIES
            and response.status_code == 200
            and response.get("Content-Type", "").startswith("text/html")
        ):
            remember(response, PREFERENCE_COOKIES["tip_seen"], "1")
        return response

    return middleware
