"""Writing: a new entry (freely, from a library prompt, or from a therapist's), editing one,
and keeping both versions when two tabs changed the same entry."""

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from reflect.prompts.models import Prompt
from reflect.safety.views import error_page
from reflect.vault.decorators import vault_required

from ..access import owned
from ..forms import WRITING_FIELDS, EntryForm, WritingLinkForm
from ..library import prompt_library
from ..models import ClientAssignment, Draft, Entry, Unreadable, Writing
from .entries import JUST_SAVED, opened_drafts


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
        "exercises": prompt_library().exercises,
        "autosave_seconds": settings.REFLECT_AUTOSAVE_SECONDS,
        "nav": "journal",
    }


def writing_initial(writing: Writing) -> dict[str, Any]:
    return {
        "prompt": writing.prompt,
        "title": writing.title,
        "text": writing.text,
        "distress_before": writing.distress_before,
        "distress_after": writing.distress_after,
    }


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
        prompt = prompt_library().prompts.get(form.cleaned_data.get("prompt") or "")
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
        entry = Entry(owner=request.user, assignment=copy, created_at=now, updated_at=now)
        entry.seal(key, writing_from(form, prompt.slug if prompt else "", prompt_text))
        with transaction.atomic():
            entry.save()
            forget_draft(request, form, entry=None)
            if copy:
                ClientAssignment.objects.filter(pk=copy.pk).update(status=ClientAssignment.DONE)
        messages.success(request, "Saved.", extra_tags=JUST_SAVED)
        return redirect("journal:detail", pk=entry.pk)

    link = WritingLinkForm(request.GET)
    if not link.is_valid():
        return prompt_not_found(request)
    asked = link.cleaned_data
    copy, prompt_text = therapist_prompt(request, asked["assignment"], asked["custom"])
    prompt = prompt_library().prompts.get(asked["prompt"] or "")
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
        initial = draft_initial(request, draft)
        prompt = prompt_library().prompts.get(initial.get("prompt", ""))
        form = EntryForm(initial=initial)
        return render(request, "journal/write.html", writing_context(request, form, prompt=prompt))
    offered = next(
        (
            row["draft"]
            for row in opened_drafts(request)
            if row["draft"].entry_id is None and row["writing"] and row["writing"].prompt == (asked["prompt"] or "")
        ),
        None,
    )
    form = EntryForm(initial={"draft_id": uuid.uuid4(), "draft_revision": 0, "prompt": prompt.slug if prompt else ""})
    return render(request, "journal/write.html", writing_context(request, form, prompt=prompt, offered_draft=offered))


def prompt_not_found(request: HttpRequest) -> HttpResponse:
    return error_page(
        request, 404, "We can't find that prompt", "You can still write freely, or choose a prompt from the library."
    )


def writing_from(form: EntryForm, prompt: str, prompt_text: str = "") -> Writing:
    """What the form holds, answering the library prompt with slug `prompt` ("" for none)."""
    data = form.cleaned_data
    return Writing(
        data["text"],
        data["title"],
        data["distress_before"],
        data["distress_after"],
        prompt_text,
        prompt=prompt,
    )


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
    entry = owned(Entry.objects.select_related("legacy_prompt"), request, pk)
    key = request.vault.data_key
    try:
        saved = entry.open(key)
    except Unreadable:
        messages.error(request, "This entry can't be opened, so it can't be edited. It may have been damaged.")
        return redirect("journal:detail", pk=entry.pk)
    prompt = prompt_library().prompts.get(saved.prompt)
    if request.method == "POST":
        form = EntryForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                "journal/write.html",
                writing_context(request, form, prompt=prompt, entry=entry, prompt_text=saved.prompt_text),
                status=400,
            )
        if form.cleaned_data.get("entry_revision") != entry.revision:
            return edit_conflict(request, entry, form, prompt)
        # The saved slug, even for a prompt since taken out of the library: the answer keeps its question.
        entry.seal(key, writing_from(form, saved.prompt, saved.prompt_text))
        updated = Entry.objects.filter(pk=entry.pk, revision=entry.revision).update(
            ciphertext=entry.ciphertext, revision=F("revision") + 1, updated_at=timezone.now()
        )
        if not updated:
            entry.refresh_from_db()
            return edit_conflict(request, entry, form, prompt)
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
                request, EntryForm(initial=initial), prompt=prompt, entry=entry, prompt_text=saved.prompt_text
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
            prompt=prompt,
            entry=entry,
            offered_draft=offered,
            prompt_text=saved.prompt_text,
        ),
    )


def edit_conflict(request: HttpRequest, entry: Entry, form: EntryForm, prompt: Prompt | None) -> HttpResponse:
    """The entry changed since this page opened it. Keep both: nothing is overwritten silently."""
    key = request.vault.data_key
    now = timezone.now()
    kept = Draft(
        owner=request.user,
        entry=entry,
        entry_revision=entry.revision,
        created_at=now,
        updated_at=now,
    )
    kept.seal(key, writing_from(form, prompt.slug if prompt else ""))
    kept.save()
    data = form.data.copy()
    data["entry_revision"] = str(entry.revision)
    data["draft_id"] = str(kept.id)
    data["draft_revision"] = str(kept.revision)
    saved = entry.open_or_none(key)
    return render(
        request,
        "journal/write.html",
        writing_context(request, EntryForm(data), prompt=prompt, entry=entry, conflict=saved),
        status=409,
    )
