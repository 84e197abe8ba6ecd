"""Load beside a page: wrong passphrases in a storm, a 10,000-entry export, a search of every entry.

Each runs for a bounded time while wrk measures another page, and the workers' memory is watched
from outside (/proc/<pid>/status of the gunicorn master's children).
"""

import collections
import sqlite3
import threading
import time
from pathlib import Path

from http_client import Cookies, fetch, form_token
from http_servers import Server, memory_mib
from http_wrk import allowed_derivations, run_wrk

STORM_CLIENTS = 10
# The reflect.vault throttle's rule for one name from one address, as the README states it; the
# tree measured says its own when it can (http_seed.throttle_rule).
DOCUMENTED_THROTTLE = (3, 1.0)


class WorkerMemory:
    """Samples every worker's resident memory while a scenario runs: where it started, its peak."""

    def __init__(self, server: Server, every: float = 0.1, longest: float = 900):
        self.server, self.every, self.longest = server, every, longest
        self.start: dict[int, float] = {}
        self.peak: dict[int, float] = {}
        self.high_water: dict[int, float] = {}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)

    def sample(self) -> None:
        for pid in self.server.workers():
            memory = memory_mib(pid)
            if "VmRSS" in memory:
                self.start.setdefault(pid, memory["VmRSS"])
                self.peak[pid] = max(self.peak.get(pid, 0), memory["VmRSS"])
                self.high_water[pid] = memory.get("VmHWM", 0)

    def watch(self) -> None:
        ends = time.monotonic() + self.longest
        while not self.stopping.wait(self.every) and time.monotonic() < ends:
            self.sample()

    def __enter__(self):
        self.sample()
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.stopping.set()
        self.thread.join(timeout=5)
        self.sample()

    def report(self) -> dict[str, dict[str, float]]:
        return {
            str(pid): {
                "start_mib": round(self.start[pid], 1),
                "peak_mib": round(self.peak[pid], 1),
                "growth_mib": round(self.peak[pid] - self.start[pid], 1),
                "high_water_mib": round(self.high_water.get(pid, 0), 1),
            }
            for pid in sorted(self.start)
        }


def forget_wrong_passphrases(data_dir: Path) -> None:
    """A clean throttle before each storm, so every storm meets the same rule from its start."""
    with sqlite3.connect(data_dir / "reflect.sqlite3", timeout=20) as database:
        database.execute("DELETE FROM vault_throttle")


def guessing(server: Server, throttle: list | None, lasting: float | None = None, meanwhile=lambda: None):
    """STORM_CLIENTS clients, each with its own form token, post wrong passphrases all at once: one
    each (a burst), or over and over for `lasting` seconds (a storm) while `meanwhile` runs.

    Returns what `meanwhile` returned, and the answers: a wrong passphrase that reached Argon2 is
    answered 400, the throttle answers 429, a machine with no room for one more derivation 503;
    so the 400s count the derivations that ran.
    """
    forget_wrong_passphrases(server.data_dir)
    statuses: collections.Counter = collections.Counter()
    sent: list[float] = []
    answered: list[float] = []
    lock = threading.Lock()
    ready = threading.Barrier(STORM_CLIENTS + 1, timeout=60)
    ends = {}

    def guess(number: int) -> None:
        cookies = Cookies()
        token = form_token(fetch(server.port, "/journal/unlock/", cookies=cookies).body)
        ready.wait()
        tries = 0
        while tries == 0 or (lasting and time.monotonic() < ends["at"]):
            tries += 1
            form = {"passphrase": f"not the passphrase {number}.{tries}", "csrfmiddlewaretoken": token}
            with lock:
                sent.append(time.monotonic())
            try:
                left = max(ends["at"] - time.monotonic(), 0)
                status = fetch(server.port, "/journal/unlock/", "POST", cookies, form, timeout=left + 30).status
            except OSError as error:
                status = type(error).__name__
            with lock:
                statuses[status] += 1
                answered.append(time.monotonic())

    clients = [threading.Thread(target=guess, args=(number,), daemon=True) for number in range(STORM_CLIENTS)]
    for client in clients:
        client.start()
    ends["at"] = time.monotonic() + (lasting or 0)
    ready.wait()
    result = meanwhile()
    for client in clients:
        client.join(timeout=(lasting or 0) + 60)
    forget_wrong_passphrases(server.data_dir)
    free, first_wait = throttle or DOCUMENTED_THROTTLE
    # A try is counted when the server takes it up, somewhere between its sending and its answer:
    # from the first sent to the last answered is the longest the throttle can have seen.
    window = max(answered) - min(sent) if sent and answered else 0
    return result, {
        "statuses": {str(status): count for status, count in sorted(statuses.items(), key=str)},
        "derivations": statuses[400],
        "allowed_derivations": allowed_derivations(free, first_wait, window),
        "seconds": round(window, 2),
    }


def unlock_storm(server: Server, seconds: float, connections: int, throttle: list | None) -> dict:
    """A burst of wrong passphrases on a quiet server (is the throttle exact?), then a storm of them
    while wrk measures `/` (does every other page keep going?)."""
    with WorkerMemory(server) as memory:
        _, burst = guessing(server, throttle)
        measure = lambda: run_wrk(server.url("/"), seconds, connections)  # noqa: E731
        # The storm starts as wrk does and outlasts it a little, so all of wrk's run is in the storm.
        measured, storm = guessing(server, throttle, seconds + 0.5, measure)
    return {"wrk": measured, **storm, "burst": burst, "workers": memory.report()}


def repeat_until(ends: float, action, tally: dict) -> None:
    while time.monotonic() < ends:
        started = time.monotonic()
        try:
            reply = action(timeout=max(ends - started, 0) + 30)
            tally["statuses"][reply.status] += 1
            tally["bytes"] = max(tally["bytes"], len(reply.body))
        except OSError as error:
            tally["statuses"][type(error).__name__] += 1
        tally["seconds"].append(time.monotonic() - started)


def heavy_request(server: Server, cookies: Cookies, kind: str, export_path: str, list_path: str):
    """What one client does over and over: download the export, or search every entry."""
    own = Cookies(cookies)
    if kind == "export":
        return lambda timeout: fetch(server.port, export_path, cookies=own, timeout=timeout)
    token = form_token(fetch(server.port, list_path, cookies=own).body)
    form = {"q": "lighthouse", "csrfmiddlewaretoken": token}
    return lambda timeout: fetch(server.port, list_path, "POST", own, form, timeout=timeout)


def under_heavy_request(server: Server, cookies: Cookies, kind: str, pages: dict, seconds: float, connections: int):
    """One client exports (or searches) all the while wrk measures `/` on the same server."""
    action = heavy_request(server, cookies, kind, pages["export"], pages["list"])
    tally = {"statuses": collections.Counter(), "bytes": 0, "seconds": []}
    with WorkerMemory(server) as memory:
        ends = time.monotonic() + seconds + 0.5
        client = threading.Thread(target=repeat_until, args=(ends, action, tally), daemon=True)
        client.start()
        measured = run_wrk(server.url("/"), seconds, connections)
        client.join(timeout=seconds + 60)
    return {
        "wrk": measured,
        "statuses": {str(status): count for status, count in tally["statuses"].items()},
        "done": len(tally["seconds"]),
        "longest_seconds": round(max(tally["seconds"], default=0), 3),
        "bytes": tally["bytes"],
        "workers": memory.report(),
    }
