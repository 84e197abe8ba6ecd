import uuid

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from reflect.prompts.models import Dynamic, Exercise, Prompt
from reflect.vault import session
from reflect.vault.decorators import vault_required

from . import portable
from .forms import WRITING_FIELDS, DeleteEverythingForm, EntryForm, ImportForm, SearchForm, without_control_characters
from .models import Draft, Entry, PendingImport, Unreadable, Writing

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
    dynamic = None
    status = 200
    if request.GET.get("dynamic"):
        dynamic = dynamics.filter(slug=request.GET["dynamic"]).first()
        if dynamic is None:
            messages.info(request, "We don't know that topic, so here are all your entries.")
            status = 400
        else:
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
        "nav": "journal",
    })


# --- Writing -----------------------------------------------------------------------------

def writing_context(request, form, *, prompt=None, entry=None, offered_draft=None, conflict=None):
    return {
        "form": form,
        "prompt": prompt,
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


def continued_draft(request, entry=None):
    """The draft named in ?draft=, if it is this person's and belongs to this page."""
    if not request.GET.get("draft"):
        return None
    try:
        draft_id = uuid.UUID(request.GET["draft"])
    except ValueError:
        return None
    return Draft.objects.filter(pk=draft_id, owner=request.user, entry=entry).first()


@vault_required(carry=WRITING_FIELDS)
@require_http_methods(["GET", "POST"])
def write(request):
    key = request.vault.data_key
    if request.method == "POST":
        form = EntryForm(request.POST)
        prompt = prompt_from(request.POST.get("prompt"))
        if not form.is_valid():
            return render(request, "journal/write.html", writing_context(request, form, prompt=prompt), status=400)
        now = timezone.now()
        entry = Entry(owner=request.user, prompt=prompt, created_at=now, updated_at=now)
        entry.seal(key, writing_from(form))
        with transaction.atomic():
            entry.save()
            forget_draft(request, form, entry=None)
        messages.success(request, "Saved.")
        return redirect("journal:detail", pk=entry.pk)

    prompt = prompt_from(request.GET.get("prompt"))
    if request.GET.get("prompt") and prompt is None:
        return render(request, "error.html", {
            "title": "We can't find that prompt",
            "message": "You can still write freely, or choose a prompt from the library.",
        }, status=404)
    draft = continued_draft(request)
    if draft:
        prompt = draft.prompt
        initial = draft_initial(request, draft)
        initial["prompt"] = prompt.slug if prompt else ""
        form = EntryForm(initial=initial)
        return render(request, "journal/write.html", writing_context(request, form, prompt=prompt))
    offered = Draft.objects.filter(owner=request.user, entry=None, prompt=prompt).first()
    form = EntryForm(initial={"draft_id": uuid.uuid4(), "draft_revision": 0, "prompt": prompt.slug if prompt else ""})
    return render(request, "journal/write.html", writing_context(request, form, prompt=prompt, offered_draft=offered))


def writing_from(form):
    data = form.cleaned_data
    return Writing(data["text"], data["title"], data["distress_before"], data["distress_after"])


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
    if request.method == "POST":
        form = EntryForm(request.POST)
        if not form.is_valid():
            return render(request, "journal/write.html", writing_context(request, form, prompt=entry.prompt, entry=entry), status=400)
        if form.cleaned_data.get("entry_revision") != entry.revision:
            return edit_conflict(request, entry, form)
        entry.seal(key, writing_from(form))
        updated = Entry.objects.filter(pk=entry.pk, revision=entry.revision).update(
            ciphertext=entry.ciphertext, revision=F("revision") + 1, updated_at=timezone.now()
        )
        if not updated:
            entry.refresh_from_db()
            return edit_conflict(request, entry, form)
        forget_draft(request, form, entry=entry)
        messages.success(request, "Your changes are saved.")
        return redirect("journal:detail", pk=entry.pk)

    try:
        saved = entry.open(key)
    except Unreadable:
        messages.error(request, "This entry can't be opened, so it can't be edited. It may have been damaged.")
        return redirect("journal:detail", pk=entry.pk)
    draft = continued_draft(request, entry=entry)
    if draft:
        initial = draft_initial(request, draft)
        initial["entry_revision"] = draft.entry_revision
        return render(request, "journal/write.html", writing_context(request, EntryForm(initial=initial), prompt=entry.prompt, entry=entry))
    initial = writing_initial(saved)
    initial.update(draft_id=uuid.uuid4(), draft_revision=0, entry_revision=entry.revision)
    offered = Draft.objects.filter(owner=request.user, entry=entry).first()
    return render(request, "journal/write.html", writing_context(
        request, EntryForm(initial=initial), prompt=entry.prompt, entry=entry, offered_draft=offered))


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

@require_POST
@vault_required
def autosave(request):
    """Called by htmx while typing and by a beacon when the page is left.

    A draft is only ever updated from the revision the page last saw. If another tab has
    saved newer text into it since, this text goes into a new draft instead: both are kept.
    """
    data, _ = without_control_characters(request.POST)
    writing = Writing(
        data.get("text", ""),
        data.get("title", "")[:200],
        rating(data.get("distress_before")),
        rating(data.get("distress_after")),
    )
    if len(writing.text) > settings.REFLECT_ENTRY_MAX_CHARS:
        return save_status(request, None, "Too long to save as a draft. Your words are still on this page.", status=413)
    key = request.vault.data_key
    draft_id = parse_uuid(data.get("draft_id"))
    seen_revision = parse_int(data.get("draft_revision"))
    now = timezone.now()
    draft = Draft.objects.filter(pk=draft_id, owner=request.user).first() if draft_id else None
    note = "Draft saved"
    if draft is not None:
        draft.seal(key, writing)
        updated = Draft.objects.filter(pk=draft.pk, revision=seen_revision).update(
            ciphertext=draft.ciphertext, revision=F("revision") + 1, updated_at=now
        )
        if updated:
            draft.revision = seen_revision + 1
        else:
            draft = None
            note = "This text was also open in another tab, so we kept both versions as separate drafts"
    if draft is None:
        if not writing.text.strip() and not writing.title.strip():
            return save_status(request, None, "")
        entry = None
        if data.get("entry"):
            entry = Entry.objects.filter(pk=parse_uuid(data["entry"]), owner=request.user).first()
        taken = draft_id is None or Draft.objects.filter(pk=draft_id).exists()
        draft = Draft(
            id=uuid.uuid4() if taken else draft_id,
            owner=request.user,
            prompt=prompt_from(data.get("prompt")),
            entry=entry,
            entry_revision=parse_int(data.get("entry_revision")) if entry else None,
            created_at=now,
            updated_at=now,
        )
        draft.seal(key, writing)
        draft.save()
    if data.get("lock_after"):
        session.lock(request)
    return save_status(request, draft, f"{note} at {timezone.localtime(now):%H:%M}.")


def save_status(request, draft, message, status=200):
    return render(request, "journal/_save_status.html", {"draft": draft, "message": message}, status=status)


def rating(value):
    number = parse_int(value)
    return number if number is not None and 0 <= number <= 10 else None


def parse_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse_uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


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
        messages.info(request, "Everything has been deleted: your entries, drafts and keys.")
        return redirect("vault:setup")
    return render(request, "journal/delete_everything.html", {"form": form, "nav": "journal"})


@require_safe
def what_we_store(request):
    return render(request, "journal/what_we_store.html", {"nav": "journal"})
