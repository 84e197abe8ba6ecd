"""What the fuzzer sends: hypothesis strategies for every name a route reads, and the cases
built from them (one GET or HEAD, then one POST), including the poison cases every route
gets first, every run.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.module_loading import import_string
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException
from hypothesis.extra.django import from_field

from . import fuzz_documents as documents
from . import fuzz_values as values
from .fuzz_routes import READS, fill, good_params, own_paths, path_values
from .fuzz_world import PASSPHRASE

HEADERS = {
    "Accept-Language": st.one_of(
        st.sampled_from(["en-GB,en;q=0.9", "de", "*", "x" * 5000, "en;q=NaN", ";;;,,,"]), values.texts(40)
    ),
    "HX-Request": st.just("true"),
    "Sec-Fetch-Site": st.sampled_from(["same-origin", "cross-site", "none", "\x7f"]),
    "Origin": st.sampled_from(["null", "http://testserver", "http://evil.example", ""]),
}


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
        "code": st.sampled_from([*(world.codes or ["x"])[:1], documents.good_portable_code(world.slugs)]),
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
        content = documents.portable_codes().map(str.encode)
    else:
        content = documents.export_documents(tuple(world.uuids), tuple(world.slugs))
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
        uploads = [code.encode() for code in documents.poison_codes(tuple(world.slugs))]
    else:
        uploads = documents.poison_exports()
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
        for code in documents.poison_codes(tuple(world.slugs)):
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
