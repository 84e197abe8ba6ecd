import uuid
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from reflect.practice.forms import ShareForm
from reflect.practice.models import Therapist
from reflect.practice.portable import CodeProblem, read_portable_code
from reflect.prompts.forms import chosen_topic
from reflect.prompts.models import Dynamic, Exercise, Prompt
from reflect.safety.csrf import came_from_this_site, same_origin_only
from reflect.safety.shell import forget_visit
from reflect.safety.views import error_page
from reflect.vault import session
from reflect.vault.decorators import vault_required

from . import portable
from .drafts import keep_draft, typed_text
from .forms import (
    WRITING_FIELDS,
    DeleteEverythingForm,
    DraftForm,
    EntryForm,
    ImportForm,
    AssignmentStatusForm,
    PortableCodeForm,
    SearchForm,
    TherapistChoiceForm,
    WritingLinkForm,
)
from .models import ClientAssignment, Draft, Entry, PendingImport, SharedEntry, Unreadable, Writing

PAGE_SIZE = 20
HIGH_DISTRESS = 7


def owned(model, request, pk):
    """Another person's id gives the same 404 as an id that does not exist."""
    return get_object_or_404(model, pk=pk, owner=request.user)


# --- Reading -----------------------------------------------------------------------------

@vault_required
@require_http_methods(["GET", "POST"])
def entry_list(request):
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
    return render(request, "journal/list.html", {
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
    }, status=status)


def open_rows(page, key):
    rows = []
    for entry in page:
        try:
            rows.append({"entry": entry, "writing": entry.open(key)})
        except Unreadable:
            rows.append({"entry": entry, "writing": None})
    return rows


@vault_required
@require_safe
def entry_detail(request, pk):
    entry = owned(Entry.objects.select_related("prompt__dynamic"), request, pk)
    try:
        writing = entry.open(request.vault.data_key)
    except Unreadable:
        writing = None
    return render(request, "journal/detail.html", {
        "entry": entry,
        "writing": writing,
        "high_distress": writing is not None and (writing.distress_after or 0) >= HIGH_DISTRESS,
        "exercises": Exercise.objects.all(),
        "therapists": therapists_of(request.user),
        "shares": {share.therapist_id: share for share in entry.shares.all()},
        "nav": "journal",
    })


# --- Writing -----------------------------------------------------------------------------

def writing_context(request, form, *, prompt=None, entry=None, offered_draft=None, conflict=None, prompt_text=""):
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


def writing_initial(writing):
    return {
        "title": writing.title,
        "text": writing.text,
        "distress_before": writing.distress_before,
        "distress_after": writing.distress_after,
    }


def prompt_from(value):
    return Prompt.objects.select_related("dynamic").filter(slug=value).first() if value else None


def draft_initial(request, draft):
    """The form's starting values from a draft being continued; an unreadable draft starts empty."""
    try:
        initial = writing_initial(draft.open(request.vault.data_key))
    except Unreadable:
        initial = {}
        messages.error(request, "That draft can't be opened; it may have been damaged.")
    initial.update(draft_id=draft.id, draft_revision=draft.revision)
    return initial


def continued_draft(request, draft_id, entry=None):
    """The draft named in ?draft=, if it is this person's and belongs to this page."""
    if draft_id is None:
        return None
    return Draft.objects.filter(pk=draft_id, owner=request.user, entry=entry).first()


@vault_required(carry=WRITING_FIELDS)
@require_http_methods(["GET", "POST"])
def write(request):
    key = request.vault.data_key
    if request.method == "POST":
        form = EntryForm(request.POST)
        valid = form.is_valid()
        prompt = prompt_from(form.cleaned_data.get("prompt"))
        copy, prompt_text = therapist_prompt(request, form.cleaned_data.get("assignment"), form.cleaned_data.get("custom"))
        if not valid:
            return render(request, "journal/write.html", writing_context(
                request, form, prompt=prompt, prompt_text=prompt_text), status=400)
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
        form = EntryForm(initial={
            "draft_id": uuid.uuid4(), "draft_revision": 0, "prompt": asked["prompt"] or "",
            "assignment": copy.pk, "custom": asked["custom"],
        })
        return render(request, "journal/write.html", writing_context(request, form, prompt=prompt, prompt_text=prompt_text))
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


def prompt_not_found(request):
    return error_page(request, 404, "We can't find that prompt",
                      "You can still write freely, or choose a prompt from the library.")


def writing_from(form, prompt_text=""):
    data = form.cleaned_data
    return Writing(data["text"], data["title"], data["distress_before"], data["distress_after"], prompt_text)


def therapist_prompt(request, copy_id, index):
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
        raise Http404("no such prompt in this assignment")


def forget_draft(request, form, entry):
    """The draft this page autosaved into is no longer needed once the entry is saved."""
    draft_id = form.cleaned_data.get("draft_id")
    if draft_id:
        Draft.objects.filter(pk=draft_id, owner=request.user, entry=entry).delete()


@vault_required(carry=WRITING_FIELDS)
@require_http_methods(["GET", "POST"])
def edit(request, pk):
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
            return render(request, "journal/write.html", writing_context(
                request, form, prompt=entry.prompt, entry=entry, prompt_text=saved.prompt_text), status=400)
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
        return render(request, "journal/write.html", writing_context(
            request, EntryForm(initial=initial), prompt=entry.prompt, entry=entry, prompt_text=saved.prompt_text))
    initial = writing_initial(saved)
    initial.update(draft_id=uuid.uuid4(), draft_revision=0, entry_revision=entry.revision)
    offered = Draft.objects.filter(owner=request.user, entry=entry).first()
    return render(request, "journal/write.html", writing_context(
        request, EntryForm(initial=initial), prompt=entry.prompt, entry=entry, offered_draft=offered,
        prompt_text=saved.prompt_text))


def edit_conflict(request, entry, form):
    """The entry changed since this page opened it. Keep both: nothing is overwritten silently."""
    key = request.vault.data_key
    now = timezone.now()
    kept = Draft(owner=request.user, prompt=entry.prompt, entry=entry, entry_revision=entry.revision,
                 created_at=now, updated_at=now)
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
    return render(request, "journal/write.html", writing_context(
        request, EntryForm(data), prompt=entry.prompt, entry=entry, conflict=saved), status=409)


@vault_required
@require_http_methods(["GET", "POST"])
def delete(request, pk):
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


# --- Drafts ------------------------------------------------------------------------------

@same_origin_only
@require_POST
@vault_required
def autosave(request):
    """Called by htmx while typing and as the page is left. No form token: see `same_origin_only`."""
    form = DraftForm(request.POST)
    if not form.is_valid():
        return save_status(request, None, "Too long to save as a draft. Your words are still on this page.", status=413)
    text, whole = typed_text(request, form)
    draft, note = keep_draft(request, form, text, whole)
    if draft is None:
        return save_status(request, None, "")
    return save_status(request, draft, f"{note} at {timezone.localtime(draft.updated_at):%H:%M}.")


# Like quick exit, locking must never fail on an expired form: it can only ever make things safer.
# The draft that rides along is kept only when our own page sent it.
@csrf_exempt
@never_cache
@require_POST
def keep_draft_and_lock(request, leaving=False):
    """The writing page's quick exit and idle lock: keep what was typed, then lock, whatever happens.

    On a quick exit (`leaving`) the visit is also forgotten, as the plain quick exit does.
    """
    try:
        if request.vault.is_unlocked and came_from_this_site(request):
            form = DraftForm(request.POST)
            if form.is_valid():
                keep_draft(request, form, *typed_text(request, form))
    finally:
        session.lock(request)
    response = HttpResponse(status=204)
    return forget_visit(response) if leaving else response


def save_status(request, draft, message, status=200):
    return render(request, "journal/_save_status.html", {"draft": draft, "message": message}, status=status)


@require_POST
@vault_required
def discard_draft(request, pk):
    draft = owned(Draft, request, pk)
    entry = draft.entry
    draft.delete()
    messages.info(request, "The draft has been discarded.")
    if entry:
        return redirect("journal:edit", pk=entry.pk)
    return redirect(reverse("journal:write") + (f"?prompt={draft.prompt.slug}" if draft.prompt else ""))


# --- Export, import, delete everything ---------------------------------------------------

@vault_required
@require_safe
def export(request):
    return render(request, "journal/export.html", {
        "import_form": ImportForm(),
        "count": Entry.objects.filter(owner=request.user).count(),
        "nav": "journal",
    })


def download(content, filename, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@vault_required
@require_safe
def export_json(request):
    opened, _ = portable.readable_entries(request.user, request.vault.data_key)
    return download(portable.export_json(opened), f"reflect-journal-{timezone.localdate()}.json", "application/json")


@vault_required
@require_safe
def export_markdown(request):
    opened, _ = portable.readable_entries(request.user, request.vault.data_key)
    return download(portable.export_markdown(opened), f"reflect-journal-{timezone.localdate()}.md", "text/markdown; charset=utf-8")


@vault_required
@require_safe
def print_view(request):
    opened, unreadable = portable.readable_entries(request.user, request.vault.data_key)
    return render(request, "journal/print.html", {"opened": opened, "unreadable": unreadable, "nav": "journal"})


@vault_required
@require_POST
def import_upload(request):
    form = ImportForm(request.POST, request.FILES)
    context = {"import_form": form, "count": Entry.objects.filter(owner=request.user).count(), "nav": "journal"}
    if not form.is_valid():
        if "file" not in request.FILES:
            form.errors["file"] = form.error_class([
                f"Please choose a file. It must be smaller than {settings.FILE_UPLOAD_MAX_MEMORY_SIZE // 2**20} MB."
            ])
        return render(request, "journal/export.html", context, status=400)
    upload = form.cleaned_data["file"]
    try:
        items = portable.parse_export(upload.read())
    except portable.ImportProblem as problem:
        form.add_error("file", str(problem))
        return render(request, "journal/export.html", context, status=400)
    key = request.vault.data_key
    new, duplicates = portable.plan_import(request.user, key, items)
    pending = PendingImport(owner=request.user)
    pending.seal(key, new)
    pending.save()
    return render(request, "journal/import_summary.html", {
        "pending": pending, "new": len(new), "duplicates": duplicates, "total": len(items), "nav": "journal",
    })


@vault_required
@require_POST
def import_confirm(request, pk):
    pending = owned(PendingImport, request, pk)
    key = request.vault.data_key
    try:
        items = pending.open(key)
    except Unreadable:
        pending.delete()
        messages.error(request, "That import could not be finished. Nothing was imported; please upload the file again.")
        return redirect("journal:export")
    with transaction.atomic():
        new, duplicates = portable.plan_import(request.user, key, items)
        count = portable.apply_import(request.user, key, new)
        pending.delete()
    messages.success(request, f"Imported {count} entries." + (f" {duplicates} were already here." if duplicates else ""))
    return redirect("journal:list")


@vault_required
@require_POST
def import_cancel(request, pk):
    owned(PendingImport, request, pk).delete()
    messages.info(request, "Nothing was imported.")
    return redirect("journal:export")


@vault_required
@require_http_methods(["GET", "POST"])
def delete_everything(request):
    form = DeleteEverythingForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "journal/delete_everything.html", {"form": form, "nav": "journal"}, status=400)
        user = request.user
        session.lock(request)
        user.delete()  # entries, drafts, pending imports and the vault go with it
        if settings.PRACTICE:
            # Accounts here come only from a therapist's link, so there is no setup page to go to.
            messages.info(request, "Everything has been deleted: your entries, drafts, keys and sign-in name.")
            return redirect("learn:contents")
        messages.info(request, "Everything has been deleted: your entries, drafts and keys.")
        return redirect("vault:setup")
    return render(request, "journal/delete_everything.html", {"form": form, "nav": "journal"})


@require_safe
def what_we_store(request):
    return render(request, "journal/what_we_store.html", {"nav": "journal"})


# --- From your therapist: assignments and sharing ----------------------------------------

def opened_assignments(request):
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


@vault_required
@require_POST
def assignment_status(request, pk):
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
def add_assignment(request):
    """Paste (or upload) a portable code from a therapist: works with no server in common."""
    form = PortableCodeForm(request.POST or None, request.FILES or None)
    if request.method == "GET":
        return render(request, "journal/add_assignment.html", {"form": form, "nav": "journal"})
    try:
        if not form.is_valid():
            raise CodeProblem(" ".join(form.non_field_errors()) or "That code couldn't be read. Please paste it again.")
        content = read_portable_code(form.cleaned_data["text"])
    except CodeProblem as problem:
        return render(request, "journal/add_assignment.html", {"form": form, "error": str(problem), "nav": "journal"},
                      status=400)
    source = content.pop("id")
    copy = ClientAssignment(owner=request.user, source=source,
                            due_date=date.fromisoformat(content["due"]) if content["due"] else None)
    copy.seal(request.vault.data_key, content)
    try:
        with transaction.atomic():
            copy.save(force_insert=True)
    except IntegrityError:  # the same code twice, perhaps from a double click: it is here once
        messages.info(request, "You have already added these prompts.")
        return redirect(reverse("journal:list") + "#from-therapist")
    messages.success(request, f"Prompts from {content['therapist']} are now in your journal.")
    return redirect(reverse("journal:list") + "#from-therapist")


def therapists_of(user):
    return Therapist.objects.filter(client_links__client=user)


@vault_required
@require_http_methods(["GET", "POST"])
def share(request, pk):
    """Share one entry, or part of it, with a therapist: shown exactly, off until confirmed."""
    entry = owned(Entry.objects.select_related("prompt"), request, pk)
    choice = TherapistChoiceForm(request.POST if request.method == "POST" else request.GET)
    therapist = therapists_of(request.user).filter(pk=choice.cleaned_data["therapist"]).first() if choice.is_valid() else None
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
        shared.seal_for(therapist, {
            "title": form.cleaned_data["title"],
            "text": form.cleaned_data["text"],
            "prompt": writing.prompt_text or (entry.prompt.text if entry.prompt else ""),
            "written_at": entry.created_at.isoformat(),
        })
        with transaction.atomic():
            SharedEntry.objects.filter(entry=entry, therapist=therapist).delete()
            shared.save()
        messages.success(request, f"Shared with {therapist.display_name}. You can stop sharing at any time.")
        return redirect("journal:detail", pk=entry.pk)
    return render(request, "journal/share.html", {
        "entry": entry, "therapist": therapist, "form": form, "nav": "journal",
    }, status=400 if request.method == "POST" else 200)


@vault_required
@require_POST
def unshare(request, pk, share_id):
    shared = get_object_or_404(SharedEntry, pk=share_id, entry_id=pk, entry__owner=request.user)
    shared.delete()
    messages.success(request, "Your therapist can no longer read this entry.")
    return redirect("journal:detail", pk=pk)
