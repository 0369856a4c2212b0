"""What one redraw of a meeting costs, on a small store and on large ones, side by side.

The same demo cohort (``peerkit demo``'s, same seed and day) is measured in three stores:

  demo          the demo cohort alone (14 monthly meetings);
  organization  the demo cohort beside 50 cohorts x 5 years of monthly meetings (~100k reviews);
  large         the demo cohort beside 500 cohorts x 5 years (1,000,000 reviews).

For each: the statements and rows read, and the median milliseconds, of

  - ``live.snapshot`` (everything the console draws of the meeting, one transaction);
  - a check-in draw (``checkin.due_items``);
  - ``Console.refresh()`` as the console is wired today (its own reads, panel by panel), with the
    check-in tab shown.

The target: the same queries and rows on every store (ratio 1.00), so the time too.

    .venv/bin/python benchmarks/redraw.py                  # demo, organization, large
    .venv/bin/python benchmarks/redraw.py --stores demo organization

The large stores are generated with benchmarks/scoring.py's generator (executemany) and kept in
benchmarks/out/ (git-ignored), reused while they hold the expected schema and rows. A script,
not a test: it prints and exits 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scoring import OUT, generate  # noqa: E402

from peerkit.store import HEAD, Store, Work  # noqa: E402

TODAY = dt.date(2026, 11, 21)
COHORT = "Northstar CTO Circle"
#: name -> (reviews of the other cohorts, how many other cohorts)
STORES: dict[str, tuple[int, int]] = {
    "demo": (0, 0),
    "organization": (100_000, 50),
    "large": (1_000_000, 500),
}


def _fresh(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _usable(path: Path, reviews: int) -> bool:
    """Whether the store at ``path`` was built by this script for this peerkit's schema."""
    if not path.exists():
        return False
    try:
        with sqlite3.connect(path) as conn:
            (version,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            (cohorts,) = conn.execute(
                "SELECT count(*) FROM cohorts WHERE name = ?", (COHORT,)
            ).fetchone()
            (others,) = conn.execute(
                "SELECT count(*) FROM reviews WHERE meeting_id IN (SELECT m.id FROM meetings m "
                "JOIN cohorts c ON c.id = m.cohort_id WHERE c.name != ?)",
                (COHORT,),
            ).fetchone()
    except sqlite3.Error:
        return False
    return version == HEAD and cohorts == 1 and others == reviews


def build(name: str) -> Path:
    """The store ``name``: the other cohorts first (ids from 1), then the demo cohort."""
    from peerkit.demo import build_demo

    reviews, cohorts = STORES[name]
    path = OUT / f"redraw-{name}.db"
    if _usable(path, reviews):
        print(f"  {name}: reusing {path} ({path.stat().st_size / 2**20:.0f} MiB)")
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    _fresh(path)
    started = time.perf_counter()
    if reviews:
        generate(path, reviews, cohorts=cohorts)
    with Store(path) as store:
        build_demo(store, seed=7, today=TODAY)
    took = time.perf_counter() - started
    print(f"  {name}: built {path} in {took:.1f} s ({path.stat().st_size / 2**20:.0f} MiB)")
    return path


def _measure(store: Store, action: Callable[[], Any], repeats: int) -> tuple[Work, float]:
    """What ``action`` asks of the store (the last run) and its median milliseconds."""
    action()  # warm the page cache and the imports
    times, works = [], []
    for _ in range(repeats):
        with store.counting() as work:
            started = time.perf_counter()
            action()
            times.append((time.perf_counter() - started) * 1000)
        works.append(work)
    return works[-1], statistics.median(times)


def measure(path: Path, repeats: int) -> dict[str, tuple[Work, float]]:
    from peerkit import live
    from peerkit.formats import load_formats
    from peerkit.widgets.checkin import due_items
    from peerkit.widgets.console import CHECKIN_TAB, Console

    formats = load_formats()
    now = time.time()
    with Store(path, create=False) as store:
        cohort = store.cohort(COHORT)
        meeting_id = live.meeting_to_open(store, cohort.id, TODAY, formats)
        assert meeting_id is not None
        first = store.rounds(meeting_id)[0]
        live.put_on_screen(store, cohort.id, round_id=first.id, formats=formats)
        console = Console(store, cohort, formats=formats, today=TODAY, chime=False)
        console.tabs.selected_index = CHECKIN_TAB
        figures = {
            "snapshot": _measure(
                store,
                lambda: live.snapshot(store, cohort.id, meeting_id, formats=formats, now=now),
                repeats,
            ),
            "check-in draw": _measure(store, lambda: due_items(store, meeting_id), repeats),
            "Console.refresh() today": _measure(store, console.refresh, repeats),
        }
        console.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stores", nargs="+", choices=list(STORES), default=list(STORES))
    parser.add_argument("--repeats", type=int, default=20, help="runs of each measurement")
    args = parser.parse_args(argv)
    print(f"peerkit redraw benchmark: median of {args.repeats} runs; stores:")
    paths = {name: build(name) for name in args.stores}
    results = {name: measure(path, args.repeats) for name, path in paths.items()}

    base = args.stores[0]
    print()
    header = f"{'':26}" + "".join(f"{name:>24}" for name in args.stores)
    print(header)
    print(f"{'':26}" + "".join(f"{'queries  rows      ms':>24}" for _ in args.stores))
    for what in results[base]:
        line = f"{what:26}"
        for name in args.stores:
            work, ms = results[name][what]
            line += f"{work.queries:>10}{work.rows_read:>7}{ms:>7.1f}"
        print(line)
    if len(args.stores) > 1:
        print()
        print(f"ratio to {base} (queries, rows, ms):")
        for what in results[base]:
            bq, br, bms = _figures(results[base][what])
            cells = []
            for name in args.stores[1:]:
                q, r, ms = _figures(results[name][what])
                cells.append(f"{name} {q / bq:.2f} {r / max(br, 1):.2f} {ms / bms:.2f}")
            print(f"  {what:24}  " + "   ".join(cells))
    return 0


def _figures(result: tuple[Work, float]) -> tuple[int, int, float]:
    work, ms = result
    return work.queries, work.rows_read, ms


if __name__ == "__main__":
    raise SystemExit(main())
