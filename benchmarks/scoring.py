"""How fast is the full follow-through scoreboard, next to a plain pandas groupby?

Generates a store of 1,000,000 reviews (500 cohorts of about 12 members, 60 monthly meetings each,
over five years) into a real SQLite peerkit store, then in one run, side by side, the median of
several repeats of:

  (a) ``store.frames()`` + ``scoring.scoreboard`` (the full scoreboard: rates, GAS, streaks);
  (b) the same rows loaded the same way (``store.frames()``) + a plain pandas groupby
      (owner_id -> count, sum and mean of a done flag);

and the two compute steps alone (scoreboard vs groupby on frames already loaded). Prints each
figure, the ratio (target <= 2), the absolute time of (a) (target <= 1 s) and the peak memory.

    .venv/bin/python benchmarks/scoring.py                 # 1,000,000 reviews
    .venv/bin/python benchmarks/scoring.py --reviews 50000 # a quick run

The store is kept in benchmarks/out/ (git-ignored) and reused when it holds the right number of
reviews. It is a script, not a test: it prints and exits 0.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

OUT = Path(__file__).resolve().parent / "out"
OUTCOMES = ("done", "partial", "not done", "dropped", "renegotiated")
EPOCH_JULIAN = 2440587.5


# --------------------------------------------------------------------------------------------
# Generating the store


def _day_text(days: np.ndarray) -> list[str]:
    """Days since 1970-01-01 as 'YYYY-MM-DD' strings (how SQLAlchemy stores a Date)."""
    return days.astype("datetime64[D]").astype(str).tolist()


def generate(
    path: Path,
    reviews: int,
    *,
    cohorts: int = 500,
    members: int = 12,
    meetings: int = 60,
    seed: int = 42,
) -> dict[str, float]:
    """Fill a new store at ``path`` with exactly ``reviews`` reviews; return counts and seconds."""
    from peerkit.store import Store

    started = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    rng = np.random.default_rng(seed)

    # Cohorts of 10 to 14 members (about 12), 60 monthly meetings from January 2021.
    sizes = rng.integers(members - 2, members + 3, size=cohorts)
    n_members = int(sizes.sum())
    member_cohort = np.repeat(np.arange(1, cohorts + 1), sizes)
    member_id = np.arange(1, n_members + 1)
    left = rng.random(n_members) < 0.08
    reliability = rng.uniform(0.25, 0.97, size=n_members)

    months = np.arange(meetings)
    month_start = (np.datetime64("2021-01", "M") + months).astype("datetime64[D]").astype(np.int64)
    day_in_month = rng.integers(1, 20, size=cohorts)  # each cohort meets on its own day
    meeting_day = month_start[None, :] + day_in_month[:, None]  # cohorts x meetings
    meeting_cohort = np.repeat(np.arange(1, cohorts + 1), meetings)
    meeting_id = np.arange(1, cohorts * meetings + 1)

    # Commitments: at each meeting but the last, each member makes a few (Poisson), due at
    # the next meeting (or the one after for one in five), reviewed when due; a renegotiation
    # is reviewed again at the next meeting, and so on.
    expected_cells = n_members * (meetings - 1)
    lam = reviews * 1.02 / expected_cells  # a little over: the extra is trimmed below
    cell_member = np.repeat(np.arange(n_members), meetings - 1)
    cell_meeting = np.tile(np.arange(meetings - 1), n_members)
    per_cell = rng.poisson(lam, size=len(cell_member))
    c_member = np.repeat(cell_member, per_cell)
    c_made = np.repeat(cell_meeting, per_cell)  # meeting index within the cohort
    n_commit = len(c_member)
    c_cohort = member_cohort[c_member] - 1
    # Commitment ids in the order a real store gets them: meeting by meeting.
    order = np.lexsort((c_member, c_cohort, meeting_day[c_cohort, c_made]))
    c_member, c_made, c_cohort = c_member[order], c_made[order], c_cohort[order]
    ahead = np.where(rng.random(n_commit) < 0.2, 2, 1)
    due_at = np.minimum(c_made + ahead, meetings - 1)
    c_target = meeting_day[c_cohort, due_at] - rng.integers(0, 7, size=n_commit)
    c_weight = rng.choice([1.0, 1.0, 1.0, 2.0], size=n_commit)
    c_levels = rng.random(n_commit) < 0.15

    # Reviews, chain by chain.
    r_commit: list[np.ndarray] = []
    r_at: list[np.ndarray] = []
    r_outcome: list[np.ndarray] = []
    r_new: list[np.ndarray] = []
    alive = np.arange(n_commit)
    at = due_at.copy()
    while len(alive):
        roll = rng.random(len(alive))
        rel = reliability[c_member[alive]]
        rest = (roll - rel) / (1.0 - rel)
        outcome = np.select(
            [roll < rel, rest < 0.35, rest < 0.65, rest < 0.88], [0, 1, 2, 3], default=4
        )
        last = at[alive] >= meetings - 1
        outcome = np.where(last & (outcome == 4), 2, outcome)  # no meeting left to carry to
        nxt = np.minimum(at[alive] + 1, meetings - 1)
        new_day = np.where(
            outcome == 4, meeting_day[c_cohort[alive], nxt] - rng.integers(1, 6, len(alive)), -1
        )
        r_commit.append(alive)
        r_at.append(at[alive])
        r_outcome.append(outcome)
        r_new.append(new_day)
        carried = outcome == 4
        at[alive[carried]] = nxt[carried]
        alive = alive[carried]
    rc = np.concatenate(r_commit)
    rat = np.concatenate(r_at)
    rout = np.concatenate(r_outcome)
    rnew = np.concatenate(r_new)
    # Exactly ``reviews`` rows: drop the last review of randomly chosen commitments.
    excess = len(rc) - reviews
    if excess > 0:
        order = np.lexsort((rat, rc))
        rc, rat, rout, rnew = rc[order], rat[order], rout[order], rnew[order]
        tails = np.flatnonzero(np.append(rc[1:] != rc[:-1], True))
        keep = np.ones(len(rc), dtype=bool)
        keep[rng.choice(tails, size=excess, replace=False)] = False
        rc, rat, rout, rnew = rc[keep], rat[keep], rout[keep], rnew[keep]
    elif excess < 0:
        raise SystemExit(f"generated only {len(rc)} reviews of {reviews}: raise lam")
    # Review ids in the order a real store gets them: meeting by meeting.
    order = np.lexsort((rc, rat, c_cohort[rc]))
    order = order[np.argsort(meeting_day[c_cohort[rc], rat][order], kind="stable")]
    rc, rat, rout, rnew = rc[order], rat[order], rout[order], rnew[order]
    r_level = np.where((rout == 0) & (rng.random(len(rc)) < 0.1), 1, -99)

    names = [f"Member {i:06d}" for i in member_id]
    member_rows = zip(
        member_id.tolist(),
        member_cohort.tolist(),
        names,
        np.where(left, "left", "active").tolist(),
        [0] * n_members,
        strict=True,
    )
    meeting_rows = zip(
        meeting_id.tolist(),
        meeting_cohort.tolist(),
        _day_text(meeting_day.ravel()),
        ["Harbour Room"] * len(meeting_id),
        [180] * len(meeting_id),
        strict=True,
    )
    commit_meeting = c_cohort * meetings + c_made + 1
    levels_json = '["a","b","c","d","e"]'
    commit_rows = zip(
        (np.arange(n_commit) + 1).tolist(),
        member_id[c_member].tolist(),
        commit_meeting.tolist(),
        ["Send the board a hiring plan"] * n_commit,
        _day_text(c_target),
        c_weight.tolist(),
        [levels_json if x else None for x in c_levels.tolist()],
        [0] * n_commit,
        strict=True,
    )
    review_meeting = c_cohort[rc] * meetings + rat + 1
    new_text = _day_text(np.maximum(rnew, 0))
    review_rows = zip(
        (np.arange(len(rc)) + 1).tolist(),
        (rc + 1).tolist(),
        review_meeting.tolist(),
        [OUTCOMES[o] for o in rout.tolist()],
        [None if x == -99 else x for x in r_level.tolist()],
        [""] * len(rc),
        [d if n >= 0 else None for d, n in zip(new_text, rnew.tolist(), strict=True)],
        strict=True,
    )
    built = time.perf_counter()

    with Store(path) as store:
        raw = store.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("PRAGMA foreign_keys=OFF")  # the generator's ids are consistent
            # A throw-away file being filled: no journal and no fsync while loading (a crash
            # leaves the wrong count of reviews, and the next run builds the store again).
            cur.execute("PRAGMA journal_mode=OFF")
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("BEGIN")
            cur.executemany(
                "INSERT INTO cohorts (id, name) VALUES (?, ?)",
                [(i, f"Cohort {i:04d}") for i in range(1, cohorts + 1)],
            )
            cur.executemany(
                "INSERT INTO members (id, cohort_id, name, status, redacted) VALUES (?,?,?,?,?)",
                member_rows,
            )
            cur.executemany(
                "INSERT INTO meetings (id, cohort_id, date, place, planned_minutes) "
                "VALUES (?,?,?,?,?)",
                meeting_rows,
            )
            cur.executemany(
                "INSERT INTO commitments (id, owner_id, meeting_id, text, target_date, weight, "
                "levels, private) VALUES (?,?,?,?,?,?,?,?)",
                commit_rows,
            )
            cur.executemany(
                "INSERT INTO reviews (id, commitment_id, meeting_id, outcome, level, note, "
                "new_target_date) VALUES (?,?,?,?,?,?,?)",
                review_rows,
            )
            cur.execute("COMMIT")
            cur.execute("PRAGMA journal_mode=WAL")  # as peerkit keeps its stores
        finally:
            raw.close()
    done = time.perf_counter()
    return {
        "members": n_members,
        "meetings": len(meeting_id),
        "commitments": n_commit,
        "reviews": len(rc),
        "build_s": built - started,
        "insert_s": done - built,
        "total_s": done - started,
    }


def store_reviews(path: Path) -> int | None:
    """How many reviews the store at ``path`` holds (None if it is not a usable store)."""
    import sqlite3

    if not path.exists():
        return None
    try:
        with sqlite3.connect(path) as conn:
            return int(conn.execute("SELECT count(*) FROM reviews").fetchone()[0])
    except sqlite3.Error:
        return None


# --------------------------------------------------------------------------------------------
# Measuring


def _clock(func: Callable[[], Any]) -> tuple[float, float]:
    """(wall, CPU) seconds of one call, with the garbage from earlier runs collected first."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    func()
    return time.perf_counter() - wall, time.process_time() - cpu


def _groupby(frames: dict[str, Any]) -> Any:
    """The plain pandas baseline: per owner, how many reviews, how many done, the share done."""
    reviews = frames["reviews"]
    done = reviews["outcome"] == "done"
    return done.groupby(reviews["owner_id"]).agg(["count", "sum", "mean"])


def _scoreboard(frames: dict[str, Any]) -> Any:
    from peerkit import scoring

    return scoring.scoreboard(frames["reviews"], frames["members"], frames["meetings"])


def _peak_memory(store: Any) -> tuple[float, float]:
    """(tracemalloc peak MiB of one frames()+scoreboard, process max RSS MiB so far)."""
    gc.collect()
    tracemalloc.start()
    board = _scoreboard(store.frames())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del board
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return peak / 2**20, rss_kib / 2**10


def _median(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return (
        statistics.median(s[0] for s in samples),
        statistics.median(s[1] for s in samples),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, default=1_000_000, help="reviews in the store")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each measurement")
    parser.add_argument("--store", type=Path, default=None, help="the store file to (re)use")
    parser.add_argument("--regenerate", action="store_true", help="build the store afresh")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    path = args.store or OUT / f"scoring-{args.reviews}.db"
    path.parent.mkdir(parents=True, exist_ok=True)

    if args.generate_only:  # the child process that builds the store (keeps maxrss apart)
        # 500 cohorts for a million reviews; fewer, of the same shape, for a quick run.
        cohorts = max(1, round(500 * args.reviews / 1_000_000))
        counts = generate(path, args.reviews, cohorts=cohorts)
        print(
            f"  generated {counts['reviews']:,} reviews of {counts['commitments']:,} "
            f"commitments, {counts['members']:,} members, {counts['meetings']:,} meetings "
            f"in {counts['total_s']:.1f} s (arrays {counts['build_s']:.1f} s, "
            f"SQLite inserts {counts['insert_s']:.1f} s)"
        )
        return 0

    import platform

    print(
        f"peerkit scoring benchmark: {args.reviews:,} reviews, median of {args.repeats} runs; "
        f"{platform.node()}, {os.cpu_count()} CPUs, python {platform.python_version()}"
    )
    if args.regenerate or store_reviews(path) != args.reviews:
        print(f"store: building {path}")
        started = time.perf_counter()
        child = [sys.executable, __file__, "--generate-only", "--reviews", str(args.reviews)]
        subprocess.run([*child, "--store", str(path)], check=True)
        print(f"  store generation took {time.perf_counter() - started:.1f} s with start-up")
    else:
        print(f"store: reusing {path} ({path.stat().st_size / 2**20:.0f} MiB)")

    from peerkit.store import Store

    with Store(path, create=False) as store:
        frames = store.frames()  # warm the page cache and the imports
        reviews = len(frames["reviews"])
        load, board_alone, group_alone, full, plain = [], [], [], [], []
        for _ in range(args.repeats):
            # Interleaved, so a busy spell on the machine hits every measurement alike.
            full.append(_clock(lambda: _scoreboard(store.frames())))
            plain.append(_clock(lambda: _groupby(store.frames())))
            load.append(_clock(store.frames))
            board_alone.append(_clock(lambda: _scoreboard(frames)))
            group_alone.append(_clock(lambda: _groupby(frames)))
        traced, rss = _peak_memory(store)

    rows = [
        ("(a) frames() + scoreboard", _median(full)),
        ("(b) frames() + groupby", _median(plain)),
        ("    frames() alone", _median(load)),
        ("    scoreboard alone", _median(board_alone)),
        ("    groupby alone", _median(group_alone)),
    ]
    print(f"\n{reviews:,} reviews loaded from SQLite; seconds, median of {args.repeats}:")
    print(f"  {'':<28}{'wall':>8}{'CPU':>8}")
    for label, (wall, cpu) in rows:
        print(f"  {label:<28}{wall:>8.3f}{cpu:>8.3f}")
    (a_wall, a_cpu), (b_wall, b_cpu) = rows[0][1], rows[1][1]
    (s_wall, s_cpu), (g_wall, g_cpu) = rows[3][1], rows[4][1]
    ratio, ratio_cpu = a_wall / b_wall, a_cpu / b_cpu
    print(
        f"\nratio (a)/(b): {ratio:.2f} wall, {ratio_cpu:.2f} CPU "
        f"(target <= 2: {'met' if ratio <= 2 else 'NOT met'})"
    )
    print(f"ratio scoreboard/groupby alone: {s_wall / g_wall:.2f} wall, {s_cpu / g_cpu:.2f} CPU")
    print(
        f"absolute (a): {a_wall:.3f} s wall, {a_cpu:.3f} s CPU "
        f"(target <= 1 s: {'met' if a_wall <= 1 else 'NOT met'})"
    )
    print(
        f"peak memory of one (a): {traced:.0f} MiB traced (Python and numpy; tracemalloc), "
        f"process max RSS {rss:.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
