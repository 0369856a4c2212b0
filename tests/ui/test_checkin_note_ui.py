"""A check-in note typed after the outcome, in a real Voila page in headless Chromium: the
facilitator clicks "Done", then types the note and tabs away; the row says "Saved", the store has
the note, and a reload shows it in the box. Leaving the page with a note typed and not yet
handed over asks first, and the note is saved meanwhile."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from peerkit.demo import build_demo
from peerkit.model import Outcome, Review
from peerkit.serve import VoilaServer
from peerkit.store import Store, database_url
from peerkit.widgets.checkin import DueItem, due_items

CONSOLE = Path(__file__).resolve().parents[2] / "notebooks" / "facilitator.ipynb"
TODAY = dt.date(2026, 11, 21)
ROW = ".peerkit-checkin-row"


@pytest.fixture(scope="module")
def meeting_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, list[DueItem]]:
    """The demo cohort with this month's meeting opened on the screens, nothing reviewed yet."""
    path = tmp_path_factory.mktemp("checkin-note") / "demo.db"
    with Store(path) as store:
        build_demo(store, seed=7, today=TODAY)
        cohort = store.cohort()
        meeting = store.add_meeting(cohort.id, "2026-11-03")
        store.set_screen(cohort.id, meeting_id=meeting.id)
        items = due_items(store, meeting.id)
    assert len([i for i in items if i.due]) >= 2 and all(i.review is None for i in items)
    return path, meeting.id, items


@pytest.fixture(scope="module")
def server(
    serve_notebooks: Callable[..., VoilaServer],
    meeting_store: tuple[Path, int, list[DueItem]],
) -> VoilaServer:
    return serve_notebooks([CONSOLE], db_url=database_url(meeting_store[0]))


def open_checkin(page: Any, url: str, open_voila: Callable[..., float]) -> None:
    from playwright.sync_api import expect

    open_voila(page, url, ready="role=tab[name='Check-in']")
    page.get_by_role("tab", name="Check-in").click()
    expect(page.locator(".peerkit-checkin [role=status]").first).to_contain_text("Check-in:")
    page.locator(ROW).first.wait_for(state="visible")


def row_of(page: Any, item: DueItem) -> Any:
    return page.locator(ROW).filter(has_text=item.commitment.text).first


def stored(path: Path, meeting_id: int, item: DueItem) -> Review | None:
    with Store(path, create=False) as store:
        found = [
            r for r in store.reviews(meeting_id=meeting_id) if r.commitment_id == item.commitment.id
        ]
    return found[0] if found else None


def test_a_note_typed_after_done_is_saved_on_tab_and_is_there_after_a_reload(
    page: Any,
    server: VoilaServer,
    open_voila: Callable[..., float],
    meeting_store: tuple[Path, int, list[DueItem]],
    assert_accessible: Callable[..., None],
) -> None:
    from playwright.sync_api import expect

    path, meeting_id, items = meeting_store
    item = items[0]
    note_text = "Called the board on Monday; they said yes"
    open_checkin(page, server.console_url, open_voila)
    row = row_of(page, item)
    row.get_by_role("button", name="Done", exact=True).click()
    expect(row).to_contain_text("Recorded: done")
    note = row.get_by_role("textbox", name="Note")
    note.click()
    note.press_sequentially(note_text)
    note.press("Tab")  # the facilitator moves on
    expect(row.locator(".peerkit-checkin-message")).to_contain_text("Saved: note")
    expect(row).to_contain_text("with a note")
    review = stored(path, meeting_id, item)
    assert review is not None and review.outcome is Outcome.DONE and review.note == note_text
    assert_accessible(page, ".peerkit-checkin")

    page.reload()
    open_checkin(page, server.console_url, open_voila)
    row = row_of(page, item)
    expect(row).to_contain_text("Recorded: done")
    expect(row.get_by_role("textbox", name="Note")).to_have_value(note_text)


def test_leaving_the_page_with_a_note_not_handed_over_asks_and_saves_it(
    page: Any,
    server: VoilaServer,
    open_voila: Callable[..., float],
    meeting_store: tuple[Path, int, list[DueItem]],
) -> None:
    from playwright.sync_api import expect

    path, meeting_id, items = meeting_store
    item = items[1]
    note_text = "Half way: waiting for legal"
    open_checkin(page, server.console_url, open_voila)
    row = row_of(page, item)
    row.get_by_role("button", name="Partial", exact=True).click()
    expect(row).to_contain_text("Recorded: partial")
    note = row.get_by_role("textbox", name="Note")
    note.click()
    note.press_sequentially(note_text)  # still in the box: no Tab, no Enter
    asked: list[str] = []

    def stay(dialog: Any) -> None:
        asked.append(dialog.type)
        dialog.dismiss()  # "Stay on the page"

    page.on("dialog", stay)
    page.close(run_before_unload=True)  # the tab is closed (a reload asks the same way)
    expect(row.locator(".peerkit-checkin-message")).to_contain_text("Saved: note")
    assert asked == ["beforeunload"]
    review = stored(path, meeting_id, item)
    assert review is not None and review.outcome is Outcome.PARTIAL and review.note == note_text
    # "Stay" leaves a working page (Voila's own unload handler did not cut the kernel off).
    row.get_by_role("combobox", name="GAS level").select_option(label="+1")
    expect(row.locator(".peerkit-checkin-message")).to_contain_text("Saved: GAS level")
    assert page.locator(".jupyter-widgets-disconnected").count() == 0
