from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from reflect.content import kept
from reflect.public_pages import content_version

from .helplines import COUNTRY_NAMES
from .models import Helpline, for_thoughts_of_suicide
from .shell import chosen_country, country_choices, exit_url, preferences


def safety(request: HttpRequest) -> dict[str, Any]:
    country = chosen_country(request)
    # The same numbers for everyone in a country: read once per content version (reflect/content.py).
    helplines = SimpleLazyObject(lambda: kept(f"helplines:{country}", lambda: Helpline.objects.by_kind(country)))
    return {
        "country": country,
        "country_name": COUNTRY_NAMES.get(country, ""),
        "country_choices": country_choices(),
        "helplines": helplines,
        "for_thoughts_of_suicide": SimpleLazyObject(lambda: for_thoughts_of_suicide(helplines)),
        "helpline_directory_url": settings.REFLECT_HELPLINE_DIRECTORY_URL,
        "exit_url": exit_url(),
        "prefs": preferences(request),
        # What the footer's rendering is kept under, with the country and display choice.
        "content_version": SimpleLazyObject(content_version),
    }
