"""How long does a facilitator wait for the minutes?

In one run, side by side (the two commands alternate, so machine load hits both alike):

  (a) ``peerkit minutes latest --to html`` as a whole process (store, follow-through, rendering,
      writing the file), the way a facilitator runs it after a meeting;
  (b) ``jupyter nbconvert --to html`` of a notebook of the same size: that meeting's minutes
      notebook, saved as .ipynb;

and, in one process, the export of every meeting of the demo cohort to HTML (what the console's
"Export minutes" button does): the first export in the process, then the median per meeting.
Both go through the one renderer (peerkit.minutes.templates) and peerkit.scoring. Prints each
figure, the ratio (a)/(b) (target <= 0.5) and the in-process time per meeting (target <= 300 ms).

    .venv/bin/python benchmarks/minutes.py              # 7 runs of each command
    .venv/bin/python benchmarks/minutes.py --runs 3     # a quick run
    .venv/bin/python benchmarks/minutes.py --charts     # also time an export with charts

The demo store and the outputs go to a temporary folder. A script, not a test: prints, exits 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
TODAY = dt.date(2026, 11, 21)


def timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr}")
    return elapsed


def in_process(db: Path, out: Path, charts: bool = False) -> tuple[float, float]:
    """(first export, median of the others) in seconds, in a fresh process that has imported
    peerkit.minutes but rendered nothing yet."""
    code = f"""
import json, statistics, sys, time
from peerkit.store import Store
from peerkit import minutes
store = Store({str(db)!r}, create=False)
ids = [m.id for m in store.meetings()]
times = []
for i, meeting_id in enumerate(ids + ids):
    t = time.perf_counter()
    minutes.export(store, meeting_id, "html", {str(out)!r} + f"/in-{{i}}.html", charts={charts!r})
    times.append(time.perf_counter() - t)
print(json.dumps([times[0], statistics.median(times[1:])]))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"in-process export failed:\n{result.stderr}")
    first, median = json.loads(result.stdout)
    return first, median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each command (default 7)")
    parser.add_argument("--charts", action="store_true", help="also time exports with charts")
    args = parser.parse_args()

    from peerkit import minutes
    from peerkit.demo import build_demo
    from peerkit.minutes.notebook import to_notebook
    from peerkit.store import Store

    with tempfile.TemporaryDirectory(prefix="peerkit-minutes-bench-") as tmp:
        work = Path(tmp)
        db = work / "demo.db"
        with Store(db) as store:
            build_demo(store, seed=7, today=TODAY)
            latest = store.find_meeting("latest")
            notebook = to_notebook(minutes.gather(store, latest.id))
        ipynb = work / "minutes.ipynb"
        ipynb.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
        cells = len(notebook["cells"])
        env = dict(os.environ)

        ours = [str(BIN / "peerkit"), "minutes", "latest", "--db", str(db), "-o", "ours.html"]
        theirs = [str(BIN / "jupyter"), "nbconvert", "--to", "html", str(ipynb)]
        theirs += ["--output-dir", str(work), "--output", "theirs"]

        timed(ours, env, work)  # warm the OS file cache for both before measuring
        timed(theirs, env, work)
        a: list[float] = []
        b: list[float] = []
        for _ in range(args.runs):
            a.append(timed(ours, env, work))
            b.append(timed(theirs, env, work))
        ours_s, theirs_s = statistics.median(a), statistics.median(b)

        first, each = in_process(db, work)
        if args.charts:
            charts_first, charts_each = in_process(db, work, charts=True)

        size = (work / "ours.html").stat().st_size
        print(f"Minutes of {latest.date} ({cells} cells, {size / 1024:.0f} KiB of HTML), ", end="")
        print(f"medians of {args.runs} alternating runs:")
        print(f"  (a) peerkit minutes --to html, whole process   {ours_s * 1000:7.0f} ms")
        print(f"  (b) jupyter nbconvert --to html, same notebook {theirs_s * 1000:7.0f} ms")
        print(
            f"  ratio (a)/(b)                                  {ours_s / theirs_s:7.2f}"
            "   (target <= 0.5)"
        )
        print("In-process export to HTML, per meeting (14 meetings, each twice):")
        print(
            f"  first {first * 1000:5.0f} ms, then median {each * 1000:5.1f} ms"
            "   (target <= 300 ms)"
        )
        if args.charts:
            print(
                f"  with charts: first {charts_first * 1000:5.0f} ms, then median "
                f"{charts_each * 1000:5.1f} ms"
            )


if __name__ == "__main__":
    main()
