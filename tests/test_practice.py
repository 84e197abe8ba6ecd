"""Practice mode: who can see what, sharing and revoking, codes that must not work, sign-in
names, and codes that must never reach a log."""

import base64
import html
import io
import json
import logging
import re
import threading
import uuid
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from reflect.journal.models import ClientAssignment
from reflect.practice.models import SharedEntry
from reflect.practice import accounts
from reflect.practice.models import Assignment, SignInName, Therapist
from reflect.practice.portable import PREFIX, checksum, portable_code
from reflect.vault import crypto
from reflect.vault.models import Throttle, Vault

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


class PageForm(HTMLParser):
    """The first POST form in a page's <main>, as a browser would send it: its action and hidden fields."""

    def __init__(self, page):
        super().__init__()
        self.action, self.hidden, self.inside = None, {}, False
        main = page[page.index("<main"):page.index("</main>")]
        self.feed(main)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post" and self.action is None:
            self.action, self.inside = attrs.get("action") or "", True
        elif tag == "input" and self.inside and attrs.get("type") == "hidden":
            self.hidden[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def submit(client, url, **fields):
    """Opens the page at `url` and sends its form with `fields` typed in, as a person would.
    Returns the page's response if it has no form to send."""
    page = client.get(url)
    if page.status_code != 200:
        return page
    form = PageForm(page.content.decode())
    return client.post(form.action or url, {**form.hidden, **fields})


def join(code, username, passphrase_again=CLIENT_PASSPHRASE, client=None):
    """A new client opens the therapist's link and fills in the join page."""
    client = client or Client()
    response = submit(client, f"/practice/join/{code}/", username=username,
                      new_passphrase=CLIENT_PASSPHRASE, new_passphrase_again=passphrase_again)
    return client, response


def sign_in_name(response):
    """The name the page after joining tells the person to sign in with."""
    return html.unescape(re.search(r'id="sign-in-name">([^<]+)<', response.content.decode())[1])


@pytest.fixture
def world():
    """Therapists X and Y; clients A and B of X; an admin; A has written one entry."""
    x, y = make_therapist("xena"), make_therapist("yusuf")
    assignment_a, code_a = make_assignment(x)
    assignment_b, code_b = make_assignment(x)
    a, response = join(code_a, "alex")
    assert response.status_code == 200 and "Your recovery key" in response.content.decode()
    alex = get_user_model().objects.get(username=sign_in_name(response))
    b, _ = join(code_b, "blair")
    admin_user = get_user_model().objects.create(username="admin", is_staff=True, is_superuser=True)
    Vault.create(admin_user, "administrator passphrase")
    admin = signed_in("admin", "administrator passphrase")
    copy_a = ClientAssignment.objects.get(owner=alex)
    response = a.post("/journal/write/", {"text": "Alex's private words", "title": "Alex title",
                                          "assignment": str(copy_a.pk), "custom": "0"})
    entry_a = response.url.split("/")[-2]
    return {
        "anonymous": Client(), "client A": a, "client B": b, "therapist X": x, "therapist Y": y, "admin": admin,
        "assignment": assignment_a, "entry": entry_a, "copy": str(copy_a.pk),
        "alex": alex, "xena": Therapist.objects.get(user__username="xena"),
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


def test_a_client_id_too_big_for_the_database_gives_404_not_500(world):
    assert world["therapist X"].get(f"/practice/clients/{2**63}/").status_code == 404


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


@pytest.mark.parametrize("custom, status", [("-1", 404), ("99", 404), ("x", 404), ("9" * 5000, 404)])
def test_a_custom_prompt_that_does_not_exist_is_not_served(world, custom, status):
    response = world["client A"].get(f"/journal/write/?assignment={world['copy']}&custom={custom}")
    assert response.status_code == status
    assert "A question of my own" not in response.content.decode()


def test_sharing_an_excerpt_shares_only_the_excerpt(world):
    world["client A"].post(f"/journal/entries/{world['entry']}/share/",
                           {"therapist": world["xena"].pk, "title": "", "text": "just this part"})
    html = world["therapist X"].get(f"/practice/clients/{world['alex'].pk}/").content.decode()
    assert "just this part" in html and "private words" not in html


def test_a_share_longer_than_an_entry_may_be_is_refused_and_kept_on_the_page(world, settings):
    too_long = "w" * (settings.REFLECT_ENTRY_MAX_CHARS + 1)
    response = world["client A"].post(f"/journal/entries/{world['entry']}/share/",
                                      {"therapist": world["xena"].pk, "title": "", "text": too_long})
    assert response.status_code == 400
    assert "longer than one entry can hold" in response.content.decode() and too_long in response.content.decode()
    assert not SharedEntry.objects.exists()


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
        assert not get_user_model().objects.filter(username__startswith="dana").exists()

    def test_a_code_used_while_its_page_was_open_creates_nothing(self, world):
        _, code = make_assignment(world["therapist X"])
        late = Client()
        page = late.get(f"/practice/join/{code}/")
        join(code, "casey")
        form = PageForm(page.content.decode())
        response = late.post(form.action or f"/practice/join/{code}/", {
            **form.hidden, "username": "dana",
            "new_passphrase": CLIENT_PASSPHRASE, "new_passphrase_again": CLIENT_PASSPHRASE,
        })
        assert response.status_code == 410 and "already been used" in response.content.decode()
        assert not get_user_model().objects.filter(username__startswith="dana").exists()

    def test_a_signed_in_client_adds_the_prompts_from_a_new_link(self, world):
        _, code = make_assignment(world["therapist X"], custom="A second week")
        response = submit(world["client A"], f"/practice/join/{code}/")
        assert response.status_code == 302 and response.url == "/journal/"
        assert "A second week" in world["client A"].get("/journal/").content.decode()
        assert ClientAssignment.objects.filter(owner=world["alex"]).count() == 2

    def test_a_therapist_cannot_take_up_a_code(self, world):
        _, code = make_assignment(world["therapist X"])
        assert world["therapist X"].get(f"/practice/join/{code}/").status_code == 403
        assert world["therapist Y"].post("/practice/join/", {"code": code}).status_code == 403
        assert Assignment.objects.filter(redeemed_at__isnull=False).count() == 2

    def test_an_expired_code_creates_nothing(self, world):
        pk, code = make_assignment(world["therapist X"])
        Assignment.objects.filter(pk=pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        _, response = join(code, "erin")
        assert response.status_code == 410 and "expired" in response.content.decode()
        assert not get_user_model().objects.filter(username__startswith="erin").exists()

    def test_a_withdrawn_code_creates_nothing(self, world):
        pk, code = make_assignment(world["therapist X"])
        world["therapist X"].post(f"/practice/assignments/{pk}/revoke/")
        _, response = join(code, "finn")
        assert response.status_code == 410 and "withdrawn" in response.content.decode()
        assert not get_user_model().objects.filter(username__startswith="finn").exists()

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

    def test_a_refused_form_keeps_the_code_usable(self, world):
        _, code = make_assignment(world["therapist X"])
        _, response = join(code, "gale", passphrase_again="something else entirely")
        assert response.status_code == 400 and "The two passphrases are different" in response.content.decode()
        _, response = join(code, "gale")
        assert response.status_code == 200


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


# --- Codes never reach a log ----------------------------------------------------------------

def forms_of(code):
    """The ways a code can be written: as given, and as typed (no dashes, any case)."""
    bare = code.replace("-", "")
    return {code, bare, bare.lower(), code.lower()}


def test_the_join_page_posts_its_code_in_the_body_not_the_path(world):
    _, code = make_assignment(world["therapist X"])
    page = Client().get(f"/practice/join/{code}/")
    form = PageForm(page.content.decode())
    assert form.action == "/practice/join/"
    assert form.hidden["code"] == code


def test_a_failing_join_leaves_no_code_in_any_log(world, caplog):
    caplog.set_level(logging.DEBUG)
    x = world["therapist X"]
    _, code = make_assignment(x)
    _, response = join(code, "gale", passphrase_again="these two are not the same")
    assert response.status_code == 400
    unknown = crypto.new_code()
    assert Client().get(f"/practice/join/{unknown}/").status_code == 404
    _, used = make_assignment(x)
    stale = Client().get(f"/practice/join/{used}/")
    join(used, "hana")
    assert Client().get(f"/practice/join/{used}/").status_code == 410
    form = PageForm(stale.content.decode())
    response = Client().post(form.action or f"/practice/join/{used}/", {**form.hidden, "username": "ivo"})
    assert response.status_code == 410
    assert Client().post("/practice/join/", {"code": unknown}).status_code == 404

    assert any(record.name == "django.request" for record in caplog.records), "the refused requests were logged"
    for record in caplog.records:
        text = record.getMessage() + repr(record.args)
        for secret in forms_of(code) | forms_of(unknown) | forms_of(used):
            assert secret not in text, record.getMessage()


def test_request_lines_in_the_server_log_hide_codes(caplog):
    """What runserver writes for every request, including an unlock link that leads back to the code."""
    code = crypto.new_code()
    server = logging.getLogger("django.server")  # it does not pass records up, so listen to it directly
    server.addHandler(caplog.handler)
    try:
        server.warning('"%s" %s %s', f"GET /practice/join/{code}/ HTTP/1.1", "404", "1234")
        server.info('"%s" %s %s', f"GET /journal/unlock/?next=/practice/join/{code}/ HTTP/1.1", "200", "99")
        server.info('"%s" %s %s', f"GET /journal/unlock/?next=%2Fpractice%2Fjoin%2F{code}%2F HTTP/1.1", "200", "9")
    finally:
        server.removeHandler(caplog.handler)
    assert len(caplog.records) == 3
    for record in caplog.records:
        assert code not in record.getMessage() and "[code hidden]" in record.getMessage()


# --- Sign-in names ---------------------------------------------------------------------------

def numbers_in_order(monkeypatch, *numbers):
    """Makes the random part of the next sign-in names come out as `numbers`, in each thread, so
    a clash with an existing name can be arranged. Everything else about joining is real."""
    local = threading.local()

    def next_number(digits):
        if not hasattr(local, "numbers"):
            local.numbers = iter(numbers)
        return next(local.numbers)

    monkeypatch.setattr(accounts, "sign_in_number", next_number)


class TestSignInNames:
    def test_the_same_name_twice_is_never_called_taken(self, world):
        x = world["therapist X"]
        _, first = join(make_assignment(x)[1], "robin")
        _, second = join(make_assignment(x)[1], "robin")
        assert first.status_code == second.status_code == 200
        assert "taken" not in first.content.decode() + second.content.decode()
        names = {sign_in_name(first), sign_in_name(second)}
        assert len(names) == 2 and all(re.fullmatch(r"robin\.\d{4}", name) for name in names)

    def test_the_sign_in_name_is_shown_with_the_recovery_key_and_on_the_dashboard(self, world):
        page = html.unescape(world["therapist X"].get("/practice/").content.decode())
        alex = world["alex"].username
        assert re.fullmatch(r"alex\.\d{4}", alex)
        assert alex in page
        _, response = join(make_assignment(world["therapist X"])[1], "sky")
        text = response.content.decode()
        assert sign_in_name(response) in text and "Your recovery key" in text and "Unlock" in text

    @pytest.mark.parametrize("typed", ["ALEX.{n}", "Alex.{n}", "  alex.{n} ", "ａｌｅｘ.{n}"])
    def test_unlock_finds_the_name_however_it_is_typed(self, world, typed):
        number = world["alex"].username.split(".")[1]
        typed = typed.format(n=number)
        response = Client().post("/journal/unlock/", {"username": typed, "passphrase": CLIENT_PASSPHRASE})
        assert response.status_code == 302 and "/journal/" in response.url

    def test_recover_finds_the_name_however_it_is_typed(self):
        out = io.StringIO()
        call_command("create_therapist", "quinn", "--passphrase", THERAPIST_PASSPHRASE, stdout=out)
        recovery_key = re.search(r"Recovery key.*: (\S+)", out.getvalue())[1]
        response = Client().post("/journal/recover/", {
            "username": "QUINN", "recovery_key": recovery_key,
            "new_passphrase": "a brand new passphrase", "new_passphrase_again": "a brand new passphrase",
        })
        assert response.status_code == 302

    def test_names_made_before_normalising_still_open(self):
        user = get_user_model().objects.create_user("Xavier")
        Vault.create(user, CLIENT_PASSPHRASE)
        for typed in ("Xavier", "xavier", "XAVIER"):
            response = Client().post("/journal/unlock/", {"username": typed, "passphrase": CLIENT_PASSPHRASE})
            assert response.status_code == 302, typed

    @pytest.mark.parametrize("chosen, made", [
        ("Alex", "alex"), ("ａｌｅｘ", "alex"), ("Straße", "strasse"), ("Sam_K", "sam_k"),
    ])
    def test_chosen_names_are_normalised(self, world, chosen, made):
        _, response = join(make_assignment(world["therapist X"])[1], chosen)
        assert response.status_code == 200
        assert re.fullmatch(re.escape(made) + r"\.\d{4}", sign_in_name(response))

    @pytest.mark.parametrize("chosen", ["zoë", "two words", "<b>", ".alex", "alex-", "", "a" * 31, "al\u200bex"])
    def test_names_outside_the_allowed_letters_are_explained_and_nothing_is_made(self, world, chosen):
        users = get_user_model().objects.count()
        _, response = join(make_assignment(world["therapist X"])[1], chosen)
        assert response.status_code == 400
        text = html.unescape(response.content.decode())
        assert "letters a to z" in text or "This field is required" in text or "at most 30" in text
        assert get_user_model().objects.count() == users

    def test_a_number_already_in_use_is_replaced_by_another(self, world, monkeypatch):
        x = world["therapist X"]
        numbers_in_order(monkeypatch, "1234", "1234", "5678")
        _, first = join(make_assignment(x)[1], "alex")
        _, second = join(make_assignment(x)[1], "alex")
        assert (sign_in_name(first), sign_in_name(second)) == ("alex.1234", "alex.5678")

    @pytest.mark.parametrize("look_alike", ["a1ex", "ALEX", "al-ex", "al_ex"])
    def test_no_two_sign_in_names_look_alike(self, world, monkeypatch, look_alike):
        x = world["therapist X"]
        numbers_in_order(monkeypatch, "1234", "1234", "5678")
        join(make_assignment(x)[1], "alex")
        _, response = join(make_assignment(x)[1], look_alike)
        assert response.status_code == 200
        assert sign_in_name(response).endswith(".5678")

    def test_therapist_names_are_normalised_and_look_alikes_refused(self):
        call_command("create_therapist", "Ｓam", "--passphrase", THERAPIST_PASSPHRASE, stdout=io.StringIO())
        assert get_user_model().objects.filter(username="sam").exists()
        for look_alike in ("sarn", "SAM", "s-am"):
            with pytest.raises(CommandError):
                call_command("create_therapist", look_alike, "--passphrase", THERAPIST_PASSPHRASE, stdout=io.StringIO())
        with pytest.raises(CommandError):
            call_command("create_therapist", "sam smith", "--passphrase", THERAPIST_PASSPHRASE, stdout=io.StringIO())
        assert get_user_model().objects.count() == 1
        assert signed_in("SAM", THERAPIST_PASSPHRASE).get("/practice/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_joins_with_the_same_name_both_succeed(content, monkeypatch):
    """Both people pick the same number at the same moment: one of them gets another, nobody a 500."""
    x = make_therapist("xena")
    codes = [make_assignment(x)[1] for _ in range(2)]
    numbers_in_order(monkeypatch, "1234", "5678", "9012")
    start = threading.Barrier(2)
    results = []

    def join_at_once(code):
        try:
            client = Client()
            page = client.get(f"/practice/join/{code}/")
            form = PageForm(page.content.decode())
            start.wait(timeout=60)
            response = client.post(form.action or f"/practice/join/{code}/", {
                **form.hidden, "username": "alex",
                "new_passphrase": CLIENT_PASSPHRASE, "new_passphrase_again": CLIENT_PASSPHRASE,
            })
            results.append((response.status_code, sign_in_name(response) if response.status_code == 200 else None))
        except Exception as error:  # reported below, with the thread's own exception
            results.append((500, repr(error)))
        finally:
            connection.close()

    threads = [threading.Thread(target=join_at_once, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [(200, "alex.1234"), (200, "alex.5678")], results
    assert ClientAssignment.objects.count() == 2


# --- Joins are slowed down --------------------------------------------------------------------

FREE_JOINS = Throttle.RULES["join"][0]


class TestJoinThrottle:
    def test_refused_joins_soon_get_a_plain_429(self, world):
        _, code = make_assignment(world["therapist X"])
        here = Client(REMOTE_ADDR="10.0.0.21")
        statuses = []
        for _ in range(12):
            _, response = join(code, "gale", passphrase_again="not the same at all", client=here)
            statuses.append(response.status_code)
            if response.status_code == 429:
                break
        assert statuses[:FREE_JOINS] == [400] * FREE_JOINS
        assert statuses[FREE_JOINS:] == [429]
        text = html.unescape(response.content.decode())
        assert "Please wait" in text and "Nothing has been created or changed" in text
        assert here.get(f"/practice/join/{code}/").status_code == 429, "the link waits too"
        elsewhere = Client(REMOTE_ADDR="10.0.0.22")
        assert elsewhere.get(f"/practice/join/{code}/").status_code == 200, "counted per client"

    def test_unknown_codes_count_too(self, db):
        guesser = Client(REMOTE_ADDR="10.0.0.23")
        statuses = [guesser.get(f"/practice/join/{crypto.new_code()}/").status_code for _ in range(8)]
        assert statuses[:FREE_JOINS] == [404] * FREE_JOINS
        assert statuses[FREE_JOINS] == 429

    def test_a_successful_join_starts_the_count_again(self, world):
        x = world["therapist X"]
        here = Client(REMOTE_ADDR="10.0.0.24")
        for _ in range(FREE_JOINS - 1):
            here.get(f"/practice/join/{crypto.new_code()}/")
        assert Throttle.objects.get(key__startswith="join:").failures == FREE_JOINS - 1
        join(make_assignment(x)[1], "pat", client=here)
        assert not Throttle.objects.filter(key__startswith="join:").exists()


# --- Portable codes -----------------------------------------------------------------------

def portable_from_page(therapist, pk):
    page = therapist.get(f"/practice/assignments/{pk}/").content.decode()
    return html.unescape(re.search(r'<p class="portable-code">([^<]+)</p>', page)[1])


class TestWithdrawnPortableCodes:
    def test_a_withdrawn_assignments_portable_code_is_refused_on_this_server(self, world):
        x = world["therapist X"]
        pk, _ = make_assignment(x, custom="Withdrawn question")
        portable = portable_from_page(x, pk)
        x.post(f"/practice/assignments/{pk}/revoke/")
        copies = ClientAssignment.objects.count()
        response = world["client A"].post("/journal/from-therapist/add/", {"code": portable})
        assert response.status_code == 400 and "withdrawn" in response.content.decode()
        assert ClientAssignment.objects.count() == copies
        assert "Withdrawn question" not in world["client A"].get("/journal/").content.decode()

    def test_a_portable_code_still_waiting_works_on_this_server(self, world):
        x = world["therapist X"]
        pk, _ = make_assignment(x, custom="A portable question")
        response = world["client A"].post("/journal/from-therapist/add/", {"code": portable_from_page(x, pk)})
        assert response.status_code == 302
        assert "A portable question" in world["client A"].get("/journal/").content.decode()

    def test_the_assignment_page_says_what_withdrawing_cannot_undo(self, world):
        x = world["therapist X"]
        pk, _ = make_assignment(x)
        expires = timezone.localtime(Assignment.objects.get(pk=pk).expires_at)
        until = f"{expires:%-d %B %Y}"
        page = html.unescape(x.get(f"/practice/assignments/{pk}/").content.decode())
        assert "can't be taken back" in page and until in page
        x.post(f"/practice/assignments/{pk}/revoke/")
        page = html.unescape(x.get(f"/practice/assignments/{pk}/").content.decode())
        assert "You withdrew this" in page and "can't be taken back" in page and until in page


def encode_portable(body):
    text = body if isinstance(body, str) else json.dumps(body)
    payload = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
    return f"{PREFIX}.{payload}.{checksum(payload)}"


def good_body(**changes):
    return {"id": "0123456789abcdef0123456789abcdef", "expires": (timezone.now() + timedelta(days=9)).isoformat(),
            "therapist": "Sam", "prompts": ["not-my-fault"], "custom": ["Own question"], "note": "Hi", "due": None,
            **changes}


STRANGE_PORTABLE_CODES = {
    "a naive expiry": good_body(expires="2099-01-01T00:00:00"),
    "an expiry outside the calendar in UTC": good_body(expires="9999-12-31T23:59:59-12:00"),
    "an expiry that is a number": good_body(expires=4102444800),
    "an id longer than the column": good_body(id="a" * 100),
    "an id that is not hex": good_body(id="z" * 32),
    "an id that is a number": good_body(id=12345678901234567890123456789012),
    "custom prompts as one text": good_body(custom="abc"),
    "a note that is a list": good_body(note=["x"]),
    "a therapist that is a number": good_body(therapist=7),
    "prompts that are numbers": good_body(prompts=[1, 2]),
    "a due date that is an object": good_body(due={"year": 2030}),
    "a due date that is no date": good_body(due="next tuesday"),
    "a list, not an object": [1, 2, 3],
    "deeply nested JSON": '{"id": ' + "[" * 5000 + "]" * 5000 + "}",
}


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
        html_page = personal.get("/journal/").content.decode()
        assert "Own question" in html_page and "From Sam" in html_page
        response = personal.post("/journal/from-therapist/add/", {"code": portable}, follow=True)
        assert "already added" in response.content.decode()
        assert ClientAssignment.objects.count() == 1

    @pytest.mark.django_db(transaction=True)
    def test_the_same_code_sent_twice_at_once_is_added_once(self, content, personal, portable):
        """A double click or two tabs: both requests end well, and the prompts are there once."""
        start = threading.Barrier(2, timeout=60)
        statuses = []

        def add():
            tab = Client()
            tab.cookies = personal.cookies
            start.wait()
            try:
                statuses.append(tab.post("/journal/from-therapist/add/", {"code": portable}).status_code)
            finally:
                connection.close()

        threads = [threading.Thread(target=add) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses == [302, 302]
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

    def test_a_well_formed_code_made_by_hand_is_accepted(self, personal):
        """The strange codes below differ from this one in one field each."""
        response = personal.post("/journal/from-therapist/add/", {"code": encode_portable(good_body())})
        assert response.status_code == 302
        assert ClientAssignment.objects.count() == 1

    @pytest.mark.parametrize("body", STRANGE_PORTABLE_CODES.values(), ids=STRANGE_PORTABLE_CODES.keys())
    def test_a_strange_code_is_a_clear_400_and_keeps_what_was_pasted(self, personal, body):
        code = encode_portable(body)
        response = personal.post("/journal/from-therapist/add/", {"code": code})
        assert response.status_code == 400
        assert "can&#x27;t be read" in response.content.decode()
        assert code[:1000] in response.content.decode()
        assert not ClientAssignment.objects.exists()

    def test_a_code_far_longer_than_any_real_one_is_refused_before_reading(self, personal):
        code = encode_portable(good_body(note="x" * 300_000))
        response = personal.post("/journal/from-therapist/add/", {"code": code})
        assert response.status_code == 400 and "much longer" in response.content.decode()


# --- Delete everything ------------------------------------------------------------------------

def test_delete_everything_in_the_practice_profile_ends_on_a_real_page(world):
    response = world["client A"].post("/journal/delete-everything/", {"confirmation": "delete everything"}, follow=True)
    assert response.status_code == 200
    assert "Everything has been deleted" in response.content.decode()
    assert not get_user_model().objects.filter(pk=world["alex"].pk).exists()


def test_delete_everything_in_the_personal_profile_ends_on_a_real_page(settings, client):
    settings.PRACTICE = False
    client.post("/journal/setup/", {"new_passphrase": CLIENT_PASSPHRASE, "new_passphrase_again": CLIENT_PASSPHRASE})
    response = client.post("/journal/delete-everything/", {"confirmation": "delete everything"}, follow=True)
    assert response.status_code == 200
    assert "Everything has been deleted" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_names_skeletons_and_keeps_look_alikes_working():
    from django.db.migrations.executor import MigrationExecutor

    before = [("practice", "0001_initial")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    User = old.get_model("auth", "User")
    User.objects.create(username="Alex")
    User.objects.create(username="a1ex")  # already looks like Alex: made before names were checked
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    names = dict(SignInName.objects.values_list("user__username", "skeleton"))
    assert names == {"Alex": "aiex"}
