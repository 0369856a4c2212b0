"""An organization's dashboard on PostgreSQL, in headless Chromium: a facilitator's and a
scribe's console on one meeting with the projector, and the database restarted mid-meeting.

One Voila server for the module, on a PostgreSQL database of the tests' own server (restarted
by the second test). No wall-clock limits: waits are generous, only the outcome is checked.
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
    advice_row,
    choose_giver,
    click_when_enabled,
    open_console,
    open_page,
    round_on_screen,
    stored,
    type_and_enter,
    wait_phase,
)

from peerkit.demo import build_demo
from peerkit.serve import VoilaServer
from peerkit.store import Store

pytestmark = pytest.mark.postgres
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


@pytest.fixture(scope="module")
def pg_db(pg_cluster: Any) -> str:
    url = pg_cluster.create_database("organization", template="peerkit_template")
    with Store(url) as store:
        build_demo(store, seed=7, today=dt.date.today())
    return url


@pytest.fixture(scope="module")
def server(serve_notebooks: Callable[..., VoilaServer], pg_db: str) -> VoilaServer:
    return serve_notebooks(
        [NOTEBOOKS / "facilitator.ipynb", NOTEBOOKS / "projector.ipynb"], db_url=pg_db
    )


def test_facilitator_scribe_and_projector_on_one_meeting(
    page: Any, new_page: Callable[..., Any], server: VoilaServer, pg_db: str
) -> None:
    round_on_screen(pg_db, "troika consulting")
    facilitator, scribe = page, new_page()
    for console in (facilitator, scribe):
        open_console(console, server)
        console.locator(CLOCK).wait_for(state="visible", timeout=LOAD_MS)
        wait_phase(console, "Share")
    projector = new_page(1920, 1080)
    open_page(projector, server.projector_url, CLOCK)

    # The facilitator runs the clock; both other windows follow through PostgreSQL.
    click_when_enabled(facilitator, "Next phase")
    for window in (facilitator, scribe, projector):
        wait_phase(window, "Clarify")
    # The scribe moves it on: the facilitator's window follows too.
    click_when_enabled(scribe, "Next phase")
    for window in (facilitator, scribe, projector):
        wait_phase(window, "Consult")

    # Both capture advice; each sees the other's, and the store has every piece once.
    choose_giver(scribe)
    type_and_enter(scribe, "Advice", "Ask each of them what a good outcome looks like")
    choose_giver(facilitator)
    type_and_enter(facilitator, "Advice", "Meet both managers together, this week")
    for console in (facilitator, scribe):
        advice_row(console, "what a good outcome looks like").wait_for()
        advice_row(console, "both managers together").wait_for()
    advice, _ = stored(pg_db)
    assert sorted(advice[-2:]) == [
        "Ask each of them what a good outcome looks like",
        "Meet both managers together, this week",
    ]


def test_the_console_says_the_database_restarted_and_loses_nothing(
    page: Any, server: VoilaServer, pg_db: str, pg_cluster: Any
) -> None:
    round_on_screen(pg_db, "troika consulting", nexts=2)
    open_console(page, server)
    page.locator(CLOCK).wait_for(state="visible", timeout=LOAD_MS)
    wait_phase(page, "Consult")

    pg_cluster.stop()
    try:
        page.get_by_role("alert").filter(has_text="The database is not answering").wait_for(
            timeout=30_000
        )
        # Typed during the outage: Enter says it was not saved, and the text stays in the box.
        text = "Write down the three questions you will ask first"
        choose_giver(page)
        box = page.get_by_label("Advice", exact=True)
        box.fill(text)
        box.press("Enter")
        page.get_by_text("is not answering").first.wait_for()
        assert box.input_value() == text
    finally:
        pg_cluster.start()
    page.get_by_role("status").filter(has_text="Reconnected to the database").wait_for(
        timeout=60_000
    )
    box.press("Enter")  # the same text, saved now
    advice_row(page, text).wait_for(timeout=30_000)
    page.wait_for_function("el => el.value === ''", arg=box.element_handle())
    assert stored(pg_db)[0].count(text) == 1

    page.reload()  # read back from the restarted server
    page.locator(CLOCK).wait_for(state="visible", timeout=LOAD_MS)
    wait_phase(page, "Consult")
    assert advice_row(page, text).is_visible()
