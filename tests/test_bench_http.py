"""The HTTP benchmark's own arithmetic (tests/bench/http_wrk.py): reading wrk, shares, the throttle's
allowance. No server is started here; `make bench-http` runs the real thing."""

import pytest

from tests.bench.http_wrk import allowed_derivations, parse_wrk, percent, seconds, share, wrk_command

# Printed by Debian's wrk 4.1.0 against the bare view (tests/bench/bare/).
UNDER_LOAD = """Running 2s test @ http://127.0.0.1:18765/bytes/5000/
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    31.61ms   10.87ms 103.53ms   73.93%
    Req/Sec   793.75    214.54     1.24k    75.00%
  Latency Distribution
     50%   30.89ms
     75%   33.78ms
     90%   42.74ms
     99%    1.20s
  3174 requests in 2.01s, 15.66MB read
  Socket errors: connect 0, read 2, write 0, timeout 12
  Non-2xx or 3xx responses: 5
Requests/sec:   1575.19
Transfer/sec:      7.77MB
"""

NOTHING_ANSWERED = """Running 1s test @ http://127.0.0.1:18765/
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.00us    0.00us   0.00us    -nan%
    Req/Sec     0.00      0.00     0.00      -nan%
  Latency Distribution
     50%    0.00us
     75%    0.00us
     90%    0.00us
     99%    0.00us
  0 requests in 1.00s, 0.00B read
  Socket errors: connect 0, read 0, write 0, timeout 50
Requests/sec:      0.00
Transfer/sec:       0.00B
"""


def test_wrk_output_is_read_into_seconds_and_counts():
    measured = parse_wrk(UNDER_LOAD)
    assert measured["requests_per_second"] == 1575.19
    assert measured["requests"] == 3174
    assert measured["latency"] == pytest.approx({"p50": 0.03089, "p75": 0.03378, "p90": 0.04274, "p99": 1.2})
    assert measured["socket_errors"] == {"connect": 0, "read": 2, "write": 0, "timeout": 12}
    assert measured["not_2xx_3xx"] == 5


def test_a_run_that_answered_nothing_has_no_latencies_rather_than_zero_ones():
    measured = parse_wrk(NOTHING_ANSWERED)
    assert measured["requests"] == 0
    assert measured["latency"] == {}
    assert measured["socket_errors"]["timeout"] == 50


def test_output_without_a_rate_is_refused():
    with pytest.raises(ValueError, match="Requests/sec"):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused")


@pytest.mark.parametrize(
    ("text", "expected"), [("870.00us", 0.00087), ("8.60ms", 0.0086), ("1.20s", 1.2), ("2.00m", 120.0)]
)
def test_wrk_durations_in_each_unit(text, expected):
    assert seconds(text) == pytest.approx(expected)


def test_the_share_is_the_apps_rate_over_the_bare_views():
    assert share(250, 1000) == 25
    assert share(0, 1000) is None
    assert share(250, None) is None
    assert percent(7.31) == "7.3 %"
    assert percent(46.4, (41.2, 73.0)) == "46 % (41–73)"
    assert percent(1.6, (1.04, 2.2)) == "1.6 % (1.0–2.2)"


@pytest.mark.parametrize(
    ("window", "allowed"),
    [(0, 3), (0.99, 3), (1.0, 4), (2.9, 4), (3.0, 5), (6.9, 5), (7.0, 6), (10.0, 6), (15.0, 7)],
)
def test_the_throttle_allows_three_at_once_then_one_after_each_doubling_wait(window, allowed):
    # Three free tries, then waits of 1, 2, 4, 8 s: tries at 0, 0, 0, 1, 3, 7, 15 s.
    assert allowed_derivations(3, 1.0, window) == allowed


def test_wrk_is_only_ever_pointed_at_this_machine():
    command = wrk_command("http://127.0.0.1:8000/", 10, 50, {"Cookie": "key=abc"})
    assert command[-1] == "http://127.0.0.1:8000/"
    assert "Accept-Encoding: gzip, br" in command
    assert "Cookie: key=abc" in command
    with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
        wrk_command("http://example.org/", 10, 50, {})
