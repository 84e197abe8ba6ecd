"""What a page shows of the content (prompts, topics, exercises, crisis numbers), kept per version.

Public pages are kept whole (reflect/public_pages.py). A private page can't be: it shows the
person's own journal. What it shows of the content is kept instead, under the content version
that `load_content` counts up, which each process checks at most every
REFLECT_CONTENT_CHECK_SECONDS. So a journal page spends its questions to the database on what
is the person's own. Content is the same for everyone and public: nothing of a person is kept here.

Kept in this process's memory as the objects themselves, not in Django's cache, which would
unpickle a fresh copy of every prompt and section for every request (a quarter of a journal
page's time). So every request shares them: read them, never change them.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from reflect.public_pages import content_version

Kept = TypeVar("Kept")

_kept: dict[tuple[int, str], Any] = {}


def kept(name: str, read: Callable[[], Kept]) -> Kept:
    """What `read` reads from the content, read again only once the content version moves on."""
    version = content_version()
    key = (version, name)
    if key not in _kept:
        for older in [key for key in _kept if key[0] != version]:
            _kept.pop(older, None)
        _kept[key] = read()
    return _kept[key]


def forget_kept() -> None:
    """Reads everything again at the next request (the tests change content between tests)."""
    _kept.clear()
