"""The check-in in the facilitator console, in a real Voila page in headless Chromium: one click
records a review, the page says so in text, and a reload shows it again from the store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from peerkit.demo import build_demo
from peerkit.live import put_on_screen
from peerkit.model import Outcome
from peerkit.serve import VoilaServer
from peerkit.store import Store, database_url
from peerkit.widgets.checkin import due_items

CONSOLE = Path(__file__).resolve().parents[2] / "notebooks" / "facilitator.ipynb"
TODAY = dt.date(2026, 11, 21)
ROW = ".peerkit-checkin-row"


@pytest.fixture(scope="module")
def meeting_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, Any]:
    """The demo cohort with this month's meeting opened on the screens, nothing reviewed yet."""
    path = tmp_path_factory.mktemp("checkin") / "demo.db"
    with Store(path) as store:
        build_demo(store, seed=7, today=TODAY)
        cohort = store.cohort()
        meeting = store.add_meeting(cohort.id, "2026-11-03")
        put_on_screen(store, cohort.id, meeting_id=meeting.id)
        first = due_items(store, meeting.id)[0]
    assert first.due and first.review is None
    return path, meeting.id, first


@pytest.fixture(scope="module")
def server(
    serve_notebooks: Callable[..., VoilaServer], meeting_store: tuple[Path, int, Any]
) -> VoilaServer:
    return serve_notebooks([CONSOLE], db_url=database_url(meeting_store[0]))


def open_checkin(page: Any, url: str, open_voila: Callable[..., float], reviewed: int) -> Any:
    """Open the console, go to the Check-in tab, wait until it says how many due commitments
    are reviewed; return the first commitment's row."""
    from playwright.sync_api import expect

    open_voila(page, url, ready="role=tab[name='Check-in']")
    page.get_by_role("tab", name="Check-in").click()
    summary = page.locator(".peerkit-checkin [role=status]").first
    expect(summary).to_contain_text(f"Check-in: {reviewed} of")
    row = page.locator(ROW).first
    row.wait_for(state="visible")
    return row


def test_one_click_records_done_and_a_reload_still_shows_it(
    page: Any,
    server: VoilaServer,
    open_voila: Callable[..., float],
    meeting_store: tuple[Path, int, Any],
) -> None:
    from playwright.sync_api import expect

    path, meeting_id, first = meeting_store
    row = open_checkin(page, server.console_url, open_voila, reviewed=0)
    assert first.commitment.text in str(row.text_content())
    assert "Recorded" not in str(row.text_content())
    row.get_by_role("button", name="Done", exact=True).click()
    expect(row).to_contain_text("Recorded: done")

    with Store(path, create=False) as store:  # committed before the page said so
        [review] = [
            r
            for r in store.reviews(meeting_id=meeting_id)
            if r.commitment_id == first.commitment.id
        ]
    assert review.outcome is Outcome.DONE

    page.reload()
    row = open_checkin(page, server.console_url, open_voila, reviewed=1)
    assert first.commitment.text in str(row.text_content())
    expect(row).to_contain_text("Recorded: done")
