"""Who can see what in the practice profile: every page, as every kind of person."""

import pytest

pytestmark = pytest.mark.django_db


VIEWS = [
    # (method, url template, who gets a 2xx/3xx success, expected status for the others)
    ("get", "/practice/", {"therapist_x", "therapist_y"}),
    ("get", "/practice/assignments/new/", {"therapist_x", "therapist_y"}),
    ("get", "/practice/assignments/{assignment}/", {"therapist_x"}),
    ("get", "/practice/assignments/{assignment}/worksheet/", {"therapist_x"}),
    ("get", "/practice/assignments/{assignment}/code.txt", {"therapist_x"}),
    ("get", "/practice/clients/{alex_id}/", {"therapist_x"}),
    ("get", "/journal/entries/{entry}/", {"client_a"}),
    ("get", "/journal/entries/{entry}/edit/", {"client_a"}),
    ("get", "/journal/entries/{entry}/delete/", {"client_a"}),
    ("get", "/journal/entries/{entry}/share/?therapist={xena_id}", {"client_a"}),
    ("post", "/journal/from-therapist/{copy}/status/", {"client_a"}),
]
ACTORS = ["anonymous", "client_a", "client_b", "therapist_x", "therapist_y", "admin"]


@pytest.mark.parametrize("method, template, allowed", VIEWS, ids=[view[1] for view in VIEWS])
def test_access_matrix(world, method, template, allowed):
    url = template.format(
        assignment=world.assignment, entry=world.entry, copy=world.copy, alex_id=world.alex.pk, xena_id=world.xena.pk
    )
    for actor in ACTORS:
        response = getattr(getattr(world, actor), method)(url)
        if actor in allowed:
            assert response.status_code in (200, 302), (actor, url, response.status_code)
            if response.status_code == 302:
                assert "/unlock/" not in response.url, (actor, url)
        elif actor == "anonymous":
            assert response.status_code == 302 and "/journal/unlock/" in response.url, (actor, url)
        else:
            assert response.status_code == 404, (actor, url, response.status_code)
