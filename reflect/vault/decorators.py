from collections.abc import Callable
from functools import wraps
from typing import overload
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from .forms import UnlockForm
from .models import Vault

View = Callable[..., HttpResponse]


@overload
def vault_required(view: View, *, carry: tuple[str, ...] = ()) -> View: ...


@overload
def vault_required(view: None = None, *, carry: tuple[str, ...] = ()) -> Callable[[View], View]: ...


def vault_required(view: View | None = None, *, carry: tuple[str, ...] = ()) -> View | Callable[[View], View]:
    """Serves the view only while the journal is unlocked; otherwise asks to unlock first.

    A locked GET goes to the unlock page and comes back afterwards. A locked POST would lose
    what the person wrote, so the fields named in `carry` ride along, hidden, through the
    unlock form and are handed back to this view once unlocked.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.vault.is_unlocked:
                return view(request, *args, **kwargs)
            if not settings.PRACTICE and not Vault.objects.exists():
                # Setup leads to the journal anyway; anywhere else (a prompt to write about) rides along.
                going = request.get_full_path()
                carried = "" if request.method != "GET" or going == reverse("journal:list") else going
                return redirect(reverse("vault:setup") + ("?" + urlencode({"next": carried}) if carried else ""))
            if request.htmx:
                return HttpResponse(
                    "Your journal locked, so this was not saved. Your words are still on this page.",
                    status=403,
                )
            if request.method == "POST" and carry:
                carried = [(name, value) for name in carry for value in request.POST.getlist(name)]
                return render(
                    request,
                    "vault/unlock.html",
                    {
                        "form": UnlockForm(),
                        "next": request.path,
                        "carried": carried,
                    },
                    status=403,
                )
            target = reverse("vault:unlock") + "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)

        # Never kept by a browser or proxy cache, so Back or a copied cache shows nothing.
        return never_cache(wrapper)

    return decorate(view) if view else decorate
