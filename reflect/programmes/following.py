"""Following a programme at one's own pace: which one (sealed), and how far the person has got.

How far is worked out from their own entries written since they started, opened while the journal
is open: a step is done when they have written about its prompt. Nothing about progress is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from reflect.journal.portable import readable_entries
from reflect.prompts.models import Prompt

from .models import FollowedProgramme, Programme

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass
class Following:
    """The programme a person follows, and where they are in it (worked out only when asked)."""

    programme: Programme
    started: datetime | None
    request: HttpRequest

    @cached_property
    def prompts(self) -> list[Prompt]:
        return self.programme.prompts()

    @cached_property
    def answered(self) -> set[str]:
        """The prompts the person has written about since they started following: a fresh start,
        and only the entries since then to open, however long the journal is."""
        since = {"created_at__gte": self.started} if self.started is not None else {}
        opened, _ = readable_entries(self.request.user, self.request.vault.data_key, **since)
        return {writing.prompt for _, writing in opened if writing.prompt}

    @property
    def done(self) -> int:
        return sum(prompt.slug in self.answered for prompt in self.prompts)

    def next_after(self, slug: str = "") -> Prompt | None:
        """The first prompt not yet written about, looking on from `slug` (after the last, from the
        start again); None when every one has an answer."""
        slugs = [prompt.slug for prompt in self.prompts]
        start = slugs.index(slug) + 1 if slug in slugs else 0
        ahead = self.prompts[start:] + self.prompts[:start]
        return next((prompt for prompt in ahead if prompt.slug not in self.answered), None)


def follow(user: User, data_key: bytes, programme: Programme) -> None:
    """Follow `programme` from now, in place of any other."""
    for attempt in range(2):
        row = FollowedProgramme(owner=user)
        row.seal(data_key, {"programme": programme.slug, "started": timezone.now().isoformat()})
        try:
            with transaction.atomic():
                FollowedProgramme.objects.filter(owner=user).delete()
                row.save(force_insert=True)
            return
        except IntegrityError:  # another tab chose at the same moment: replace its choice
            if attempt:
                raise


def stop(user: User) -> None:
    FollowedProgramme.objects.filter(owner=user).delete()


def followed(request: HttpRequest) -> Following | None:
    """What the person follows, while their journal is open; None if nothing (or it can't be opened,
    or the programme has since been taken out of the content)."""
    if not request.vault.is_unlocked:
        return None
    row = FollowedProgramme.objects.filter(owner=request.user).first()
    content = row.open_or_none(request.vault.data_key) if row else None
    if not isinstance(content, dict):
        return None
    programme = Programme.objects.filter(slug=content.get("programme")).first()
    if programme is None:
        return None
    return Following(programme=programme, started=started_at(content.get("started")), request=request)


def started_at(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
