from typing import TypeVar

from django.db import models
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

Row = TypeVar("Row", bound=models.Model)


def owned(model: type[Row] | models.QuerySet[Row], request: HttpRequest, pk: object) -> Row:
    """This person's row: another person's id gives the same 404 as an id that does not exist."""
    return get_object_or_404(model, pk=pk, owner=request.user)
