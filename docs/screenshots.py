"""Screenshots of the live dashboard for the README, taken by peerkit's own browser tooling.

    .venv/bin/python docs/screenshots.py                 # docs/img/console.png, projector.png
    .venv/bin/python docs/screenshots.py --out /tmp/img  # somewhere else

It builds the demo store in a temporary folder and puts it in the state a facilitator has an
hour into a meeting: today's meeting open, attendance taken, one round finished, a mastermind
hot seat in its advice phase with four pieces of advice (one starred by the presenter), one
more round queued. It serves the dashboard as ``peerkit serve`` does (peerkit's Voila template,
offline, dark), and photographs, in headless Debian Chromium, the console (1280 px wide, its top
1600 px) and the projector (1920x1080, a room's screen). With Pillow installed the PNGs are
reduced to a 256-colour palette and optimised (about a tenth of the size); without it they are
kept as Chromium wrote them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from peerkit import browser  # noqa: E402
from peerkit.serve import running_server  # noqa: E402

CHROMIUM = browser.find_chromium()
CHROMIUM_ARGS = browser.CHROMIUM_ARGS + ["--hide-scrollbars"]
CONSOLE_SIZE = (1280, 1600)
PROJECTOR_SIZE = (1920, 1080)
PRESENTER = "Priya Raman"
ISSUE = "The board wants us to double headcount this year; I am not sure we can absorb it."
ADVICE = (
    ("Marcus Webb", "suggestion", "Hire in two waves and measure onboarding time after the first."),
    ("Elena Sokolova", "experience", "When we doubled, we promoted two leads first; it paid off."),
    (None, "question", "What would the board accept instead of a headcount number?"),
    ("Aiko Tanaka", "resource", "The team-sizing chapter of “An Elegant Puzzle”."),
)
STARRED = 0  # the presenter stars the first piece of advice


def build_store(path: Path) -> None:
    """The demo cohort, and today's meeting an hour in."""
    from peerkit import live
    from peerkit.demo import build_demo
    from peerkit.formats import load_formats
    from peerkit.meeting import RoundClock
    from peerkit.model import Attendance
    from peerkit.store import Store

    today = dt.date.today()
    formats = load_formats()
    now = time.time()
    with Store(path) as store:
        build_demo(store, seed=7, today=today)
        cohort = store.cohort(None)
        meeting = live.meeting_for_today(store, cohort.id, today)
        store.set_screen(cohort.id, meeting_id=meeting.id, round_id=0)
        members = store.members(cohort.id, include_left=False)
        people = {m.name: m for m in members}
        for member in members:
            away = member.name in ("James Whitfield", "Claire Dubois")
            store.set_attendance(
                meeting.id, member.id, Attendance.APOLOGIES if away else Attendance.PRESENT
            )

        def played(round_id: int, fmt: str, steps: list[float]) -> None:
            """Phase commands at the given minutes ago (a clock that reads them in turn)."""
            times = iter(now - minutes * 60 for minutes in steps)
            clock = RoundClock(store, round_id, formats[fmt], lambda: next(times))
            clock.start()
            for _ in steps[1:]:
                clock.next()

        first = store.add_round(
            meeting.id,
            people["Omar Haddad"].id,
            "issue processing",
            issue="On-call is burning people out; attrition is rising in the platform team.",
        )
        played(first.id, "issue processing", [58, 54.5, 46, 37.5, 25, 19.5])
        second = store.add_round(
            meeting.id, people[PRESENTER].id, "mastermind hot seat", issue=ISSUE
        )
        store.set_screen(cohort.id, round_id=second.id)
        played(second.id, "mastermind hot seat", [17.5, 12.2, 2.1])  # advice since 2 minutes
        for i, (giver, kind, text) in enumerate(ADVICE):
            advice = store.add_advice(
                second.id,
                text,
                giver_id=people[giver].id if giver else None,
                kind=kind,
                at=now - 100 + 25 * i,
            )
            if i == STARRED:
                store.edit_advice(advice.id, starred=True)
        store.add_round(meeting.id, people["Rafael Mendes"].id, "troika consulting")


def shoot(page: Any, url: str, path: Path, ready_texts: list[str]) -> None:
    page.goto(url)
    page.locator("[role=timer]").first.wait_for(state="visible", timeout=120_000)
    for text in ready_texts:
        page.get_by_text(text).filter(visible=True).first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)  # the countdown's first ticks, fonts, layout
    page.screenshot(path=str(path))


def optimise(path: Path) -> str:
    """A 256-colour palette and zlib's best, when Pillow is there: the UI has few colours."""
    before = path.stat().st_size
    try:
        from PIL import Image
    except ImportError:
        return f"{before // 1024} KiB (pip install pillow to shrink it)"
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    small.save(path, optimize=True)
    return f"{before // 1024} KiB -> {path.stat().st_size // 1024} KiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img", help="output folder")
    args = parser.parse_args(argv)
    if CHROMIUM is None or not CHROMIUM.exists():
        print(f"{CHROMIUM or 'Chromium'} is missing: apt-get install -y chromium", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="peerkit-shots-") as tmp:
        db = Path(tmp) / "demo.db"
        build_store(db)
        with (
            running_server(ROOT / "notebooks", db_url=f"sqlite:///{db}") as server,
            sync_playwright() as pw,
        ):
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                shots = (
                    ("console.png", server.console_url, CONSOLE_SIZE),
                    ("projector.png", server.projector_url, PROJECTOR_SIZE),
                )
                for name, url, (width, height) in shots:
                    context = browser.new_context(
                        viewport={"width": width, "height": height}, reduced_motion="reduce"
                    )
                    path = args.out / name
                    ready = [ADVICE[0][2], f"On the hot seat: {PRESENTER}"]
                    shoot(context.new_page(), url, path, ready)
                    context.close()
                    print(
                        f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:"
                        f" {width}x{height}, {optimise(path)}"
                    )
            finally:
                browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
