"""Keeping a vault unlocked between requests without keeping its key in plaintext anywhere.

While unlocked, the session holds the data key sealed under a random "cookie key", and that
cookie key lives only in the person's browser, in an HttpOnly, SameSite=Strict cookie.
A copy of the session table alone, or the cookie alone, opens nothing.

How long it stays open: the session remembers when it was last used (to within
SEEN_RESOLUTION_SECONDS), and the sealed key refuses to open once that is longer ago than the
idle limit. The session row itself expires at the idle limit too (SESSION_COOKIE_AGE), counted
from its last save, which every use at least SEEN_RESOLUTION_SECONDS after the last one makes.
So the journal locks between (idle limit - SEEN_RESOLUTION_SECONDS) and the idle limit after
the last request, whether or not another request ever arrives; expired rows are deleted at
every unlock and by `manage.py clearsessions`, which `make run` runs before serving.
"""

from __future__ import annotations

import base64
import binascii
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.sessions.backends.base import SessionBase
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property

from . import crypto
from .sealing import associated_data

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SESSION_FIELD = "vault_sealed_key"
SEEN_FIELD = "vault_last_seen"
THERAPIST_FIELD = "vault_therapist"
COOKIE = "key"  # a name that says nothing about Reflect to someone looking through cookies
# Saving the session on every request would write to the database on every autosave;
# the idle clock only needs to move this often.
SEEN_RESOLUTION_SECONDS = 15
IDLE_MESSAGE = "Your journal locked itself after a while without use, to keep it private."


class VaultSession:
    """request.vault: is the journal unlocked, and with which data key?"""

    def __init__(self, request):
        self.request = request
        self.cookie_to_set = None
        self.clear_cookie = False

    @cached_property
    def data_key(self) -> bytes | None:
        request = self.request
        sealed = request.session.get(SESSION_FIELD)
        cookie = request.COOKIES.get(COOKIE)
        if not (sealed and cookie and request.user.is_authenticated):
            return None
        if idle_too_long(request.session):
            return None
        try:
            cookie_key = base64.urlsafe_b64decode(cookie)
            return crypto.unseal(cookie_key, base64.b64decode(sealed), associated_data("session", user=request.user.pk))
        except (ValueError, binascii.Error, crypto.DecryptionError):
            return None

    @property
    def is_unlocked(self) -> bool:
        return self.data_key is not None

    @property
    def user(self) -> User | None:
        return self.request.user if self.is_unlocked else None

    @property
    def shows_practice(self) -> bool:
        """Whether the nav leads to the practice pages rather than the journal: written at unlock,
        so no page asks the database again. It opens nothing: those pages ask the database who is
        a therapist themselves, every time."""
        return self.is_unlocked and self.request.session.get(THERAPIST_FIELD, False)


# Sent once a journal is open, with its owner and data key: the moment other apps can tidy their
# sealed rows (for example moving something written in clear by an older version inside the seal).
unlocked = Signal()


def unlock(request: HttpRequest, user: User, data_key: bytes) -> None:
    """Signs the person in (a new session id) and keeps the data key sealed in the session."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session.clear_expired()  # other people's idle sessions too: their rows are of no use to anyone
    cookie_key = crypto.new_key()
    sealed = crypto.seal(cookie_key, data_key, associated_data("session", user=user.pk))
    request.session[SESSION_FIELD] = base64.b64encode(sealed).decode()
    request.session[SEEN_FIELD] = int(time.time())
    if hasattr(user, "therapist"):
        request.session[THERAPIST_FIELD] = True
    else:
        request.session.pop(THERAPIST_FIELD, None)
    request.vault.cookie_to_set = base64.urlsafe_b64encode(cookie_key).decode()
    request.vault.clear_cookie = False
    request.vault.__dict__["data_key"] = data_key
    unlocked.send(sender=VaultSession, user=user, data_key=data_key)


def lock(request: HttpRequest) -> None:
    """Forgets everything: the session is flushed and the cookie key is deleted."""
    logout(request)
    request.vault.cookie_to_set = None
    request.vault.clear_cookie = True
    request.vault.__dict__["data_key"] = None


def end_other_sessions(user: User) -> None:
    """Every other session signed in as this person locks at its next request.

    Django's AuthenticationMiddleware keeps in each session an HMAC of the user's password field
    and logs out any session whose HMAC no longer matches. Our people have no Django password
    (their passphrase opens the vault, not the account), so a new random unusable one is enough
    to end them all: no list of sessions to keep, no extra query per request. Call
    keep_this_session (or unlock afresh) afterwards to keep the current one open.
    """
    user.set_unusable_password()
    user.save(update_fields=["password"])


def keep_this_session(request: HttpRequest) -> None:
    """After end_other_sessions: this session carries the new HMAC, under a new session id."""
    update_session_auth_hash(request, request.user)


def idle_seconds_allowed() -> int:
    return settings.REFLECT_IDLE_LOCK_MINUTES * 60


def idle_too_long(session: SessionBase) -> bool:
    """True once the journal has gone unused for longer than the idle limit."""
    last_seen = session.get(SEEN_FIELD)
    return last_seen is None or int(time.time()) - last_seen > idle_seconds_allowed()


class VaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.vault = VaultSession(request)
        self.lock_if_idle(request)
        response = self.get_response(request)
        if request.vault.cookie_to_set:
            response.set_cookie(
                COOKIE,
                request.vault.cookie_to_set,
                httponly=True,
                samesite="Strict",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        elif request.vault.clear_cookie or (COOKIE in request.COOKIES and not request.vault.is_unlocked):
            response.delete_cookie(COOKIE, samesite="Strict")
        if request.vault.is_unlocked:
            # Any page can show something of the journal while it is open (the Lock button, which
            # prompts were answered): none may be kept by a cache, so Back after locking shows none.
            add_never_cache_headers(response)
        return response

    def lock_if_idle(self, request: HttpRequest) -> None:
        if SESSION_FIELD not in request.session:
            if COOKIE in request.COOKIES:
                # The key cookie outlived its session, whose row expires with the idle limit.
                messages.info(request, IDLE_MESSAGE)
            return
        if idle_too_long(request.session):
            lock(request)
            messages.info(request, IDLE_MESSAGE)
        elif int(time.time()) - request.session[SEEN_FIELD] >= SEEN_RESOLUTION_SECONDS:
            request.session[SEEN_FIELD] = int(time.time())
