"""Accounts in the practice profile, and the names people sign in with.

A client chooses a name and the server adds a short random number to make their sign-in name,
the way Signal makes usernames: "alex" becomes "alex.4821". So the join form never has to say
that a name is taken (which would tell anyone who exists here); on a clash it picks another
number. No two sign-in names share a skeleton (see reflect.names), so none can pass for another.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from reflect.names import skeleton
from reflect.vault.models import Vault

from .models import SignInName

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Four digits while they last; a name chosen by thousands of people gets longer numbers.
NUMBER_DIGITS = (4,) * 12 + (6,) * 12


class NameInUse(Exception):
    """This name, or one that looks like it, already belongs to someone."""


def sign_in_number(digits: int) -> str:
    """A random number with exactly `digits` digits: no leading zero to be lost when typed."""
    return str(10 ** (digits - 1) + secrets.randbelow(9 * 10 ** (digits - 1)))


def create_account(username: str, passphrase: str) -> tuple[User, bytes, str]:
    """A user with no password (their vault's passphrase is what opens it), their sign-in name's
    skeleton and their vault: (user, data_key, recovery_key). Raises NameInUse. Call it inside a
    transaction; a clash with someone joining at the same moment rolls back only its savepoint."""
    users = get_user_model().objects
    look = skeleton(username)
    if users.filter(username=username).exists() or SignInName.objects.filter(skeleton=look).exists():
        raise NameInUse(username)
    try:
        with transaction.atomic():
            user = users.create_user(username)
            SignInName.objects.create(user=user, skeleton=look)
    except IntegrityError as clash:
        raise NameInUse(username) from clash
    _, data_key, recovery_key = Vault.create(user, passphrase)
    return user, data_key, recovery_key


def create_client(chosen_name: str, passphrase: str) -> tuple[User, bytes, str]:
    """An account named after `chosen_name` with a number no one else's name looks like."""
    for digits in NUMBER_DIGITS:
        try:
            return create_account(f"{chosen_name}.{sign_in_number(digits)}", passphrase)
        except NameInUse:
            continue
    raise NameInUse(chosen_name)
