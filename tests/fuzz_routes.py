"""Where the fuzzer goes: every URL pattern, what each view's code reads, and paths to fill.

Routes come from walking Django's resolver, so a view added later is fuzzed without anyone
remembering to add it; READS must still say which parameters its code reads outside the forms
on its pages, and a test fails until it does. The other names a route reads are found by
reading the forms on every page that point at it.
"""

import itertools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import Resolver404, get_resolver, resolve
from hypothesis import strategies as st

from reflect.journal.forms import SAFETY_PLAN_FIELDS, WRITING_FIELDS

from . import fuzz_values as values
from .fuzz_world import KEY_COOKIE

# What each view's code reads besides the fields of the forms on its pages, found by reading
# the views: query parameters ("get"), posted names ("post"), uploaded files ("files"), and
# the form classes whose fields give values that pass validation ("forms").
ENTRY_FORM = "reflect.journal.forms.EntryForm"
DRAFT_FORM = "reflect.journal.forms.DraftForm"
WRITING = list(WRITING_FIELDS)
READS = {
    "learn:contents": {},
    "learn:references": {},
    "learn:section": {},
    "prompts:library": {},
    "prompts:ground": {},
    "prompts:dynamic": {},
    "prompts:prompt": {},
    "programmes:list": {},
    "programmes:programme": {},
    "programmes:follow": {},
    "programmes:stop": {},
    "journal:list": {"get": ["dynamic", "page"], "post": ["q", "page"], "forms": ["reflect.journal.forms.SearchForm"]},
    "journal:write": {"get": ["prompt", "draft", "assignment", "custom"], "post": WRITING, "forms": [ENTRY_FORM]},
    "journal:detail": {},
    "journal:edit": {"get": ["draft"], "post": WRITING, "forms": [ENTRY_FORM]},
    "journal:delete": {},
    "journal:autosave": {"post": [*WRITING, "entry", "lock_after"], "forms": [DRAFT_FORM]},
    "journal:keep_draft_and_lock": {"post": [*WRITING, "entry"], "forms": [DRAFT_FORM]},
    "journal:keep_draft_and_leave": {"post": [*WRITING, "entry"], "forms": [DRAFT_FORM]},
    "journal:discard_draft": {},
    "journal:export": {},
    "journal:export_json": {},
    "journal:export_markdown": {},
    "journal:print": {},
    "journal:import": {"files": ["file"], "forms": ["reflect.journal.forms.ImportForm"]},
    "journal:import_confirm": {},
    "journal:import_cancel": {},
    "journal:delete_everything": {"post": ["confirmation"], "forms": ["reflect.journal.forms.DeleteEverythingForm"]},
    "journal:what_we_store": {},
    "journal:looking_back": {"get": ["range"], "forms": ["reflect.journal.forms.LookingBackForm"]},
    "journal:safety_plan": {"post": list(SAFETY_PLAN_FIELDS), "forms": ["reflect.journal.forms.SafetyPlanForm"]},
    "journal:safety_plan_print": {"get": ["with_names"], "forms": ["reflect.journal.forms.PlanPrintForm"]},
    "from_therapist:add": {"post": ["code"], "files": ["file"]},
    "from_therapist:status": {"post": ["status", "hidden"]},
    "from_therapist:share": {
        "get": ["therapist"],
        "post": ["therapist", "title", "text"],
        "forms": ["reflect.practice.forms.ShareForm"],
    },
    "from_therapist:unshare": {},
    "vault:setup": {"forms": ["reflect.vault.forms.SetupForm"]},
    "vault:recovery_key_saved": {"post": ["saved"], "forms": ["reflect.vault.forms.RecoverySavedForm"]},
    "vault:unlock": {
        "get": ["next"],
        "post": ["next", "username", "passphrase", "carry:text", "carry:title"],
        "forms": ["reflect.vault.forms.UnlockForm"],
    },
    "vault:lock": {},
    "vault:recover": {
        "post": ["username", "recovery_key", "new_passphrase", "new_passphrase_again"],
        "forms": ["reflect.vault.forms.RecoverForm"],
    },
    "vault:settings": {},
    "vault:change_passphrase": {"forms": ["reflect.vault.forms.ChangePassphraseForm"]},
    "vault:new_recovery_key": {"forms": ["reflect.vault.forms.ConfirmPassphraseForm"]},
    "practice:dashboard": {},
    "practice:new_assignment": {
        "get": ["dynamic"],
        "post": ["programme", "release_every", "prompts", "custom", "note", "due_date"],
        "forms": ["reflect.practice.forms.AssignmentForm"],
    },
    "practice:assignment": {},
    "practice:worksheet": {},
    "practice:portable_file": {},
    "practice:revoke": {},
    "practice:client": {},
    "practice:join": {
        "post": ["code", "username", "new_passphrase", "new_passphrase_again"],
        "forms": ["reflect.practice.forms.JoinForm"],
    },
    "safety:leave": {},
    "safety:neutral": {},
    "safety:country": {"post": ["country", "next"], "forms": ["reflect.safety.forms.CountryForm"]},
    "safety:help": {},
    "safety:settings": {},
    "safety:set_preference": {"post": ["name", "value", "next"], "forms": ["reflect.safety.forms.PreferenceForm"]},
    "safety:cover_your_tracks": {},
}
# Cookies the pages read; any other cookie a page sets during the crawl is added (but never the
# session, CSRF or key cookies, which make the visitor who they are).
COOKIES = ["country", "display", "tip", "reflect_country", "reflect_discreet", "reflect_no_trace", "reflect_tip_seen"]


# --- Routes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    route: str  # e.g. "journal/entries/<uuid:pk>/"
    converters: tuple  # ((parameter name, converter type), ...)

    def __str__(self):
        return f"{self.name} /{self.route}"

    @property
    def reads_something(self):
        return bool(self.converters or any(READS.get(self.name, {}).values()))


def walk(patterns, prefix="", namespace=()):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if hasattr(pattern, "url_patterns"):
            inner = namespace + ((pattern.namespace,) if pattern.namespace else ())
            yield from walk(pattern.url_patterns, route, inner)
        else:
            name = ":".join((*namespace, pattern.name or pattern.lookup_str))
            kinds = tuple(re.findall(r"<(?:(\w+):)?(\w+)>", route))
            yield Route(name, route, tuple((parameter, kind or "str") for kind, parameter in kinds))


def routes():
    """Every URL pattern the site serves, walked from the root URLconf."""
    return list(walk(get_resolver().url_patterns))


def fill(route, params):
    """The path for `route` with each parameter replaced by its (percent-encoded) value."""

    def value(match):
        return quote(params[match.group(2)], safe="")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route.route)


def route_of(path):
    """(URL name, route) that Django resolves this path to, or None."""
    try:
        match = resolve(unquote(urlsplit(path).path))
    except Resolver404:
        return None
    return match.view_name, match.route


# --- Who owns what: values for path parameters ----------------------------------------------


def path_values(converter, world, who):
    if converter == "uuid":
        known = who.own_ids + list(world.uuids)
        return st.one_of(st.sampled_from(known), st.uuids().map(str)), known
    if converter == "int":
        ids = world.user_ids
        return st.one_of(
            st.sampled_from(ids),
            st.integers(min_value=0).map(str),
            st.sampled_from(["0", values.HUGE_DIGITS, "9223372036854775808", "0" * 30 + "1"]),
        ), ids
    if converter == "slug":
        slugs = st.from_regex(r"[-a-zA-Z0-9_]{1,300}", fullmatch=True)
        return st.one_of(st.sampled_from(world.slugs), slugs), world.slugs
    codes = world.codes
    odd = st.sampled_from(
        ["x", "\x00", "%00", "..", "a" * 3000, codes[0].lower() if codes else "z", (codes[0] + "0") if codes else "z"]
    )
    return st.one_of(st.sampled_from(codes or ["x"]), odd, values.texts(40).filter(lambda s: s and "/" not in s)), codes


# Which of a visitor's things a uuid in a route most likely names, by words in the route.
ROUTE_MODELS = [
    ("share_id", "sharedentry"),
    ("drafts/", "draft"),
    ("import/", "pendingimport"),
    ("from-therapist/", "clientassignment"),
    ("practice/assignments/", "assignment"),
    ("", "entry"),
]


def own_paths(route, world, who):
    """Paths naming the visitor's own things of the kind the route is about: for "valid" cases."""
    choices = []
    for name, kind in route.converters:
        if kind == "uuid":
            model = next(model for word, model in ROUTE_MODELS if word in route.route + name)
            choices.append(world.owned_by(who.username, model) or who.own_ids or list(world.uuids))
        else:
            choices.append(path_values(kind, world, who)[1] or ["x"])
    names = [name for name, _ in route.converters]
    return [
        fill(route, dict(zip(names, combo, strict=False))) for combo in itertools.islice(itertools.product(*choices), 8)
    ]


def good_params(route, world, who, limit=8):
    """Path parameters with real values, the visitor's own first."""
    choices = [
        (who.own_ids if kind == "uuid" and who.own_ids else path_values(kind, world, who)[1]) or ["x"]
        for _, kind in route.converters
    ]
    names = [name for name, _ in route.converters]
    return [dict(zip(names, combo, strict=False)) for combo in itertools.islice(itertools.product(*choices), limit)]


def good_paths(route, world, who, limit=8):
    """Paths with real values, the visitor's own first, for reading the forms on a page."""
    return [fill(route, params) for params in good_params(route, world, who, limit)]


# --- Field names, read from the forms on every page -----------------------------------------


class FormNames(HTMLParser):
    """(form method, action or hx-post target, field name) for every named control inside a form."""

    def __init__(self, page):
        super().__init__()
        self.page = page
        self.forms = []  # [(method, [targets]), ...] for open forms
        self.found = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            targets = [attrs.get("action") or self.page] + ([attrs["hx-post"]] if attrs.get("hx-post") else [])
            self.forms.append(((attrs.get("method") or "get").lower(), targets))
        elif tag in {"input", "select", "textarea", "button"} and self.forms and attrs.get("name"):
            method, targets = self.forms[-1]
            for target in targets + ([attrs["formaction"]] if attrs.get("formaction") else []):
                self.found.add((method, target, attrs["name"]))

    def handle_endtag(self, tag):
        if tag == "form" and self.forms:
            self.forms.pop()


@dataclass
class Names:
    get: dict = field(default_factory=dict)  # route name -> set of names
    post: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    cookies: set = field(default_factory=lambda: set(COOKIES))

    def add(self, kind, route, name):
        getattr(self, kind).setdefault(route, set()).add(name)

    def of(self, kind, route):
        return sorted(getattr(self, kind).get(route, set()))


def visitor_cookies():
    return {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, KEY_COOKIE}


def isolated(do):
    """Runs `do()` in a savepoint that is always rolled back: every example starts from the same world."""
    with transaction.atomic():
        try:
            return do()
        finally:
            transaction.set_rollback(True)


def read_names(all_routes, world, who):
    """The names each route's code reads, and those of every form on every page pointing at it."""
    names = Names()
    for route in all_routes:
        for kind in ("get", "post", "files"):
            for name in READS.get(route.name, {}).get(kind, []):
                names.add(kind, route.name, name)
        for path in good_paths(route, world, who):
            response = isolated(lambda path=path: who.browser().get(path))
            names.cookies.update(name for name in response.cookies if name not in visitor_cookies())
            if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                parser = FormNames(path)
                parser.feed(response.content.decode())
                for method, target, name in parser.found:
                    target_route = route_of(target)
                    if target_route and name != "csrfmiddlewaretoken":
                        names.add("post" if method == "post" else "get", target_route[0], name)
                break
    return names
