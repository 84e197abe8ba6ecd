"""The therapist's pages: their clients, assignments (link, QR code, portable code, worksheet),
withdrawing a code, and the entries clients chose to share."""

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

import segno
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from reflect.journal.models import Unreadable
from reflect.journal.release import gap, release_days
from reflect.programmes.models import Programme
from reflect.prompts.forms import chosen_topic
from reflect.prompts.models import Dynamic, Prompt
from reflect.vault.decorators import vault_required

from ..forms import AssignmentForm
from ..models import Assignment, ClientLink, SharedEntry, Therapist
from ..portable import portable_code, portable_id


def therapist_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only an unlocked therapist gets past; anyone else sees a page that doesn't exist."""

    @vault_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        therapist = Therapist.objects.filter(user=request.user).first()
        if therapist is None:
            raise Http404("not a therapist")
        request.therapist = therapist
        return view(request, *args, **kwargs)

    return wrapper


def therapist_key(request: HttpRequest) -> bytes:
    return request.therapist.private_key(request.vault.data_key)


def client_status(assignment: Assignment) -> str:
    """What the therapist may know: the state of the code, then the client's status unless hidden."""
    copy = getattr(assignment, "client_copy", None)
    if not assignment.redeemed_at or copy is None:
        return assignment.state
    if copy.status_hidden:
        return "status hidden by your client"
    return copy.get_status_display().lower()


@therapist_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    assignments = request.therapist.assignments.select_related("client", "client_copy")
    for assignment in assignments:
        assignment.status_text = client_status(assignment)
    return render(
        request,
        "practice/dashboard.html",
        {
            "links": request.therapist.client_links.select_related("client"),
            "assignments": assignments,
            "nav": "practice",
        },
    )


@therapist_required
@require_http_methods(["GET", "POST"])
def new_assignment(request: HttpRequest) -> HttpResponse:
    dynamic, _ = chosen_topic(request.GET)
    form = AssignmentForm(request.POST or None, dynamic=dynamic)
    if request.method == "POST" and form.is_valid():
        assignment, _ = Assignment.create(
            request.therapist, request.vault.data_key, form.content(request.therapist), form.cleaned_data["due_date"]
        )
        return redirect("practice:assignment", pk=assignment.pk)
    return render(
        request,
        "practice/assignment_form.html",
        {
            "form": form,
            "dynamics": Dynamic.objects.all(),
            "dynamic": dynamic,
            "programmes": Programme.objects.all(),
            "nav": "practice",
        },
        status=400 if request.method == "POST" else 200,
    )


def therapists_assignment(request: HttpRequest, pk: uuid.UUID) -> tuple[Assignment, str, dict[str, Any]]:
    assignment = get_object_or_404(Assignment.objects.select_related("client"), pk=pk, therapist=request.therapist)
    code = assignment.code(request.vault.data_key)
    content = assignment.content_with_code(code)
    prompts = {prompt.slug: prompt for prompt in Prompt.objects.filter(slug__in=content["prompts"])}
    content["prompt_texts"] = [prompts[slug].text for slug in content["prompts"] if slug in prompts]
    return assignment, code, content


def release_schedule(assignment: Assignment, content: dict[str, Any]) -> dict[str, Any]:
    """When each library prompt reaches the client, if they come one every few days: counted from
    the day the client's copy arrived on this server, or as days from it when that isn't known
    (not yet taken up, or added from a portable code)."""
    every = gap(content.get("release_every"))
    programme = Programme.objects.filter(slug=content.get("programme") or "").first()
    if every is None:
        return {"programme": programme}
    copy = getattr(assignment, "client_copy", None)
    first = timezone.localdate(copy.received_at) if copy else None
    slugs = content["prompts"]
    days = release_days(len(slugs), every, first) if first else [None] * len(slugs)
    prompts = {prompt.slug: prompt for prompt in Prompt.objects.filter(slug__in=slugs)}
    rows = [
        {"text": prompts[slug].text, "day": 1 + index * every, "date": days[index]}
        for index, slug in enumerate(slugs)
        if slug in prompts
    ]
    return {"programme": programme, "every": every, "first": first, "schedule": rows, "today": timezone.localdate()}


@therapist_required
@require_safe
def assignment_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    assignment, code, content = therapists_assignment(request, pk)
    link = request.build_absolute_uri(reverse("practice:join", args=[code]))
    return render(
        request,
        "practice/assignment.html",
        {
            **release_schedule(assignment, content),
            "assignment": assignment,
            "status_text": client_status(assignment),
            "code": code,
            "content": content,
            "link": link,
            "qr": segno.make(link, error="m").svg_inline(scale=4, title="QR code for the link"),
            "portable": portable_code(strip_texts(content), code, assignment.expires_at),
            "nav": "practice",
        },
    )


def strip_texts(content: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in content.items() if key != "prompt_texts"}


@therapist_required
@require_safe
def worksheet(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    assignment, _, content = therapists_assignment(request, pk)
    return render(request, "practice/worksheet.html", {"assignment": assignment, "content": content, "nav": "practice"})


@therapist_required
@require_safe
def portable_file(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    assignment, code, content = therapists_assignment(request, pk)
    return HttpResponse(
        portable_code(strip_texts(content), code, assignment.expires_at) + "\n",
        content_type="text/plain; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, "prompts.txt")},
    )


@therapist_required
@require_POST
def revoke(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    assignment = get_object_or_404(Assignment, pk=pk, therapist=request.therapist)
    if not assignment.revoked_at:
        withdrawn = portable_id(assignment.code(request.vault.data_key))
        Assignment.objects.filter(pk=assignment.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), portable_id=withdrawn
        )
    messages.info(request, "The link and the code no longer work on this server.")
    return redirect("practice:assignment", pk=pk)


# Django's int converter takes any number of digits; a database id is at most 64 bits.
LARGEST_ID = 2**63 - 1


@therapist_required
@require_safe
def client_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    if user_id > LARGEST_ID:
        raise Http404("no such client")
    link = get_object_or_404(
        ClientLink.objects.select_related("client"), therapist=request.therapist, client_id=user_id
    )
    assignments = request.therapist.assignments.filter(client=link.client).select_related("client_copy")
    for assignment in assignments:
        assignment.status_text = client_status(assignment)
    private_key = therapist_key(request)
    shared = []
    for share in SharedEntry.objects.filter(therapist=request.therapist, entry__owner=link.client):
        try:
            shared.append({"share": share, "content": share.open(private_key)})
        except Unreadable:
            shared.append({"share": share, "content": None})
    return render(
        request,
        "practice/client.html",
        {
            "client": link.client,
            "assignments": assignments,
            "shared": shared,
            "nav": "practice",
        },
    )
