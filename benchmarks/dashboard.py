"""How quick is the live dashboard, next to a bare one-widget Voila notebook?

In one run, against one Voila server (``peerkit.serve.running_server``: peerkit's template, dark
theme, the same flags as ``peerkit serve``) serving three notebooks side by side -- the console
(notebooks/facilitator.ipynb), the projector (notebooks/projector.ipynb) and a bare notebook with
one button (benchmarks/bare.ipynb) -- on a fresh demo store with a round running in its advice
phase (so the console opens as after a reload mid-round: on its hot-seat tab), in headless
Debian Chromium:

  time to interactive   page open -> the page's role=timer visible and a button enabled (the bare
                        page: its button), measured in the page (performance.now() from
                        navigation start, seen by a MutationObserver); median of N fresh loads
                        of each page, interleaved, after one warm-up load each. Target: console
                        and projector <= 1.3 x the bare notebook.
  kernel memory         RSS of each page's kernel process (/proc/PID/status), after the page
                        has settled and again after the click and follow runs; the larger is
                        shown. Target <= 200 MiB.
  click -> update       in the console page's JS: performance.now() at a click on "+1 min" to
                        the MutationObserver seeing the countdown jump by a minute; p95 of
                        >= 30 clicks. Target <= 50 ms.
  projector follow lag  console and projector open in one browser; a click on "Next phase" /
                        "Previous phase" on the console (timestamped performance.timeOrigin +
                        performance.now()) to the projector's phase text changing (same clock);
                        >= 10 samples. Target <= 1 s (p95 shown against it).

    .venv/bin/python benchmarks/dashboard.py                 # as `peerkit serve`, then --preheat
    .venv/bin/python benchmarks/dashboard.py --preheat off   # only as `peerkit serve` (quicker)

With ``--preheat both`` (the default) everything is measured twice, on a fresh store and server
each time: as ``peerkit serve`` runs by default, then as ``peerkit serve --preheat`` (Voila keeps
one kernel per notebook that has already run it). The machine's load average is printed before
and after: on a shared 2-core machine the time-to-interactive figures move by +-20 %.

Before every measurement the script waits until the server's processes are idle, and it kills
each measured page's kernel afterwards (Voila 0.5 does not shut down a closed tab's kernel), so
one load does not slow the next. It is a script, not a test: it prints and exits 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from peerkit import browser  # noqa: E402
from peerkit.serve import VoilaServer, running_server  # noqa: E402

CHROMIUM = browser.CHROMIUM
CHROMIUM_ARGS = browser.CHROMIUM_ARGS

TTI_RATIO = 1.3
MEMORY_MIB = 200.0
CLICK_MS = 50.0
FOLLOW_S = 1.0


@dataclass(frozen=True)
class PageKind:
    name: str
    notebook: Path
    needs_timer: bool
    viewport: tuple[int, int]


PAGES = (
    PageKind("bare notebook", HERE / "bare.ipynb", False, (1280, 900)),
    PageKind("console", ROOT / "notebooks" / "facilitator.ipynb", True, (1280, 900)),
    PageKind("projector", ROOT / "notebooks" / "projector.ipynb", True, (1920, 1080)),
)

# Runs in every page before its own scripts: notes performance.now() the first time the page is
# interactive (a visible role=timer if the page has one, and a visible enabled button).
READY_SCRIPT = """
(() => {
  const needsTimer = %s;
  const shown = (el) => el.checkVisibility({ visibilityProperty: true, opacityProperty: true });
  const ready = () =>
    (!needsTimer || [...document.querySelectorAll("[role=timer]")].some(shown)) &&
    [...document.querySelectorAll("button")].some((b) => !b.disabled && shown(b));
  window.__pkReady = null;
  let observer = null;
  let poll = null;
  const check = () => {
    if (window.__pkReady !== null || !document.body || !ready()) return;
    window.__pkReady = performance.now();
    observer.disconnect();
    clearInterval(poll);
  };
  observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true });
  poll = setInterval(check, 20);
})();
"""

CLICK_SCRIPT = """
async ({ name, clicks, pauseMs }) => {
  const clock = document.querySelector("[role=timer]");
  const button = [...document.querySelectorAll("button")].find((b) => b.title === name);
  if (!button) throw new Error(`no button ${name}`);
  const shownSeconds = () => {
    const text = clock.textContent.trim();
    const sign = text.startsWith("+") ? -1 : 1;
    const parts = text.replace("+", "").split(":");
    return sign * parts.reduce((acc, part) => acc * 60 + Number(part), 0);
  };
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const took = [];
  for (let i = 0; i < clicks; i++) {
    await sleep(pauseMs + Math.random() * pauseMs);
    const before = shownSeconds();
    took.push(
      await new Promise((resolve, reject) => {
        let start = 0;
        const observer = new MutationObserver(() => {
          if (shownSeconds() < before + 30) return; // a tick, not our minute
          const end = performance.now();
          observer.disconnect();
          clearTimeout(timeout);
          resolve(end - start);
        });
        const timeout = setTimeout(() => {
          observer.disconnect();
          reject(new Error("the countdown did not move within 10 s of a click"));
        }, 10000);
        observer.observe(clock, { childList: true, characterData: true, subtree: true });
        start = performance.now();
        button.click();
      })
    );
  }
  return took;
}
"""

WATCH_PHASE_SCRIPT = """
() => {
  const phase = document.querySelector(".peerkit-timer__phase");
  window.__pkSeen = [];
  new MutationObserver(() =>
    window.__pkSeen.push([performance.timeOrigin + performance.now(), phase.textContent])
  ).observe(phase, { childList: true, characterData: true, subtree: true });
  return phase.textContent;
}
"""

CLICK_AT_SCRIPT = """
(name) => {
  const button = [...document.querySelectorAll("button")].find((b) => b.title === name);
  const at = performance.timeOrigin + performance.now();
  button.click();
  return at;
}
"""


# --------------------------------------------------------------------------------------------
# The store: a demo cohort with today's meeting and a round in its advice phase


def build_store(path: Path) -> None:
    """A demo store as a facilitator has it mid-meeting: a round running, advice captured."""
    from peerkit import live
    from peerkit.demo import build_demo
    from peerkit.formats import load_formats
    from peerkit.meeting import RoundClock
    from peerkit.store import Store

    today = dt.date.today()
    with Store(path) as store:
        build_demo(store, seed=7, today=today)
        cohort = store.cohort(None)
        meeting = live.meeting_for_today(store, cohort.id, today)
        store.set_screen(cohort.id, meeting_id=meeting.id, round_id=0)
        people = {m.name: m for m in store.members(cohort.id, include_left=False)}
        rnd = store.add_round(
            meeting.id,
            people["Priya Raman"].id,
            "mastermind hot seat",
            issue="The board wants us to double headcount; can we absorb it?",
        )
        store.add_round(meeting.id, people["Omar Haddad"].id, "troika consulting")
        store.set_screen(cohort.id, round_id=rnd.id)
        clock = RoundClock(store, rnd.id, load_formats()["mastermind hot seat"])
        clock.start()
        clock.next()
        clock.next()  # Advice
        for giver, text in (
            ("Marcus Webb", "Hire in two waves and measure onboarding after the first."),
            ("Elena Sokolova", "When we doubled, we promoted two leads first."),
            (None, "What would the board accept instead of a headcount number?"),
        ):
            store.add_advice(rnd.id, text, giver_id=people[giver].id if giver else None)


# --------------------------------------------------------------------------------------------
# Processes: the kernels behind the pages


def _children(root: int) -> set[int]:
    """Every process descended from ``root`` (Voila's kernels)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - found
        found |= frontier
    return found


def _cpu_ticks(pids: set[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def settle(server: VoilaServer, quiet_s: float = 0.6, timeout_s: float = 45.0) -> None:
    """Wait until Voila and its kernels have been idle for ``quiet_s`` (no process came or went,
    at most a tick of CPU): a kernel restarting or a preheat pool refilling ends first."""
    root = server.process.pid
    end = time.monotonic() + timeout_s
    pids = _children(root) | {root}
    ticks = _cpu_ticks(pids)
    quiet_since = time.monotonic()
    while time.monotonic() < end:
        time.sleep(0.15)
        now_pids = _children(root) | {root}
        now_ticks = _cpu_ticks(now_pids)
        if now_pids != pids or now_ticks - ticks > 1:
            quiet_since = time.monotonic()
        pids, ticks = now_pids, now_ticks
        if time.monotonic() - quiet_since >= quiet_s:
            return


def kernel_pid(kernel_id: str) -> int | None:
    """The process whose command line names the kernel's connection file."""
    marker = f"kernel-{kernel_id}.json".encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if marker in cmdline:
            return int(entry)
    return None


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def page_kernel(page: Any) -> str:
    return str(
        page.evaluate(
            "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
        )
    )


def kill_kernel(kernel_id: str) -> None:
    pid = kernel_pid(kernel_id)
    if pid is not None:
        os.kill(pid, signal.SIGKILL)


# --------------------------------------------------------------------------------------------
# Measurements


@dataclass
class Results:
    preheat: bool
    tti: dict[str, list[float]] = field(default_factory=dict)
    served: dict[str, list[float]] = field(default_factory=dict)
    rss: dict[str, float] = field(default_factory=dict)
    clicks_ms: list[float] = field(default_factory=list)
    follow_s: list[float] = field(default_factory=list)


@contextmanager
def opened(browser: Any, server: VoilaServer, kind: PageKind) -> Iterator[tuple[Any, float, float]]:
    """A fresh page of ``kind`` in its own context; yields it, its time to interactive and when
    the last byte of its HTML arrived (Voila sends it once the notebook has run in the kernel;
    what follows is the browser building the widgets), in seconds from navigation start."""
    width, height = kind.viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.add_init_script(READY_SCRIPT % json.dumps(kind.needs_timer))
        page.goto(server.render_url(kind.notebook.name), wait_until="commit", timeout=120_000)
        page.wait_for_function("window.__pkReady !== null", timeout=120_000, polling=50)
        served = page.evaluate("performance.getEntriesByType('navigation')[0].responseEnd")
        yield page, float(page.evaluate("window.__pkReady")) / 1000, float(served) / 1000
    finally:
        context.close()


def measure_tti(browser: Any, server: VoilaServer, loads: int, results: Results) -> None:
    results.tti = {kind.name: [] for kind in PAGES}
    results.served = {kind.name: [] for kind in PAGES}
    for run in range(loads + 1):  # the first round is a warm-up, not counted
        order = list(PAGES[run % 3 :] + PAGES[: run % 3])  # no page always goes first
        for kind in order:
            settle(server)
            with opened(browser, server, kind) as (page, took, served):
                kernel = page_kernel(page)
            kill_kernel(kernel)
            if run:
                results.tti[kind.name].append(took)
                results.served[kind.name].append(served)
        print(
            f"  loads {run}/{loads}: "
            + ", ".join(
                f"{k.name} {results.tti[k.name][-1]:.2f} s"
                f" (HTML done {results.served[k.name][-1]:.2f} s)"
                for k in PAGES
                if run
            ),
            flush=True,
        )


def measure_live(
    browser: Any, server: VoilaServer, clicks: int, follow: int, results: Results
) -> None:
    """Memory of each page's kernel, click latency on the console, the projector's lag."""
    kernels: dict[str, str] = {}
    with (
        opened(browser, server, PAGES[0]) as (bare, _, _),
        opened(browser, server, PAGES[1]) as (console, _, _),
        opened(browser, server, PAGES[2]) as (projector, _, _),
    ):
        for kind, page in zip(PAGES, (bare, console, projector), strict=True):
            kernels[kind.name] = page_kernel(page)
        settle(server)
        results.rss = {name: rss_mib(_pid(kernel)) for name, kernel in kernels.items()}

        settle(server)
        results.clicks_ms = console.evaluate(
            CLICK_SCRIPT, {"name": "+1 min", "clicks": clicks, "pauseMs": 250}
        )

        settle(server)
        projector.evaluate(WATCH_PHASE_SCRIPT)
        for i in range(follow):
            time.sleep(0.3 + random.random() * 0.5)
            name = "Next phase" if i % 2 == 0 else "Previous phase"
            clicked_at = float(console.evaluate(CLICK_AT_SCRIPT, name))
            projector.wait_for_function("(n) => window.__pkSeen.length > n", arg=i, timeout=30_000)
            seen_at = float(projector.evaluate("(i) => window.__pkSeen[i][0]", i))
            results.follow_s.append((seen_at - clicked_at) / 1000)

        settle(server)
        for name, kernel in kernels.items():
            results.rss[name] = max(results.rss[name], rss_mib(_pid(kernel)))
    for kernel in kernels.values():
        kill_kernel(kernel)


def _pid(kernel_id: str) -> int:
    pid = kernel_pid(kernel_id)
    if pid is None:
        raise RuntimeError(f"no process for kernel {kernel_id}")
    return pid


def run(
    browser: Any, notebooks: Path, db: Path, preheat: bool, args: argparse.Namespace
) -> Results:
    results = Results(preheat)
    with running_server(notebooks, db_url=f"sqlite:///{db}", preheat=preheat) as server:
        print(f"Voila on {server.base_url} (preheat {'on' if preheat else 'off'})", flush=True)
        measure_tti(browser, server, args.loads, results)
        measure_live(browser, server, args.clicks, args.follow, results)
    return results


# --------------------------------------------------------------------------------------------
# Report


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def report(results: Results) -> None:
    tti = {name: statistics.median(values) for name, values in results.tti.items()}
    bare = tti["bare notebook"]
    rows: list[tuple[str, str, str, float | None]] = [
        (
            "time to interactive, bare notebook",
            f"{bare:.2f} s (min {min(results.tti['bare notebook']):.2f})",
            "baseline",
            None,
        )
    ]
    for name in ("console", "projector"):
        ratio = tti[name] / bare
        rows.append(
            (
                f"time to interactive, {name}",
                f"{tti[name]:.2f} s = {ratio:.2f} x bare",
                f"<= {TTI_RATIO} x bare",
                ratio / TTI_RATIO,
            )
        )
    rows.append(
        (
            "  of which: notebook run, HTML sent",
            ", ".join(
                f"{name.split()[0]} {statistics.median(values):.2f} s"
                for name, values in results.served.items()
            ),
            "",
            None,
        )
    )
    for name in ("console", "projector", "bare notebook"):
        target = None if name == "bare notebook" else MEMORY_MIB
        rows.append(
            (
                f"kernel memory (RSS), {name}",
                f"{results.rss[name]:.0f} MiB",
                f"<= {MEMORY_MIB:.0f} MiB" if target else "baseline",
                results.rss[name] / target if target else None,
            )
        )
    click = p95(results.clicks_ms)
    rows.append(
        (
            f"click -> update p95 ({len(results.clicks_ms)} clicks)",
            f"{click:.1f} ms (median {statistics.median(results.clicks_ms):.1f})",
            f"<= {CLICK_MS:.0f} ms",
            click / CLICK_MS,
        )
    )
    lag = p95(results.follow_s)
    rows.append(
        (
            f"projector follow lag p95 ({len(results.follow_s)} samples)",
            f"{lag * 1000:.0f} ms (median {statistics.median(results.follow_s) * 1000:.0f},"
            f" max {max(results.follow_s) * 1000:.0f})",
            f"<= {FOLLOW_S * 1000:.0f} ms",
            lag / FOLLOW_S,
        )
    )
    print()
    print(f"preheat {'on' if results.preheat else 'off'}")
    width = max(len(r[0]) for r in rows)
    mwidth = max(len(r[1]) for r in rows)
    print(f"  {'figure':<{width}}  {'measured':<{mwidth}}  {'target':<16} measured/target")
    for figure, measured, target, ratio in rows:
        verdict = "" if ratio is None else f"{ratio:.2f}  {'ok' if ratio <= 1 else 'MISSED'}"
        print(f"  {figure:<{width}}  {measured:<{mwidth}}  {target:<16} {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=5, help="fresh loads of each page (>= 5)")
    parser.add_argument("--clicks", type=int, default=30, help="clicks on +1 min (>= 30)")
    parser.add_argument("--follow", type=int, default=10, help="follow-lag samples (>= 10)")
    parser.add_argument(
        "--preheat", choices=("off", "on", "both"), default="both", help="Voila's kernel pool"
    )
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: apt-get install -y chromium", file=sys.stderr)
        return 0
    from playwright.sync_api import sync_playwright

    version = subprocess.run(
        [str(CHROMIUM), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    print(f"{os.cpu_count()} CPUs, {version}, python {platform.python_version()}")
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)
    with tempfile.TemporaryDirectory(prefix="peerkit-bench-") as tmp:
        work = Path(tmp)
        notebooks = work / "notebooks"
        notebooks.mkdir()
        for kind in PAGES:
            shutil.copy(kind.notebook, notebooks / kind.notebook.name)
        modes = {"off": [False], "on": [True], "both": [False, True]}[args.preheat]
        all_results = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                for preheat in modes:
                    db = work / f"demo-{'preheat' if preheat else 'plain'}.db"
                    build_store(db)
                    all_results.append(run(browser, notebooks, db, preheat, args))
            finally:
                browser.close()
    for results in all_results:
        report(results)
    print("\nload average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
