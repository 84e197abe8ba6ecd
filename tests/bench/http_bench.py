"""Reflect under load, beside a bare Django view returning as many bytes: `make bench-http`.

Serves the tree measured (this one, or --app DIR) as `make run` does, on throwaway data, with
a journal of 20 entries and one of 10,000 (one person per install: two installs, side by side),
and a bare Django view (tests/bench/bare/) under the same gunicorn settings. wrk measures each
page, then the bare view at that page's size, in turn, round after round; then `/` during an
unlock storm and while a client exports or searches 10,000 entries. Prints one Markdown table;
--json keeps every number. Traffic goes to 127.0.0.1 only, every loop is bounded in time, and
every server started is stopped, also on Ctrl-C.

Named http_bench.py, not http.py: tests/bench is the first folder on the path of its scripts,
where an http.py would hide the standard library's http package from them.
"""

import argparse
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import http_scenarios
import http_servers
import http_table
from http_client import Cookies, fetch, unlock
from http_wrk import run_wrk

SMALL_JOURNAL = 20
OLDEST_ENTRY = re.compile(rb"Entry 0\b")  # entries are titled "Entry 0" (the oldest) up to "Entry N-1"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", type=Path, default=http_servers.HARNESS.parents[1], help="the tree to serve")
    parser.add_argument("--seconds", type=float, default=10, help="wrk's run per target and round (10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all targets (3)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--entries", type=int, default=10_000, help="entries in the large journal (10,000)")
    parser.add_argument(
        "--only",
        default="pages,storm,export,search",
        help="any of pages, storm, export, search; or public: the public pages alone",
    )
    parser.add_argument("--json", type=Path, help="also write every number here")
    found = parser.parse_args()
    found.app = found.app.resolve()
    found.only = set(found.only.split(","))
    if not (found.app / "reflect" / "wsgi.py").exists():
        parser.error(f"{found.app} is not a Reflect tree")
    if found.only - {"pages", "public", "storm", "export", "search"} or found.rounds < 1 or found.seconds < 1:
        parser.error("--only takes pages, public, storm, export, search; --rounds and --seconds at least 1")
    return found


def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def in_served_tree(options, data_dir: Path, static_root: Path, *command: str) -> None:
    """Runs http_seed.py with the measured tree's code and the served settings, bounded in time."""
    env = http_servers.served_env(options.app, data_dir, static_root)
    env["DJANGO_SETTINGS_MODULE"] = "reflect.settings"
    seed = http_servers.HARNESS / "http_seed.py"
    subprocess.run([str(http_servers.PYTHON), str(seed), *command], cwd=options.app, env=env, check=True, timeout=900)


def install(options, work: Path, name: str, entries: int, collect_static: bool) -> dict:
    data_dir, out = work / name, work / f"{name}.json"
    command = ["seed", str(entries), str(out), *(["--collectstatic"] if collect_static else [])]
    in_served_tree(options, data_dir, work / "static", *command)
    return {"data_dir": data_dir, **json.loads(out.read_text())}


def links(page: bytes, rel: str) -> list[str]:
    found = []
    for tag in re.findall(rb"<a\b[^>]*>", page):
        attributes = dict(re.findall(rb'([\w-]+)="([^"]*)"', tag))
        if rel.encode() in attributes.get(b"rel", b"").split() and b"href" in attributes:
            found.append(html.unescape(attributes[b"href"].decode()))
    return found


def last_list_page(server, cookies: Cookies, list_path: str, within: float = 120) -> str | None:
    """The address of the list's last page, the one with the oldest entry, found as a person would:
    a "last" link, else Django's page number past the end (which shows the last page), else by
    following "next" links (bounded in time)."""

    def absolute(href: str) -> str:
        parts = urllib.parse.urlsplit(urllib.parse.urljoin(f"http://127.0.0.1{list_path}", href))
        return parts.path + (f"?{parts.query}" if parts.query else "")

    first = fetch(server.port, list_path, cookies=cookies).body
    for candidate in [*map(absolute, links(first, "last")), f"{list_path}?page=1000000"]:
        if OLDEST_ENTRY.search(fetch(server.port, candidate, cookies=cookies).body):
            return candidate
    page, deadline = first, time.monotonic() + within
    while (following := links(page, "next")) and time.monotonic() < deadline:
        address = absolute(following[0])
        page = fetch(server.port, address, cookies=cookies).body
        if OLDEST_ENTRY.search(page):
            return address
    return None


def targets(options, installs: dict, servers: dict, cookies: dict) -> list[dict]:
    """Each page measured: label, server, path, whether it needs the open journal's cookies."""
    public = ["contents `/`", "a section", "a prompt", "a topic", "the library", "help"]
    keys = ["contents", "section", "prompt", "topic", "library", "help"]
    pages = installs["small"]["pages"]
    chosen = [
        {"label": label, "server": "small", "path": pages[key], "open": False}
        for label, key in zip(public, keys, strict=True)
    ]
    if "pages" not in options.only:
        return chosen if "public" in options.only else chosen[:1]  # `/` alone: the scenarios' baseline
    many = f"{installs['large']['entries']:,}"
    chosen.append({"label": f"journal list, {SMALL_JOURNAL} entries", "server": "small", "path": pages["list"]})
    large = installs["large"]["pages"]
    chosen.append({"label": f"journal list, {many} entries, first page", "server": "large", "path": large["list"]})
    last = last_list_page(servers["large"], cookies["large"], large["list"])
    if last:
        chosen.append({"label": f"journal list, {many} entries, last page", "server": "large", "path": last})
    else:
        progress("The list's last page was not found: no 'last' link, page number or 'next' links led to it.")
    chosen.append({"label": f"an entry (of {many})", "server": "large", "path": large["entry"]})
    chosen.append({"label": f"the writing page ({many})", "server": "large", "path": large["write"]})
    for target in chosen[len(public) :]:
        target["open"] = True
    return chosen


def describe(targets_: list[dict], servers: dict, cookies: dict) -> None:
    """Bytes on the wire of each page, fetched once as wrk will; a page that isn't a 200 stops the run."""
    for target in targets_:
        reply = fetch(servers[target["server"]].port, target["path"], cookies=target_cookies(target, cookies))
        if reply.status != 200:
            raise RuntimeError(f"{target['label']} ({target['path']}) answered {reply.status}, not 200")
        target["bytes"] = len(reply.body)
        target["encoding"] = reply.header("Content-Encoding") or "identity"


def target_cookies(target: dict, cookies: dict) -> Cookies | None:
    return cookies[target["server"]] if target["open"] else None


def count_queries(options, work: Path, installs: dict, targets_: list[dict], cookies: dict) -> None:
    for name in {target["server"] for target in targets_}:
        asked, out = work / f"{name}-ask.json", work / f"{name}-queries.json"
        mine = [target for target in targets_ if target["server"] == name]
        open_journal = [target["path"] for target in mine if target["open"]]
        public = [target["path"] for target in mine if not target["open"]]
        for paths, jar in ((public, {}), (open_journal, dict(cookies[name]))):
            if paths:
                asked.write_text(json.dumps({"cookies": jar, "paths": paths}))
                in_served_tree(options, installs[name]["data_dir"], work / "static", "queries", str(asked), str(out))
                counted = json.loads(out.read_text())
                for target in mine:
                    if target["path"] in counted and target["open"] == bool(jar):
                        target["queries"] = counted[target["path"]]["queries"]


def measure_pages(options, targets_: list[dict], servers: dict, cookies: dict, runs: dict, number: int) -> None:
    # A different page first each round, so no page always follows the same one.
    shift = number % len(targets_)
    for target in targets_[shift:] + targets_[:shift]:
        server, jar = servers[target["server"]], target_cookies(target, cookies)
        headers = {"Cookie": jar.header()} if jar else {}
        progress(f"round {number + 1}: {target['label']}")
        app = run_wrk(server.url(target["path"]), options.seconds, options.connections, headers)
        rss = http_servers.largest_worker_mib(server)
        bare = run_wrk(servers["bare"].url(f"/bytes/{target['bytes']}/"), options.seconds, options.connections)
        measured = runs.setdefault(target["label"], {"app": [], "bare": [], "rss": []})
        measured["app"].append(app)
        measured["bare"].append(bare)
        measured["rss"].append(rss)


def warm_up(targets_: list[dict], servers: dict, cookies: dict) -> None:
    for target in targets_:
        jar = target_cookies(target, cookies)
        run_wrk(servers[target["server"]].url(target["path"]), 1, 10, {"Cookie": jar.header()} if jar else {})
        run_wrk(servers["bare"].url(f"/bytes/{target['bytes']}/"), 1, 10)


def measure(options, work: Path, servers: dict, installs: dict, cookies: dict) -> dict:
    chosen = targets(options, installs, servers, cookies)
    describe(chosen, servers, cookies)
    count_queries(options, work, installs, chosen, cookies)
    warm_up(chosen, servers, cookies)
    runs: dict = {}
    scenarios: dict = {"storm": [], "export": [], "search": []}
    for number in range(options.rounds):
        measure_pages(options, chosen, servers, cookies, runs, number)
        if "storm" in options.only:
            progress(f"round {number + 1}: unlock storm")
            throttle = installs["small"]["throttle"]
            scenarios["storm"].append(
                http_scenarios.unlock_storm(servers["small"], options.seconds, options.connections, throttle)
            )
        for kind in ("export", "search"):
            if kind in options.only:
                progress(f"round {number + 1}: `/` while a client does: {kind}")
                pages = installs["large"]["pages"]
                result = http_scenarios.under_heavy_request(
                    servers["large"], cookies["large"], kind, pages, options.seconds, options.connections
                )
                scenarios[kind].append(result)
        still_open(chosen, servers, cookies)
    return rows(chosen, runs, scenarios, installs)


def still_open(targets_: list[dict], servers: dict, cookies: dict) -> None:
    """wrk counts a redirect as a success: make sure the journal pages were never the unlock page."""
    for target in targets_:
        if not target["open"]:
            continue
        if fetch(servers[target["server"]].port, target["path"], cookies=cookies[target["server"]]).status != 200:
            raise RuntimeError(f"the journal locked itself during the run ({target['label']})")


def rows(chosen: list[dict], runs: dict, scenarios: dict, installs: dict) -> list[dict]:
    table = [http_table.page_row(target, runs[target["label"]]) for target in chosen]
    contents = runs[chosen[0]["label"]]
    baseline = {"bytes": chosen[0]["bytes"], "queries": chosen[0].get("queries"), "bare_runs": contents["bare"]}
    many = f"{installs['large']['entries']:,}" if "large" in installs else ""
    if scenarios["storm"]:
        table.append(http_table.storm_row(baseline, scenarios["storm"]))
    for kind, doing in (("export", "exports"), ("search", "searches")):
        if scenarios[kind]:
            label = f"`/` while a client {doing} {many} entries"
            table.append(http_table.heavy_row(label, baseline, scenarios[kind]))
    return table


def main() -> None:
    options = arguments()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))  # so the servers are stopped below
    work = Path(tempfile.mkdtemp(prefix="reflect-bench-http-"))
    servers: dict = {}
    load_before = os.getloadavg()
    settings = http_servers.gunicorn_settings(options.app)  # read once: the same for every server
    try:
        installs = {"small": install(options, work, "small", SMALL_JOURNAL, collect_static=True)}
        if options.only & {"pages", "export", "search"}:
            progress(f"Seeding a journal of {options.entries:,} entries")
            installs["large"] = install(options, work, "large", options.entries, collect_static=False)
        for name, installed in installs.items():
            servers[name] = http_servers.start(
                name, options.app, settings, work, installed["data_dir"], work / "static"
            )
        servers["bare"] = http_servers.start("bare", options.app, settings, work)
        cookies = {name: unlock(servers[name].port, installs[name]["passphrase"]) for name in installs}
        table = measure(options, work, servers, installs, cookies)
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    report(options, table, load_before, " ".join(settings))


def report(options, table: list[dict], load_before, settings: str) -> None:
    command = "tests/bench/http_bench.py " + " ".join(sys.argv[1:])
    print(
        f"Reflect at {options.app}, gunicorn {settings}; wrk {options.connections} connections, "
        f"{options.seconds:.0f} s per target, {options.rounds} round(s); {os.cpu_count()} cores, "
        f"load {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after. Command: {command}\n"
    )
    print(http_table.markdown(table))
    if options.json:
        kept = {"command": command, "app": str(options.app), "gunicorn": settings, "rows": table}
        options.json.write_text(json.dumps(kept, indent=1, default=str))


if __name__ == "__main__":
    main()
