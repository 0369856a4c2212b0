"""Organization scale: 50 consoles writing at once, on PostgreSQL and on SQLite (loopback).

Each simulated console is its own process with its own Store, as a Voila kernel is. The consoles
come in pairs, a facilitator and a scribe on the same meeting (one meeting per cohort, so 25
cohorts for 50 consoles), and for a bounded time each one, without pause:

  - captures a piece of advice (5 times in 6), or moves its round's phase on or back (1 in 6)
    from what its screen last showed, as the console does (a click that another window beat is
    refused and said so: counted as "refused", not lost);
  - follows the store like the dashboard, every 200 ms: the watcher, and on a change the
    re-read a redraw does (the round's phase log and advice).

A save that fails stays "in the box" and is saved again, as a facilitator would press Enter
again. At the end every acknowledged piece of advice is looked up: "lost" counts those missing
(must be 0), and "doubled" those stored twice.

Both backends run side by side in one run; SQLite (WAL, synchronous=FULL) is the baseline.
PostgreSQL is a throwaway server of Debian's on 127.0.0.1 (tests/pgcluster.py) with fsync on,
unless --pg-url names one.

    .venv/bin/python benchmarks/load.py                  # 50 consoles, 15 s per backend and pace
    .venv/bin/python benchmarks/load.py --seconds 5      # a quick run
    .venv/bin/python benchmarks/load.py --think-ms 0     # flat out only

Two paces by default: flat out (no pause between writes: what the store can take on this
machine, with 50 Python processes and the server sharing its cores) and a human pace (a write
every 2 s or so per console, already far busier than a real meeting).

A script, not a test: prints the figures, exits 0 (1 if anything was lost).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from peerkit.formats import built_in  # noqa: E402
from peerkit.meeting import RoundClock  # noqa: E402
from peerkit.model import ANOTHER_WINDOW, PeerkitError  # noqa: E402
from peerkit.store import Store  # noqa: E402

FORMAT = built_in()["troika consulting"]
FOLLOW_EVERY = 0.2


def prepare(url: str, meetings: int) -> list[int]:
    """One cohort per meeting, each with three members and a started round."""
    rounds = []
    with Store(url) as store:
        for n in range(meetings):
            c = store.add_cohort(f"Cohort {n:03d}")
            people = [store.add_member(c.id, name) for name in ("Ana", "Ben", "Chloe")]
            meeting = store.add_meeting(c.id, "2026-11-21")
            rnd = store.add_round(meeting.id, people[0].id, FORMAT.name, issue="Load")
            store.set_screen(c.id, meeting_id=meeting.id, round_id=rnd.id)
            RoundClock(store, rnd.id, FORMAT).start()
            rounds.append(rnd.id)
    return rounds


def console(args: tuple[str, int, int, int, float, float, float, Any]) -> dict[str, Any]:
    """One console's session: returns its latencies, acknowledged advice and counts."""
    url, number, round_id, cohort_id, start_at, seconds, think, queue = args
    rng = random.Random(number)
    store = Store(url)
    changed = store.watcher(cohort_id)
    seen = RoundClock(store, round_id, FORMAT).seen
    latencies: list[float] = []
    acked: list[str] = []
    refused = failed = follows = redraws = 0
    pending: str | None = None  # a failed save stays in the box
    i = 0
    time.sleep(max(0.0, start_at - time.time()))
    end = start_at + seconds
    next_follow = time.monotonic()
    next_write = next_follow + rng.uniform(0, think)  # at a human pace, not all at one instant
    while time.time() < end:
        now = time.monotonic()
        if now >= next_follow:  # what the dashboard's follower does, every 200 ms
            next_follow = now + FOLLOW_EVERY
            follows += 1
            if changed():
                redraws += 1
                seen = len(store.phase_events(round_id))
                store.advice(round_id)
        if now < next_write:
            time.sleep(max(0.0, min(next_follow, next_write) - time.monotonic()))
            continue
        next_write = now + (rng.uniform(0.5, 1.5) * think if think else 0.0)
        began = time.perf_counter()
        try:
            if pending is None and rng.random() < 1 / 6:
                clock = RoundClock(store, round_id, FORMAT, expected=seen)
                clock.previous() if clock.phase == len(FORMAT.phases) - 1 else clock.next()
                seen = clock.seen
            else:
                text = pending or f"console {number} advice {i}"
                store.add_advice(round_id, text)
                acked.append(text)
                pending = None
                i += 1
            latencies.append(time.perf_counter() - began)
        except PeerkitError as exc:
            if str(exc) == ANOTHER_WINDOW:
                refused += 1  # the screen said so; it redraws and the facilitator re-clicks
                seen = len(store.phase_events(round_id))
            else:
                failed += 1
                pending = pending or f"console {number} advice {i}"
    store.close()
    result = {
        "latencies": latencies,
        "acked": acked,
        "refused": refused,
        "failed": failed,
        "follows": follows,
        "redraws": redraws,
    }
    queue.put(number)
    return result


def run(url: str, consoles: int, seconds: float, think: float) -> dict[str, Any]:
    rounds = prepare(url, consoles // 2)
    cohorts = {}
    with Store(url) as store:
        for c in store.cohorts():
            for m in store.meetings(c.id):
                for r in store.rounds(m.id):
                    cohorts[r.id] = c.id
    ctx = mp.get_context("fork")
    manager = ctx.Manager()
    done = manager.Queue()
    start_at = time.time() + 2.0 + consoles * 0.02  # every process connected before the start
    jobs = [
        (url, n, rounds[n // 2], cohorts[rounds[n // 2]], start_at, seconds, think, done)
        for n in range(consoles)
    ]
    with ctx.Pool(consoles) as pool:
        results = pool.map(console, jobs)
    manager.shutdown()
    latencies = sorted(x for r in results for x in r["latencies"])
    acked = [t for r in results for t in r["acked"]]
    with Store(url) as store:
        stored: dict[str, int] = {}
        for round_id in rounds:
            for a in store.advice(round_id):
                stored[a.text] = stored.get(a.text, 0) + 1
    return {
        "writes": len(latencies),
        "throughput": len(latencies) / seconds,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
        "p99": latencies[int(0.99 * (len(latencies) - 1))] * 1000,
        "advice": len(acked),
        "lost": sum(1 for t in acked if t not in stored),
        "doubled": sum(1 for n in stored.values() if n > 1),
        "refused": sum(r["refused"] for r in results),
        "failed": sum(r["failed"] for r in results),
        "follows": sum(r["follows"] for r in results),
        "redraws": sum(r["redraws"] for r in results),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--consoles", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument(
        "--think-ms", default="0,2000", help="pauses between writes to run (comma-separated)"
    )
    parser.add_argument("--pg-url", help="an existing, empty PostgreSQL database to use")
    args = parser.parse_args()
    paces = [float(ms) for ms in args.think_ms.split(",")]

    cluster = None
    pg_url = args.pg_url
    if pg_url is None:
        from pgcluster import Cluster, find_bin_dir

        bin_dir = find_bin_dir()
        if bin_dir is None:
            sys.exit("No PostgreSQL server binaries: apt-get install postgresql, or --pg-url.")
        cluster = Cluster(bin_dir, durable=True).start()
        pg_url = cluster.create_database("load")
    folder = Path(tempfile.mkdtemp(prefix="peerkit-load-"))
    lost = 0
    try:
        for n, think_ms in enumerate(paces):
            print(
                f"\n{args.consoles} consoles ({args.consoles // 2} meetings, facilitator + "
                f"scribe), {args.seconds:g} s each backend, think time {think_ms:g} ms"
            )
            if n and cluster is not None:
                pg_url = cluster.create_database(f"load{n}")
            figures = {
                "SQLite": run(
                    str(folder / f"load{n}.db"), args.consoles, args.seconds, think_ms / 1000
                ),
                "PostgreSQL": run(pg_url, args.consoles, args.seconds, think_ms / 1000),
            }
            lost += report(figures)
    finally:
        if cluster is not None:
            cluster.destroy()
    print(f"\nlost entries: {lost} (target 0)")
    return 1 if lost else 0


def report(figures: dict[str, dict[str, Any]]) -> int:
    rows = [
        ("writes acknowledged", "writes", "{:.0f}"),
        ("throughput (writes/s)", "throughput", "{:.0f}"),
        ("write latency p50 (ms)", "p50", "{:.1f}"),
        ("write latency p95 (ms)", "p95", "{:.1f}"),
        ("write latency p99 (ms)", "p99", "{:.1f}"),
        ("advice acknowledged", "advice", "{:.0f}"),
        ("advice lost", "lost", "{:.0f}"),
        ("advice stored twice", "doubled", "{:.0f}"),
        ("phase clicks refused (another window first)", "refused", "{:.0f}"),
        ("saves failed and saved again", "failed", "{:.0f}"),
        ("follower looks / redraws", "follows", "{:.0f}"),
    ]
    print(f"{'figure':<46}{'SQLite':>12}{'PostgreSQL':>12}{'PG / SQLite':>13}")
    for label, key, fmt in rows:
        a, b = figures["SQLite"][key], figures["PostgreSQL"][key]
        ratio = f"{b / a:.2f}" if a else "-"
        if key == "follows":
            a_text = f"{a}/{figures['SQLite']['redraws']}"
            b_text = f"{b}/{figures['PostgreSQL']['redraws']}"
        else:
            a_text, b_text = fmt.format(a), fmt.format(b)
        print(f"{label:<46}{a_text:>12}{b_text:>12}{ratio:>13}")
    return int(figures["SQLite"]["lost"] + figures["PostgreSQL"]["lost"])


if __name__ == "__main__":
    sys.exit(main())
