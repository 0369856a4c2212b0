"""Correcting in the real dashboard: peerkit's Voila server on a copy of the demo store, the console
in headless Chromium at a laptop's size. The last advice is deleted and brought back with Undo;
the editor for advice and commitments opens; a parking-lot item is deleted from its editor and the
meeting closed (asked first). axe-core finds no serious violation with the editor open nor with
the close warning showing. Screenshots go to /tmp/corrections-*.png."""

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
    button,
    open_console,
    round_on_screen,
    type_and_enter,
)

from peerkit import live
from peerkit.serve import VoilaServer
from peerkit.store import Store

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
ADVICE = "Hire in two waves qx91"
PARKED = "Offsite venue qx92"


@pytest.fixture(scope="module")
def db(copy_demo: Callable[[str], Path]) -> Path:
    return copy_demo("corrections")


@pytest.fixture(scope="module")
def server(serve_notebooks: Callable[..., VoilaServer], db: Path) -> VoilaServer:
    return serve_notebooks(
        [NOTEBOOKS / "facilitator.ipynb", NOTEBOOKS / "projector.ipynb"],
        db_url=f"sqlite:///{db}",
    )


def editor(page: Any, title: str) -> Any:
    return page.locator(".peerkit-entry-editor").filter(has_text=title)


def parked(db: Path) -> list[str]:
    with Store(db, create=False) as store:
        cohort = store.cohort(None)
        meeting = live.meeting_for_today(store, cohort.id, dt.date.today())
        return [p.text for p in store.parking(meeting.id)]


def test_delete_undo_edit_and_close_in_the_browser(
    page: Any,
    server: VoilaServer,
    db: Path,
    axe_violations: Callable[..., list[dict[str, Any]]],
) -> None:
    page.set_viewport_size({"width": 1366, "height": 650})
    round_on_screen(db, "mastermind hot seat", nexts=2, advice=(ADVICE,))
    open_console(page, server)
    page.locator(CLOCK).wait_for(state="visible", timeout=LOAD_MS)  # a live round: hot seat
    advice_row(page, ADVICE).wait_for()

    button(page, "Delete last advice").click()
    advice_row(page, ADVICE).wait_for(state="detached")
    undo = page.get_by_role("button", name="Undo: the advice").first
    undo.wait_for()
    undo.click()
    advice_row(page, ADVICE).wait_for()
    page.get_by_text("Brought back the advice").wait_for()

    page.get_by_text("Correct or delete advice or a commitment").click()
    entry = editor(page, "Correct or delete advice").get_by_label("Entry", exact=True)
    entry.wait_for()
    chosen = str(entry.locator("option:checked").text_content()).replace("\xa0", " ")
    assert chosen == f"Advice · round 1 · Anonymous: “{ADVICE}”"  # ipywidgets: no-break spaces
    found = axe_violations(page)
    assert not found, [f"{v['impact']}: {v['id']}" for v in found]
    page.screenshot(path="/tmp/corrections-editor.png", full_page=True)

    page.get_by_role("tab", name="Parking lot & close").click()
    type_and_enter(page, "Parking lot", PARKED)
    page.get_by_text("Correct or delete a parking-lot item").click()
    panel = editor(page, "Correct or delete a parking-lot item")
    panel.get_by_label("Entry", exact=True).locator("option", has_text=PARKED).wait_for(
        state="attached"
    )
    button(panel, "Delete").click()
    page.get_by_text("Deleted the parking-lot item").wait_for()
    assert PARKED not in parked(db)
    button(page, "Close the meeting").click()
    page.get_by_text("Closing erases for good").wait_for()
    page.screenshot(path="/tmp/corrections-close.png", full_page=True)
    found = axe_violations(page)
    assert not found, [f"{v['impact']}: {v['id']}" for v in found]
    with Store(db, create=False) as store:
        rows = store.counts()["parking"]
    button(page, "Erase them for good and close").click()
    page.get_by_text("erased for good.").wait_for()
    with Store(db, create=False) as store:
        cohort = store.cohort(None)
        meeting = live.meeting_for_today(store, cohort.id, dt.date.today())
        assert store.deletions(meeting.id) == []
        assert store.counts()["parking"] == rows - 1  # the deleted row is gone
