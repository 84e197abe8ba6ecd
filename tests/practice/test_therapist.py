"""The therapist's pages: their assignments, their clients, and withdrawing what they gave."""

import html

import pytest
from django.utils import timezone

from reflect.practice.models import Assignment

from .conftest import make_assignment

pytestmark = pytest.mark.django_db


def test_a_client_id_too_big_for_the_database_gives_404_not_500(world):
    assert world.therapist_x.get(f"/practice/clients/{2**63}/").status_code == 404


def test_revoke_is_the_therapists_alone(world):
    url = f"/practice/assignments/{world.assignment}/revoke/"
    for browser in (world.client_a, world.therapist_y, world.admin):
        assert browser.post(url).status_code == 404
    assert not Assignment.objects.filter(revoked_at__isnull=False).exists()


def test_the_assignment_page_says_what_withdrawing_cannot_undo(world):
    x = world.therapist_x
    pk, _ = make_assignment(x)
    expires = timezone.localtime(Assignment.objects.get(pk=pk).expires_at)
    until = f"{expires:%-d %B %Y}"
    page = html.unescape(x.get(f"/practice/assignments/{pk}/").content.decode())
    assert "can't be taken back" in page and until in page
    x.post(f"/practice/assignments/{pk}/revoke/")
    page = html.unescape(x.get(f"/practice/assignments/{pk}/").content.decode())
    assert "You withdrew this" in page and "can't be taken back" in page and until in page
