"""A whole compressed meeting, run as a facilitator runs it on a 1366×768 laptop with the mouse and
the keyboard: attendance (everyone, then one exception) and the ground rules; the check-in, with a
note typed after the outcome; three rounds queued, one removed and one moved up, each run by its
keys (S, N, A); advice deleted and brought back with Undo; a commitment corrected; the close
(parking lot, next date), and the minutes exported as PDF and as HTML.

Every control the facilitator needs is asserted to be inside the window, without scrolling the
page, at the moment it is needed. At the end the store and the minutes say what happened, and
axe-core finds nothing serious on any moment. Each moment is photographed: to ``$PEERKIT_SHOTS``
when set (``PEERKIT_SHOTS=docs/img pytest tests/ui/test_whole_meeting.py`` refreshes the
README's pictures), else to the test's temporary folder.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browsing import advice_row, button, commitment_item, open_console, settled, wait_phase

from peerkit import live
from peerkit.model import Attendance
from peerkit.serve import VoilaServer
from peerkit.store import Store
from peerkit.widgets.console import GAS

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
WIDTH, HEIGHT = 1366, 768
ISSUES = (
    "Our biggest client wants exclusivity qz1",
    "Queued by mistake qz2",
    "Whether to open a second office qz3",
)
NOTE = "Signed the lease on Friday qz4"
ADVICE = "Ask what exclusivity is worth to them in money qz5"
SLIP = "Typed into the wrong round qz6"
COMMITMENT = "Send the client a priced exclusivity offer qz7"
CORRECTED = "Send the client a priced exclusivity offer by the 15th qz7"
#: GAS levels for the commitment, −2 to +2.
LEVELS = ("No offer sent", "Offer drafted", "Offer sent", "Offer sent and discussed", "Signed")
PARKED = "Offsite in spring qz8"
NEXT = dt.date.today() + dt.timedelta(days=35)


@pytest.fixture(scope="module")
def db(copy_demo: Callable[[str], Path]) -> Path:
    return copy_demo("whole-meeting")


@pytest.fixture(scope="module")
def server(serve_notebooks: Callable[..., VoilaServer], db: Path) -> VoilaServer:
    return serve_notebooks(
        [NOTEBOOKS / "facilitator.ipynb", NOTEBOOKS / "projector.ipynb"],
        db_url=f"sqlite:///{db}",
    )


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("PEERKIT_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def in_view(page: Any, target: Any) -> Any:
    """The control, asserted to be inside the window with the page itself not scrolled (a
    hot-seat column may scroll on its own): what a facilitator reaches without losing the
    clock or the agenda from view."""
    target.wait_for(state="visible")
    target.scroll_into_view_if_needed()  # within its own column, if the column scrolls
    assert page.evaluate("scrollY") == 0, "the page was scrolled"
    box = target.bounding_box()
    assert box is not None
    inside = box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    inside = inside and box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT
    assert inside, f"{target} is outside the {WIDTH}×{HEIGHT} window: {box}"
    return target


def click(page: Any, target: Any) -> None:
    in_view(page, target)
    page.wait_for_function("el => !el.disabled", arg=target.element_handle())
    target.click()


def moment(page: Any, name: str) -> None:
    click(page, page.get_by_role("tab", name=name, exact=True))


def status(page: Any, text: str) -> None:
    """The console's answer to the last click, in its live region."""
    page.locator(".peerkit-status").filter(has_text=text).wait_for()


def key(page: Any, name: str, phase: str) -> None:
    """A shortcut pressed with nothing typed in (the page's body has the focus)."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press(name)
    wait_phase(page, phase)


def today_meeting(store: Store) -> Any:
    cohort = store.cohort(None)
    return live.meeting_for_today(store, cohort.id, dt.date.today())


def test_a_whole_meeting_at_1366x768_by_keyboard_and_mouse(
    new_page: Callable[..., Any],
    server: VoilaServer,
    db: Path,
    shots: Path,
    axe_violations: Callable[..., list[dict[str, Any]]],
) -> None:
    page = new_page(WIDTH, HEIGHT)
    found: dict[str, list[str]] = {}
    try:
        run_meeting(page, server, db, shots, found, axe_violations)
    except Exception:
        page.screenshot(path=str(shots / "meeting-failed.png"))
        raise


def run_meeting(page, server, db, shots, found, axe_violations) -> None:

    def look(name: str) -> None:
        """Photograph the moment and ask axe-core about it."""
        settled(page)  # the last redraw is on screen
        page.screenshot(path=str(shots / f"meeting-{name}.png"))
        found[name] = [f"{v['impact']}: {v['id']}" for v in axe_violations(page)]

    open_console(page, server)
    click(page, button(page, "Open today's meeting"))
    page.get_by_text(f"{dt.date.today().isoformat()} ·").first.wait_for(state="attached")
    length = in_view(page, page.get_by_label("Length (min)", exact=True))
    length.fill("90")
    length.press("Tab")
    status(page, "90 minutes")

    # -- attendance: everyone, then the one exception; then the ground rules -----------------
    moment(page, "Attendance")
    with Store(db, create=False) as store:
        members = store.members(store.cohort(None).id, include_left=False)
    click(page, button(page, "Everyone present"))
    page.get_by_text(f"Present: {len(members)}").wait_for()
    absent = members[-1]
    toggles = page.locator(".widget-toggle-buttons").filter(has_text=absent.name)
    click(page, toggles.get_by_role("button", name="Absent", exact=True))
    page.get_by_text(f"Present: {len(members) - 1}").wait_for()
    click(page, button(page, "The group accepts the ground rules"))
    page.get_by_text(f"with {len(members) - 1} present").wait_for()
    look("attendance")

    # -- check-in: the outcome first, the note typed after it -----------------------------------
    moment(page, "Check-in")
    row = page.locator(".peerkit-checkin-row").first
    row.wait_for()
    click(page, row.get_by_role("button", name="Done", exact=True))
    row.filter(has_text="Recorded: done").wait_for()
    note = in_view(page, row.get_by_role("textbox", name="Note"))
    note.click()
    note.press_sequentially(NOTE)
    note.press("Tab")
    row.locator(".peerkit-checkin-message").filter(has_text="Saved: note").wait_for()
    look("checkin")

    # -- hot seat: three rounds queued, one removed, one moved up --------------------------------
    moment(page, "Hot seat")
    for issue in ISSUES:
        box = in_view(page, page.get_by_label("Issue", exact=True))
        box.fill(issue)
        click(page, button(page, "Add to queue"))
        page.get_by_role("cell", name=issue).wait_for()
    queued = page.get_by_label("Queued round", exact=True)
    # The queue's rounds are named by place and presenter: the second is the mistake.
    in_view(page, queued).select_option(label=numbered(queued, 2))
    click(page, button(page, "Remove from queue"))
    page.get_by_role("cell", name=ISSUES[1]).wait_for(state="detached")
    in_view(page, queued).select_option(label=numbered(queued, 2))
    click(page, button(page, "Move up"))
    first = page.locator(".peerkit-agenda-list tbody tr").first
    first.filter(has_text=ISSUES[2]).wait_for()
    look("agenda")

    # The round now first is on screen: S starts it, N moves on, A opens the advice box.
    key(page, "s", "Present")
    key(page, "n", "Clarifying questions")
    key(page, "n", "Advice")
    giver = in_view(page, page.get_by_label("Given by", exact=True))
    giver.select_option(label=members[0].name)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("a")
    entry = page.get_by_label("Advice", exact=True)
    page.wait_for_function("el => document.activeElement === el", arg=entry.element_handle())
    page.keyboard.type(ADVICE)
    page.keyboard.press("Enter")
    advice_row(page, ADVICE).wait_for()
    giver.select_option(label="Anonymous")
    entry.fill(SLIP)
    entry.press("Enter")
    advice_row(page, SLIP).wait_for()
    click(page, button(page, "Delete last advice"))
    advice_row(page, SLIP).wait_for(state="detached")
    # Deleted the wrong one? Undo brings it back, then it goes for good by its editor below.
    click(page, page.get_by_role("button", name="Undo: the advice").first)
    advice_row(page, SLIP).wait_for()
    click(page, button(page, "Delete last advice"))
    advice_row(page, SLIP).wait_for(state="detached")
    look("hot-seat-advice")

    # -- the commitment, said and then corrected --------------------------------------------------
    key(page, "n", "Commitments")
    moment_tab = page.get_by_role("tab", name="Commitments", exact=True)
    if moment_tab.get_attribute("aria-selected") != "true":
        click(page, moment_tab)
    entry = in_view(page, page.get_by_label("Commitment", exact=True))
    entry.fill(COMMITMENT)
    # The GAS fold's boxes are made when it is first opened: the five levels are kept.
    click(page, page.get_by_text("GAS levels", exact=True))
    for label, level in zip(GAS, LEVELS, strict=True):
        in_view(page, page.get_by_label(label, exact=True)).fill(level)
    click(page, button(page, "Add commitment"))
    commitment_item(page, COMMITMENT).first.wait_for()
    click(page, page.get_by_text("Correct or delete advice or a commitment"))
    panel = page.locator(".peerkit-entry-editor").filter(has_text="Correct or delete advice")
    pick = in_view(page, panel.get_by_label("Entry", exact=True))
    pick.select_option(label=next(o for o in texts(pick) if "Commitment" in o))
    text = in_view(page, panel.get_by_label("Text", exact=True))
    page.wait_for_function("el => el.value.includes('qz7')", arg=text.element_handle())
    text.fill(CORRECTED)
    click(page, button(panel, "Save changes"))
    commitment_item(page, CORRECTED).first.wait_for()
    look("hot-seat-commitment")

    # -- the round finished; the next one is one click away, and runs to its end -------------------
    click(page, button(page, "Finish round"))
    click(page, button(page, "Next round"))
    page.locator(".peerkit-live-round").filter(has_text=ISSUES[0]).first.wait_for()
    key(page, "s", "Present")
    click(page, button(page, "Finish round"))

    # -- the close: parking lot, next date, minutes as PDF and as HTML -----------------------------
    moment(page, "Parking lot & close")
    parking = in_view(page, page.get_by_label("Parking lot", exact=True))
    parking.fill(PARKED)
    click(page, button(page, "Add to parking lot"))
    page.get_by_text(PARKED).first.wait_for()
    next_date = in_view(page, page.get_by_label("Next meeting", exact=True))
    next_date.fill(NEXT.isoformat())
    click(page, button(page, "Save next meeting date"))
    status(page, NEXT.isoformat())
    downloads = {}
    for label, suffix in (("PDF", ".pdf"), ("HTML", ".html")):
        in_view(page, page.get_by_label("Minutes as", exact=True)).select_option(label=label)
        click(page, button(page, "Export minutes"))
        link = page.get_by_role(
            "link", name=re.compile(rf"^Download minutes-.*{re.escape(suffix)}$")
        )
        link.wait_for(timeout=60_000)
        with page.expect_download() as download:
            click(page, link)
        downloads[suffix] = Path(download.value.path()).read_bytes()
    look("close")

    # -- what the store and the minutes say ------------------------------------------------------
    assert downloads[".pdf"].startswith(b"%PDF-")
    minutes = downloads[".html"].decode()
    for said in (ADVICE, CORRECTED, PARKED, ISSUES[0], ISSUES[2]):
        assert said in minutes, said
    for gone in (SLIP, ISSUES[1], COMMITMENT + "<"):
        assert gone not in minutes, gone
    with Store(db, create=False) as store:
        meeting = today_meeting(store)
        rounds = store.rounds(meeting.id)
        assert [r.issue for r in rounds] == [ISSUES[2], ISSUES[0]]
        roll = store.attendance(meeting.id)
        assert roll[absent.id] is Attendance.ABSENT
        assert sum(a is Attendance.PRESENT for a in roll.values()) == len(members) - 1
        assert [a.text for r in rounds for a in store.advice(r.id)] == [ADVICE]
        assert [c.text for c in store.commitments(meeting_id=meeting.id)] == [CORRECTED]
        assert [tuple(c.levels or ()) for c in store.commitments(meeting_id=meeting.id)] == [LEVELS]
        assert NOTE in [r.note for r in store.reviews(meeting_id=meeting.id)]
        assert PARKED in [p.text for p in store.parking(meeting.id)]
        assert store.meeting(meeting.id).planned_minutes == 90
    assert {name: seen for name, seen in found.items() if seen} == {}


def texts(select: Any) -> list[str]:
    return list(select.locator("option").all_text_contents())


def numbered(select: Any, place: int) -> str:
    """The label of the queue's round at ``place`` (1, 2, …) in a dropdown of rounds."""
    labels = select.locator("option").all_text_contents()
    found = [label for label in labels if label.split(".")[0].strip() == str(place)]
    assert found, f"no round {place} among {labels!r}"
    return found[0]
