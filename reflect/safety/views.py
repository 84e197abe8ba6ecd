import logging

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe, require_http_methods, require_POST

from reflect.navigation import safe_target
from reflect.vault import session

from .context_processors import helplines_by_kind
from .helplines import COUNTRY_NAMES
from .shell import INTERNATIONAL, PREFERENCE_COOKIES, chosen_country, exit_url, is_known, remember

logger = logging.getLogger(__name__)

# Exempt from CSRF on purpose: the only thing this view can do is lock and leave, and a
# person fleeing must never meet "form expired". The session cookie is SameSite=Strict,
# so another site cannot make use of it anyway.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def leave(request):
    """Quick exit without JavaScript (a plain link) and with it (a beacon): lock, then go."""
    session.lock(request)
    response = HttpResponseRedirect(exit_url())
    response.status_code = 303
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


@require_safe
def neutral(request):
    """An ordinary-looking page for quick exit when no outside site should be opened."""
    return render(request, "safety/neutral.html")


def back_to(request, target):
    """A 303 to `target` if it is one of our pages, else to the contents."""
    response = HttpResponseRedirect(safe_target(request, target))
    response.status_code = 303
    return response


@require_POST
def set_country(request):
    code = request.POST.get("country", "").strip().upper()
    if not is_known(code):
        messages.info(request, "We don't have checked numbers for that place yet, so we show ways to find help anywhere.")
        code = INTERNATIONAL
    response = back_to(request, request.POST.get("next", ""))
    remember(response, settings.REFLECT_COUNTRY_COOKIE, code)
    return response


@require_POST
def set_preference(request):
    """Discreet mode, leave-no-trace mode, and the first-visit tip: on ("1") or off ("0")."""
    name, value = request.POST.get("name", ""), request.POST.get("value", "")
    if name not in PREFERENCE_COOKIES or value not in {"0", "1"}:
        return error_page(request, 400, "That setting doesn't exist", "Nothing was changed.")
    response = back_to(request, request.POST.get("next", ""))
    if value == "1":
        remember(response, PREFERENCE_COOKIES[name], "1")
    else:
        response.delete_cookie(PREFERENCE_COOKIES[name], samesite="Lax")
    return response


@require_safe
def preferences_page(request):
    return render(request, "safety/settings.html", {"nav": "settings"})


@require_safe
def cover_your_tracks(request):
    return render(request, "safety/cover_your_tracks.html", {"nav": "settings"})


@require_safe
def get_help(request):
    country = chosen_country(request)
    return render(request, "safety/help.html", {
        "sections": helplines_by_kind(country),
        "countries_covered": sorted(COUNTRY_NAMES.values()),
        "is_international": country == INTERNATIONAL,
    })


def error_page(request, status, title, message):
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    return error_page(request, 400, "Something in that request didn't make sense",
                      "Nothing was changed. You can go back and try again.")


def permission_denied(request, exception=None):
    return error_page(request, 403, "This page isn't available to you",
                      "Nothing was changed. You can go back or start again from the contents.")


def page_not_found(request, exception=None):
    return error_page(request, 404, "We can't find that page",
                      "The address may have a typing mistake, or the page may have moved.")


def csrf_failure(request, reason=""):
    return error_page(request, 403, "That form had expired",
                      "For your safety, forms stop working after a while or after you leave. "
                      "Nothing was changed. Go back, reload the page, and try once more.")


def server_error(request):
    """The 500 page still shows the quick exit and crisis numbers, even if the database is down."""
    try:
        return error_page(request, 500, "Something went wrong on our side",
                          "It wasn't anything you did. Please try again in a moment.")
    except Exception:
        logger.exception("could not render the full 500 page")
        template = loader.get_template("500.html")
        return HttpResponse(template.render({"exit_url": exit_url()}), status=500)
