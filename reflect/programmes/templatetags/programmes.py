"""After an entry is saved: the next prompt of the programme the person follows, if they follow one."""

from typing import Any

from django import template

from ..following import followed

register = template.Library()


@register.inclusion_tag("programmes/_next_in_programme.html", takes_context=True)
def next_in_programme(context: dict[str, Any]) -> dict[str, Any]:
    """Looks on from the prompt just answered (`writing.prompt` in the page) to the first one the
    person has not written about yet."""
    following = followed(context["request"])
    if following is None:
        return {}
    writing = context.get("writing")
    return {"following": following, "next_prompt": following.next_after(getattr(writing, "prompt", ""))}
