"""The fuzzing harness: every URL pattern, the names its code reads, requests built from them,
and a record of every 5xx (or exception) a request produced.

Routes come from walking Django's resolver, so a view added later is fuzzed without anyone
remembering to add it; READS must still say which parameters its code reads outside the forms
on its pages, and a test fails until it does.
"""

import itertools
import os
import re
import traceback
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import Resolver404, get_resolver, resolve
from django.utils.module_loading import import_string
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException
from hypothesis.extra.django import from_field

from reflect.journal.forms import WRITING_FIELDS

from . import fuzz_values as values
from .fuzz_world import KEY_COOKIE, PASSPHRASE

EXAMPLES = int(os.environ.get("REFLECT_FUZZ_EXAMPLES", "5"))
STRICT = os.environ.get("REFLECT_FUZZ_STRICT", "") == "1"

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
        "post": ["prompts", "custom", "note", "due_date"],
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

HEADERS = {
    "Accept-Language": st.one_of(
        st.sampled_from(["en-GB,en;q=0.9", "de", "*", "x" * 5000, "en;q=NaN", ";;;,,,"]), values.texts(40)
    ),
    "HX-Request": st.just("true"),
    "Sec-Fetch-Site": st.sampled_from(["same-origin", "cross-site", "none", "\x7f"]),
    "Origin": st.sampled_from(["null", "http://testserver", "http://evil.example", ""]),
}

# Files owned by other engineers while this harness was written: their 5xx are reported, not fixed here.
ELSEWHERE = (
    "reflect/vault/",
    "reflect/practice/",
    "reflect/safety/",
    "reflect/journal/views.py",
    "reflect/journal/forms.py",
)
# 5xx that the harness finds in those files today, each reported with a reproduction. They are
# counted and printed, not failed on, so CI stays green while their owners fix them; set
# REFLECT_FUZZ_STRICT=1 to fail on them too. Remove a line once its cause is fixed.
# (where the exception left our code, exception type): what it is.
KNOWN_ELSEWHERE = {}


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


# --- Values for names -----------------------------------------------------------------------


def as_posted(value):
    """A value from hypothesis' Django field strategies, as a browser would send it."""
    if isinstance(value, bool):
        return "on" if value else ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [as_posted(item) for item in value]
    if hasattr(value, "read"):
        return value.read()
    return "" if value is None else str(value)


def form_strategies(route):
    """name -> strategy of valid-looking values, from hypothesis' Django support (from_field)."""
    found = {}
    for path in READS.get(route, {}).get("forms", []):
        try:
            form = import_string(path)
        except ImportError:
            continue  # a form renamed by someone else: its names still come from the page
        for name, form_field in form.base_fields.items():
            try:
                found.setdefault(name, []).append(from_field(form_field).map(as_posted))
            except (HypothesisException, TypeError):
                continue
    return found


def plausible(world, who):
    """name -> values meant to pass, for a field of that name and this visitor, so that cases
    get past validation into what a view does with good input."""

    def own(model):
        return world.owned_by(who.username, model)

    users = sorted(world.users)
    return {
        "next": st.sampled_from(["/journal/", "/journal/write/", "/reflect/", "/"]),
        "passphrase": st.sampled_from([PASSPHRASE, "a wrong passphrase"]),
        "new_passphrase": st.just("a brand new passphrase"),
        "new_passphrase_again": st.just("a brand new passphrase"),
        "username": st.sampled_from(([who.username] if who.username else []) + users + ["new-person"]),
        "recovery_key": st.sampled_from(
            [world.recovery_keys.get(who.username or "personal") or next(iter(world.recovery_keys.values())), "0" * 32]
        ),
        "distress_before": st.sampled_from([str(n) for n in range(11)] + [""]),
        "distress_after": st.sampled_from([str(n) for n in range(11)] + [""]),
        "prompt": st.sampled_from([*world.slugs, ""]),
        "prompts": st.sampled_from(world.slugs),
        "dynamic": st.sampled_from([*world.slugs, ""]),
        "draft_id": st.sampled_from(["", *own("draft")]),
        "draft": st.sampled_from(["", *own("draft")]),
        "entry": st.sampled_from(["", *own("entry")]),
        "assignment": st.sampled_from(["", *own("clientassignment")]),
        "draft_revision": st.sampled_from(["0", "1", "2"]),
        "entry_revision": st.sampled_from(["1", "0", "2"]),
        "page": st.sampled_from(["1", "2"]),
        "custom": st.sampled_from(["", "0"]),
        "therapist": st.sampled_from(world.therapist_ids or ["1"]),
        "status": st.sampled_from(["not_started", "done", "skipped"]),
        "hidden": st.sampled_from(["0", "1"]),
        "lock_after": st.sampled_from(["1", ""]),
        "due_date": st.sampled_from(["", "2030-01-31"]),
        "country": st.sampled_from(["GB", "INTL", "US"]),
        "name": st.sampled_from(["discreet", "no_trace", "title", "icon"]),
        "value": st.sampled_from(["0", "1"]),
        "confirmation": st.just("delete everything"),
        "saved": st.just("on"),
        "code": st.sampled_from([*(world.codes or ["x"])[:1], values.good_portable_code(world.slugs)]),
        "text": st.sampled_from(["Some words.", "Words that matter to me.\nA second line."]),
        "title": st.sampled_from(["", "A title"]),
        "q": st.sampled_from(["words", "a"]),
        "note": st.just("No rush."),
    }


class ValuesFor:
    """The strategy for each name of one route, built once: from its forms' fields (hypothesis'
    Django support), from what looks right for the name, and from the hostile mix."""

    def __init__(self, route, world, who):
        self.from_forms = form_strategies(route)
        self.plausible = plausible(world, who)
        self.hostile = values.hostile(tuple(world.uuids))
        self.cache = {}

    def __call__(self, name):
        if name not in self.cache:
            options = list(self.from_forms.get(name, []))
            if name in self.plausible:
                options.append(self.plausible[name])
            if name == "next":
                options.append(values.next_targets())
            one = st.one_of([*options, self.hostile])
            # A name sent twice (or with several values) must not confuse the code either.
            self.cache[name] = st.one_of(
                one.map(lambda v: v if isinstance(v, list) else [v]), st.lists(one, min_size=2, max_size=3)
            )
        return self.cache[name]

    def valid(self, name):
        """Only values meant to pass: what looks right for the name, else its form field's strategy."""
        if name in self.plausible:
            return self.plausible[name].map(lambda v: [v])
        if name in self.from_forms:
            return st.one_of(self.from_forms[name]).map(lambda v: v if isinstance(v, list) else [v])
        return None


def file_strategy(route, world):
    if route == "from_therapist:add":
        content = values.portable_codes().map(str.encode)
    else:
        content = values.export_documents(tuple(world.uuids), tuple(world.slugs))
    return content.map(lambda raw: SimpleUploadedFile("upload.json", raw, content_type="application/json"))


# --- A case: one GET and one POST, built from the strategies above ---------------------------


@dataclass
class Case:
    kind: str
    path: str
    first_method: str
    query: str
    post_query: str
    data: dict
    urlencoded: bool
    headers: dict
    cookies: dict

    def requests(self):
        get_url = self.path + ("?" + self.query if self.query else "")
        post_url = self.path + ("?" + self.post_query if self.post_query else "")
        return [(self.first_method, get_url, None), ("POST", post_url, self.data)]


def pairs_to_query(pairs):
    return "&".join(
        quote(name, safe="") + "=" + quote(value if isinstance(value, str) else str(value), safe="")
        for name, value in pairs
    )


ODD_TAILS = ["", "", "", "%FF", "&%C0%AE", "&&", "&=x", ";x=1", "&page=%", "&%zz=1"]


def case_strategy(route, world, who, names):
    """Cases for one URL pattern, in three modes:

    - "valid": every name the code reads, each with a value meant to pass (a right passphrase, a
      real prompt, an id that exists...), so the cases reach what a view does with good input.
    - "mixed": some of the names the code reads, each with a value that looks right, one from its
      form field's strategy, or a hostile one; so cases get past validation and deep into views.
    - "poisoned": every name the code reads gets the same one of values.POISONS, the values that
      break code most often (NUL, too many digits, past 64 bits, a relative `next`...). A handful
      of examples then tries each poison on every name of every view.
    """
    values_for = ValuesFor(route.name, world, who)
    gets, posts, files = names.of("get", route.name), names.of("post", route.name), names.of("files", route.name)
    post_names = sorted((set(posts) | set(values_for.from_forms)) - set(files))
    uploads = {name: file_strategy(route.name, world) for name in files}
    hostile = values.hostile()
    params = {name: path_values(kind, world, who)[0] for name, kind in route.converters}
    valid_paths = st.sampled_from(own_paths(route, world, who) if route.converters else ["/" + route.route])
    cookie_names = sorted(names.cookies)
    random_names = st.lists(st.one_of(st.sampled_from(values.RANDOM_NAMES), values.texts(8)), max_size=1)

    @st.composite
    def build(draw):
        mode = draw(st.sampled_from(["valid", "mixed", "poisoned"]))
        if mode == "valid":
            path = draw(valid_paths)
        else:
            path = fill(route, {name: draw(strategy) for name, strategy in params.items()})
        poison = draw(st.sampled_from(values.POISONS))

        def filled(candidates):
            if mode == "poisoned":
                return {name: [poison] for name in candidates}
            if mode == "valid":
                good = {name: values_for.valid(name) for name in candidates}
                return {name: draw(strategy) for name, strategy in good.items() if strategy is not None}
            chosen = sorted(draw(st.sets(st.sampled_from(candidates)))) if candidates else []
            return {name: draw(values_for(name)) for name in chosen + draw(random_names)}

        def query():
            return pairs_to_query((name, value) for name, items in filled(gets).items() for value in items) + draw(
                st.sampled_from(ODD_TAILS)
            )

        data = filled(post_names)
        urlencoded = not files and draw(st.booleans())
        for name in files:
            if mode == "valid" or draw(st.booleans()):
                data[name] = [draw(uploads[name])]
        headers = {name: draw(strategy) for name, strategy in HEADERS.items() if draw(st.booleans())}
        cookies = {name: draw(hostile) for name in cookie_names if draw(st.integers(0, 3)) == 0}
        return Case(
            kind=who.kind,
            path=path,
            first_method=draw(st.sampled_from(["GET", "GET", "HEAD"])),
            query=query(),
            post_query=query() if draw(st.booleans()) else "",
            data=data,
            urlencoded=urlencoded,
            headers=headers,
            cookies=cookies,
        )

    return build()


CONVERTER_ACCEPTS = {"int": r"[0-9]+", "slug": r"[-a-zA-Z0-9_]+", "str": r"[^/]+", "path": r".+", "uuid": r"(?!)"}


def poison_cases(route, world, who):
    """Cases hypothesis runs first, every time, each with one poison: in every name the route's
    code reads by hand (READS), where no form stands guard, and in every path parameter whose
    converter lets it through; then each poisoned upload the route takes."""
    reads = READS.get(route.name, {})
    own = good_params(route, world, who, limit=1)[0]
    cases = {}
    for poison in values.POISONS:
        params = {
            name: poison if re.fullmatch(CONVERTER_ACCEPTS.get(kind, "(?!)"), poison) else own[name]
            for name, kind in route.converters
        }
        case = Case(
            kind=who.kind,
            path=fill(route, params),
            first_method="GET",
            query=pairs_to_query((name, poison) for name in reads.get("get", [])),
            post_query="",
            data={name: [poison] for name in reads.get("post", [])},
            urlencoded=True,
            headers={},
            cookies={},
        )
        if case.query or case.data or params != own:
            cases[repr(case)] = case
    path = fill(route, own)
    if route.name == "from_therapist:add":
        uploads = [code.encode() for code in values.poison_codes(tuple(world.slugs))]
    else:
        uploads = values.poison_exports()
    for name in reads.get("files", []):
        for raw in uploads:
            upload = SimpleUploadedFile("upload.json", raw, content_type="application/json")
            case = Case(
                kind=who.kind,
                path=path,
                first_method="GET",
                query="",
                post_query="",
                data={name: [upload]},
                urlencoded=False,
                headers={},
                cookies={},
            )
            cases[f"{name} {raw[:200]!r} {len(raw)}"] = case
    if route.name == "from_therapist:add":
        for code in values.poison_codes(tuple(world.slugs)):
            cases[code] = Case(
                kind=who.kind,
                path=path,
                first_method="GET",
                query="",
                post_query="",
                data={"code": [code]},
                urlencoded=True,
                headers={},
                cookies={},
            )
    return list(cases.values())


def encoded(data):
    return pairs_to_query((name, item) for name, items in data.items() for item in items)


def as_header(value):
    """A header as a WSGI server hands it over: the browser's UTF-8 bytes, read as latin-1."""
    return value.encode("utf-8", "replace").decode("latin-1")


def send(who, case, method, url, data, browser=None):
    browser = browser or who.browser()
    headers = {name: as_header(value) for name, value in case.headers.items()}
    if case.cookies:
        jar = [f"{morsel.key}={morsel.coded_value}" for morsel in browser.cookies.values()]
        jar += [f"{name}={as_header(value)}" for name, value in case.cookies.items()]
        headers["Cookie"] = "; ".join(jar)
    if method != "POST":
        return browser.generic(method, url, headers=headers)
    if case.urlencoded:
        return browser.generic(
            "POST", url, encoded(data), content_type="application/x-www-form-urlencoded", headers=headers
        )
    for items in data.values():
        for item in items:
            if hasattr(item, "seek"):
                item.seek(0)  # the same upload may be sent again while hypothesis shrinks
    return browser.post(url, data, headers=headers)


# --- Findings and the tally -----------------------------------------------------------------


@dataclass
class Finding(Exception):
    route: str
    kind: str
    database: str
    method: str
    url: str
    data: str
    error: str
    where: str
    tail: str

    @property
    def signature(self):
        return (self.where, self.error.split(":", 1)[0])

    @property
    def elsewhere(self):
        return self.where.startswith(ELSEWHERE)

    def __str__(self):
        return (
            f"{self.method} {self.url[:300]} as {self.kind} on {self.database} ({self.route})\n"
            f"  data: {self.data[:600]}\n  {self.error[:300]}\n  at {self.where}\n{self.tail}"
        )


def summarise(data):
    def short(item):
        if hasattr(item, "read"):
            item.seek(0)
            raw = item.read()
            item.seek(0)
            return f"<file {len(raw)} bytes: {raw[:120]!r}>"
        return repr(item if len(item) < 200 else item[:120] + f"...({len(item)} chars)")

    fields = (f"{name!r}: [{', '.join(short(item) for item in items)}]" for name, items in (data or {}).items())
    return "{" + ", ".join(fields) + "}"


def where_it_left_our_code(error):
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if "/reflect/" in frame.filename and "/tests/" not in frame.filename]
    frame = (ours or frames)[-1]
    if ours:
        path = frame.filename[frame.filename.rfind("/reflect/") + 1 :]
    else:
        path = frame.filename.rsplit("/site-packages/", 1)[-1]
    return f"{path}:{frame.name}"


def count(tally, route, method, response):
    key = f"{route} {method} {response.status_code}"
    tally.statuses[key] = tally.statuses.get(key, 0) + 1


def finding_for(case, route, method, url, data, response=None, error=None, before=()):
    sent = summarise(data)
    if before:  # the follow-up of a POST failed: say which POST came first
        _, first_method, first_url, first_data = before[0]
        sent = f"{sent}, after {first_method} {first_url[:200]} with {summarise(first_data)}"
    if error is not None:
        frames = traceback.extract_tb(error.__traceback__)
        ours = [frame for frame in frames if "/reflect/" in frame.filename] or frames
        tail = "".join(traceback.format_list(ours[-3:])) + traceback.format_exception_only(error)[-1]
        return Finding(
            route,
            case.kind,
            connection.vendor,
            method,
            url,
            sent,
            f"{type(error).__name__}: {error}"[:500],
            where_it_left_our_code(error),
            tail[-2000:],
        )
    return Finding(route, case.kind, connection.vendor, method, url, sent, f"HTTP {response.status_code}", route, "")


@dataclass
class Tally:
    views: set = field(default_factory=set)  # (kind, route)
    names: set = field(default_factory=set)  # (route, "get"/"post", name)
    cases: int = 0
    requests: int = 0
    statuses: dict = field(default_factory=dict)  # "route METHOD status" -> count: how deep the cases got
    findings: dict = field(default_factory=dict)  # (signature, route, kind) -> Finding

    def lines(self, all_routes):
        covered = {(route, pattern) for _, route, pattern in self.views}
        known = [f for f in self.findings.values() if f.signature in KNOWN_ELSEWHERE]
        return (
            [
                f"fuzz on {connection.vendor}: {len(covered)}/{len(all_routes)} views covered "
                f"({len(self.views)} view x user kind pairs), {len(self.names)} fields/params covered, "
                f"{self.cases} cases run, {self.requests} requests, {len(self.findings)} 5xx found "
                f"({len(known)} already known in other people's files, {len(self.findings) - len(known)} new)",
            ]
            + [f"  5xx (known) {f.method} {f.url[:200]} as {f.kind}: {f.error[:100]} at {f.where}" for f in known]
            + [f"  5xx {f}" for f in self.findings.values() if f not in known]
        )


class PostForms(HTMLParser):
    """[(action, [(name, value), ...]), ...] for every form that posts, with the values it holds."""

    def __init__(self, page):
        super().__init__()
        self.page, self.forms, self.open = page, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.open.append((attrs.get("action") or self.page, []))
            self.forms.append(self.open[-1])
        elif tag == "form":
            self.open.append(None)
        elif tag in {"input", "textarea", "button"} and self.open and self.open[-1] and attrs.get("name"):
            self.open[-1][1].append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form" and self.open:
            self.open.pop()


def follow_up(response, page):
    """The form in a POST's answer that acts on one thing by its id (confirm this import, discard
    this draft): a person's next click, which only exists once the POST has made that thing."""
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return None
    parser = PostForms(page)
    parser.feed(response.content.decode())
    for action, fields in parser.forms:
        target = route_of(action)
        if target and "<uuid:" in target[1]:
            return action, {name: [value] for name, value in fields if name != "csrfmiddlewaretoken"}
    return None


def run_case(who, case, pattern, tally, names_read):
    """Sends the case's requests (and, after the POST, its follow-up in the same savepoint);
    returns the first finding, recording every one in the tally."""
    first, route = None, pattern.name
    for method, url, data in case.requests():
        tally.requests += 1
        if route_of(url) == (pattern.name, pattern.route):
            tally.views.add((case.kind, route, pattern.route))
            query = urlsplit(url).query
            for name in names_read["get"]:
                if quote(name, safe="") + "=" in query:
                    tally.names.add((route, "get", name))
            for name in (data or {}) if method == "POST" else ():
                if name in names_read["post"] or name in names_read["files"]:
                    tally.names.add((route, "post", name))
        finding, steps = None, []

        def exchange(method=method, url=url, data=data, steps=steps):
            browser = who.browser()  # one browser for both, so the follow-up has the POST's cookies
            steps.append((route, method, url, data))
            response = send(who, case, method, url, data, browser)
            count(tally, route, method, response)
            then = follow_up(response, url) if method == "POST" else None
            if then is None:
                return response
            steps.append((route_of(then[0])[0], "POST", then[0], then[1]))
            followed = send(who, replace(case, urlencoded=True, headers={}, cookies={}), "POST", *then, browser)
            count(tally, steps[-1][0], "POST", followed)
            return followed

        try:
            response = isolated(exchange)
            if response.status_code >= 500:
                finding = finding_for(case, *steps[-1], response=response, before=steps[:-1])
        except Exception as error:  # the test client re-raises a view's exception: that is a 500
            finding = finding_for(case, *steps[-1], error=error, before=steps[:-1])
        if finding is not None:
            tally.findings.setdefault((finding.signature, route, case.kind), finding)
            first = first or finding
    return first
