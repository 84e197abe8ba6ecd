"""What the safety shell needs on every page: the country for crisis numbers, and the exit."""

from django.conf import settings
from django.urls import reverse

from .helplines import COUNTRY_NAMES, country_from_accept_language

INTERNATIONAL = "INTL"


def is_known(code):
    return code in COUNTRY_NAMES or code == INTERNATIONAL


def chosen_country(request):
    remembered = request.COOKIES.get(settings.REFLECT_COUNTRY_COOKIE, "").upper()
    if is_known(remembered):
        return remembered
    if is_known(settings.REFLECT_DEFAULT_COUNTRY):
        return settings.REFLECT_DEFAULT_COUNTRY
    return country_from_accept_language(request.headers.get("Accept-Language", "")) or INTERNATIONAL


def country_choices():
    return sorted(COUNTRY_NAMES.items(), key=lambda item: item[1]) + [(INTERNATIONAL, "Another country")]


def exit_url():
    """Where quick exit lands: an everyday public site, or our own neutral page ("local")."""
    if settings.REFLECT_EXIT_URL == "local":
        return reverse("safety:neutral")
    return settings.REFLECT_EXIT_URL


# Per-device choices, kept in cookies so they work before (and without) unlocking anything.
PREFERENCE_COOKIES = {
    "discreet": "reflect_discreet",
    "no_trace": "reflect_no_trace",
    "tip_seen": "reflect_tip_seen",
}


def preferences(request):
    return {name: request.COOKIES.get(cookie) == "1" for name, cookie in PREFERENCE_COOKIES.items()}


COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def remember(response, cookie, value):
    """A year-long choice cookie: HttpOnly because no script of ours needs to read it."""
    response.set_cookie(cookie, value, max_age=COOKIE_MAX_AGE, secure=settings.SESSION_COOKIE_SECURE,
                        httponly=True, samesite="Lax")
