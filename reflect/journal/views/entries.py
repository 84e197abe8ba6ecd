"""Reading entries: the list (with search and topics), one entry, deleting one.

Every entry is sealed with its writer's data key; these views open it with `request.vault`.
"""

import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from reflect.prompts.forms import chosen_topic
from reflect.prompts.models import Dynamic, Exercise, Prompt
from reflect.vault.decorators import vault_required

from .. import portable
from ..access import owned
from ..answers import another_in_topic, prompt_of, prompts_by_slug
from ..forms import SearchForm
from ..models import ClientAssignment, Draft, Entry, Unreadable
from ..release import released

PAGE_SIZE = 20
JUST_SAVED = "just-saved"  # the tag on the "Saved." message that tells the entry's page it was just written
# Feelings ratings run from 0 (calm) to 10 (the most upset a person can imagine).
HIGH_DISTRESS = 7
RISING_DISTRESS = 2


@vault_required
@require_http_methods(["GET", "POST"])
def entry_list(request: HttpRequest) -> HttpResponse:
    """Newest first. Search is a POST so the words searched for stay out of history and logs."""
    status = 200
    dynamic, unknown = chosen_topic(request.GET)
    if unknown:
        messages.info(request, "We don't know that topic, so here are all your entries.")
        status = 400
    search = SearchForm(request.POST or None)
    searching = request.method == "POST" and search.is_valid()
    status = 400 if request.method == "POST" and not searching else status
    key = request.vault.data_key
    if searching or dynamic:
        # Which prompt an entry answers is sealed inside it, like the words: open them all to choose.
        in_topic = set(dynamic.prompts.values_list("slug", flat=True)) if dynamic else None
        needle = search.cleaned_data["q"].casefold() if searching else ""
        matches = [
            (entry, writing)
            for entry, writing in portable.readable_entries(request.user, key)[0]
            if (in_topic is None or writing.prompt in in_topic)
            and (needle in writing.text.casefold() or needle in writing.title.casefold())
        ]
        page = Paginator(matches, PAGE_SIZE).get_page(
            search.cleaned_data.get("page") if searching else request.GET.get("page")
        )
        rows = [{"entry": entry, "writing": writing} for entry, writing in page]
    else:
        entries = Entry.objects.filter(owner=request.user).select_related("legacy_prompt")
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = open_rows(page, key)
    prompts = prompts_by_slug(row["writing"].prompt for row in rows if row["writing"])
    for row in rows:
        row["prompt"] = prompts.get(row["writing"].prompt) if row["writing"] else None
    return render(
        request,
        "journal/list.html",
        {
            "rows": rows,
            "page": page,
            "search": search,
            "searching": searching,
            "dynamics": Dynamic.objects.all(),
            "dynamic": dynamic,
            "drafts": opened_drafts(request),
            "recovery_key_confirmed": request.user.vault.recovery_key_confirmed,
            "assignments": opened_assignments(request),
            "nav": "journal",
        },
        status=status,
    )


def opened_drafts(request: HttpRequest) -> list[dict[str, Any]]:
    drafts = Draft.objects.filter(owner=request.user).select_related("legacy_prompt")
    return [{"draft": draft, "writing": draft.open_or_none(request.vault.data_key)} for draft in drafts]


def open_rows(page: Iterable[Entry], key: bytes) -> list[dict[str, Any]]:
    return [{"entry": entry, "writing": entry.open_or_none(key)} for entry in page]


@vault_required
@require_safe
def entry_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    entry = owned(Entry.objects.select_related("legacy_prompt"), request, pk)
    writing = entry.open_or_none(request.vault.data_key)
    prompt = prompt_of(writing)
    just_saved = any(JUST_SAVED in message.tags for message in messages.get_messages(request))
    return render(
        request,
        "journal/detail.html",
        {
            "entry": entry,
            "writing": writing,
            "prompt": prompt,
            "sections": prompt.sections.all() if prompt else [],
            # After saving, a gentle next step: another question from the topic, a pause, or stopping here.
            "just_saved": just_saved,
            "another_prompt": another_in_topic(prompt) if just_saved and prompt else None,
            "offer_care": writing is not None and stirred_up(writing.distress_before, writing.distress_after),
            "exercises": Exercise.objects.all(),
            "nav": "journal",
        },
    )


def stirred_up(before: int | None, after: int | None) -> bool:
    """Whether writing seems to have stirred things up, so the entry's page offers grounding and
    the crisis line: the "after" rating is high, or it rose by 2 or more while the person wrote.
    Writing about hard things often brings a short rise in upset; the offer is there for that
    moment and asks nothing of anyone. A skipped rating counts as neither high nor rising."""
    if after is None:
        return False
    return after >= HIGH_DISTRESS or (before is not None and after - before >= RISING_DISTRESS)


@vault_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    entry = owned(Entry, request, pk)
    if request.method == "POST":
        entry.delete()
        messages.success(request, "The entry has been deleted.")
        return redirect("journal:list")
    writing = entry.open_or_none(request.vault.data_key)
    return render(request, "journal/delete.html", {"entry": entry, "writing": writing, "nav": "journal"})


def opened_assignments(request: HttpRequest) -> list[dict[str, Any]]:
    """The client's assignments, decrypted, with their library prompts looked up."""
    key = request.vault.data_key
    copies = list(ClientAssignment.objects.filter(owner=request.user).select_related("assignment"))
    contents = {}
    for copy in copies:
        try:
            contents[copy.pk] = copy.open(key)
        except Unreadable:
            contents[copy.pk] = None
    slugs = {slug for content in contents.values() if content for slug in content.get("prompts", [])}
    prompts = {prompt.slug: prompt for prompt in Prompt.objects.filter(slug__in=slugs)}
    rows = []
    for copy in copies:
        content = contents[copy.pk] or {}
        # A therapist may give the library prompts one every few days: only those here by today.
        arrived, next_on = released(content.get("prompts", []), content.get("release_every"), copy.received_at)
        rows.append(
            {
                "copy": copy,
                "content": contents[copy.pk],
                "prompts": [prompts[slug] for slug in arrived if slug in prompts],
                "next_prompt_on": next_on,
            }
        )
    return rows
