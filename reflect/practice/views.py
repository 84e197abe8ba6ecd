import math
from functools import wraps

import segno
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from reflect.journal.models import ClientAssignment, SharedEntry, Unreadable
from reflect.prompts.forms import chosen_topic
from reflect.prompts.models import Dynamic, Prompt
from reflect.vault import crypto, session
from reflect.vault.decorators import private, vault_required
from reflect.vault.forms import RecoverySavedForm

from .accounts import NameInUse, create_client
from .forms import AssignmentForm, CodeForm, JoinForm
from .models import Assignment, ClientLink, JoinThrottle, Therapist
from .portable import portable_code, portable_id


def therapist_required(view):
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


def therapist_key(request):
    return request.therapist.private_key(request.vault.data_key)


def client_status(assignment):
    """What the therapist may know: the state of the code, then the client's status unless hidden."""
    copy = getattr(assignment, "client_copy", None)
    if not assignment.redeemed_at or copy is None:
        return assignment.state
    if copy.status_hidden:
        return "status hidden by your client"
    return copy.get_status_display().lower()


@therapist_required
@require_safe
def dashboard(request):
    assignments = request.therapist.assignments.select_related("client", "client_copy")
    for assignment in assignments:
        assignment.status_text = client_status(assignment)
    return render(request, "practice/dashboard.html", {
        "links": request.therapist.client_links.select_related("client"),
        "assignments": assignments,
        "nav": "practice",
    })


@therapist_required
@require_http_methods(["GET", "POST"])
def new_assignment(request):
    dynamic, _ = chosen_topic(request.GET)
    form = AssignmentForm(request.POST or None, dynamic=dynamic)
    if request.method == "POST" and form.is_valid():
        assignment, _ = Assignment.create(
            request.therapist, request.vault.data_key, form.content(request.therapist), form.cleaned_data["due_date"])
        return redirect("practice:assignment", pk=assignment.pk)
    return render(request, "practice/assignment_form.html", {
        "form": form, "dynamics": Dynamic.objects.all(), "dynamic": dynamic, "nav": "practice",
    }, status=400 if request.method == "POST" else 200)


def therapists_assignment(request, pk):
    assignment = get_object_or_404(Assignment.objects.select_related("client"), pk=pk, therapist=request.therapist)
    code = assignment.code(request.vault.data_key)
    content = assignment.content_with_code(code)
    prompts = {prompt.slug: prompt for prompt in Prompt.objects.filter(slug__in=content["prompts"])}
    content["prompt_texts"] = [prompts[slug].text for slug in content["prompts"] if slug in prompts]
    return assignment, code, content


@therapist_required
@require_safe
def assignment_detail(request, pk):
    assignment, code, content = therapists_assignment(request, pk)
    link = request.build_absolute_uri(reverse("practice:join", args=[code]))
    return render(request, "practice/assignment.html", {
        "assignment": assignment,
        "status_text": client_status(assignment),
        "code": code,
        "content": content,
        "link": link,
        "qr": segno.make(link, error="m").svg_inline(scale=4, title="QR code for the link"),
        "portable": portable_code(strip_texts(content), code, assignment.expires_at),
        "nav": "practice",
    })


def strip_texts(content):
    return {key: value for key, value in content.items() if key != "prompt_texts"}


@therapist_required
@require_safe
def worksheet(request, pk):
    assignment, _, content = therapists_assignment(request, pk)
    return render(request, "practice/worksheet.html", {"assignment": assignment, "content": content, "nav": "practice"})


@therapist_required
@require_safe
def portable_file(request, pk):
    assignment, code, content = therapists_assignment(request, pk)
    response = HttpResponse(portable_code(strip_texts(content), code, assignment.expires_at) + "\n",
                            content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="reflect-assignment.txt"'
    return response


@therapist_required
@require_POST
def revoke(request, pk):
    assignment = get_object_or_404(Assignment, pk=pk, therapist=request.therapist)
    if not assignment.revoked_at:
        withdrawn = portable_id(assignment.code(request.vault.data_key))
        Assignment.objects.filter(pk=assignment.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), portable_id=withdrawn)
    messages.info(request, "The link and the code no longer work on this server.")
    return redirect("practice:assignment", pk=pk)


# Django's int converter takes any number of digits; a database id is at most 64 bits.
LARGEST_ID = 2**63 - 1


@therapist_required
@require_safe
def client_detail(request, user_id):
    if user_id > LARGEST_ID:
        raise Http404("no such client")
    link = get_object_or_404(ClientLink.objects.select_related("client"), therapist=request.therapist, client_id=user_id)
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
    return render(request, "practice/client.html", {
        "client": link.client, "assignments": assignments, "shared": shared, "nav": "practice",
    })


# --- The client's side of a code --------------------------------------------------------
#
# A join link (/practice/join/<code>/) shows the join page with the code in a hidden field; the
# page posts to /practice/join/, so the code travels in request bodies, which nothing logs, and
# not in paths, which servers and proxies do log.

def find_assignment(code):
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
        "taken up": "This code has already been used. Each code works once. If it wasn't you, please tell your therapist.",
        "expired": "This code has expired. Please ask your therapist for a new one.",
    }.get(assignment.state)
    if problem:
        return None, (410, problem)
    return assignment, None


def redeem(assignment, code, client, data_key):
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


def code_problem(request, status, message):
    return render(request, "practice/code_problem.html", {"message": message}, status=status)


def refused(request, status, message):
    """A join that didn't go through: counted, so codes and names can't be tried over and over."""
    JoinThrottle.record_refusal(JoinThrottle.key_for(request))
    return code_problem(request, status, message)


def too_many_tries(request):
    """A 429 page while this client must wait, else None."""
    wait = JoinThrottle.seconds_to_wait(JoinThrottle.key_for(request))
    if not wait:
        return None
    minutes = math.ceil(wait / 60)
    return render(request, "practice/code_problem.html", {
        "heading": "Please wait a little",
        "message": (
            "There have been a lot of tries from this device or network, so joining is paused for a little "
            f"while. Please wait {minutes} minute{'s' if minutes != 1 else ''}, then open the link from your "
            "therapist again."
        ),
    }, status=429)


def is_therapist(request):
    return request.vault.is_unlocked and Therapist.objects.filter(user=request.user).exists()


def for_clients_only(request):
    return code_problem(
        request, 403, "This code is for a client. Lock your therapist account first if you are testing it.")


def join_page(request, assignment, form, status=200):
    if is_therapist(request):
        return for_clients_only(request)
    code = form["code"].value()
    return render(request, "practice/join.html", {
        "assignment": assignment,
        "form": form,
        "signed_in": request.vault.is_unlocked,
        "link": reverse("practice:join", args=[code]),
    }, status=status)


@private
@require_safe
def join_link(request, code):
    """The link a therapist gives their client."""
    if waiting := too_many_tries(request):
        return waiting
    assignment, problem = find_assignment(code)
    if problem:
        return refused(request, *problem)
    form_class = CodeForm if request.vault.is_unlocked else JoinForm
    return join_page(request, assignment, form_class(initial={"code": code}))


@private
@require_http_methods(["GET", "POST"])
def join(request):
    """Where the join page posts: makes a journal for a new client, or adds the prompts to the
    journal of a client who is already signed in."""
    if request.method == "GET":
        return code_problem(
            request, 400, "To join, please open the whole link your therapist gave you, or scan its QR code.")
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
        JoinThrottle.record_refusal(JoinThrottle.key_for(request))
        return join_page(request, assignment, form, status=400)
    with transaction.atomic():
        try:
            user, data_key, recovery_key = create_client(
                form.cleaned_data["username"], form.cleaned_data["new_passphrase"])
        except NameInUse:
            form.add_error("username", "We couldn't make a sign-in name from this one. Please choose another.")
            return join_page(request, assignment, form, status=400)
        taken_up = redeem(assignment, code, user, data_key)
        if not taken_up:
            transaction.set_rollback(True)
    if not taken_up:
        return refused(request, 410, "This code has just been used.")
    JoinThrottle.clear(JoinThrottle.key_for(request))
    session.unlock(request, user, data_key)
    return render(request, "practice/joined.html", {
        "sign_in_name": user.username,
        "recovery_key": recovery_key,
        "form": RecoverySavedForm(),
        "first_time": True,
    })


def add_to_journal(request, assignment, code):
    if is_therapist(request):
        return for_clients_only(request)
    if not redeem(assignment, code, request.user, request.vault.data_key):
        return refused(request, 410, "This code has just been used.")
    messages.success(request, f"New prompts from {assignment.therapist.display_name} are in your journal.")
    return redirect("journal:list")
