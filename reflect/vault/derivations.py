"""How many passphrases this machine checks at once: REFLECT_ARGON2_AT_ONCE, across every process.

Argon2 is slow and hungry on purpose: each check takes a core and REFLECT_ARGON2_MEMORY_KIB for
about half a second. Unbounded, a few wrong passphrases sent together would take every core and
that much memory each, and every other page would wait. So a check first takes a slot: an
exclusive lock (flock) on one of N files in the data folder. The kernel lets go of a lock when its
holder ends, even in a crash, so a slot is never lost; and every app process on the machine sees
the same files, which a lock in memory could not offer. A person who finds no free slot is told at
once to try again in a moment (a 503 with Retry-After), rather than kept waiting behind others.
"""

import fcntl
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

from django.conf import settings

# About two checks' time: by then a slot has almost always come free.
RETRY_AFTER_SECONDS = 2
# A derivation nobody made room for (a command, a join) waits its turn instead, this long at most.
LONGEST_WAIT_SECONDS = 30
POLL_SECONDS = 0.05
# Argon2's thread gives way to the threads serving pages: this much nicer than they are (of 19).
NICENESS = 10

Result = TypeVar("Result")

held = threading.local()


class Busy(Exception):
    """Every slot is in use. Nothing was tried, counted or changed."""

    retry_after = RETRY_AFTER_SECONDS


def slot_folder() -> Path:
    folder = Path(settings.DATA_DIR, "argon2-slots")
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def take_free_slot() -> int | None:
    """The open file of a slot now locked by us, or None if every slot is locked by someone."""
    folder = slot_folder()
    for number in range(settings.REFLECT_ARGON2_AT_ONCE):
        descriptor = os.open(folder / f"{number}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            continue
        return descriptor
    return None


@contextmanager
def derivation_slot(wait: float = 0) -> Iterator[None]:
    """Holds a slot while the block runs; raises Busy if none is free (within `wait` seconds).

    A thread that already holds one goes on using it, so a request that checks the old passphrase
    and then wraps with a new one takes one slot, and never waits on itself.
    """
    if getattr(held, "depth", 0):
        held.depth += 1
        try:
            yield
        finally:
            held.depth -= 1
        return
    deadline = time.monotonic() + wait
    while (descriptor := take_free_slot()) is None:
        if time.monotonic() >= deadline:
            raise Busy
        time.sleep(POLL_SECONDS)
    held.depth = 1
    try:
        yield
    finally:
        held.depth = 0
        os.close(descriptor)  # closing the file lets go of its lock


def beside_pages(work: Callable[[], Result]) -> Result:
    """`work()`, run in a thread of its own at a lower CPU priority, waited for.

    On an idle machine Argon2 runs at full speed; when pages are being served too, the kernel
    serves them first and gives Argon2 what is left, so a burst of checks slows the checks, not
    the pages. Linux only: there each thread has its own priority, while elsewhere the same call
    would lower the whole process, or another process entirely, so there `work` just runs.
    """
    if not sys.platform.startswith("linux"):
        return work()
    results: list[Result] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            thread = threading.get_native_id()
            with suppress(OSError):  # where a sandbox forbids it, Argon2 runs at the usual priority
                os.setpriority(os.PRIO_PROCESS, thread, min(os.getpriority(os.PRIO_PROCESS, thread) + NICENESS, 19))
            results.append(work())
        except BaseException as error:  # handed to the waiting thread, which raises it
            errors.append(error)

    thread = threading.Thread(target=run, name="argon2")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return results[0]
