import logging

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from reflect.navigation import safe_target
from reflect.public_pages import public_page
from reflect.vault import session

from .csrf import same_origin_only
from .forms import CountryForm, PreferenceForm
from .helplines import COUNTRY_NAMES
from .models import Helpline
from .shell import (
    INTERNATIONAL,
    chosen_country,
    display_choices,
    exit_url,
    forget_visit,
    remember_country,
    remember_display,
)

logger = logging.getLogger(__name__)


# Exempt from CSRF on purpose: the only thing this view can do is lock and leave, and a
# person fleeing must never meet "form expired". The session cookie is SameSite=Strict,
# so another site cannot make use of it anyway.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest) -> HttpResponse:
    """Quick exit: lock the journal and forget the visit, whatever state the page was in.

    Without JavaScript the exit button is a plain link here, answered with a redirect to the
    everyday site. With JavaScript the page posts here and waits for the answer (204) before it
    replaces itself with that site, so the journal is locked before anything else is shown.
    """
    session.lock(request)
    response = HttpResponse(status=204) if request.method == "POST" else see_other(exit_url())
    return forget_visit(response)


@require_safe
def neutral(request: HttpRequest) -> HttpResponse:
    """An ordinary-looking page for quick exit when no outside site should be opened."""
    response = render(request, "safety/neutral.html")
    response.leaves_no_cookies = True  # landing here after an exit must not set the tip cookie again
    return response


def see_other(url: str) -> HttpResponseRedirect:
    """A 303: after a form, or on the way out, the browser asks for the next page with a GET."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def back_to(request: HttpRequest, target: str) -> HttpResponseRedirect:
    """A 303 to `target` if it is one of our pages, else to the contents."""
    return see_other(safe_target(request, target))


# These two are sent from every public page, and a CSRF token there would make each page one
# visitor's own (and a secret in a compressed page): the browser's Sec-Fetch-Site checks them.
@same_origin_only
@require_POST
def set_country(request: HttpRequest) -> HttpResponse:
    form = CountryForm(request.POST)
    if not form.is_valid():
        return error_page(request, 400, "That choice didn't come through", "Nothing was changed.")
    code = form.cleaned_data["country"]
    if not code:
        messages.info(
            request, "We don't have checked numbers for that place yet, so we show ways to find help anywhere."
        )
        code = INTERNATIONAL
    response = back_to(request, form.cleaned_data["next"])
    remember_country(response, code)
    return response


@same_origin_only
@require_POST
def set_preference(request: HttpRequest) -> HttpResponse:
    """Discreet mode and leave-no-trace mode, on or off."""
    form = PreferenceForm(request.POST)
    if not form.is_valid():
        return error_page(request, 400, "That setting doesn't exist", "Nothing was changed.")
    choices = display_choices(request)
    choices[form.cleaned_data["name"]] = form.cleaned_data["value"]
    response = back_to(request, form.cleaned_data["next"])
    remember_display(response, choices)
    return response


@require_safe
def preferences_page(request: HttpRequest) -> HttpResponse:
    return render(request, "safety/settings.html", {"nav": "settings"})


@public_page
@require_safe
def cover_your_tracks(request: HttpRequest) -> HttpResponse:
    return render(request, "safety/cover_your_tracks.html", {"nav": "settings"})


@public_page
@require_safe
def get_help(request: HttpRequest) -> HttpResponse:
    country = chosen_country(request)
    return render(
        request,
        "safety/help.html",
        {
            "sections": Helpline.objects.by_kind(country),
            "countries_covered": sorted(COUNTRY_NAMES.values()),
            "is_international": country == INTERNATIONAL,
        },
    )


def error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request,
        400,
        "Something in that request didn't make sense",
        "Nothing was changed. You can go back and try again.",
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request,
        403,
        "This page isn't available to you",
        "Nothing was changed. You can go back or start again from the contents.",
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request, 404, "We can't find that page", "The address may have a typing mistake, or the page may have moved."
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(
        request,
        403,
        "That form had expired",
        "For your safety, forms stop working after a while or after you leave. "
        "Nothing was changed. Go back, reload the page, and try once more.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page still shows the quick exit and crisis numbers, even if the database is down.

    When the full page can't be drawn, Django's own 500 view draws templates/500.html, which
    needs no context: the quick exit and the advice to call the local emergency number.
    """
    try:
        return error_page(
            request,
            500,
            "Something went wrong on our side",
            "It wasn't anything you did. Please try again in a moment.",
        )
    except Exception:
        logger.exception("could not render the full 500 page")
        return defaults.server_error(request)
