"""The client's side of working with a therapist, inside their journal: adding prompts from a
portable code, marking them done or skipped, and sharing an entry (or part of it) until they
stop sharing."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from reflect.journal.access import owned
from reflect.journal.answers import questions
from reflect.journal.models import ClientAssignment, Entry, Unreadable
from reflect.safety.views import error_page
from reflect.vault.decorators import vault_required

from ..forms import AssignmentStatusForm, PortableCodeForm, ShareForm, TherapistChoiceForm
from ..models import SharedEntry, Therapist
from ..portable import CodeProblem, read_portable_code

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@vault_required
@require_POST
def assignment_status(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    copy = owned(ClientAssignment, request, pk)
    form = AssignmentStatusForm(request.POST)
    if not form.is_valid():
        return error_page(request, 400, "That choice didn't come through", "Nothing was changed.")
    if form.cleaned_data["status"]:
        copy.status = form.cleaned_data["status"]
    if form.cleaned_data["hidden"] is not None:
        copy.status_hidden = form.cleaned_data["hidden"]
    copy.save(update_fields=["status", "status_hidden"])
    return redirect(reverse("journal:list") + "#from-therapist")


@vault_required
@require_http_methods(["GET", "POST"])
def add_assignment(request: HttpRequest) -> HttpResponse:
    """Paste (or upload) a portable code from a therapist: works with no server in common."""
    form = PortableCodeForm(request.POST or None, request.FILES or None)
    if request.method == "GET":
        return render(request, "practice/add_assignment.html", {"form": form, "nav": "journal"})
    try:
        if not form.is_valid():
            raise CodeProblem(" ".join(form.non_field_errors()) or "That code couldn't be read. Please paste it again.")
        content = read_portable_code(form.cleaned_data["text"])
    except CodeProblem as problem:
        return render(
            request, "practice/add_assignment.html", {"form": form, "error": str(problem), "nav": "journal"}, status=400
        )
    source = content.pop("id")
    copy = ClientAssignment(
        owner=request.user, source=source, due_date=date.fromisoformat(content["due"]) if content["due"] else None
    )
    copy.seal(request.vault.data_key, content)
    try:
        with transaction.atomic():
            copy.save(force_insert=True)
    except IntegrityError:  # the same code twice, perhaps from a double click: it is here once
        messages.info(request, "You have already added these prompts.")
        return redirect(reverse("journal:list") + "#from-therapist")
    messages.success(request, f"Prompts from {content['therapist']} are now in your journal.")
    return redirect(reverse("journal:list") + "#from-therapist")


def therapists_of(user: User) -> QuerySet[Therapist]:
    return Therapist.objects.filter(client_links__client=user)


@vault_required
@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Share one entry, or part of it, with a therapist: shown exactly, off until confirmed."""
    entry = owned(Entry.objects.select_related("legacy_prompt"), request, pk)
    choice = TherapistChoiceForm(request.POST if request.method == "POST" else request.GET)
    therapist = (
        therapists_of(request.user).filter(pk=choice.cleaned_data["therapist"]).first() if choice.is_valid() else None
    )
    if therapist is None:
        raise Http404("no such therapist for this person")
    try:
        writing = entry.open(request.vault.data_key)
    except Unreadable:
        messages.error(request, "This entry can't be opened, so it can't be shared.")
        return redirect("journal:detail", pk=entry.pk)
    form = ShareForm(request.POST or None, initial={"title": writing.title, "text": writing.text})
    if request.method == "POST" and form.is_valid():
        shared = SharedEntry(entry=entry)
        shared.seal_for(
            therapist,
            {
                "title": form.cleaned_data["title"],
                "text": form.cleaned_data["text"],
                "prompt": questions([writing])[0],
                "written_at": entry.created_at.isoformat(),
            },
        )
        with transaction.atomic():
            SharedEntry.objects.filter(entry=entry, therapist=therapist).delete()
            shared.save()
        messages.success(request, f"Shared with {therapist.display_name}. You can stop sharing at any time.")
        return redirect("journal:detail", pk=entry.pk)
    return render(
        request,
        "practice/share.html",
        {
            "entry": entry,
            "therapist": therapist,
            "form": form,
            "nav": "journal",
        },
        status=400 if request.method == "POST" else 200,
    )


@vault_required
@require_POST
def unshare(request: HttpRequest, pk: uuid.UUID, share_id: uuid.UUID) -> HttpResponse:
    shared = get_object_or_404(SharedEntry, pk=share_id, entry_id=pk, entry__owner=request.user)
    shared.delete()
    messages.success(request, "Your therapist can no longer read this entry.")
    return redirect("journal:detail", pk=pk)
