"""A private segment in the real dashboard: peerkit's Voila server on a copy of the demo store, the
console and the projector in headless Chromium at a laptop's size (1366x768: about 650 px of
page). The projector's page, its DOM and its accessibility tree hold nothing of the round but
"Private segment in progress" and the countdown; the console captures advice kept for the
facilitator, then makes the round keep nothing and says so. Screenshots go to /tmp/private-*.png.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browsing import (
    CLOCK,
    button,
    choose_giver,
    click_when_enabled,
    open_console,
    open_hot_seat,
    open_page,
    seconds_shown,
    stored,
    type_and_enter,
    wait_phase,
    wait_tick,
)

from peerkit import live
from peerkit.formats import get_format
from peerkit.serve import VoilaServer
from peerkit.store import Store

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
FORMAT = "troika consulting"
ISSUE = "My marriage is ending qx83"
ADVICE = "Take the week off qx84"
WIDTH, HEIGHT = 1366, 650  # a 1366x768 laptop once the browser's bars and the taskbar are drawn


@pytest.fixture(scope="module")
def db(copy_demo: Callable[[str], Path]) -> Path:
    return copy_demo("private")


@pytest.fixture(scope="module")
def server(serve_notebooks: Callable[..., VoilaServer], db: Path) -> VoilaServer:
    return serve_notebooks(
        [NOTEBOOKS / "facilitator.ipynb", NOTEBOOKS / "projector.ipynb"],
        db_url=f"sqlite:///{db}",
    )


def private_round(db: Path) -> tuple[str, Any]:
    """The presenter's name and the private round of today's meeting, as stored."""
    with Store(db, create=False) as store:
        cohort = store.cohort(None)
        meeting = live.meeting_for_today(store, cohort.id, dt.date.today())
        [rnd] = [r for r in store.rounds(meeting.id) if r.private]
        return store.member(rnd.presenter_id).name, rnd


def round_panel_on_top(page: Any) -> None:
    """Scroll the console so that the round's countdown is at the top of the window."""
    page.locator(".peerkit-timer").evaluate("el => el.scrollIntoView({block: 'start'})")


def test_a_private_segment_shows_nothing_of_itself_on_the_projector(
    new_page: Callable[..., Any],
    server: VoilaServer,
    db: Path,
    axe_violations: Callable[..., list[dict[str, Any]]],
) -> None:
    console = new_page(WIDTH, HEIGHT)
    open_console(console, server)
    button(console, "Open today's meeting").click()
    console.get_by_text(f"{dt.date.today().isoformat()} ·").first.wait_for(state="attached")
    open_hot_seat(console)

    # Queue a private round that keeps its text for the facilitator, and start it.
    console.get_by_role("checkbox", name=re.compile("^Private segment")).check()
    keep_nothing = console.get_by_role("radio", name="Keep nothing")
    keep_nothing.wait_for()
    assert keep_nothing.is_checked()  # the default: nothing written down
    issue = console.get_by_label("Issue", exact=True)
    console.wait_for_function("el => el.disabled", arg=issue.element_handle())
    console.get_by_text("only who presented, the format and the round's timing").first.wait_for()
    console.get_by_role("checkbox", name=re.compile("^Private segment")).evaluate(
        "el => el.scrollIntoView({block: 'center'})"
    )
    console.screenshot(path="/tmp/private-console-queue.png")
    found = axe_violations(console)  # the choice and its radio buttons have their names
    assert not found, found
    console.get_by_role("radio", name="Keep for me only").check()
    console.get_by_label("Format", exact=True).select_option(label=FORMAT)
    console.wait_for_function("el => !el.disabled", arg=issue.element_handle())
    issue.fill(ISSUE)
    button(console, "Add to queue").click()
    console.get_by_role("cell", name=ISSUE).wait_for()
    assert console.get_by_role("cell", name=re.compile("private, kept for you")).count() == 1
    click_when_enabled(console, "Start")
    wait_phase(console, "Share")
    console.get_by_text("Private segment, kept for you only.").wait_for()
    choose_giver(console)
    type_and_enter(console, "Advice", ADVICE)
    assert ADVICE in stored(db)[0]  # kept, for the facilitator
    presenter, rnd = private_round(db)
    assert rnd.keeps_text and rnd.issue == ISSUE

    # The room's screen: the words and the clock, nothing else of the round anywhere.
    projector = new_page(WIDTH, HEIGHT)
    open_page(projector, server.projector_url, CLOCK)
    heading = projector.get_by_role("heading", name="Private segment in progress")
    heading.wait_for()
    first = wait_tick(projector)
    assert 0 < seconds_shown(wait_tick(projector)) < seconds_shown(first) <= 120
    assert heading.is_visible() and projector.locator(CLOCK).is_visible()
    label = str(projector.locator(CLOCK).get_attribute("aria-label"))
    assert label.startswith("Private segment"), label
    phases = [p.name for p in get_format(FORMAT).phases]
    forbidden = [presenter, ISSUE, ADVICE, FORMAT, *phases]

    def nothing_of_the_round() -> None:
        html = projector.content()
        # The page's own stylesheets (JupyterLab's, the timer's) are static files: they name
        # icons such as .jp-ShareIcon, never anything of the round. The phase names are common
        # words, so they are looked for in the page without its stylesheets.
        unstyled = projector.evaluate(
            """() => {
                const copy = document.documentElement.cloneNode(true);
                copy.querySelectorAll("style").forEach((s) => s.remove());
                return copy.outerHTML;
            }"""
        )
        tree = projector.locator("body").aria_snapshot()
        for word in forbidden:
            assert word not in (unstyled if word in phases else html), f"{word!r} in the page"
            assert word not in tree, f"{word!r} in the projector's accessibility tree"

    nothing_of_the_round()
    assert "Private segment in progress" in projector.locator("body").aria_snapshot()
    projector.screenshot(path="/tmp/private-projector.png")
    round_panel_on_top(console)
    console.screenshot(path="/tmp/private-console.png")
    found = axe_violations(projector)
    assert not found, found

    # The next phase: still nothing of it on the projector (its phase name neither).
    click_when_enabled(console, "Next phase")
    wait_phase(console, "Clarify")
    projector.wait_for_function(
        "([sel, prev]) => document.querySelector(sel)?.getAttribute('aria-label') !== prev",
        arg=[CLOCK, label],
    )
    nothing_of_the_round()

    # The facilitator decides to keep nothing after all: the console asks, then deletes.
    console.get_by_text("Make a queued round private").click()
    console.get_by_label("Make it", exact=True).select_option(label="Private, keep nothing")
    found = axe_violations(console)
    assert not found, found
    button(console, "Apply privacy").click()
    console.get_by_text("Keeping nothing deletes it for good").wait_for()
    assert ADVICE in stored(db)[0]  # not yet
    button(console, "Delete it for good and make it private").click()
    console.get_by_text("Private segment: nothing is written down.").wait_for()
    assert console.get_by_label("Advice", exact=True).is_hidden()  # no form that fails on save
    assert ADVICE not in stored(db)[0]
    assert private_round(db)[1].keeps_nothing and private_round(db)[1].issue == ""
    round_panel_on_top(console)
    console.screenshot(path="/tmp/private-console-nothing.png")
    # Nothing new may show: there is nothing to wait for, so the projector gets its 200 ms
    # polls a few times over before the test looks.
    projector.wait_for_timeout(500)
    nothing_of_the_round()
    assert heading.is_visible()
    assert projector.locator(CLOCK).is_visible()
    page_text = str(projector.locator("body").inner_text())
    assert "Private segment in progress" in page_text
