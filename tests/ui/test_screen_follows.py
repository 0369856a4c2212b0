"""The room's screen follows the facilitator through every navigation, in the real dashboard:
peerkit's Voila server on a copy of the demo store, the console and the projector in headless
Chromium, each page with its own kernel.

A troika round is started from the console; then the console's Meeting box is switched to an
earlier meeting and back, "Open today's meeting" is clicked again, and the projector's page is
reloaded. After each, the projector shows the round's presenter and a ticking clock, the store's
screen still has the round (what any page reads), and Next on the console moves the projector's
phase. (The bug this guards: the projector showed "Waiting for the first round… 00:00" after
such a navigation, and stopped following the round's commands, even after a reload.)

The waits below have timeouts (Playwright raises when one runs out); nothing sleeps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browsing import (
    CLOCK,
    LOAD_MS,
    PHASE,
    button,
    click_when_enabled,
    open_console,
    open_hot_seat,
    open_page,
    shown,
    wait_phase,
)

from peerkit import live
from peerkit.meeting import Status
from peerkit.serve import VoilaServer
from peerkit.store import Store

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
#: How long the test waits for the projector to show the round. It shows it within a fraction
#: of a second (its follower looks five times a second; benchmarks/dashboard.py measures the
#: follow lag), but a test is no stopwatch: the wait leaves room for a loaded machine.
WITHIN_MS = 10_000
#: The clock changes every second; a change is waited for as long.
TICK_MS = 10_000
ISSUE = "Our biggest customer wants exclusivity"


@pytest.fixture(scope="module")
def db(copy_demo: Callable[[str], Path]) -> Path:
    return copy_demo("screen")


@pytest.fixture(scope="module")
def server(serve_notebooks: Callable[..., VoilaServer], db: Path) -> VoilaServer:
    return serve_notebooks(
        [NOTEBOOKS / "facilitator.ipynb", NOTEBOOKS / "projector.ipynb"],
        db_url=f"sqlite:///{db}",
    )


def stored_screen(db: Path) -> tuple[str, Status]:
    """The presenter and status of the round on screen, as the store has it (what a page that
    opens or redraws now reads): written before the console's redraw that the test waited for."""
    with Store(db, create=False) as store:
        cohort = store.cohort(None)
        now = live.on_screen(store, cohort.id)
        assert now.round is not None, "no round on the room's screen"
        return store.member(now.round.presenter_id).name, now.statuses[now.round.id]


def ticks(page: Any) -> None:
    """The page's countdown changes twice: it runs, and it still runs a second later (after
    the follower, which looks five times a second, has seen whatever the navigation wrote)."""
    for _ in range(2):
        before = shown(page)
        page.wait_for_function(
            "([sel, prev]) => document.querySelector(sel)?.textContent !== prev",
            arg=[CLOCK, before],
            timeout=TICK_MS,
        )


def room_shows(projector: Any, presenter: str, phase: str) -> None:
    """The projector shows the round's presenter, its phase and a ticking clock, within a
    second, and still does once the clock has ticked twice."""
    heading = projector.get_by_role("heading", name=f"On the hot seat: {presenter}")
    heading.wait_for(state="visible", timeout=WITHIN_MS)
    projector.wait_for_function(
        "([sel, name]) => document.querySelector(sel)?.textContent === name",
        arg=[PHASE, phase],
        timeout=WITHIN_MS,
    )
    ticks(projector)
    assert heading.is_visible()
    assert projector.locator(PHASE).text_content() == phase
    assert projector.get_by_text("Waiting for the first round").count() == 0


def next_phase(console: Any, projector: Any, phase: str) -> None:
    """Next on the console moves the projector's phase."""
    click_when_enabled(console, "Next phase")
    wait_phase(console, phase)
    wait_phase(projector, phase)


def test_the_projector_keeps_the_round_through_every_navigation(
    new_page: Callable[..., Any], server: VoilaServer, db: Path
) -> None:
    today = dt.date.today().isoformat()
    console = new_page()
    open_console(console, server)
    button(console, "Open today's meeting").click()
    console.get_by_text(f"{today} ·").first.wait_for(state="attached")
    open_hot_seat(console)
    console.get_by_label("Format", exact=True).select_option(label="troika consulting")
    console.get_by_label("Issue", exact=True).fill(ISSUE)
    button(console, "Add to queue").click()
    console.get_by_role("cell", name=ISSUE).wait_for()
    click_when_enabled(console, "Start")
    wait_phase(console, "Share")
    presenter = str(console.locator(".peerkit-timer__presenter").text_content())
    presenter = presenter.removeprefix("On the hot seat: ")
    assert presenter

    projector = new_page(1920, 1080)
    open_page(projector, server.projector_url, CLOCK)
    room_shows(projector, presenter, "Share")

    # 1. The Meeting box switched to an earlier meeting: the console shows it, the room stays.
    picker = console.get_by_label("Meeting", exact=True)
    labels = [str(o) for o in picker.locator("option").all_text_contents()]
    earlier = next(label for label in labels if not label.startswith(today))
    picker.select_option(label=earlier)
    console.get_by_text("Shown here only: the projector stays on the").wait_for()
    console.get_by_role("cell", name=ISSUE).wait_for(state="detached")  # its own queue
    assert stored_screen(db) == (presenter, Status.RUNNING)
    room_shows(projector, presenter, "Share")

    # ... and back: the console has the running round again; Next is followed.
    today_label = next(label for label in labels if label.startswith(today))
    picker.select_option(label=today_label)
    console.get_by_text("Shown here only").wait_for(state="detached")
    wait_phase(console, "Share")
    assert stored_screen(db) == (presenter, Status.RUNNING)
    room_shows(projector, presenter, "Share")
    next_phase(console, projector, "Clarify")
    room_shows(projector, presenter, "Clarify")

    # 2. "Open today's meeting" clicked again mid-round.
    button(console, "Open today's meeting").click()
    console.get_by_text(f"Today's meeting ({today}) is open.").wait_for()
    wait_phase(console, "Clarify")
    assert stored_screen(db) == (presenter, Status.RUNNING)
    room_shows(projector, presenter, "Clarify")
    next_phase(console, projector, "Consult")
    room_shows(projector, presenter, "Consult")

    # 3. The projector's page reloaded (its notebook runs again in a new kernel).
    projector.reload()
    projector.locator(CLOCK).wait_for(state="visible", timeout=LOAD_MS)
    room_shows(projector, presenter, "Consult")
    next_phase(console, projector, "Client reflects")
    room_shows(projector, presenter, "Client reflects")

    # Pause and Resume are followed too; the last Next ends the round on both screens.
    click_when_enabled(console, "Pause")
    projector.get_by_text("Paused", exact=True).wait_for()
    click_when_enabled(console, "Resume")
    projector.get_by_text("Paused", exact=True).wait_for(state="hidden")
    room_shows(projector, presenter, "Client reflects")
    next_phase(console, projector, "Round finished")
