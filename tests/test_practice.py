"""Practice mode: who can see what, sharing and revoking, and codes that must not work."""

import re
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from reflect.journal.models import ClientAssignment, SharedEntry
from reflect.practice.models import Assignment, Therapist
from reflect.practice.portable import portable_code
from reflect.vault.models import Vault

pytestmark = pytest.mark.django_db

THERAPIST_PASSPHRASE = "therapist long passphrase"
CLIENT_PASSPHRASE = "client long passphrase"


@pytest.fixture(autouse=True)
def practice(settings):
    settings.PRACTICE = True


def signed_in(username, passphrase):
    client = Client()
    response = client.post("/journal/unlock/", {"username": username, "passphrase": passphrase})
    assert response.status_code == 302, response.content[:300]
    return client


def make_therapist(username):
    call_command("create_therapist", username, "--display-name", username.title(), "--passphrase", THERAPIST_PASSPHRASE,
                 stdout=open("/dev/null", "w"))
    return signed_in(username, THERAPIST_PASSPHRASE)


def make_assignment(therapist, **fields):
    data = {"prompts": ["not-my-fault"], "custom": "A question of my own", "note": "No rush", "due_date": "", **fields}
    response = therapist.post("/practice/assignments/new/", data)
    assert response.status_code == 302, response.content[:500]
    html = therapist.get(response.url).content.decode()
    return response.url.split("/")[-2], re.search(r"<code>([0-9A-Z-]+)</code>", html)[1]


def join(code, username):
    client = Client()
    response = client.post(f"/practice/join/{code}/", {
        "username": username, "new_passphrase": CLIENT_PASSPHRASE, "new_passphrase_again": CLIENT_PASSPHRASE,
    })
    return client, response


@pytest.fixture
def world():
    """Therapists X and Y; clients A and B of X; an admin; A has written one entry."""
    x, y = make_therapist("xena"), make_therapist("yusuf")
    assignment_a, code_a = make_assignment(x)
    assignment_b, code_b = make_assignment(x)
    a, response = join(code_a, "alex")
    assert response.status_code == 200 and "Your recovery key" in response.content.decode()
    b, _ = join(code_b, "blair")
    admin_user = get_user_model().objects.create(username="admin", is_staff=True, is_superuser=True)
    Vault.create(admin_user, "administrator passphrase")
    admin = signed_in("admin", "administrator passphrase")
    copy_a = ClientAssignment.objects.get(owner__username="alex")
    response = a.post("/journal/write/", {"text": "Alex's private words", "title": "Alex title",
                                          "assignment": str(copy_a.pk), "custom": "0"})
    entry_a = response.url.split("/")[-2]
    return {
        "anonymous": Client(), "client A": a, "client B": b, "therapist X": x, "therapist Y": y, "admin": admin,
        "assignment": assignment_a, "entry": entry_a, "copy": str(copy_a.pk),
        "alex": get_user_model().objects.get(username="alex"), "xena": Therapist.objects.get(user__username="xena"),
    }


def share(world):
    client = world["client A"]
    return client.post(f"/journal/entries/{world['entry']}/share/",
                       {"therapist": world["xena"].pk, "title": "Alex title", "text": "Alex's private words"})


VIEWS = [
    # (method, url template, who gets a 2xx/3xx success, expected status for the others)
    ("get", "/practice/", {"therapist X", "therapist Y"}),
    ("get", "/practice/assignments/new/", {"therapist X", "therapist Y"}),
    ("get", "/practice/assignments/{assignment}/", {"therapist X"}),
    ("get", "/practice/assignments/{assignment}/worksheet/", {"therapist X"}),
    ("get", "/practice/assignments/{assignment}/code.txt", {"therapist X"}),
    ("get", "/practice/clients/{alex_id}/", {"therapist X"}),
    ("get", "/journal/entries/{entry}/", {"client A"}),
    ("get", "/journal/entries/{entry}/edit/", {"client A"}),
    ("get", "/journal/entries/{entry}/delete/", {"client A"}),
    ("get", "/journal/entries/{entry}/share/?therapist={xena_id}", {"client A"}),
    ("post", "/journal/from-therapist/{copy}/status/", {"client A"}),
]
ACTORS = ["anonymous", "client A", "client B", "therapist X", "therapist Y", "admin"]


@pytest.mark.parametrize("method, template, allowed", VIEWS, ids=[view[1] for view in VIEWS])
def test_access_matrix(world, method, template, allowed):
    url = template.format(assignment=world["assignment"], entry=world["entry"], copy=world["copy"],
                          alex_id=world["alex"].pk, xena_id=world["xena"].pk)
    for actor in ACTORS:
        response = getattr(world[actor], method)(url)
        if actor in allowed:
            assert response.status_code in (200, 302), (actor, url, response.status_code)
            if response.status_code == 302:
                assert "/unlock/" not in response.url, (actor, url)
        elif actor == "anonymous":
            assert response.status_code == 302 and "/journal/unlock/" in response.url, (actor, url)
        else:
            assert response.status_code == 404, (actor, url, response.status_code)


def test_revoke_is_the_therapists_alone(world):
    url = f"/practice/assignments/{world['assignment']}/revoke/"
    for actor in ("client A", "therapist Y", "admin"):
        assert world[actor].post(url).status_code == 404
    assert not Assignment.objects.filter(revoked_at__isnull=False).exists()


def test_a_therapist_reads_an_entry_only_while_it_is_shared(world):
    """Privacy guarantee 5."""
    x = world["therapist X"]
    client_page = f"/practice/clients/{world['alex'].pk}/"
    assert "Alex&#x27;s private words" not in x.get(client_page).content.decode()
    assert share(world).status_code == 302
    assert "Alex&#x27;s private words" in x.get(client_page).content.decode()
    assert "Alex&#x27;s private words" not in world["therapist Y"].get(client_page).content.decode()
    shared = SharedEntry.objects.get()
    response = world["client A"].post(f"/journal/entries/{world['entry']}/share/{shared.pk}/stop/")
    assert response.status_code == 302
    assert "Alex&#x27;s private words" not in x.get(client_page).content.decode()
    assert not SharedEntry.objects.exists()


@pytest.mark.parametrize("query", ["", "?therapist=", "?therapist=abc", "?therapist=99999"])
def test_a_missing_or_strange_therapist_gives_404_not_500(world, query):
    assert world["client A"].get(f"/journal/entries/{world['entry']}/share/{query}").status_code == 404


@pytest.mark.parametrize("custom, status", [("-1", 404), ("99", 404), ("x", 200)])
def test_a_custom_prompt_that_does_not_exist_is_not_served(world, custom, status):
    response = world["client A"].get(f"/journal/write/?assignment={world['copy']}&custom={custom}")
    assert response.status_code == status
    assert "A question of my own" not in response.content.decode()


def test_sharing_an_excerpt_shares_only_the_excerpt(world):
    world["client A"].post(f"/journal/entries/{world['entry']}/share/",
                           {"therapist": world["xena"].pk, "title": "", "text": "just this part"})
    html = world["therapist X"].get(f"/practice/clients/{world['alex'].pk}/").content.decode()
    assert "just this part" in html and "private words" not in html


def test_the_server_holds_only_ciphertext_of_shared_entries_and_custom_prompts(world):
    marker = f"sharedmarker{uuid.uuid4().hex[:8]}"
    x = world["therapist X"]
    make_assignment(x, custom=f"Custom prompt {marker}")
    world["client A"].post(f"/journal/entries/{world['entry']}/share/",
                           {"therapist": world["xena"].pk, "title": marker, "text": f"shared {marker}"})
    assert marker in x.get(f"/practice/clients/{world['alex'].pk}/").content.decode()
    for shared in SharedEntry.objects.all():
        assert marker.encode() not in bytes(shared.ciphertext)
    for assignment in Assignment.objects.all():
        assert marker.encode() not in bytes(assignment.sealed_content) + bytes(assignment.sealed_code)
    therapist = Therapist.objects.get(user__username="xena")
    data_key = Vault.objects.get(owner__username="xena").open_with_passphrase(THERAPIST_PASSPHRASE)
    assert therapist.private_key(data_key) not in bytes(therapist.sealed_private_key)


def test_the_therapist_sees_status_not_content_and_the_client_can_hide_it(world):
    x = world["therapist X"]
    page = x.get("/practice/").content.decode()
    assert "done" in page, "A answered one of the prompts"
    assert "Alex title" not in page and "private words" not in page
    world["client A"].post(f"/journal/from-therapist/{world['copy']}/status/", {"hidden": "1"})
    assert "status hidden by your client" in x.get("/practice/").content.decode()
    world["client A"].post(f"/journal/from-therapist/{world['copy']}/status/", {"status": "skipped", "hidden": "0"})
    assert "skipped" in x.get("/practice/").content.decode()


def test_the_client_sees_the_therapists_prompts_note_and_custom_text(world):
    html = world["client A"].get("/journal/").content.decode()
    assert "From your therapist" in html and "No rush" in html and "A question of my own" in html
    entry = world["client A"].get(f"/journal/entries/{world['entry']}/").content.decode()
    assert "A question of my own" in entry, "the custom prompt is kept, encrypted, with the answer"


class TestCodes:
    def test_a_used_code_works_once(self, world):
        _, code = make_assignment(world["therapist X"])
        join(code, "casey")
        _, response = join(code, "dana")
        assert response.status_code == 410 and "already been used" in response.content.decode()
        assert not get_user_model().objects.filter(username="dana").exists()

    def test_an_expired_code_creates_nothing(self, world):
        pk, code = make_assignment(world["therapist X"])
        Assignment.objects.filter(pk=pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        _, response = join(code, "erin")
        assert response.status_code == 410 and "expired" in response.content.decode()
        assert not get_user_model().objects.filter(username="erin").exists()

    def test_a_withdrawn_code_creates_nothing(self, world):
        pk, code = make_assignment(world["therapist X"])
        world["therapist X"].post(f"/practice/assignments/{pk}/revoke/")
        _, response = join(code, "finn")
        assert response.status_code == 410 and "withdrawn" in response.content.decode()
        assert not get_user_model().objects.filter(username="finn").exists()

    @pytest.mark.parametrize("code", ["nonsense", "AAAAA-AAAAA", "'; DROP TABLE--", "0" * 26])
    def test_malformed_or_unknown_codes_give_404(self, client, code):
        response = client.get(f"/practice/join/{code}/")
        assert response.status_code == 404
        assert "Nothing has been created or changed" in response.content.decode()

    def test_codes_carry_at_least_80_random_bits_and_expire_in_30_days(self, world):
        pk, code = make_assignment(world["therapist X"])
        assert len(code.replace("-", "")) * 5 >= 128
        assignment = Assignment.objects.get(pk=pk)
        assert timedelta(days=29) < assignment.expires_at - assignment.created_at <= timedelta(days=30)
        assert code not in str(Assignment.objects.values_list().get(pk=pk)), "only a hash of the code is stored"

    def test_a_taken_name_is_refused_and_the_code_stays_usable(self, world):
        _, code = make_assignment(world["therapist X"])
        _, response = join(code, "alex")
        assert response.status_code == 400 and "That name is taken" in response.content.decode()
        _, response = join(code, "gale")
        assert response.status_code == 200


class TestPortableCodes:
    @pytest.fixture
    def portable(self):
        content = {"therapist": "Sam", "prompts": ["not-my-fault"], "custom": ["Own question"], "note": "Hi", "due": None}
        return portable_code(content, "ABCDE-FGHJK-MNPQR-STVWX-YZ012-3", timezone.now() + timedelta(days=30))

    @pytest.fixture
    def personal(self, settings, client):
        settings.PRACTICE = False
        client.post("/journal/setup/", {"new_passphrase": CLIENT_PASSPHRASE, "new_passphrase_again": CLIENT_PASSPHRASE})
        return client

    def test_a_personal_install_adds_prompts_from_a_portable_code(self, personal, portable):
        response = personal.post("/journal/from-therapist/add/", {"code": portable})
        assert response.status_code == 302
        html = personal.get("/journal/").content.decode()
        assert "Own question" in html and "From Sam" in html
        response = personal.post("/journal/from-therapist/add/", {"code": portable}, follow=True)
        assert "already added" in response.content.decode()
        assert ClientAssignment.objects.count() == 1

    def test_a_code_edited_by_hand_is_refused(self, personal, portable):
        prefix, payload, check = portable.split(".")
        edited = f"{prefix}.{payload[:-3]}xyz.{check}"
        response = personal.post("/journal/from-therapist/add/", {"code": edited})
        assert response.status_code == 400 and "changed or cut short" in response.content.decode()
        assert not ClientAssignment.objects.exists()

    @pytest.mark.parametrize("code, message", [
        ("hello", "isn&#x27;t a Reflect assignment code"),
        ("REFLECT-ASSIGNMENT-1.e30.0000", "changed or cut short"),
    ])
    def test_foreign_codes_are_refused(self, personal, code, message):
        response = personal.post("/journal/from-therapist/add/", {"code": code})
        assert response.status_code == 400 and message in response.content.decode()
        assert not ClientAssignment.objects.exists()

    def test_an_expired_portable_code_is_refused(self, personal):
        expired = portable_code({"therapist": "Sam", "prompts": [], "custom": ["Q"], "note": "", "due": None},
                                "ABCDE-FGHJK-MNPQR-STVWX-YZ012-3", timezone.now() - timedelta(days=1))
        response = personal.post("/journal/from-therapist/add/", {"code": expired})
        assert response.status_code == 400 and "expired" in response.content.decode()


def test_personal_profile_has_no_accounts_to_join(settings, client):
    settings.PRACTICE = False
    assert client.get("/practice/join/AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-A/").status_code == 404


def test_practice_has_no_self_setup(client):
    assert client.get("/journal/setup/").status_code == 404


def test_unknown_names_and_wrong_passphrases_look_the_same(world):
    unknown = Client().post("/journal/unlock/", {"username": "nobody", "passphrase": THERAPIST_PASSPHRASE})
    wrong = Client().post("/journal/unlock/", {"username": "xena", "passphrase": "not the passphrase"})
    assert unknown.status_code == wrong.status_code == 400
    assert "didn&#x27;t open a journal" in unknown.content.decode() and "didn&#x27;t open a journal" in wrong.content.decode()
