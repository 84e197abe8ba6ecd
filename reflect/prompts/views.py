from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from reflect.learn.models import Section
from reflect.navigation import link
from reflect.public_pages import public_page

from .models import Dynamic, Exercise, Prompt


@public_page
@require_safe
def library(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "prompts/library.html",
        {
            "dynamics": Dynamic.objects.prefetch_related("prompts"),
            "nav": "reflect",
        },
    )


@public_page
@require_safe
def dynamic(request: HttpRequest, slug: str) -> HttpResponse:
    dynamic = get_object_or_404(Dynamic, slug=slug)
    return render(
        request,
        "prompts/dynamic.html",
        {
            "dynamic": dynamic,
            "prompts": dynamic.prompts.all(),
            "sections": dynamic_sections(dynamic),
            "previous": link(Dynamic.objects.filter(order__lt=dynamic.order).last()),
            "next": link(Dynamic.objects.filter(order__gt=dynamic.order).first()),
            "nav": "reflect",
        },
    )


def dynamic_sections(dynamic: Dynamic) -> QuerySet[Section]:
    return Section.objects.filter(prompts__dynamic=dynamic).distinct()


@public_page
@require_safe
def prompt(request: HttpRequest, slug: str) -> HttpResponse:
    prompt = get_object_or_404(Prompt.objects.select_related("dynamic"), slug=slug)
    siblings = Prompt.objects.filter(dynamic=prompt.dynamic)
    return render(
        request,
        "prompts/prompt.html",
        {
            "prompt": prompt,
            "sections": prompt.sections.all(),
            "exercises": Exercise.objects.all(),
            "previous": link(siblings.filter(order__lt=prompt.order).last()),
            "next": link(siblings.filter(order__gt=prompt.order).first()),
            "nav": "reflect",
        },
    )


@public_page
@require_safe
def ground(request: HttpRequest) -> HttpResponse:
    return render(request, "prompts/ground.html", {"exercises": Exercise.objects.all(), "nav": "ground"})
