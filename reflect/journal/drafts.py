"""Keeping what someone is typing, while they type and when they leave in a hurry.

A draft is only ever updated from the revision the page last saw: if another tab saved newer
text into it since, this text goes into a new draft instead, so both are kept. On the way out a
page may send only what changed since its last save (a splice, see `DraftForm`), because a
request sent as a page closes can carry at most 64 KiB.
"""

import uuid
import zlib
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from reflect.prompts.models import Prompt

from .forms import DraftForm, one_kind_of_newline
from .models import Draft, Entry, Unreadable, Writing


def text_checksum(text: str) -> int:
    """CRC-32 of the text's UTF-16 code units, as the writing page's script computes it."""
    return zlib.crc32(text.encode("utf-16-le"))


def saved_text(request: HttpRequest, data: dict[str, Any]) -> str | None:
    """The text the page started from: its draft's, else the entry's being edited, else none."""
    key = request.vault.data_key
    for model, pk in ((Draft, data["draft_id"]), (Entry, data["entry"])):
        row = model.objects.filter(pk=pk, owner=request.user).first() if pk else None
        if row is not None:
            try:
                return one_kind_of_newline(row.open(key).text)
            except Unreadable:
                return None
    return ""


def typed_text(request: HttpRequest, form: DraftForm) -> tuple[str, bool]:
    """(text, whole): the text to keep, and False when a splice no longer fits what is saved.

    A splice that doesn't fit is never forced onto other text: its new part is kept on its own.
    """
    data = form.cleaned_data
    if not form.is_splice:
        return data["text"], True
    base = saved_text(request, data)
    start, end = data["splice_start"], data["splice_end"]
    if (
        base is None
        or len(base) != data["splice_base_length"]
        or text_checksum(base) != data["splice_base_checksum"]
        or start + end > len(base)
    ):
        return data["splice_text"], False
    return base[:start] + data["splice_text"] + base[len(base) - end :], True


def keep_draft(request: HttpRequest, form: DraftForm, text: str, whole: bool = True) -> tuple[Draft | None, str]:
    """Saves the draft; returns (draft or None when there was nothing to keep, what happened)."""
    data = form.cleaned_data
    prompt = data["prompt"] if data["prompt"] and Prompt.objects.filter(slug=data["prompt"]).exists() else ""
    writing = Writing(text, data["title"], data["distress_before"], data["distress_after"], prompt=prompt)
    key = request.vault.data_key
    now = timezone.now()
    draft = None
    note = "Draft saved"
    if whole and data["draft_id"]:
        draft = Draft.objects.filter(pk=data["draft_id"], owner=request.user).first()
    if draft is not None:
        draft.seal(key, writing)
        updated = Draft.objects.filter(pk=draft.pk, revision=data["draft_revision"]).update(
            ciphertext=draft.ciphertext, revision=F("revision") + 1, updated_at=now
        )
        if updated:
            draft.revision = data["draft_revision"] + 1
            return draft, note
        draft = None
        note = "This text was also open in another tab, so we kept both versions as separate drafts"
    if not writing.text.strip() and not writing.title.strip():
        return None, ""
    entry = Entry.objects.filter(pk=data["entry"], owner=request.user).first() if data["entry"] else None
    taken = not whole or data["draft_id"] is None or Draft.objects.filter(pk=data["draft_id"]).exists()
    draft = Draft(
        id=uuid.uuid4() if taken else data["draft_id"],
        owner=request.user,
        entry=entry,
        entry_revision=data["entry_revision"] if entry else None,
        created_at=now,
        updated_at=now,
    )
    draft.seal(key, writing)
    try:
        with transaction.atomic():
            draft.save(force_insert=True)
    except IntegrityError:
        if taken:
            raise
        # The page's first save and its save on the way out can arrive together: the other one made
        # this draft a moment ago. Try again, now as an update of it (or, if that one moved on, beside it).
        return keep_draft(request, form, text, whole)
    return draft, note
