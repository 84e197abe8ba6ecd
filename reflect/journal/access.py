from django.db import models
from django.http import HttpRequest
from django.shortcuts import get_object_or_404


def owned(model: type[models.Model] | models.QuerySet, request: HttpRequest, pk: object) -> models.Model:
    """This person's row: another person's id gives the same 404 as an id that does not exist."""
    return get_object_or_404(model, pk=pk, owner=request.user)
