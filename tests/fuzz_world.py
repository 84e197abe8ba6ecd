"""The people the fuzzer visits as, and things they own, made at the model level.

Practice users are made with Vault.create, Therapist.create and Assignment.create, not through
the join view, so the fuzzer does not depend on the page it is testing. Each person opens
their journal through the real unlock view, as they would in a browser.
"""

from copy import deepcopy
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from reflect.journal.models import ClientAssignment, Draft, Entry, PendingImport, Writing
from reflect.learn.models import Section
from reflect.practice.models import Assignment, ClientLink, SharedEntry, Therapist
from reflect.prompts.models import Dynamic, Prompt
from reflect.vault.models import Vault
from reflect.vault.session import COOKIE as KEY_COOKIE

PASSPHRASE = "maple kettle river tuesday"

# Who the fuzzer visits as: (practice profile?, description).
KINDS = {
    "anonymous": (False, "a visitor to a personal install whose journal is set up, not unlocked"),
    "owner": (False, "the personal journal's owner, unlocked"),
    "locked": (False, "the owner signed in before, but the key cookie is gone, so the journal is locked"),
    "client": (True, "a therapist's client in the practice profile, unlocked"),
    "therapist": (True, "a therapist in the practice profile, unlocked"),
    "practice visitor": (True, "nobody signed in, in the practice profile"),
}


@dataclass
class Visitor:
    """A browser's cookies, kept so every example starts from the same signed-in state."""

    kind: str
    username: str = ""
    cookies: object = None
    own_ids: list = field(default_factory=list)

    def browser(self):
        client = Client()
        if self.cookies is not None:
            client.cookies = deepcopy(self.cookies)
        return client


@dataclass
class World:
    practice: bool
    users: dict = field(default_factory=dict)
    keys: dict = field(default_factory=dict)
    uuids: dict = field(default_factory=dict)  # ids of everyone's things, in the order they were made
    owned: dict = field(default_factory=dict)  # username -> [ids of their things]
    codes: list = field(default_factory=list)  # every assignment code, waiting ones first
    slugs: list = field(default_factory=list)
    recovery_keys: dict = field(default_factory=dict)
    therapist_ids: list = field(default_factory=list)  # Therapist pks, as the share form sends them
    models: dict = field(default_factory=dict)  # id -> model name ("entry", "draft"...)

    @property
    def user_ids(self):
        return sorted(str(user.pk) for user in self.users.values())

    def remember(self, username, *things):
        for thing in things:
            self.uuids[str(thing.pk)] = None
            self.models[str(thing.pk)] = thing._meta.model_name
            self.owned.setdefault(username, []).append(str(thing.pk))

    def owned_by(self, username, model):
        return [pk for pk in self.owned.get(username, []) if self.models.get(pk) == model]


def person(world, username, vault=True):
    user = get_user_model().objects.create_user(username)
    world.users[username] = user
    if vault:
        _, world.keys[username], world.recovery_keys[username] = Vault.create(user, PASSPHRASE)
    return user


def writings(world, username, key=None, prompt=None, copy=None):
    """An entry, a new draft, a draft of the entry and a pending import, sealed with `key`."""
    owner = world.users[username]
    key = key or world.keys.get(username) or bytes(32)
    now = timezone.now()
    slug = prompt.slug if prompt else ""
    entry = Entry(owner=owner, assignment=copy, created_at=now, updated_at=now)
    entry.seal(key, Writing("Words written for the fuzzer.", "A title", 3, 2, prompt=slug))
    entry.save()
    draft = Draft(owner=owner, created_at=now, updated_at=now)
    draft.seal(key, Writing("A draft.", "", prompt=slug))
    draft.save()
    editing = Draft(owner=owner, entry=entry, entry_revision=1, created_at=now, updated_at=now)
    editing.seal(key, Writing("An edit in progress.", ""))
    editing.save()
    pending = PendingImport(owner=owner)
    pending.seal(key, [])
    pending.save()
    world.remember(username, entry, draft, editing, pending)
    return entry


def library(world):
    world.slugs = sorted(
        [s.slug for s in Section.objects.all()[:3]]
        + [d.slug for d in Dynamic.objects.all()[:3]]
        + [p.slug for p in Prompt.objects.all()[:4]]
    )


def personal_world():
    world = World(practice=False)
    library(world)
    person(world, "personal")
    writings(world, "personal", prompt=Prompt.objects.first())
    # Nobody else has a journal in a personal install, but ids of another owner's rows must still 404.
    person(world, "stranger", vault=False)
    writings(world, "stranger", key=bytes(32))
    return world


def assignment(world, therapist_name, client_name=None, content=None, **state):
    therapist = world.users[therapist_name].therapist
    content = content or {
        "therapist": therapist.display_name,
        "prompts": world.slugs[-2:],
        "custom": ["Your own words?"],
        "note": "No rush.",
        "due": None,
    }
    made, code = Assignment.create(therapist, world.keys[therapist_name], content)
    Assignment.objects.filter(pk=made.pk).update(**state)
    world.remember(therapist_name, made)
    if client_name is None and not state:
        world.codes.insert(0, code)  # still waiting to be used
    else:
        world.codes.append(code)
    if client_name is None:
        return made, None
    client = world.users[client_name]
    Assignment.objects.filter(pk=made.pk).update(redeemed_at=timezone.now(), client=client)
    ClientLink.objects.get_or_create(client=client, therapist=therapist)
    copy = ClientAssignment(owner=client, assignment=made)
    copy.seal(world.keys[client_name], made.content_with_code(code))
    copy.save()
    world.remember(client_name, copy)
    return made, copy


def share(world, entry, therapist_name):
    shared = SharedEntry(entry=entry)
    shared.seal_for(
        world.users[therapist_name].therapist,
        {"title": "A title", "text": "Shared words.", "prompt": "", "written_at": entry.created_at.isoformat()},
    )
    shared.save()
    world.remember(entry.owner.username, shared)


def practice_world():
    world = World(practice=True)
    library(world)
    for name in ("therapist", "other-therapist"):
        user = person(world, name)
        world.therapist_ids.append(str(Therapist.create(user, name.title(), world.keys[name]).pk))
    for name in ("client", "other-client"):
        person(world, name)
    _, copy = assignment(world, "therapist", "client")
    entry = writings(world, "client", prompt=Prompt.objects.first(), copy=copy)
    share(world, entry, "therapist")
    _, other_copy = assignment(world, "other-therapist", "other-client")
    assignment(world, "therapist", "other-client")
    other_entry = writings(world, "other-client", copy=other_copy)
    share(world, other_entry, "other-therapist")
    share(world, other_entry, "therapist")
    assignment(world, "therapist")  # a code still waiting to be used
    assignment(world, "therapist", revoked_at=timezone.now())
    assignment(world, "therapist", expires_at=timezone.now() - timedelta(days=1))
    assignment(world, "other-therapist")
    return world


def unlocked(world, username):
    client = Client()
    data = {"passphrase": PASSPHRASE, **({"username": username} if world.practice else {})}
    response = client.post("/journal/unlock/", data)
    assert response.status_code == 302, f"could not unlock {username}: {response.status_code}"
    return client


def visitor(world, kind):
    """A Visitor for `kind`, signed in as that person would be."""
    if kind in ("anonymous", "practice visitor"):
        return Visitor(kind, cookies=Client().cookies)
    username = {"owner": "personal", "locked": "personal"}.get(kind, kind)
    client = unlocked(world, username)
    if kind == "locked":
        del client.cookies[KEY_COOKIE]
    return Visitor(kind, username=username, cookies=client.cookies, own_ids=world.owned.get(username, []))
