from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from reflect.navigation import link
from reflect.public_pages import public_page

from .models import Reference, Section

REFERENCES_TITLE = "Where this comes from"


@public_page
@require_safe
def contents(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "learn/contents.html",
        {
            "sections": Section.objects.all(),
            "references_title": REFERENCES_TITLE,
            "nav": "learn",
        },
    )


@public_page
@require_safe
def section(request: HttpRequest, slug: str) -> HttpResponse:
    section = get_object_or_404(Section, slug=slug)
    following = Section.objects.filter(order__gt=section.order).first()
    return render(
        request,
        "learn/section.html",
        {
            "section": section,
            "prompts": section.prompts.select_related("dynamic"),
            "references": section.references.all(),
            "previous": link(Section.objects.filter(order__lt=section.order).last()),
            "next": link(following) or {"url": reverse("learn:references"), "title": REFERENCES_TITLE},
            "nav": "learn",
        },
    )


@public_page
@require_safe
def references(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "learn/references.html",
        {
            "references": Reference.objects.all(),
            "title": REFERENCES_TITLE,
            "previous": link(Section.objects.last()),
            "nav": "learn",
        },
    )
