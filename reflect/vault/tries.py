"""Trying a passphrase or recovery key: held to the throttle's counts and to the machine's few
derivation slots, so a storm of wrong guesses runs no more Argon2 than the throttle allows and
never more at once than the slots allow, while every other page goes on being served.

The order matters. A try that must wait is told so first, with a read that locks nothing and
takes no slot. Then it takes a slot, or is told at once that Reflect is busy, counting nothing.
Only then is it counted (Throttle.reserve, atomically), and only then does Argon2 run.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse

from .derivations import Busy, derivation_slot
from .models import WrongSecret
from .throttle import Throttle, ThrottleKeys

BUSY_MESSAGE = "Reflect is busy for a moment. Please try again in a few seconds."


class TooManyTries(Exception):
    """This try must wait `wait` seconds; it was not made, and changed nothing."""

    def __init__(self, wait: float):
        super().__init__(wait)
        self.wait = wait


def wait_in_words(seconds: float) -> str:
    if seconds <= 90:
        seconds = math.ceil(seconds)
        return f"{seconds} second" if seconds == 1 else f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


def when_a_try_may_run(
    request: HttpRequest,
    form: Form,
    page: Callable[..., HttpResponse],
    work: Callable[[], HttpResponse],
    keys: ThrottleKeys | None = None,
) -> HttpResponse:
    """`work()`, which derives a key from a passphrase, run in a derivation slot if it may run now.

    Otherwise `page(status=...)`, the form again with the reason and a Retry-After: 429 when the
    throttle's `keys` say this try must wait, 503 when no slot is free (said as a calm notice at
    the top, not as a mistake in the form: nobody did anything wrong). Either way nothing was
    tried, and the form keeps what was typed (a passphrase field is never filled back in).
    """
    try:
        if keys and (wait := Throttle.seconds_before_try(keys)):
            raise TooManyTries(wait)
        with derivation_slot():
            return work()
    except TooManyTries as refusal:
        form.add_error(
            None,
            (
                f"Too many tries in a row. For your safety, please wait {wait_in_words(refusal.wait)}, "
                "then try again. Nothing in your journal has been changed."
            ),
        )
        return with_retry_after(page(status=429), refusal.wait)
    except Busy:
        messages.info(request, BUSY_MESSAGE)
        return with_retry_after(page(status=503), Busy.retry_after)


def with_retry_after(response: HttpResponse, seconds: float) -> HttpResponse:
    response["Retry-After"] = str(max(math.ceil(seconds), 1))
    return response


def try_secret(keys: ThrottleKeys, form: Form, field: str, open_vault: Callable[[], bytes], wrong: str) -> bytes | None:
    """The data key if the secret opens the vault, or None with the reason on the form's `field`.

    Counted as a failure before the slow key derivation runs, so parallel tries can't slip past
    the count; a right secret takes its pair's failures back. A wrong secret changes nothing but
    the counts. Raises TooManyTries if the count says this try must wait after all.
    """
    reservation = Throttle.reserve(keys)
    if reservation.wait:
        raise TooManyTries(reservation.wait)
    try:
        data_key = open_vault()
    except WrongSecret:
        form.add_error(field, f"{wrong} Nothing has been changed.")
        return None
    Throttle.forgive(reservation)
    return data_key
