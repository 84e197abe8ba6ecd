"""Joining from a therapist's code: a new client makes a journal, or a signed-in client adds the prompts."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from reflect.journal.models import ClientAssignment
from reflect.vault import crypto, session
from reflect.vault.forms import RecoverySavedForm
from reflect.vault.models import Throttle, client_address, throttle_key

from ..accounts import NameInUse, create_client
from ..forms import CodeForm, JoinForm
from ..models import Assignment, ClientLink, Therapist

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# A join link (/practice/join/<code>/) shows the join page with the code in a hidden field; the
# page posts to /practice/join/, so the code travels in request bodies, which nothing logs, and
# not in paths, which servers and proxies do log.


def find_assignment(code: str) -> tuple[Assignment, None] | tuple[None, tuple[int, str]]:
    """(assignment, None) for a code that can be taken up, or (None, (status, message))."""
    try:
        lookup = crypto.code_lookup(code)
    except ValueError:
        return None, (404, "This code isn't complete or has a typing mistake. Please check it with your therapist.")
    assignment = Assignment.objects.select_related("therapist").filter(code_lookup=lookup).first()
    if assignment is None:
        return None, (404, "We can't find this code. Please check it with your therapist.")
    problem = {
        "revoked": "Your therapist has withdrawn this code. Please ask them for a new one.",
        "taken up": (
            "This code has already been used. Each code works once. If it wasn't you, please tell your therapist."
        ),
        "expired": "This code has expired. Please ask your therapist for a new one.",
    }.get(assignment.state)
    if problem:
        return None, (410, problem)
    return assignment, None


def redeem(assignment: Assignment, code: str, client: User, data_key: bytes) -> bool:
    """Gives the client their own sealed copy and marks the code used. Returns False if it
    was used in the meantime (by another request), in which case nothing is created."""
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.state != "waiting":
            return False
        locked.redeemed_at = timezone.now()
        locked.client = client
        locked.save(update_fields=["redeemed_at", "client"])
        ClientLink.objects.get_or_create(client=client, therapist=assignment.therapist)
        copy = ClientAssignment(owner=client, assignment=locked, due_date=locked.due_date)
        copy.seal(data_key, assignment.content_with_code(code))
        copy.save()
    return True


def join_key(request: HttpRequest) -> str:
    """Joins are counted per client: its address, as an HMAC."""
    return throttle_key("join", client_address(request))


def code_problem(request: HttpRequest, status: int, message: str) -> HttpResponse:
    return render(request, "practice/code_problem.html", {"message": message}, status=status)


def refused(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """A join that didn't go through: counted, so codes and names can't be tried over and over."""
    Throttle.count_refusal(join_key(request))
    return code_problem(request, status, message)


def too_many_tries(request: HttpRequest) -> HttpResponse | None:
    """A 429 page while this client must wait, else None."""
    wait = Throttle.seconds_to_wait(join_key(request))
    if not wait:
        return None
    minutes = math.ceil(wait / 60)
    return render(
        request,
        "practice/code_problem.html",
        {
            "heading": "Please wait a little",
            "message": (
                "There have been a lot of tries from this device or network, so joining is paused for a little "
                f"while. Please wait {minutes} minute{'s' if minutes != 1 else ''}, then open the link from your "
                "therapist again."
            ),
        },
        status=429,
    )


def is_therapist(request: HttpRequest) -> bool:
    return request.vault.is_unlocked and Therapist.objects.filter(user=request.user).exists()


def for_clients_only(request: HttpRequest) -> HttpResponse:
    return code_problem(
        request, 403, "This code is for a client. Lock your therapist account first if you are testing it."
    )


def join_page(request: HttpRequest, assignment: Assignment, form: CodeForm, status: int = 200) -> HttpResponse:
    if is_therapist(request):
        return for_clients_only(request)
    code = form["code"].value()
    return render(
        request,
        "practice/join.html",
        {
            "assignment": assignment,
            "form": form,
            "signed_in": request.vault.is_unlocked,
            "link": reverse("practice:join", args=[code]),
        },
        status=status,
    )


@never_cache
@require_safe
def join_link(request: HttpRequest, code: str) -> HttpResponse:
    """The link a therapist gives their client."""
    if waiting := too_many_tries(request):
        return waiting
    assignment, problem = find_assignment(code)
    if problem:
        return refused(request, *problem)
    form_class = CodeForm if request.vault.is_unlocked else JoinForm
    return join_page(request, assignment, form_class(initial={"code": code}))


@never_cache
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """Where the join page posts: makes a journal for a new client, or adds the prompts to the
    journal of a client who is already signed in."""
    if request.method == "GET":
        return code_problem(
            request, 400, "To join, please open the whole link your therapist gave you, or scan its QR code."
        )
    if waiting := too_many_tries(request):
        return waiting
    code_form = CodeForm(request.POST)
    if not code_form.is_valid():
        return refused(request, 400, "This page lost its code. Please open the link your therapist gave you again.")
    code = code_form.cleaned_data["code"]
    assignment, problem = find_assignment(code)
    if problem:
        return refused(request, *problem)
    if request.vault.is_unlocked:
        return add_to_journal(request, assignment, code)

    form = JoinForm(request.POST)
    if not form.is_valid():
        Throttle.count_refusal(join_key(request))
        return join_page(request, assignment, form, status=400)
    with transaction.atomic():
        try:
            user, data_key, recovery_key = create_client(
                form.cleaned_data["username"], form.cleaned_data["new_passphrase"]
            )
        except NameInUse:
            form.add_error("username", "We couldn't make a sign-in name from this one. Please choose another.")
            return join_page(request, assignment, form, status=400)
        taken_up = redeem(assignment, code, user, data_key)
        if not taken_up:
            transaction.set_rollback(True)
    if not taken_up:
        return refused(request, 410, "This code has just been used.")
    Throttle.clear(join_key(request))
    session.unlock(request, user, data_key)
    return render(
        request,
        "practice/joined.html",
        {
            "sign_in_name": user.username,
            "recovery_key": recovery_key,
            "form": RecoverySavedForm(),
            "first_time": True,
        },
    )


def add_to_journal(request: HttpRequest, assignment: Assignment, code: str) -> HttpResponse:
    if is_therapist(request):
        return for_clients_only(request)
    if not redeem(assignment, code, request.user, request.vault.data_key):
        return refused(request, 410, "This code has just been used.")
    messages.success(request, f"New prompts from {assignment.therapist.display_name} are in your journal.")
    return redirect("journal:list")
