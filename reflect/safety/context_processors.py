from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .helplines import COUNTRY_NAMES
from .models import Helpline
from .shell import chosen_country, country_choices, exit_url, preferences


def helplines_by_kind(country):
    """[(kind, label, [helpline, ...]), ...] in the order a person in trouble needs them."""
    lines = list(Helpline.objects.filter(country=country))
    return [(kind, label, [line for line in lines if line.kind == kind]) for kind, label in Helpline.KIND_CHOICES]


def safety(request):
    country = chosen_country(request)
    return {
        "country": country,
        "country_name": COUNTRY_NAMES.get(country, ""),
        "country_choices": country_choices(),
        "helplines": SimpleLazyObject(lambda: helplines_by_kind(country)),
        "helpline_directory_url": settings.REFLECT_HELPLINE_DIRECTORY_URL,
        "exit_url": exit_url(),
        "prefs": preferences(request),
    }
