"""The live dashboard, end to end: peerkit's Voila server on a fresh copy of the demo store, the
console and the projector in headless Chromium.

- a whole troika round driven from the console (Start, then Next phase through every phase),
  the countdown ticking in the browser;
- advice and a commitment typed into their boxes and saved with Enter, still there after a
  reload; the kernel killed with SIGKILL mid-round, and after the page's own reload the round
  is where it was (same phase, the countdown still running, a plausible time left);
- the projector following the console's clicks through the store;
- axe-core: no serious or critical violation on any tab of the console nor on the projector;
- the ``page`` / ``new_page`` fixtures fail any test whose pages asked a host but loopback.

One server for the module. No test asserts a wall-clock limit: waits are generous, only the
outcome is checked.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browsing import (
    CLOCK,
    LOAD_MS,
    advice_row,
    button,
    choose_giver,
    click_when_enabled,
    commitment_item,
    kernel_pid,
    open_console,
    open_hot_seat,
    open_page,
    round_on_screen,
    seconds_shown,
    stored,
    type_and_enter,
    wait_phase,
    wait_tick,
)

from peerkit import live
from peerkit.serve import VoilaServer
from peerkit.store import Store

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
TROIKA = ("Share", "Clarify", "Consult", "Client reflects")


def starred(db: Path) -> list[str]:
    """The starred advice of today's meeting, as the store has it."""
    with Store(db, create=False) as store:
        cohort = store.cohort(None)
        meeting = live.meeting_for_today(store, cohort.id, dt.date.today())
        return [a.text for r in store.rounds(meeting.id) for a in store.advice(r.id) if a.starred]


@pytest.fixture(scope="module")
def db(copy_demo: Callable[[str], Path]) -> Path:
    return copy_demo("dashboard")


@pytest.fixture(scope="module")
def server(serve_notebooks: Callable[..., VoilaServer], db: Path) -> VoilaServer:
    return serve_notebooks(
        [NOTEBOOKS / "facilitator.ipynb", NOTEBOOKS / "projector.ipynb"],
        db_url=f"sqlite:///{db}",
    )


# -- tests ----------------------------------------------------------------------------------


def test_a_whole_round_survives_reloads_and_a_killed_kernel(
    page: Any, server: VoilaServer, db: Path
) -> None:
    open_console(page, server)
    button(page, "Open today's meeting").click()
    page.get_by_text(f"{dt.date.today().isoformat()} ·").first.wait_for(state="attached")
    open_hot_seat(page)

    # Queue a troika round for the first suggested presenter and start it.
    page.get_by_label("Format", exact=True).select_option(label="troika consulting")
    page.get_by_label("Issue", exact=True).fill("Two senior managers are in open conflict")
    button(page, "Add to queue").click()
    page.get_by_role("cell", name="Two senior managers are in open conflict").wait_for()
    click_when_enabled(page, "Start")
    wait_phase(page, "Share")
    presenter = str(page.locator(".peerkit-timer__presenter").text_content())
    assert presenter.startswith("On the hot seat: ")
    queued = page.get_by_role("row").filter(has_text="Two senior managers")
    assert presenter.removeprefix("On the hot seat: ") in str(queued.text_content())

    # The countdown ticks in the browser: 02:00 planned, and it goes down.
    first = wait_tick(page)
    later = wait_tick(page)
    assert 0 < seconds_shown(later) < seconds_shown(first) <= 120
    assert "Share:" in str(page.locator(CLOCK).get_attribute("aria-label"))

    click_when_enabled(page, "Next phase")
    wait_phase(page, "Clarify")
    click_when_enabled(page, "Next phase")
    wait_phase(page, "Consult")

    # Advice in the consult phase: typed, Enter saves it, the box empties.
    advice = "Name the conflict in the open, with both of them in the room"
    choose_giver(page)
    type_and_enter(page, "Advice", advice)
    advice_row(page, advice).wait_for()
    assert advice in stored(db)[0]

    # Typed markup stays text on the page; the presenter stars a piece with a click, and
    # unstars it from the keyboard without losing their place.
    marked = "Ask them <b>both</b> what a good outcome is"
    choose_giver(page)
    type_and_enter(page, "Advice", marked)
    assert advice_row(page, marked).locator("b").count() == 0
    page.get_by_role("button", name="☆ Star advice 1", exact=True).click()
    page.get_by_role("button", name="★ Starred advice 1", exact=True).wait_for()
    star = advice_row(page, advice).get_by_role("button")
    assert star.get_attribute("aria-pressed") == "true"
    assert starred(db) == [advice]
    second = page.get_by_role("button", name="☆ Star advice 2", exact=True)
    second.focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="★ Starred advice 2", exact=True).wait_for()
    page.keyboard.press("Space")  # the redraw kept the focus on this star: it unstars it
    page.get_by_role("button", name="☆ Star advice 2", exact=True).wait_for()
    assert starred(db) == [advice]

    # A reload runs the notebook afresh: the round, its phase and the advice are read back.
    page.reload()
    page.locator(CLOCK).wait_for(state="visible", timeout=LOAD_MS)  # opens on the live round
    wait_phase(page, "Consult")
    assert advice_row(page, advice).is_visible()
    assert advice_row(page, advice).get_by_role("button").get_attribute("aria-pressed") == "true"

    # Kill the kernel: the page notices, reloads itself, and the round is where it was.
    before = seconds_shown(wait_tick(page))
    killed_at = time.monotonic()
    with page.expect_navigation(timeout=LOAD_MS):
        os.kill(kernel_pid(page), signal.SIGKILL)
    page.locator(CLOCK).wait_for(state="visible", timeout=LOAD_MS)
    wait_phase(page, "Consult")
    after = seconds_shown(wait_tick(page))
    elapsed = time.monotonic() - killed_at
    assert before - elapsed - 3 <= after < before, (before, after, elapsed)
    assert seconds_shown(wait_tick(page)) < after  # still running
    assert advice_row(page, advice).is_visible()
    assert not button(page, "Pause").is_disabled()

    # The client reflects: the presenter's commitment, saved with Enter.
    click_when_enabled(page, "Next phase")
    wait_phase(page, "Client reflects")
    commitment = "Hold a joint one-to-one with both managers within two weeks"
    type_and_enter(page, "Commitment", commitment)
    commitment_item(page, commitment).wait_for()
    assert stored(db) == ([advice, marked], [commitment])  # each where it belongs, once

    page.reload()
    page.locator(CLOCK).wait_for(state="visible", timeout=LOAD_MS)
    wait_phase(page, "Client reflects")
    assert commitment_item(page, commitment).is_visible()  # a commitment phase: its capture
    page.get_by_role("tab", name="Advice", exact=True).click()
    advice_row(page, advice).wait_for()

    # The last Next phase ends the round.
    click_when_enabled(page, "Next phase")
    wait_phase(page, "Round finished")
    page.get_by_role("cell", name="finished").first.wait_for()
    assert button(page, "Next phase").is_disabled()
    assert commitment_item(page, commitment).is_visible()
    # A finished round's clock stands at zero: not "Overtime", nothing to warn about.
    assert page.locator(".peerkit-timer").get_attribute("data-band") == "normal"
    assert page.locator(".peerkit-timer__cue").text_content() == ""


def test_the_projector_follows_the_console(
    page: Any, new_page: Callable[..., Any], server: VoilaServer, db: Path
) -> None:
    round_on_screen(db, "troika consulting")
    open_console(page, server)
    page.locator(CLOCK).wait_for(state="visible", timeout=LOAD_MS)  # a live round: hot seat
    wait_phase(page, "Share")
    projector = new_page(1920, 1080)
    open_page(projector, server.projector_url, CLOCK)
    wait_phase(projector, "Share")
    wait_tick(projector)  # its countdown runs too

    for phase in TROIKA[1:]:
        label = str(projector.locator(CLOCK).get_attribute("aria-label"))
        click_when_enabled(page, "Next phase")
        wait_phase(page, phase)
        wait_phase(projector, phase)  # through the store, within a fraction of a second
        assert projector.locator(CLOCK).get_attribute("aria-label") != label
        assert str(projector.locator(CLOCK).get_attribute("aria-label")).startswith(f"{phase}:")
        if phase == "Consult":
            # Back turned. The advice panel is its own widget, drawn just after the clock.
            projector.get_by_text("advice is hidden").wait_for()

    # The client reflects (a commitment phase): the facilitator turns to the Advice capture.
    page.get_by_role("tab", name="Advice", exact=True).click()
    choose_giver(page)
    type_and_enter(page, "Advice", "Write down what surprised you")
    projector.get_by_text("Write down what surprised you").wait_for()  # shown when turned back
    click_when_enabled(page, "Pause")
    projector.get_by_text("Paused", exact=True).wait_for()


def test_no_serious_accessibility_violations_on_any_console_tab(
    page: Any,
    server: VoilaServer,
    db: Path,
    axe_violations: Callable[..., list[dict[str, Any]]],
    request_log: Any,
) -> None:
    round_on_screen(db, "mastermind hot seat", nexts=2, advice=("Hire in two waves",))
    open_console(page, server)
    page.locator(CLOCK).wait_for(state="visible", timeout=LOAD_MS)
    advice_row(page, "Hire in two waves").wait_for()
    # Check-in and attendance are drawn when they show: wait for what each tab draws.
    drawn = {
        "Hot seat": advice_row(page, "Hire in two waves"),
        "Check-in": page.get_by_role("status").filter(
            has_text=re.compile(r"Check-in:|Nothing is due")
        ),
        "Attendance": page.locator(".peerkit-roll .widget-toggle-buttons").first,
        "Parking lot & close": page.get_by_role("heading", name="Parking lot"),
    }
    found = {}
    for tab, shown in drawn.items():
        page.get_by_role("tab", name=tab).click()
        shown.wait_for(state="visible")
        found[tab] = [
            f"{v['impact']}: {v['id']} at {[n.get('target') for n in v['nodes']][:3]}"
            for v in axe_violations(page)
        ]
    assert not any(found.values()), found
    assert any(u.startswith("ws://127.0.0.1") for u in request_log.urls)  # the kernel socket


def test_the_projector_has_no_serious_accessibility_violations(
    page: Any, server: VoilaServer, db: Path, assert_accessible: Callable[..., None]
) -> None:
    round_on_screen(db, "mastermind hot seat", nexts=2, advice=("Promote two leads first",))
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, server.projector_url, CLOCK)
    page.get_by_text("Promote two leads first").wait_for()
    assert re.search(r"Advice: \d+ minutes? ", str(page.locator(CLOCK).get_attribute("aria-label")))
    # One screen, no scrolling: the countdown and the advice beside it both in view.
    assert page.evaluate("document.scrollingElement.scrollHeight <= innerHeight")
    for element in (page.locator(CLOCK), page.get_by_text("Promote two leads first")):
        box = element.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 1080
    assert_accessible(page)
