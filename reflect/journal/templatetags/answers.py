"""On the prompt pages, while the journal is open: which prompts the person has answered.

Worked out from their decrypted entries, once per request, and only while unlocked; a locked
journal shows nothing (and pages showing it are never cached: see VaultMiddleware)."""

from typing import Any

from django import template
from django.http import HttpRequest

from reflect.prompts.models import Dynamic, Prompt

from ..answers import answered
from ..models import Entry
from ..portable import readable_entries

register = template.Library()


def answers_for(request: HttpRequest | None) -> dict[str, list[Entry]]:
    if request is None or not request.vault.is_unlocked:
        return {}
    if not hasattr(request, "_answered_prompts"):
        opened, _ = readable_entries(request.user, request.vault.data_key)
        request._answered_prompts = answered(opened)
    return request._answered_prompts


@register.simple_tag(takes_context=True)
def answered_prompts(context: dict[str, Any]) -> dict[str, list[Entry]]:
    """Slug -> the person's entries answering that prompt, newest first; empty while locked."""
    return answers_for(context.get("request"))


@register.simple_tag(takes_context=True)
def answers_to(context: dict[str, Any], prompt: Prompt) -> list[Entry]:
    return answers_for(context.get("request")).get(prompt.slug, [])


@register.simple_tag(takes_context=True)
def answered_in_topic(context: dict[str, Any], dynamic: Dynamic) -> int:
    """How many of the topic's prompts the person has written about."""
    answers = answers_for(context.get("request"))
    return sum(prompt.slug in answers for prompt in dynamic.prompts.all()) if answers else 0
