"""Which library prompt each piece of writing answers.

The answer is sealed inside the writing (`Writing.prompt`, a slug), so which questions a person
chose is readable only while their journal is open, like everything they wrote. These helpers
look the prompts up after opening, and move the link of rows from older versions inside.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User

from reflect.prompts.models import Prompt

from .models import Draft, Entry, Unreadable, Writing


def prompts_by_slug(slugs: Iterable[str]) -> dict[str, Prompt]:
    """The library prompts named, with their topics, in one query; unknown slugs are left out."""
    wanted = {slug for slug in slugs if slug}
    if not wanted:
        return {}
    return {prompt.slug: prompt for prompt in Prompt.objects.filter(slug__in=wanted).select_related("dynamic")}


def questions(writings: Iterable[Writing]) -> list[str]:
    """The question each piece of writing answers, as words: a therapist's own, or the library prompt's."""
    writings = list(writings)
    prompts = prompts_by_slug(writing.prompt for writing in writings)
    return [writing.prompt_text or getattr(prompts.get(writing.prompt), "text", "") for writing in writings]


def another_in_topic(prompt: Prompt) -> Prompt | None:
    """The next prompt in the same topic (after the last, the first again), or None if it is the only one."""
    others = prompt.dynamic.prompts.exclude(pk=prompt.pk)
    return others.filter(order__gt=prompt.order).first() or others.first()


def answered(pairs: Iterable[tuple[Entry, Writing]]) -> dict[str, list[Entry]]:
    """Slug -> the entries that answer that prompt, newest first, from opened entries."""
    by_prompt: dict[str, list[Entry]] = {}
    for entry, writing in sorted(pairs, key=lambda pair: pair[0].created_at, reverse=True):
        if writing.prompt:
            by_prompt.setdefault(writing.prompt, []).append(entry)
    return by_prompt


def seal_legacy_prompts(sender: Any, user: User, data_key: bytes, **kwargs: Any) -> None:
    """At unlock: rows written before prompts were sealed get theirs moved inside the seal.

    A row that can't be opened keeps its column: nothing is lost, and it is tried again next time."""
    for model in (Entry, Draft):
        for row in model.objects.filter(owner=user, legacy_prompt__isnull=False).select_related("legacy_prompt"):
            try:
                writing = row.open(data_key)  # decode() has already put the old column's prompt in
            except Unreadable:
                continue
            row.seal(data_key, writing)
            # Only if nobody changed the row meanwhile; otherwise the next unlock tries again.
            model.objects.filter(pk=row.pk, revision=row.revision).update(ciphertext=row.ciphertext, legacy_prompt=None)
