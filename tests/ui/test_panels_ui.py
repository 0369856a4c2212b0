"""The console's panels built when first opened, walked as a facilitator would in two windows:
a star pressed in one window shows in the other; the attendance moment, opened late, follows a
switch to last month's meeting and back to today's; the privacy fold, opened mid-round, lists
today's rounds and follows a round queued in the other window. axe-core finds nothing serious
on the attendance moment nor with the fold open. Screenshots go to /tmp/panels-*.png."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browsing import CLOCK, LOAD_MS, advice_row, button, open_console, round_with_advice

from peerkit import live
from peerkit.model import Attendance
from peerkit.serve import VoilaServer
from peerkit.store import Store

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
ADVICE = "Hire in two waves zq41"


@pytest.fixture(scope="module")
def db(copy_demo: Callable[[str], Path]) -> Path:
    return copy_demo("panels")


@pytest.fixture(scope="module")
def server(serve_notebooks: Callable[..., VoilaServer], db: Path) -> VoilaServer:
    return serve_notebooks([NOTEBOOKS / "facilitator.ipynb"], db_url=f"sqlite:///{db}")


def test_panels_follow_meetings_and_other_windows(
    new_page: Callable[..., Any],
    server: VoilaServer,
    db: Path,
    axe_violations: Callable[..., list[dict[str, Any]]],
) -> None:
    round_id, presenter = round_with_advice(db, nexts=2, advice=[(ADVICE, False)])
    with Store(db, create=False) as store:
        cohort = store.cohort(None)
        today = live.meeting_for_today(store, cohort.id, dt.date.today())
        earlier = [m for m in store.meetings(cohort.id) if m.date < today.date]
        last = earlier[-1]
        then = list(store.attendance(last.id).values())
        marked_then = " · ".join(f"{a.value}: {then.count(a)}" for a in Attendance).capitalize()
        members = len(store.members(cohort.id, include_left=False))
    page, other = new_page(1366, 768), new_page(1366, 768)
    for window in (page, other):
        open_console(window, server)
        window.locator(CLOCK).wait_for(state="visible", timeout=LOAD_MS)  # mid-round: hot seat
        advice_row(window, ADVICE).wait_for()

    # A star pressed in one window shows in the other.
    button(page, "☆ Star advice 1").click()
    button(other, "★ Starred advice 1").wait_for()

    # The attendance moment, opened for the first time mid-meeting.
    page.get_by_role("tab", name="Attendance").click()
    button(page, "Everyone present").click()
    page.get_by_text(f"Present: {members} ·").wait_for()
    first = page.locator(".peerkit-roll .widget-toggle-buttons").first
    first.get_by_role("button", name="Apologies").click()
    exception = f"Present: {members - 1} · apologies: 1"
    page.get_by_text(exception).wait_for()
    page.screenshot(path="/tmp/panels-attendance.png")
    found = axe_violations(page)
    assert not found, [f"{v['impact']}: {v['id']}" for v in found]

    # Last month's meeting, then back to today's: the roll follows each.
    picker = page.get_by_label("Meeting", exact=True)
    label = picker.locator("option", has_text=last.date.isoformat()).first.text_content()
    picker.select_option(label=str(label))
    page.wait_for_function("text => !document.body.innerText.includes(text)", arg=exception)
    page.get_by_text(marked_then).wait_for()  # last month's roll, as the store has it
    button(page, "Open today's meeting").click()
    page.get_by_text(exception).wait_for()

    # The privacy fold, opened now, lists today's rounds; a round queued in the other window
    # joins the list.
    page.get_by_role("tab", name="Hot seat").click()
    page.get_by_text("Make a queued round private").click()
    rounds = page.get_by_label("Round", exact=True)
    rounds.locator("option", has_text=presenter).wait_for(state="attached")
    before = rounds.locator("option").count()
    other.get_by_label("Issue", exact=True).fill("Second office zq42")
    button(other, "Add to queue").click()
    page.wait_for_function(
        "([el, n]) => el.options.length === n",
        arg=[rounds.element_handle(), before + 1],
    )
    page.screenshot(path="/tmp/panels-privacy.png")
    found = axe_violations(page)
    assert not found, [f"{v['impact']}: {v['id']}" for v in found]
    with Store(db, create=False) as store:
        [advice] = store.advice(round_id)
        assert advice.starred
        assert len(store.rounds(today.id)) == before + 1
