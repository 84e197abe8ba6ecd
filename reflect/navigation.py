import re
from typing import Protocol

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

# A path on this site: one slash, then printable ASCII with no backslash. Browsers read "//x",
# "/\x" and "/<tab>/x" as another site, and control characters or spaces have no place in a path.
SITE_PATH = re.compile(r"/(?![/\\])[!-\[\]-~]*")
SITE_PATH_MAX = 2000


class Linkable(Protocol):
    """A row with a page of its own, such as a topic, a prompt or a section."""

    def get_absolute_url(self) -> str: ...


def link(obj: Linkable | None, title: str | None = None) -> dict[str, str] | None:
    """A previous/next link for templates/pager.html, or None when there is nothing to go to."""
    if obj is None:
        return None
    return {"url": obj.get_absolute_url(), "title": title or str(obj)}


def safe_target(request: HttpRequest, target: str | None, fallback: str = "/") -> str:
    """`target` if it is a path on this site, else `fallback`: a `next` field must never lead elsewhere.

    Only a path ("/journal/") is kept, never a full address, even one naming this site, and never
    a bare word: `redirect("foo")` would try to read it as the name of a view.
    """
    if (
        isinstance(target, str)
        and len(target) <= SITE_PATH_MAX
        and SITE_PATH.fullmatch(target)
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    ):
        return target
    return fallback
