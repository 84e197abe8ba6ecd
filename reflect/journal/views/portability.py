"""The journal as a whole: export (JSON, Markdown, print), import, delete everything, and what
we store. Exports are made on request and downloaded, never written on the server."""

import uuid
from collections.abc import Iterator

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from reflect.prompts.models import Prompt
from reflect.vault import session
from reflect.vault.decorators import vault_required

from .. import exporting, portable, safety_plan
from ..access import owned
from ..answers import questions
from ..forms import DeleteEverythingForm, ImportForm
from ..models import Entry, PendingImport, Unreadable, Writing

# After an import, what became of the plan in the file (journal.safety_plan.restore_plan).
PLAN_IMPORTED = {
    safety_plan.ADDED: " Your plan was added too.",
    safety_plan.KEPT_YOURS: " You already had a plan here, so we kept yours and left out the one in the file.",
}


@vault_required
@require_safe
def export(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "journal/export.html",
        {
            "import_form": ImportForm(),
            "count": Entry.objects.filter(owner=request.user).count(),
            "nav": "journal",
        },
    )


def download(content: Iterator[bytes], filename: str, content_type: str) -> StreamingHttpResponse:
    """Sent as it is written. Whatever could go wrong has been asked before this (the plan
    opened, the prompts looked up): once the first bytes are sent, a download can't say sorry."""
    # A plain file name: a downloads folder on a shared device should not announce what this is.
    return StreamingHttpResponse(
        content, content_type=content_type, headers={"Content-Disposition": content_disposition_header(True, filename)}
    )


@vault_required
@require_safe
def export_json(request: HttpRequest) -> StreamingHttpResponse:
    key = request.vault.data_key
    plan = safety_plan.readable_plan(request.user, key)
    entries = readable_one_at_a_time(request.user, key)
    return download(exporting.export_json(entries, plan), f"notes-{timezone.localdate()}.json", "application/json")


@vault_required
@require_safe
def export_markdown(request: HttpRequest) -> StreamingHttpResponse:
    key = request.vault.data_key
    plan = safety_plan.readable_plan(request.user, key)
    library = dict(Prompt.objects.values_list("slug", "text"))
    entries = readable_one_at_a_time(request.user, key)
    return download(
        exporting.export_markdown(entries, library, plan),
        f"notes-{timezone.localdate()}.md",
        "text/markdown; charset=utf-8",
    )


def readable_one_at_a_time(owner: User, key: bytes) -> Iterator[tuple[Entry, Writing]]:
    # An entry that can't be opened is left out, as it always was; the rest are still sent.
    return ((entry, writing) for entry, writing in portable.opened_entries(owner, key) if writing is not None)


@vault_required
@require_safe
def print_view(request: HttpRequest) -> HttpResponse:
    opened, unreadable = portable.readable_entries(request.user, request.vault.data_key)
    asked = questions(writing for _, writing in opened)
    printed = [(entry, writing, question) for (entry, writing), question in zip(opened, asked, strict=True)]
    return render(request, "journal/print.html", {"printed": printed, "unreadable": unreadable, "nav": "journal"})


@vault_required
@require_POST
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    context = {"import_form": form, "count": Entry.objects.filter(owner=request.user).count(), "nav": "journal"}
    if not form.is_valid():
        if "file" not in request.FILES:
            form.errors["file"] = form.error_class(
                [f"Please choose a file. It must be smaller than {settings.FILE_UPLOAD_MAX_MEMORY_SIZE // 2**20} MB."]
            )
        return render(request, "journal/export.html", context, status=400)
    upload = form.cleaned_data["file"]
    try:
        parsed = portable.parse_export(upload.read())
    except portable.ImportProblem as problem:
        form.add_error("file", str(problem))
        return render(request, "journal/export.html", context, status=400)
    key = request.vault.data_key
    new, duplicates = portable.plan_import(request.user, key, parsed.entries)
    pending = PendingImport(owner=request.user)
    pending.seal(key, portable.pending(parsed, new))
    pending.save()
    return render(
        request,
        "journal/import_summary.html",
        {
            "pending": pending,
            "new": len(new),
            "duplicates": duplicates,
            "total": len(parsed.entries),
            "plan": safety_plan.plan_on_import(request.user, key, parsed.safety_plan),
            "nav": "journal",
        },
    )


@vault_required
@require_POST
def import_confirm(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    pending = owned(PendingImport, request, pk)
    key = request.vault.data_key
    try:
        waiting = portable.read_pending(pending.open(key))
    except Unreadable:
        pending.delete()
        messages.error(
            request, "That import could not be finished. Nothing was imported; please upload the file again."
        )
        return redirect("journal:export")
    with transaction.atomic():
        new, duplicates = portable.plan_import(request.user, key, waiting.entries)
        count = portable.apply_import(request.user, key, new)
        plan = safety_plan.restore_plan(request.user, key, waiting.safety_plan)
        pending.delete()
    messages.success(
        request,
        f"Imported {count} entries."
        + (f" {duplicates} were already here." if duplicates else "")
        + PLAN_IMPORTED.get(plan, ""),
    )
    return redirect("journal:list")


@vault_required
@require_POST
def import_cancel(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    owned(PendingImport, request, pk).delete()
    messages.info(request, "Nothing was imported.")
    return redirect("journal:export")


@vault_required
@require_http_methods(["GET", "POST"])
def delete_everything(request: HttpRequest) -> HttpResponse:
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
def what_we_store(request: HttpRequest) -> HttpResponse:
    return render(request, "journal/what_we_store.html", {"nav": "journal"})
