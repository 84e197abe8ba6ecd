"""The client's side: prompts from a therapist in the journal, what the therapist sees of them,
and sharing an entry (or part of one) for as long as the client wants."""

import html
import re
import uuid

import pytest

from reflect.journal.models import ClientAssignment
from reflect.practice.models import Assignment, SharedEntry, Therapist
from reflect.vault.models import Vault

from .conftest import THERAPIST_PASSPHRASE, make_assignment

pytestmark = pytest.mark.django_db


def share(world):
    client = world.client_a
    return client.post(
        f"/journal/entries/{world.entry}/share/",
        {"therapist": world.xena.pk, "title": "Alex title", "text": "Alex's private words"},
    )


def test_a_therapist_reads_an_entry_only_while_it_is_shared(world):
    """Privacy guarantee 5."""
    x = world.therapist_x
    client_page = f"/practice/clients/{world.alex.pk}/"
    assert "Alex&#x27;s private words" not in x.get(client_page).content.decode()
    assert share(world).status_code == 302
    assert "Alex&#x27;s private words" in x.get(client_page).content.decode()
    assert "Alex&#x27;s private words" not in world.therapist_y.get(client_page).content.decode()
    shared = SharedEntry.objects.get()
    response = world.client_a.post(f"/journal/entries/{world.entry}/share/{shared.pk}/stop/")
    assert response.status_code == 302
    assert "Alex&#x27;s private words" not in x.get(client_page).content.decode()
    assert not SharedEntry.objects.exists()


@pytest.mark.parametrize("query", ["", "?therapist=", "?therapist=abc", "?therapist=99999"])
def test_a_missing_or_strange_therapist_gives_404_not_500(world, query):
    assert world.client_a.get(f"/journal/entries/{world.entry}/share/{query}").status_code == 404


@pytest.mark.parametrize("custom, status", [("-1", 404), ("99", 404), ("x", 404), ("9" * 5000, 404)])
def test_a_custom_prompt_that_does_not_exist_is_not_served(world, custom, status):
    response = world.client_a.get(f"/journal/write/?assignment={world.copy}&custom={custom}")
    assert response.status_code == status
    assert "A question of my own" not in response.content.decode()


def test_sharing_an_excerpt_shares_only_the_excerpt(world):
    world.client_a.post(
        f"/journal/entries/{world.entry}/share/", {"therapist": world.xena.pk, "title": "", "text": "just this part"}
    )
    html = world.therapist_x.get(f"/practice/clients/{world.alex.pk}/").content.decode()
    assert "just this part" in html and "private words" not in html


def test_a_share_longer_than_an_entry_may_be_is_refused_and_kept_on_the_page(world, settings):
    too_long = "w" * (settings.REFLECT_ENTRY_MAX_CHARS + 1)
    response = world.client_a.post(
        f"/journal/entries/{world.entry}/share/", {"therapist": world.xena.pk, "title": "", "text": too_long}
    )
    assert response.status_code == 400
    assert "longer than one entry can hold" in response.content.decode() and too_long in response.content.decode()
    assert not SharedEntry.objects.exists()


def test_the_server_holds_only_ciphertext_of_shared_entries_and_custom_prompts(world):
    marker = f"sharedmarker{uuid.uuid4().hex[:8]}"
    x = world.therapist_x
    make_assignment(x, custom=f"Custom prompt {marker}")
    world.client_a.post(
        f"/journal/entries/{world.entry}/share/",
        {"therapist": world.xena.pk, "title": marker, "text": f"shared {marker}"},
    )
    assert marker in x.get(f"/practice/clients/{world.alex.pk}/").content.decode()
    for shared in SharedEntry.objects.all():
        assert marker.encode() not in bytes(shared.ciphertext)
    for assignment in Assignment.objects.all():
        assert marker.encode() not in bytes(assignment.sealed_content) + bytes(assignment.sealed_code)
    therapist = Therapist.objects.get(user__username="xena")
    data_key = Vault.objects.get(owner__username="xena").open_with_passphrase(THERAPIST_PASSPHRASE)
    assert therapist.private_key(data_key) not in bytes(therapist.sealed_private_key)


def test_the_therapist_sees_status_not_content_and_the_client_can_hide_it(world):
    x = world.therapist_x
    page = x.get("/practice/").content.decode()
    assert "done" in page, "A answered one of the prompts"
    assert "Alex title" not in page and "private words" not in page
    world.client_a.post(f"/journal/from-therapist/{world.copy}/status/", {"hidden": "1"})
    assert "status hidden by your client" in x.get("/practice/").content.decode()
    world.client_a.post(f"/journal/from-therapist/{world.copy}/status/", {"status": "skipped", "hidden": "0"})
    assert "skipped" in x.get("/practice/").content.decode()


def test_the_client_sees_the_therapists_prompts_note_and_custom_text(world):
    html = world.client_a.get("/journal/").content.decode()
    assert "From your therapist" in html and "No rush" in html and "A question of my own" in html
    entry = world.client_a.get(f"/journal/entries/{world.entry}/").content.decode()
    assert "A question of my own" in entry, "the custom prompt is kept, encrypted, with the answer"


# --- Portable codes -----------------------------------------------------------------------


def portable_from_page(therapist, pk):
    page = therapist.get(f"/practice/assignments/{pk}/").content.decode()
    return html.unescape(re.search(r'<p class="portable-code">([^<]+)</p>', page)[1])


class TestWithdrawnPortableCodes:
    def test_a_withdrawn_assignments_portable_code_is_refused_on_this_server(self, world):
        x = world.therapist_x
        pk, _ = make_assignment(x, custom="Withdrawn question")
        portable = portable_from_page(x, pk)
        x.post(f"/practice/assignments/{pk}/revoke/")
        copies = ClientAssignment.objects.count()
        response = world.client_a.post("/journal/from-therapist/add/", {"code": portable})
        assert response.status_code == 400 and "withdrawn" in response.content.decode()
        assert ClientAssignment.objects.count() == copies
        assert "Withdrawn question" not in world.client_a.get("/journal/").content.decode()

    def test_a_portable_code_still_waiting_works_on_this_server(self, world):
        x = world.therapist_x
        pk, _ = make_assignment(x, custom="A portable question")
        response = world.client_a.post("/journal/from-therapist/add/", {"code": portable_from_page(x, pk)})
        assert response.status_code == 302
        assert "A portable question" in world.client_a.get("/journal/").content.decode()
