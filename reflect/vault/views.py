from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from reflect.navigation import safe_target

from . import crypto, session
from .decorators import vault_required
from .forms import (
    ChangePassphraseForm,
    ConfirmPassphraseForm,
    RecoverForm,
    RecoverySavedForm,
    SetupForm,
    UnlockForm,
)
from .models import Vault, WrongSecret, argon2_params, client_address, throttle_keys
from .throttle import ThrottleKeys
from .tries import try_secret, when_a_try_may_run

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PERSONAL_USERNAME = "personal"
CARRY_PREFIX = "carry:"


def find_vault(username: str) -> Vault | None:
    """The vault to open: the only one in the personal profile, or the named account's in practice."""
    vaults = Vault.objects.select_related("owner")
    if not settings.PRACTICE:
        return vaults.first()
    # Names made before sign-in names were normalised may have capitals: found case-insensitively.
    return vaults.filter(owner__username=username).first() or vaults.filter(owner__username__iexact=username).first()


def open_with_passphrase(vault: Vault | None, passphrase: str) -> bytes:
    if vault is None:
        # An unknown name costs the same time as a wrong passphrase, so names can't be probed.
        crypto.key_from_passphrase(passphrase, bytes(crypto.SALT_BYTES), argon2_params())
        raise WrongSecret
    return vault.open_with_passphrase(passphrase)


def open_with_recovery_key(vault: Vault | None, recovery_key: str) -> bytes:
    if vault is None:
        raise WrongSecret
    return vault.open_with_recovery_key(recovery_key)


def home(user: User) -> str:
    return reverse("practice:dashboard") if hasattr(user, "therapist") else reverse("journal:list")


def safe_next(request: HttpRequest, user: User | None = None) -> str:
    fallback = home(user) if user else reverse("journal:list")
    return safe_target(request, request.POST.get("next") or request.GET.get("next"), fallback)


@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    if settings.PRACTICE:
        raise Http404("accounts come from a therapist's invitation in the practice profile")
    if Vault.objects.exists():
        return redirect("vault:unlock")
    form = SetupForm(request.POST or None)
    # Where the person was going (a prompt to write about, say): kept through setup and the recovery key.
    context = {"form": form, "next": safe_next(request)}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "vault/setup.html", context, status=400)
        page = partial(render, request, "vault/setup.html", context)
        return when_a_try_may_run(request, form, page, lambda: create_journal(request, form, context["next"]))
    return render(request, "vault/setup.html", context)


def create_journal(request: HttpRequest, form: SetupForm, next_url: str) -> HttpResponse:
    """In a derivation slot (when_a_try_may_run): the vault, its keys, and the recovery key to show."""
    with transaction.atomic():
        # No password: the vault's passphrase opens it.
        user = get_user_model().objects.create_user(PERSONAL_USERNAME)
        _vault, data_key, recovery_key = Vault.create(user, form.cleaned_data["new_passphrase"])
    session.unlock(request, user, data_key)
    return render_recovery_key(request, recovery_key, first_time=True, next_url=next_url)


def render_recovery_key(
    request: HttpRequest, recovery_key: str, first_time: bool = False, next_url: str = ""
) -> HttpResponse:
    """Shown once, in the response to a POST: never stored, never in a URL."""
    return render(
        request,
        "vault/recovery_key.html",
        {
            "recovery_key": recovery_key,
            "form": RecoverySavedForm(),
            "first_time": first_time,
            "next": next_url,
        },
    )


@require_POST
@vault_required
def recovery_key_saved(request: HttpRequest) -> HttpResponse:
    form = RecoverySavedForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["saved"][0])
        return redirect("vault:settings")
    Vault.objects.filter(owner=request.user).update(recovery_key_confirmed=True)
    return redirect(safe_next(request, request.user))


def account_name(form: Form) -> str:
    """The name a valid unlock or recover form gives: the only journal's, in the personal profile."""
    return form.cleaned_data.get("username") or PERSONAL_USERNAME


def throttle_keys_for(request: HttpRequest, form: Form) -> ThrottleKeys:
    """The counts a try with this valid unlock or recover form is held to: its name from this client."""
    return throttle_keys(account_name(form), client_address(request))


def open_named_vault(keys: ThrottleKeys, form: Form, field: str, wrong: str) -> tuple[Vault | None, bytes | None]:
    """The vault a valid unlock or recover form names, opened with the secret in `field`:
    (vault, data_key), or (vault, None) with the reason on the form, as try_secret says."""
    vault = find_vault(account_name(form))
    opener = {"passphrase": open_with_passphrase, "recovery_key": open_with_recovery_key}[field]
    return vault, try_secret(keys, form, field, lambda: opener(vault, form.cleaned_data[field]), wrong)


def carried_fields(request: HttpRequest) -> list[tuple[str, str]]:
    return [
        (name[len(CARRY_PREFIX) :], value)
        for name in request.POST
        if name.startswith(CARRY_PREFIX)
        for value in request.POST.getlist(name)
    ]


@never_cache
@require_http_methods(["GET", "POST"])
def unlock(request: HttpRequest) -> HttpResponse:
    if not settings.PRACTICE and not Vault.objects.exists():
        return redirect("vault:setup")
    if request.vault.is_unlocked and request.method == "GET":
        return redirect(safe_next(request, request.user))
    form = UnlockForm(request.POST or None)
    context = {
        "form": form,
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "carried": carried_fields(request),
    }
    if request.method == "GET":
        return render(request, "vault/unlock.html", context)
    if not form.is_valid():
        return render(request, "vault/unlock.html", context, status=400)
    page = partial(render, request, "vault/unlock.html", context)
    keys = throttle_keys_for(request, form)
    return when_a_try_may_run(request, form, page, lambda: open_journal(request, form, context, keys), keys)


def open_journal(request: HttpRequest, form: UnlockForm, context: dict, keys: ThrottleKeys) -> HttpResponse:
    """In a derivation slot (when_a_try_may_run): the passphrase tried, and the journal opened if it is right."""
    wrong = (
        "That name and passphrase didn't open a journal."
        if settings.PRACTICE
        else "That passphrase didn't open your journal."
    )
    vault, data_key = open_named_vault(keys, form, "passphrase", wrong)
    if data_key is None:
        return render(request, "vault/unlock.html", context, status=400)
    if vault.must_update():
        vault.wrap_again(data_key, form.cleaned_data["passphrase"])
        vault.save(update_fields=["passphrase_salt", "passphrase_params", "passphrase_wrapped_key"])
    session.unlock(request, vault.owner, data_key)
    context["next"] = safe_next(request, vault.owner)
    if context["carried"]:
        return render(request, "vault/continue.html", context)
    return redirect(context["next"])


# Like quick exit, locking must never fail on an expired form: it can only ever make things safer.
@csrf_exempt
@require_POST
def lock(request: HttpRequest) -> HttpResponse:
    session.lock(request)
    messages.info(request, "Your journal is locked.")
    return redirect("vault:unlock")


@never_cache
@require_http_methods(["GET", "POST"])
def recover(request: HttpRequest) -> HttpResponse:
    if not settings.PRACTICE and not Vault.objects.exists():
        return redirect("vault:setup")
    form = RecoverForm(request.POST or None)
    if request.method == "GET":
        return render(request, "vault/recover.html", {"form": form})
    if not form.is_valid():
        return render(request, "vault/recover.html", {"form": form}, status=400)
    page = partial(render, request, "vault/recover.html", {"form": form})
    keys = throttle_keys_for(request, form)
    return when_a_try_may_run(request, form, page, lambda: recover_journal(request, form, keys), keys)


def recover_journal(request: HttpRequest, form: RecoverForm, keys: ThrottleKeys) -> HttpResponse:
    """In a derivation slot (when_a_try_may_run): the recovery key tried, and the new passphrase set."""
    vault, data_key = open_named_vault(keys, form, "recovery_key", "That recovery key doesn't match this journal.")
    if data_key is None:
        return render(request, "vault/recover.html", {"form": form}, status=400)
    # Argon2 before the transaction, so no other request waits on the database meanwhile.
    vault.wrap_with_passphrase(data_key, form.cleaned_data["new_passphrase"])
    with transaction.atomic():
        vault.save()
        session.end_other_sessions(vault.owner)
    session.unlock(request, vault.owner, data_key)
    messages.success(request, "Your new passphrase is set. Your recovery key still works; keep it safe.")
    return redirect(home(vault.owner))


@vault_required
@require_http_methods(["GET"])
def settings_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "vault/settings.html",
        {
            "passphrase_form": ChangePassphraseForm(),
            "recovery_form": ConfirmPassphraseForm(),
            "vault": request.user.vault,
        },
    )


def settings_with_errors(request: HttpRequest, status: int, **forms: Form) -> HttpResponse:
    context = {
        "passphrase_form": ChangePassphraseForm(),
        "recovery_form": ConfirmPassphraseForm(),
        "vault": request.user.vault,
    }
    context.update(forms)
    return render(request, "vault/settings.html", context, status=status)


def with_current_passphrase(
    request: HttpRequest, form: Form, form_name: str, then: Callable[[bytes], HttpResponse]
) -> HttpResponse:
    """`then(data_key)` when the form is valid and its passphrase opens the person's vault;
    otherwise the settings page, with the form and why."""
    page = partial(settings_with_errors, request, **{form_name: form})
    if not form.is_valid():
        return page(status=400)
    keys = throttle_keys(request.user.username, client_address(request))
    vault = request.user.vault

    def check_then_act() -> HttpResponse:
        data_key = try_secret(
            keys,
            form,
            "passphrase",
            lambda: vault.open_with_passphrase(form.cleaned_data["passphrase"]),
            "That isn't your current passphrase.",
        )
        return page(status=400) if data_key is None else then(data_key)

    return when_a_try_may_run(request, form, page, check_then_act, keys)


@require_POST
@vault_required
def change_passphrase(request: HttpRequest) -> HttpResponse:
    form = ChangePassphraseForm(request.POST)
    return with_current_passphrase(request, form, "passphrase_form", partial(set_new_passphrase, request, form))


def set_new_passphrase(request: HttpRequest, form: ChangePassphraseForm, data_key: bytes) -> HttpResponse:
    vault = request.user.vault
    # Argon2 before the transaction, so no other request waits on the database meanwhile.
    vault.wrap_with_passphrase(data_key, form.cleaned_data["new_passphrase"])
    with transaction.atomic():
        vault.save()
        session.end_other_sessions(request.user)
    session.keep_this_session(request)
    messages.success(request, "Your passphrase has been changed. Use the new one next time you unlock.")
    return redirect("vault:settings")


@require_POST
@vault_required
def new_recovery_key(request: HttpRequest) -> HttpResponse:
    form = ConfirmPassphraseForm(request.POST)
    return with_current_passphrase(request, form, "recovery_form", partial(make_new_recovery_key, request))


def make_new_recovery_key(request: HttpRequest, data_key: bytes) -> HttpResponse:
    vault = request.user.vault
    recovery_key = vault.wrap_with_new_recovery_key(data_key)
    vault.save()
    return render_recovery_key(request, recovery_key)
