"""The HTTP benchmark's one table: rounds summed up into rows, printed as Markdown, kept as JSON."""

from http_wrk import median, milliseconds, percent, share, spread

COLUMNS = [
    "page",
    "bytes",
    "req/s",
    "bare req/s",
    "share of bare",
    "p50 / p99 ms",
    "bare p50 / p99 ms",
    "queries",
    "worker RSS MiB",
    "notes",
]


def latency(runs: list[dict], percentile: str) -> float | None:
    return median(run["latency"].get(percentile) for run in runs)


def load_numbers(app_runs: list[dict], bare_runs: list[dict]) -> dict:
    """Medians over the rounds; the share is taken round by round, against the bare run beside it."""
    pairs = zip(app_runs, bare_runs, strict=True)
    shares = [share(app["requests_per_second"], bare["requests_per_second"]) for app, bare in pairs]
    failed = sum(run["not_2xx_3xx"] + sum(run["socket_errors"].values()) for run in app_runs)
    return {
        "requests_per_second": median(run["requests_per_second"] for run in app_runs),
        "bare_requests_per_second": median(run["requests_per_second"] for run in bare_runs),
        "share_percent": median(shares),
        "share_range": spread(shares),
        "p50": latency(app_runs, "p50"),
        "p99": latency(app_runs, "p99"),
        "bare_p50": latency(bare_runs, "p50"),
        "bare_p99": latency(bare_runs, "p99"),
        "failed_requests": failed,
    }


def page_row(target: dict, runs: dict) -> dict:
    """target: label, path, bytes, encoding and queries of a page; runs: its wrk runs and the bare view's."""
    row = {"page": target["label"], "path": target["path"], "bytes": target["bytes"], "encoding": target["encoding"]}
    row["queries"] = target.get("queries")
    row.update(load_numbers(runs["app"], runs["bare"]))
    row["worker_rss_mib"] = max((rss for rss in runs["rss"] if rss is not None), default=None)
    row["rounds"] = runs
    row["notes"] = failures(row).removeprefix(". ")
    return row


def storm_row(baseline: dict, rounds: list[dict]) -> dict:
    row = scenario_row("`/` during the unlock storm (10 clients)", baseline, rounds)
    bursts = [result["burst"] for result in rounds]
    row["notes"] = (
        f"Storm: {derivations(rounds)}. Answers: {answers(rounds)}. "
        f"A burst of 10 on a quiet server: {derivations(bursts)}, answers {answers(bursts)}. "
        f"Peak RSS per worker: {max_per_worker(rounds, 'peak_mib')} MiB{failures(row)}"
    )
    return row


def derivations(rounds: list[dict]) -> str:
    """'4 Argon2 derivations (the throttle allows 3 in 0.9 s)', one per round, from the 400 answers."""
    return "; ".join(
        f"{result['derivations']} Argon2 derivation{'' if result['derivations'] == 1 else 's'} "
        f"(the throttle allows {result['allowed_derivations']} in {result['seconds']:.1f} s)"
        for result in rounds
    )


def answers(rounds: list[dict]) -> str:
    statuses: dict[str, int] = {}
    for result in rounds:
        for status, count in result["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    return ", ".join(f"{status}×{count}" for status, count in sorted(statuses.items()))


def failures(row: dict) -> str:
    return f". wrk: {row['failed_requests']} failed (timeouts of 5 s or not 2xx/3xx)" if row["failed_requests"] else ""


def size(count: int) -> str:
    return f"{count / 2**20:.1f} MiB" if count >= 2**20 else f"{count / 1024:.0f} KiB"


def heavy_row(label: str, baseline: dict, rounds: list[dict]) -> dict:
    row = scenario_row(label, baseline, rounds)
    growth = max_per_worker(rounds, "growth_mib", signed=True)
    done = ", ".join(str(result["done"]) for result in rounds)
    longest = max(result["longest_seconds"] for result in rounds)
    largest = size(max(result["bytes"] for result in rounds))
    row["notes"] = (
        f"RSS growth per worker: {growth} MiB. Done per round: {done}, the longest in {longest:.2f} s, "
        f"{largest} answer; answers {answers(rounds)}{failures(row)}"
    )
    row["largest_growth_mib"] = max(
        (worker["growth_mib"] for result in rounds for worker in result["workers"].values()), default=None
    )
    return row


def scenario_row(label: str, baseline: dict, rounds: list[dict]) -> dict:
    """Load numbers of `/` under a scenario; the share is against the bare runs beside `/` itself."""
    row = {"page": label, "path": "/", "bytes": baseline["bytes"], "queries": baseline["queries"]}
    row.update(load_numbers([result["wrk"] for result in rounds], baseline["bare_runs"]))
    row["worker_rss_mib"] = max(
        (worker["peak_mib"] for result in rounds for worker in result["workers"].values()), default=None
    )
    row["rounds"] = rounds
    return row


def max_per_worker(rounds: list[dict], measure: str, signed: bool = False) -> str:
    """Each worker's largest value over the rounds, workers in pid order, as '+118 / +2'."""
    largest: dict[str, float] = {}
    for result in rounds:
        for pid, worker in result["workers"].items():
            largest[pid] = max(largest.get(pid, worker[measure]), worker[measure])
    return " / ".join(f"{value:+.0f}" if signed else f"{value:.0f}" for _, value in sorted(largest.items()))


def cells(row: dict) -> list[str]:
    def number(value, digits=0):
        return "–" if value is None else f"{value:,.{digits}f}"

    return [
        row["page"],
        number(row["bytes"]) + (f" {row['encoding']}" if row.get("encoding", "identity") != "identity" else ""),
        number(row["requests_per_second"]),
        number(row["bare_requests_per_second"]),
        percent(row["share_percent"], row["share_range"]),
        f"{milliseconds(row['p50'])} / {milliseconds(row['p99'])}",
        f"{milliseconds(row['bare_p50'])} / {milliseconds(row['bare_p99'])}",
        "–" if row["queries"] is None else str(row["queries"]),
        number(row["worker_rss_mib"]),
        row["notes"],
    ]


def markdown(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cells(row)) + " |" for row in rows]
    return "\n".join(lines)
