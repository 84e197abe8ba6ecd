from django.conf import settings
from django.http import HttpRequest

from .session import COOKIE, SEEN_RESOLUTION_SECONDS, idle_seconds_allowed


def vault(request: HttpRequest) -> dict[str, int | str]:
    seconds = idle_seconds_allowed()
    return {
        "idle_lock_seconds": seconds,
        "idle_lock_minutes": seconds // 60,
        # What "What we store" names: how finely the idle clock moves, and the cookies.
        "idle_clock_seconds": SEEN_RESOLUTION_SECONDS,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "key_cookie": COOKIE,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
    }
