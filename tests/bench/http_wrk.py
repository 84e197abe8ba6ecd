"""wrk, read and summed up: one load run against one URL, and the arithmetic the table needs.

Nothing here starts a server; tests/test_bench_http.py checks the reading and the arithmetic.
"""

import math
import re
import shutil
import statistics
import subprocess

# wrk prints a duration with one of these units.
SECONDS_PER_UNIT = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
# Like a browser, so a page compressed for browsers is measured as browsers get it.
ACCEPT_ENCODING = "gzip, br"


def seconds(text: str) -> float:
    """'8.60ms' -> 0.0086."""
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not found:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(found[1]) * SECONDS_PER_UNIT[found[2]]


def parse_wrk(output: str) -> dict:
    """What one `wrk --latency` run printed: requests/s, percentiles (seconds), errors."""
    result = {"requests_per_second": None, "requests": 0, "latency": {}, "socket_errors": {}, "not_2xx_3xx": 0}
    for line in output.splitlines():
        if found := re.match(r"\s*Requests/sec:\s*([\d.]+)", line):
            result["requests_per_second"] = float(found[1])
        elif found := re.match(r"\s*(\d+) requests in ", line):
            result["requests"] = int(found[1])
        elif found := re.fullmatch(r"\s*(50|75|90|99)(?:\.0+)?%\s+(\S+)\s*", line):
            result["latency"][f"p{found[1]}"] = seconds(found[2])
        elif found := re.match(r"\s*Socket errors:\s*(.*)", line):
            result["socket_errors"] = {name: int(count) for name, count in re.findall(r"(\w+) (\d+)", found[1])}
        elif found := re.match(r"\s*Non-2xx or 3xx responses:\s*(\d+)", line):
            result["not_2xx_3xx"] = int(found[1])
    if result["requests_per_second"] is None:
        raise ValueError("wrk printed no Requests/sec line:\n" + output)
    if not result["requests"]:
        result["latency"] = {}  # wrk prints 0.00us for percentiles of nothing
    return result


def wrk_command(url: str, duration: float, connections: int, headers: dict[str, str]) -> list[str]:
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"the benchmark only sends traffic to 127.0.0.1, not {url}")
    command = [
        "wrk",
        "--threads",
        str(min(2, connections)),
        "--connections",
        str(connections),
        "--duration",
        f"{max(1, round(duration))}s",
        "--timeout",
        "5s",
        "--latency",
        "--header",
        f"Accept-Encoding: {ACCEPT_ENCODING}",
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    return [*command, url]


def run_wrk(url: str, duration: float, connections: int = 50, headers: dict[str, str] | None = None) -> dict:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: `make bench-http` installs it (Debian package wrk).")
    command = wrk_command(url, duration, connections, headers or {})
    # Bounded: wrk stops itself after `duration`; the margin only covers a hung wrk.
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 30, check=False)
    if done.returncode:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


def share(app_rps: float | None, bare_rps: float | None) -> float | None:
    """The app's requests/s as a percentage of the bare view's, measured side by side."""
    if not app_rps or not bare_rps:
        return None
    return 100 * app_rps / bare_rps


def median(values) -> float | None:
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def spread(values) -> tuple[float, float] | None:
    values = [value for value in values if value is not None]
    return (min(values), max(values)) if values else None


def allowed_derivations(free_tries: int, first_wait: float, window: float) -> int:
    """How many wrong passphrases the throttle lets reach Argon2 within `window` seconds of a burst.

    The rule of reflect.vault Throttle for one name from one address: `free_tries` at once, then
    one more after `first_wait`, the next after twice that, and so on, each wait starting at
    the try before it. So the extra tries start at first_wait * (2**j - 1), j = 1, 2, ...
    """
    if window < 0:
        return 0
    extra = 0
    while first_wait * (2 ** (extra + 1) - 1) <= window:
        extra += 1
    return free_tries + extra


def milliseconds(value: float | None) -> str:
    return "–" if value is None else f"{value * 1000:.0f}" if value >= 0.01 else f"{value * 1000:.1f}"


def percent(value: float | None, low_high: tuple[float, float] | None = None) -> str:
    if value is None:
        return "–"
    digits = 0 if value >= 10 else 1
    text = f"{value:.{digits}f} %"
    if low_high and not math.isclose(*low_high):
        text += f" ({low_high[0]:.{digits}f}–{low_high[1]:.{digits}f})"
    return text
