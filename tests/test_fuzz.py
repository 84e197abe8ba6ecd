"""No input gives a 500: property-based tests over every URL pattern, as every kind of user.

For each kind of user (tests/fuzz_world.py) and each URL pattern walked from the resolver
(tests/fuzz_routes.py), hypothesis builds cases (tests/fuzz_cases.py): a GET or HEAD with a
generated query string, then a POST with generated form fields, files, headers and cookies.
Any 5xx, or any exception the test client re-raises from a view, is a finding
(tests/fuzz_harness.py). Every pattern first gets one explicit case per "poison" (NUL, 5,000
digits, 2**63...) in every name its code reads by hand.

How the examples are chosen: `derandomize=True` and no example database. CI runs on a fresh
clone twice (SQLite, PostgreSQL); a fixed sequence of examples means a red run is red again
when rerun or bisected, and a green run cannot turn red by chance on someone else's change.
More examples explore further: REFLECT_FUZZ_EXAMPLES (default 5 per pattern and kind, a third
of that for a page whose code reads nothing from the request), e.g. 100 for a long run.
REFLECT_FUZZ_STRICT=1 fails on the 5xx already known in other people's files too, and
REFLECT_FUZZ_REPORT=path appends what was covered and found, as JSON.

Hypothesis runs inside the test, once per URL pattern, not on the test function itself: the
world (people, entries, codes) is made once per kind of user, because building it for every
example would be far too slow, and each example runs in a savepoint that is always rolled back
with a fresh copy of the visitor's cookies. So no example sees another's changes, which is what
the function_scoped_fixture health check is there to warn about.
"""

import json
import logging
import os

import pytest
from django.http import HttpResponse
from django.urls import path
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings

from reflect.urls import urlpatterns as site_patterns

from . import fuzz_harness as harness
from .fuzz_cases import case_strategy, poison_cases
from .fuzz_routes import READS, read_names, routes
from .fuzz_world import KINDS, personal_world, practice_world, visitor

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:Generating overly large repr")]

FUZZ = hypothesis_settings(
    max_examples=harness.EXAMPLES,
    deadline=None,  # a request that saves an entry takes as long as it takes; time is not what we test
    derandomize=True,
    database=None,
    # Building a case draws many values (a whole export file, say), and the field strategies from
    # hypothesis' Django support filter on validators: both are fine here.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


@pytest.fixture(scope="module")
def tally(request):
    """Counts what the fuzzing covered, printed at the end (and saved to REFLECT_FUZZ_REPORT if set)."""
    counted = harness.Tally()
    yield counted
    lines = counted.lines(routes())
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if hasattr(request.config, "workeroutput"):
        # A pytest-xdist worker's own output is never shown: the controller prints these lines in
        # its summary (tests/conftest.py), one tally for the kinds of user each worker fuzzed.
        request.config.workeroutput.setdefault("summary_lines", []).extend(lines)
    elif reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            for line in lines:
                reporter.write_line(line)
    if os.environ.get("REFLECT_FUZZ_REPORT"):
        with open(os.environ["REFLECT_FUZZ_REPORT"], "a") as report:
            report.write(
                json.dumps(
                    {
                        "database": lines[0],
                        "views": sorted(counted.views),
                        "names": sorted(counted.names),
                        "cases": counted.cases,
                        "requests": counted.requests,
                        "statuses": counted.statuses,
                        "findings": [vars(finding) for finding in counted.findings.values()],
                    }
                )
                + "\n"
            )


@pytest.fixture(autouse=True)
def quiet_request_log():
    """Django logs every 4xx and 5xx; thousands of them would bury the findings, which are counted here."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


def fuzz(route, world, who, names, tally, examples=None):
    """Runs hypothesis over one URL pattern; returns the (shrunk) first new finding, if any."""
    read = {kind: set(names.of(kind, route.name)) for kind in ("get", "post", "files")}

    # A page whose code reads nothing from the request still meets odd cookies, headers and
    # methods through the middleware, but needs fewer examples than one with a form.
    if examples is None:
        examples = harness.EXAMPLES if route.reads_something else max(1, harness.EXAMPLES // 3)

    def attempt(case):
        tally.cases += 1
        finding = harness.run_case(who, case, route, tally, read)
        if finding is not None and (harness.STRICT or finding.signature not in harness.KNOWN_ELSEWHERE):
            raise finding

    for case in poison_cases(route, world, who):
        attempt = example(case=case)(attempt)
    attempt = given(case=case_strategy(route, world, who, names))(attempt)
    attempt = hypothesis_settings(FUZZ, max_examples=examples)(attempt)

    try:
        attempt()
    except harness.Finding as finding:
        tally.findings[(finding.signature, route.name, who.kind)] = finding  # the shrunk one
        return finding
    return None


def fuzz_everything(kind, settings, tally):
    practice = KINDS[kind][0]
    settings.PRACTICE = practice
    world = practice_world() if practice else personal_world()
    who = visitor(world, kind)
    everything = routes()
    names = read_names(everything, world, who)
    found = [finding for route in everything if (finding := fuzz(route, world, who, names, tally))]
    return everything, found


@pytest.mark.parametrize("kind", list(KINDS))
def test_no_input_gives_a_5xx(kind, settings, tally):
    everything, found = fuzz_everything(kind, settings, tally)
    not_reached = [str(route) for route in everything if (kind, route.name, route.route) not in tally.views]
    assert not not_reached, f"never requested as {kind}: {not_reached}"
    assert not found, "5xx found:\n\n" + "\n\n".join(map(str, found))


def test_every_url_pattern_says_what_its_code_reads():
    """A new view is fuzzed automatically; this asks its author to list the names its code reads."""
    names = {route.name for route in routes()}
    assert names - set(READS) == set(), "add these URL names to READS in tests/fuzz_routes.py"
    assert set(READS) - names == set(), "these READS entries name no URL pattern any more"


# --- The harness itself: it must find a 5xx when there is one -------------------------------


def planted(request, number):
    """A view with the kind of mistake the fuzzer is for: a query value straight into int()."""
    return HttpResponse(str(number + int(request.GET.get("page", "1"))))


urlpatterns = [*site_patterns, path("planted/<int:number>/", planted, name="planted")]


def test_the_harness_finds_a_planted_5xx_on_a_new_view(settings, tally):
    settings.ROOT_URLCONF = __name__
    READS["planted"] = {"get": ["page"]}
    try:
        route = next(route for route in routes() if route.name == "planted")
        world = personal_world()
        who = visitor(world, "owner")
        finding = fuzz(route, world, who, read_names([route], world, who), harness.Tally(), examples=20)
    finally:
        del READS["planted"]
    assert finding is not None and finding.error.startswith("ValueError")
    assert finding.where.endswith("tests/test_fuzz.py:planted")
