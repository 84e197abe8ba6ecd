"""What the safety shell needs on every page: the country for crisis numbers, the exit, and the
few cookies Reflect keeps in the browser.

Cookies are the trace a visit leaves on a shared device, so each one is chosen with care:
- choices that protect the person (discreet mode, leave no trace) live a year in one cookie with
  a name that says nothing ("display"), and survive a quick exit;
- conveniences (the country for crisis numbers, "the tip was seen") are cleared by a quick exit,
  and the tip cookie never outlives the browser session.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from .helplines import COUNTRY_NAMES, country_from_accept_language

INTERNATIONAL = "INTL"


def is_known(code: str) -> bool:
    return code in COUNTRY_NAMES or code == INTERNATIONAL


def chosen_country(request: HttpRequest) -> str:
    remembered = request.COOKIES.get(COUNTRY_COOKIE, "").upper()
    if is_known(remembered):
        return remembered
    if is_known(settings.REFLECT_DEFAULT_COUNTRY):
        return settings.REFLECT_DEFAULT_COUNTRY
    # META, not request.headers: this runs for every page served from the cache, and building
    # request.headers reads through every header, a fifth of the time such a page takes.
    return country_from_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", "")) or INTERNATIONAL


def country_choices() -> list[tuple[str, str]]:
    return [*sorted(COUNTRY_NAMES.items(), key=lambda item: item[1]), (INTERNATIONAL, "Another country")]


def exit_url() -> str:
    """Where quick exit lands: an everyday public site, or our own neutral page ("local")."""
    if settings.REFLECT_EXIT_URL == "local":
        return reverse("safety:neutral")
    return settings.REFLECT_EXIT_URL


COUNTRY_COOKIE = "country"
TIP_COOKIE = "tip"
DISPLAY_COOKIE = "display"
# Each protective choice is one word in the display cookie's value, e.g. "plain.replace".
DISPLAY_WORDS = {"discreet": "plain", "no_trace": "replace"}
# Names used before the cookies were renamed; read once, then replaced or cleared.
LEGACY_DISPLAY_COOKIES = {"discreet": "reflect_discreet", "no_trace": "reflect_no_trace"}
LEGACY_COOKIES = ["reflect_tip_seen", "reflect_country", *LEGACY_DISPLAY_COOKIES.values()]
COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def display_choices(request: HttpRequest) -> dict[str, bool]:
    """{"discreet": bool, "no_trace": bool}, from the display cookie or the older cookies."""
    if DISPLAY_COOKIE in request.COOKIES:
        words = set(request.COOKIES[DISPLAY_COOKIE].split("."))
        return {name: word in words for name, word in DISPLAY_WORDS.items()}
    return {name: request.COOKIES.get(cookie) == "1" for name, cookie in LEGACY_DISPLAY_COOKIES.items()}


def preferences(request: HttpRequest) -> dict[str, bool]:
    return {**display_choices(request), "tip_seen": TIP_COOKIE in request.COOKIES}


def set_cookie(response: HttpResponse, name: str, value: str, max_age: int | None = None) -> None:
    """HttpOnly because no script of ours reads these; no max_age means gone when the browser closes."""
    response.set_cookie(
        name, value, max_age=max_age, secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax"
    )


def remember_display(response: HttpResponse, choices: dict[str, bool]) -> None:
    words = [DISPLAY_WORDS[name] for name in DISPLAY_WORDS if choices.get(name)]
    if words:
        set_cookie(response, DISPLAY_COOKIE, ".".join(words), max_age=COOKIE_MAX_AGE)
    else:
        response.delete_cookie(DISPLAY_COOKIE, samesite="Lax")
    for cookie in LEGACY_DISPLAY_COOKIES.values():
        response.delete_cookie(cookie, samesite="Lax")


def remember_country(response: HttpResponse, code: str) -> None:
    set_cookie(response, COUNTRY_COOKIE, code, max_age=COOKIE_MAX_AGE)


def forget_visit(response: HttpResponse) -> HttpResponse:
    """After a quick exit, keep nothing that shows Reflect was used, beyond the browser's history.

    The protective display choices stay: losing discreet mode would make the next visit louder.
    """
    for cookie in [COUNTRY_COOKIE, TIP_COOKIE, settings.CSRF_COOKIE_NAME, *LEGACY_COOKIES]:
        response.delete_cookie(cookie, samesite="Lax")
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response
