"""Reading entries: the list (with search and topics), one entry, deleting one.

Every entry is sealed with its writer's data key; these views open it with `request.vault`.
"""

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from reflect.prompts.forms import chosen_topic
from reflect.vault.decorators import vault_required
from reflect.vault.models import Vault

from ..access import owned
from ..answers import another_in_topic
from ..forms import EntryPageForm, SearchForm
from ..library import Library, prompt_library
from ..models import ClientAssignment, Draft, Entry, Unreadable, Writing
from ..paging import EntryPage, as_rows, entry_page, one_at_a_time, results_page
from ..release import released

JUST_SAVED = "just-saved"  # the tag on the "Saved." message that tells the entry's page it was just written
# Feelings ratings run from 0 (calm) to 10 (the most upset a person can imagine).
HIGH_DISTRESS = 7
RISING_DISTRESS = 2


@vault_required
@require_http_methods(["GET", "POST"])
def entry_list(request: HttpRequest) -> HttpResponse:
    """Newest first, a page at a time. Search is a POST so the words searched for stay out of history and logs."""
    status = 200
    dynamic, unknown = chosen_topic(request.GET)
    if unknown:
        messages.info(request, "We don't know that topic, so here are all your entries.")
        status = 400
    search = SearchForm(request.POST or None)
    searching = request.method == "POST" and search.is_valid()
    status = 400 if request.method == "POST" and not searching else status
    library = prompt_library()
    # Which prompt an entry answers is sealed inside it, like the words: a topic opens entries to choose.
    in_topic = library.prompts_about(dynamic) if dynamic else None

    def chosen(writing: Writing) -> bool:
        return in_topic is None or writing.prompt in in_topic

    results, page = None, None
    if searching:
        needle = search.cleaned_data["q"].casefold()

        def found(writing: Writing) -> bool:
            return chosen(writing) and (needle in writing.text.casefold() or needle in writing.title.casefold())

        opened = one_at_a_time(owned_entries(request), request.vault.data_key)
        results = results_page(opened, found, search.cleaned_data["page"] or 1)
        rows = as_rows(results.rows)
    else:
        page, status = page_asked_for(request, chosen if dynamic else None, status)
        rows = as_rows(page.rows)
    for row in rows:
        row["prompt"] = library.prompts.get(row["writing"].prompt) if row["writing"] else None
    waiting = waiting_above_the_entries(request)
    return render(
        request,
        "journal/list.html",
        {
            "rows": rows,
            "page": page,
            "results": results,
            "search": search,
            "searching": searching,
            "dynamics": library.dynamics,
            "dynamic": dynamic,
            "drafts": opened_drafts(request) if waiting["has_drafts"] else [],
            "recovery_key_confirmed": waiting["recovery_key_confirmed"],
            "assignments": opened_assignments(request, library) if waiting["has_assignments"] else [],
            "nav": "journal",
        },
        status=status,
    )


def owned_entries(request: HttpRequest) -> QuerySet[Entry]:
    return Entry.objects.filter(owner=request.user).select_related("legacy_prompt")


def page_asked_for(request: HttpRequest, keep: Callable[[Writing], bool] | None, status: int) -> tuple[EntryPage, int]:
    """The page `?older=` or `?newer=` names; the newest, saying why, when it can't be shown."""
    asked = EntryPageForm(request.GET)
    key = request.vault.data_key
    if not asked.is_valid():
        messages.info(request, EntryPageForm.UNKNOWN)
        return entry_page(owned_entries(request), key, keep=keep), 400
    edges = {"older_than": asked.cleaned_data["older"], "newer_than": asked.cleaned_data["newer"]}
    page = entry_page(owned_entries(request), key, keep=keep, **edges)
    if page is None:
        messages.info(request, "That page of your journal has changed, so here are your newest entries.")
        page = entry_page(owned_entries(request), key, keep=keep)
    return page, status


def waiting_above_the_entries(request: HttpRequest) -> dict[str, bool]:
    """What the list shows above the entries, in one question: whether the recovery key is
    confirmed, and whether there are drafts or a therapist's prompts to open."""
    mine = OuterRef("owner")
    overview = Vault.objects.filter(owner=request.user).values("recovery_key_confirmed")
    return overview.annotate(
        has_drafts=Exists(Draft.objects.filter(owner=mine)),
        has_assignments=Exists(ClientAssignment.objects.filter(owner=mine)),
    ).get()


def opened_drafts(request: HttpRequest) -> list[dict[str, Any]]:
    drafts = Draft.objects.filter(owner=request.user).select_related("legacy_prompt")
    return [{"draft": draft, "writing": draft.open_or_none(request.vault.data_key)} for draft in drafts]


@vault_required
@require_safe
def entry_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    entry = owned(Entry.objects.select_related("legacy_prompt"), request, pk)
    writing = entry.open_or_none(request.vault.data_key)
    library = prompt_library()
    prompt = library.prompts.get(writing.prompt) if writing else None
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
            "exercises": library.exercises,
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


def opened_assignments(request: HttpRequest, library: Library) -> list[dict[str, Any]]:
    """The client's assignments, decrypted, with their library prompts looked up."""
    key = request.vault.data_key
    copies = list(ClientAssignment.objects.filter(owner=request.user).select_related("assignment"))
    contents = {}
    for copy in copies:
        try:
            contents[copy.pk] = copy.open(key)
        except Unreadable:
            contents[copy.pk] = None
    rows = []
    for copy in copies:
        content = contents[copy.pk] or {}
        # A therapist may give the library prompts one every few days: only those here by today.
        arrived, next_on = released(content.get("prompts", []), content.get("release_every"), copy.received_at)
        rows.append(
            {
                "copy": copy,
                "content": contents[copy.pk],
                "prompts": [library.prompts[slug] for slug in arrived if slug in library.prompts],
                "next_prompt_on": next_on,
            }
        )
    return rows
