"""The practice profile's cast: therapists, their clients and an admin, each signed in with their
own browser, made through the same views and commands a person uses."""

import html
import io
import re
import threading
import time
from copy import deepcopy
from dataclasses import dataclass, replace
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from reflect.journal.models import ClientAssignment
from reflect.practice import accounts
from reflect.practice.models import Therapist
from reflect.vault.models import Vault

from ..conftest import rows_added, rows_by_model

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
    call_command(
        "create_therapist",
        username,
        "--display-name",
        username.title(),
        "--passphrase",
        THERAPIST_PASSPHRASE,
        stdout=io.StringIO(),
    )
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
        main = page[page.index("<main") : page.index("</main>")]
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
    response = submit(
        client,
        f"/practice/join/{code}/",
        username=username,
        new_passphrase=CLIENT_PASSPHRASE,
        new_passphrase_again=passphrase_again,
    )
    return client, response


def sign_in_name(response):
    """The name the page after joining tells the person to sign in with."""
    return html.unescape(re.search(r'id="sign-in-name">([^<]+)<', response.content.decode())[1])


def numbers_in_order(monkeypatch, *numbers):
    """Makes the random part of the next sign-in names come out as `numbers`, in each thread, so
    a clash with an existing name can be arranged. Everything else about joining is real."""
    local = threading.local()

    def next_number(digits):
        if not hasattr(local, "numbers"):
            local.numbers = iter(numbers)
        return next(local.numbers)

    monkeypatch.setattr(accounts, "sign_in_number", next_number)


@dataclass(frozen=True)
class PracticeWorld:
    """Therapists X (xena) and Y; clients A (alex) and B of X; an admin. A joined through X's
    assignment and has written one entry answering it. Each person has their own signed-in browser."""

    anonymous: Client
    client_a: Client
    client_b: Client
    therapist_x: Client
    therapist_y: Client
    admin: Client
    alex: User  # client A's account
    xena: Therapist  # therapist X
    assignment: str  # the assignment A joined through, as its id in addresses
    copy: str  # A's own copy of that assignment (a ClientAssignment), as its id
    entry: str  # A's entry answering it, as its id


def make_world():
    """The cast, made through the same views and commands each person uses."""
    x, y = make_therapist("xena"), make_therapist("yusuf")
    assignment_a, code_a = make_assignment(x)
    _assignment_b, code_b = make_assignment(x)
    a, response = join(code_a, "alex")
    assert response.status_code == 200 and "Your recovery key" in response.content.decode()
    alex = get_user_model().objects.get(username=sign_in_name(response))
    b, _ = join(code_b, "blair")
    admin_user = get_user_model().objects.create(username="admin", is_staff=True, is_superuser=True)
    Vault.create(admin_user, "administrator passphrase")
    admin = signed_in("admin", "administrator passphrase")
    copy_a = ClientAssignment.objects.get(owner=alex)
    response = a.post(
        "/journal/write/",
        {"text": "Alex's private words", "title": "Alex title", "assignment": str(copy_a.pk), "custom": "0"},
    )
    entry_a = response.url.split("/")[-2]
    return PracticeWorld(
        anonymous=Client(),
        client_a=a,
        client_b=b,
        therapist_x=x,
        therapist_y=y,
        admin=admin,
        alex=alex,
        xena=Therapist.objects.get(user__username="xena"),
        assignment=assignment_a,
        copy=str(copy_a.pk),
        entry=entry_a,
    )


@dataclass(frozen=True)
class Cast:
    """A world as it was made: the rows it added to the database, and each browser's cookies."""

    world: PracticeWorld
    rows: list
    cookies: dict
    made: float

    @classmethod
    def make(cls):
        before = rows_by_model()
        world = make_world()
        cookies = {name: deepcopy(value.cookies) for name, value in vars(world).items() if isinstance(value, Client)}
        return cls(world, rows_added(before, rows_by_model()), cookies, time.monotonic())

    def put_back(self):
        """The same world again, row for row, with a new browser for each person holding their cookies."""
        for model, rows in self.rows:
            model._base_manager.bulk_create(rows)
        browsers = {}
        for name, cookies in self.cookies.items():
            browsers[name] = Client()
            browsers[name].cookies = deepcopy(cookies)
        return replace(
            self.world,
            **browsers,
            alex=get_user_model().objects.get(pk=self.world.alex.pk),
            xena=Therapist.objects.get(pk=self.world.xena.pk),
        )

    def is_fresh(self):
        # Its sessions were opened when it was made: well before the idle lock would close them.
        return time.monotonic() - self.made < settings.REFLECT_IDLE_LOCK_MINUTES * 60 / 3


CAST = []


@pytest.fixture
def world(db):
    """The cast, made through the views once per test process, then put back as it was at the start
    of every test that asks for it. Each test's changes are rolled back, as always."""
    if CAST and CAST[0].is_fresh():
        return CAST[0].put_back()
    CAST[:] = [Cast.make()]
    return CAST[0].world
