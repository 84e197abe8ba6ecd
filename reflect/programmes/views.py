"""The programmes: a list, one programme's prompts, and following one (or stopping).

The pages are public, like the prompt library; while the journal is open they also show the
programme the person follows and how far they have got (and VaultMiddleware keeps them out of
every cache then). Following changes the journal, so it needs the journal open.
"""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from reflect.vault.decorators import vault_required

from . import following
from .models import Programme


@require_safe
def programme_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "programmes/list.html",
        {
            "programmes": Programme.objects.annotate(step_count=Count("steps")),
            "following": following.followed(request),
            "nav": "reflect",
        },
    )


@require_safe
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    followed = following.followed(request)
    return render(
        request,
        "programmes/programme.html",
        {
            "programme": programme,
            "prompts": programme.prompts(),
            "following": followed if followed and followed.programme == programme else None,
            "following_another": followed if followed and followed.programme != programme else None,
            "nav": "reflect",
        },
    )


@vault_required
@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest, slug: str) -> HttpResponse:
    """A GET (after unlocking on the way here) shows the programme, where the person can choose."""
    programme = get_object_or_404(Programme, slug=slug)
    if request.method == "POST":
        following.follow(request.user, request.vault.data_key, programme)
        # The message names no programme: messages can travel in a cookie.
        messages.success(request, "You are following this programme now. Go at your own pace.")
    return redirect(programme)


@vault_required
@require_http_methods(["GET", "POST"])
def stop(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    if request.method == "POST":
        following.stop(request.user)
        messages.info(request, "You are no longer following a programme. Your entries are all still here.")
    return redirect(programme)
