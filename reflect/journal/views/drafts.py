"""Drafts: saved as someone types, kept when they leave or the journal locks, discarded on request."""

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from reflect.safety.csrf import came_from_this_site, same_origin_only
from reflect.safety.shell import forget_visit
from reflect.vault import session
from reflect.vault.decorators import vault_required

from ..access import owned
from ..drafts import keep_draft, typed_text
from ..forms import DraftForm
from ..models import Draft


@same_origin_only
@require_POST
@vault_required
def autosave(request: HttpRequest) -> HttpResponse:
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
def keep_draft_and_lock(request: HttpRequest, leaving: bool = False) -> HttpResponse:
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


def save_status(request: HttpRequest, draft: Draft | None, message: str, status: int = 200) -> HttpResponse:
    return render(request, "journal/_save_status.html", {"draft": draft, "message": message}, status=status)


@require_POST
@vault_required
def discard_draft(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    draft = owned(Draft.objects.select_related("legacy_prompt"), request, pk)
    entry = draft.entry
    writing = draft.open_or_none(request.vault.data_key)
    draft.delete()
    messages.info(request, "The draft has been discarded.")
    if entry:
        return redirect("journal:edit", pk=entry.pk)
    slug = writing.prompt if writing else ""
    return redirect(reverse("journal:write") + (f"?prompt={slug}" if slug else ""))
