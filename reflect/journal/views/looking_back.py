"""Looking back: the person's own feelings ratings, topics and prompts, and entries over time.

Worked out on each request from the entries opened with `request.vault`; nothing is stored.
"""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from reflect.prompts.models import Dynamic
from reflect.vault.decorators import vault_required

from .. import feelings_chart
from ..forms import LookingBackForm
from ..looking_back import DEFAULT_RANGE, RANGES, Range, look_back
from ..models import Entry, Writing
from ..portable import readable_entries


@vault_required
@require_safe
def looking_back(request: HttpRequest) -> HttpResponse:
    form = LookingBackForm(request.GET)
    chosen = form.cleaned_data["range"] if form.is_valid() else DEFAULT_RANGE
    today = timezone.localdate()
    opened, unreadable = opened_in_range(request.user, request.vault.data_key, chosen, today)
    summary = look_back(opened, chosen, today, list(Dynamic.objects.prefetch_related("prompts")))
    return render(
        request,
        "journal/looking_back.html",
        {
            "form": form,
            "ranges": RANGES,
            "chosen": chosen,
            "summary": summary,
            "chart": feelings_chart.draw(summary) if summary.feelings else None,
            "unreadable": unreadable,
            # Whether there is anything at all to look back on, in this range or another.
            "has_entries": bool(opened or unreadable) or Entry.objects.filter(owner=request.user).exists(),
            "nav": "journal",
        },
        status=200 if form.is_valid() else 400,
    )


def opened_in_range(
    owner: User, data_key: bytes, chosen: Range, today: date
) -> tuple[list[tuple[Entry, Writing]], int]:
    """(entry, writing) for the entries written in the range that open, and how many did not:
    the last 4 weeks never open ten years of entries."""
    since = chosen.since(today)
    if since is None:
        return readable_entries(owner, data_key)
    tomorrow = today + timedelta(days=1)
    return readable_entries(
        owner, data_key, created_at__gte=local_midnight(since), created_at__lt=local_midnight(tomorrow)
    )


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
