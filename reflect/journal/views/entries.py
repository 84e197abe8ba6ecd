"""Reading and writing entries: the list (and search), one entry, writing, editing, deleting.

Every entry is sealed with its writer's data key; these views open it with `request.vault`.
"""

import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from reflect.prompts.forms import chosen_topic
from reflect.prompts.models import Dynamic, Exercise, Prompt
from reflect.safety.views import error_page
from reflect.vault.decorators import vault_required

from .. import portable
from ..access import owned
from ..forms import WRITING_FIELDS, EntryForm, SearchForm, WritingLinkForm
from ..models import ClientAssignment, Draft, Entry, Unreadable, Writing

PAGE_SIZE = 20
HIGH_DISTRESS = 7


@vault_required
@require_http_methods(["GET", "POST"])
def entry_list(request: HttpRequest) -> HttpResponse:
    """Newest first. Search is a POST so the words searched for stay out of history and logs."""
    entries = Entry.objects.filter(owner=request.user).select_related("prompt__dynamic")
    dynamics = Dynamic.objects.all()
    status = 200
    dynamic, unknown = chosen_topic(request.GET)
    if unknown:
        messages.info(request, "We don't know that topic, so here are all your entries.")
        status = 400
    elif dynamic:
        entries = entries.filter(prompt__dynamic=dynamic)
    search = SearchForm(request.POST or None)
    key = request.vault.data_key
    if request.method == "POST":
        if not search.is_valid():
            status = 400
            page = Paginator(entries, PAGE_SIZE).get_page(1)
            rows = open_rows(page, key)
        else:
            needle = search.cleaned_data["q"].casefold()
            matches = [
                (entry, writing)
                for entry, writing in portable.readable_entries(request.user, key)[0]
                if (dynamic is None or (entry.prompt and entry.prompt.dynamic_id == dynamic.id))
                and (needle in writing.text.casefold() or needle in writing.title.casefold())
            ]
            page = Paginator(matches, PAGE_SIZE).get_page(search.cleaned_data.get("page"))
            rows = [{"entry": entry, "writing": writing} for entry, writing in page]
    else:
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = open_rows(page, key)
    return render(
        request,
        "journal/list.html",
        {
            "rows": rows,
            "page": page,
            "search": search,
            "searching": request.method == "POST" and search.is_valid(),
            "dynamics": dynamics,
            "dynamic": dynamic,
            "drafts": Draft.objects.filter(owner=request.user).select_related("prompt"),
            "recovery_key_confirmed": request.user.vault.recovery_key_confirmed,
            "assignments": opened_assignments(request),
            "nav": "journal",
        },
        status=status,
    )


def open_rows(page: Iterable[Entry], key: bytes) -> list[dict[str, Entry | Writing | None]]:
    rows = []
    for entry in page:
        try:
            rows.append({"entry": entry, "writing": entry.open(key)})
        except Unreadable:
            rows.append({"entry": entry, "writing": None})
    return rows


@vault_required
@require_safe
def entry_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    entry = owned(Entry.objects.select_related("prompt__dynamic"), request, pk)
    try:
        writing = entry.open(request.vault.data_key)
    except Unreadable:
        writing = None
    return render(
        request,
        "journal/detail.html",
        {
            "entry": entry,
            "writing": writing,
            "high_distress": writing is not None and (writing.distress_after or 0) >= HIGH_DISTRESS,
            "exercises": Exercise.objects.all(),
            "nav": "journal",
        },
    )


def writing_context(
    request: HttpRequest,
    form: EntryForm,
    *,
    prompt: Prompt | None = None,
    entry: Entry | None = None,
    offered_draft: Draft | None = None,
    conflict: Writing | None = None,
    prompt_text: str = "",
) -> dict[str, Any]:
    return {
        "form": form,
        "prompt": prompt,
        "prompt_text": prompt_text,
        "entry": entry,
        "offered_draft": offered_draft,
        "conflict": conflict,
        "exercises": Exercise.objects.all(),
        "autosave_seconds": settings.REFLECT_AUTOSAVE_SECONDS,
        "nav": "journal",
    }


def writing_initial(writing: Writing) -> dict[str, Any]:
    return {
        "title": writing.title,
        "text": writing.text,
        "distress_before": writing.distress_before,
        "distress_after": writing.distress_after,
    }


def prompt_from(value: str | None) -> Prompt | None:
    return Prompt.objects.select_related("dynamic").filter(slug=value).first() if value else None


def draft_initial(request: HttpRequest, draft: Draft) -> dict[str, Any]:
    """The form's starting values from a draft being continued; an unreadable draft starts empty."""
    try:
        initial = writing_initial(draft.open(request.vault.data_key))
    except Unreadable:
        initial = {}
        messages.error(request, "That draft can't be opened; it may have been damaged.")
    initial.update(draft_id=draft.id, draft_revision=draft.revision)
    return initial


def continued_draft(request: HttpRequest, draft_id: uuid.UUID | None, entry: Entry | None = None) -> Draft | None:
    """The draft named in ?draft=, if it is this person's and belongs to this page."""
    if draft_id is None:
        return None
    return Draft.objects.filter(pk=draft_id, owner=request.user, entry=entry).first()


@vault_required(carry=WRITING_FIELDS)
@require_http_methods(["GET", "POST"])
def write(request: HttpRequest) -> HttpResponse:
    key = request.vault.data_key
    if request.method == "POST":
        form = EntryForm(request.POST)
        valid = form.is_valid()
        prompt = prompt_from(form.cleaned_data.get("prompt"))
        copy, prompt_text = therapist_prompt(
            request, form.cleaned_data.get("assignment"), form.cleaned_data.get("custom")
        )
        if not valid:
            return render(
                request,
                "journal/write.html",
                writing_context(request, form, prompt=prompt, prompt_text=prompt_text),
                status=400,
            )
        now = timezone.now()
        entry = Entry(owner=request.user, prompt=prompt, assignment=copy, created_at=now, updated_at=now)
        entry.seal(key, writing_from(form, prompt_text))
        with transaction.atomic():
            entry.save()
            forget_draft(request, form, entry=None)
            if copy:
                ClientAssignment.objects.filter(pk=copy.pk).update(status=ClientAssignment.DONE)
        messages.success(request, "Saved.")
        return redirect("journal:detail", pk=entry.pk)

    link = WritingLinkForm(request.GET)
    if not link.is_valid():
        return prompt_not_found(request)
    asked = link.cleaned_data
    copy, prompt_text = therapist_prompt(request, asked["assignment"], asked["custom"])
    prompt = prompt_from(asked["prompt"])
    if copy:
        form = EntryForm(
            initial={
                "draft_id": uuid.uuid4(),
                "draft_revision": 0,
                "prompt": asked["prompt"] or "",
                "assignment": copy.pk,
                "custom": asked["custom"],
            }
        )
        return render(
            request, "journal/write.html", writing_context(request, form, prompt=prompt, prompt_text=prompt_text)
        )
    if asked["prompt"] and prompt is None:
        return prompt_not_found(request)
    draft = continued_draft(request, asked["draft"])
    if draft:
        prompt = draft.prompt
        initial = draft_initial(request, draft)
        initial["prompt"] = prompt.slug if prompt else ""
        form = EntryForm(initial=initial)
        return render(request, "journal/write.html", writing_context(request, form, prompt=prompt))
    offered = Draft.objects.filter(owner=request.user, entry=None, prompt=prompt).first()
    form = EntryForm(initial={"draft_id": uuid.uuid4(), "draft_revision": 0, "prompt": prompt.slug if prompt else ""})
    return render(request, "journal/write.html", writing_context(request, form, prompt=prompt, offered_draft=offered))


def prompt_not_found(request: HttpRequest) -> HttpResponse:
    return error_page(
        request, 404, "We can't find that prompt", "You can still write freely, or choose a prompt from the library."
    )


def writing_from(form: EntryForm, prompt_text: str = "") -> Writing:
    data = form.cleaned_data
    return Writing(data["text"], data["title"], data["distress_before"], data["distress_after"], prompt_text)


def therapist_prompt(
    request: HttpRequest,
    copy_id: uuid.UUID | None,
    index: int | None,
) -> tuple[ClientAssignment | None, str]:
    """(assignment copy, custom prompt text) when writing answers a therapist's assignment.

    The prompt text comes from the person's own sealed copy, never from the request."""
    if copy_id is None:
        return None, ""
    copy = get_object_or_404(ClientAssignment, pk=copy_id, owner=request.user)
    if index is None:
        return copy, ""
    try:
        return copy, copy.open(request.vault.data_key)["custom"][index]
    except (Unreadable, IndexError, KeyError):
        raise Http404("no such prompt in this assignment") from None


def forget_draft(request: HttpRequest, form: EntryForm, entry: Entry | None) -> None:
    """The draft this page autosaved into is no longer needed once the entry is saved."""
    draft_id = form.cleaned_data.get("draft_id")
    if draft_id:
        Draft.objects.filter(pk=draft_id, owner=request.user, entry=entry).delete()


@vault_required(carry=WRITING_FIELDS)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    entry = owned(Entry.objects.select_related("prompt__dynamic"), request, pk)
    key = request.vault.data_key
    try:
        saved = entry.open(key)
    except Unreadable:
        messages.error(request, "This entry can't be opened, so it can't be edited. It may have been damaged.")
        return redirect("journal:detail", pk=entry.pk)
    if request.method == "POST":
        form = EntryForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                "journal/write.html",
                writing_context(request, form, prompt=entry.prompt, entry=entry, prompt_text=saved.prompt_text),
                status=400,
            )
        if form.cleaned_data.get("entry_revision") != entry.revision:
            return edit_conflict(request, entry, form)
        entry.seal(key, writing_from(form, saved.prompt_text))
        updated = Entry.objects.filter(pk=entry.pk, revision=entry.revision).update(
            ciphertext=entry.ciphertext, revision=F("revision") + 1, updated_at=timezone.now()
        )
        if not updated:
            entry.refresh_from_db()
            return edit_conflict(request, entry, form)
        forget_draft(request, form, entry=entry)
        messages.success(request, "Your changes are saved.")
        return redirect("journal:detail", pk=entry.pk)

    link = WritingLinkForm(request.GET)
    draft = continued_draft(request, link.cleaned_data["draft"], entry=entry) if link.is_valid() else None
    if draft:
        initial = draft_initial(request, draft)
        initial["entry_revision"] = draft.entry_revision
        return render(
            request,
            "journal/write.html",
            writing_context(
                request, EntryForm(initial=initial), prompt=entry.prompt, entry=entry, prompt_text=saved.prompt_text
            ),
        )
    initial = writing_initial(saved)
    initial.update(draft_id=uuid.uuid4(), draft_revision=0, entry_revision=entry.revision)
    offered = Draft.objects.filter(owner=request.user, entry=entry).first()
    return render(
        request,
        "journal/write.html",
        writing_context(
            request,
            EntryForm(initial=initial),
            prompt=entry.prompt,
            entry=entry,
            offered_draft=offered,
            prompt_text=saved.prompt_text,
        ),
    )


def edit_conflict(request: HttpRequest, entry: Entry, form: EntryForm) -> HttpResponse:
    """The entry changed since this page opened it. Keep both: nothing is overwritten silently."""
    key = request.vault.data_key
    now = timezone.now()
    kept = Draft(
        owner=request.user,
        prompt=entry.prompt,
        entry=entry,
        entry_revision=entry.revision,
        created_at=now,
        updated_at=now,
    )
    kept.seal(key, writing_from(form))
    kept.save()
    data = form.data.copy()
    data["entry_revision"] = str(entry.revision)
    data["draft_id"] = str(kept.id)
    data["draft_revision"] = str(kept.revision)
    try:
        saved = entry.open(key)
    except Unreadable:
        saved = None
    return render(
        request,
        "journal/write.html",
        writing_context(request, EntryForm(data), prompt=entry.prompt, entry=entry, conflict=saved),
        status=409,
    )


@vault_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    entry = owned(Entry, request, pk)
    if request.method == "POST":
        entry.delete()
        messages.success(request, "The entry has been deleted.")
        return redirect("journal:list")
    try:
        writing = entry.open(request.vault.data_key)
    except Unreadable:
        writing = None
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
    return [
        {
            "copy": copy,
            "content": contents[copy.pk],
            "prompts": [prompts[slug] for slug in (contents[copy.pk] or {}).get("prompts", []) if slug in prompts],
        }
        for copy in copies
    ]
