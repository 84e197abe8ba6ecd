"""One page: /bytes/<n>/ answers with exactly n bytes of HTML."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

START = b"<!doctype html><html lang=en><title>Bare</title><p>"


def html_of_size(request: HttpRequest, size: int) -> HttpResponse:
    body = (START + b"x" * size)[:size]
    response = HttpResponse(body, content_type="text/html; charset=utf-8")
    # As Reflect's CommonMiddleware does: a length, not chunks, so the same bytes go on the wire.
    response["Content-Length"] = len(body)
    return response


urlpatterns = [path("bytes/<int:size>/", html_of_size)]
