"""Two windows on one meeting (a facilitator and a scribe), each with its own connection, as two
Voila kernels would have: on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from peerkit.formats import built_in
from peerkit.meeting import RoundClock
from peerkit.model import PeerkitError
from peerkit.store import Store
from peerkit.widgets.console import ANONYMOUS, Console
from peerkit.widgets.projector import Projector

TODAY = dt.date(2026, 3, 3)
TROIKA = built_in()["troika consulting"]


@pytest.fixture
def started(store, cohort, clock):
    """A troika round, started, on screen."""
    c, (ana, *_), meeting = cohort
    rnd = store.add_round(meeting.id, ana.id, TROIKA.name, issue="Pricing")
    store.set_screen(c.id, meeting_id=meeting.id, round_id=rnd.id)
    RoundClock(store, rnd.id, TROIKA, clock).start()
    return rnd


def test_a_click_on_a_screen_that_had_not_caught_up_is_refused(store, started, clock):
    other = Store(store.url)
    facilitator = RoundClock(store, started.id, TROIKA, clock)
    seen_by_scribe = RoundClock(other, started.id, TROIKA, clock).seen  # the scribe's screen
    facilitator.next()
    scribe = RoundClock(other, started.id, TROIKA, clock, expected=seen_by_scribe)
    with pytest.raises(PeerkitError, match="Another window changed this round"):
        scribe.next()
    assert [e.kind.value for e in store.phase_events(started.id)] == ["start", "next"]
    assert RoundClock(other, started.id, TROIKA, clock).phase == 1
    other.close()


def test_many_windows_racing_on_one_click_apply_it_once(store, started, clock):
    windows = [Store(store.url) for _ in range(8)]
    clocks = [RoundClock(s, started.id, TROIKA, clock) for s in windows]
    barrier = threading.Barrier(len(clocks))
    outcomes: list[str] = []

    def click(rc: RoundClock) -> None:
        seen = rc.seen
        barrier.wait()
        try:
            rc.store.log_phase_event(started.id, "next", clock(), seq=seen)
            outcomes.append("applied")
        except PeerkitError as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=click, args=(rc,)) for rc in clocks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("applied") == 1
    assert all("Another window" in o for o in outcomes if o != "applied")
    phases = {RoundClock(s, started.id, TROIKA, clock).phase for s in windows}
    assert phases == {1}  # every window, and the projector, sees the same one step
    for s in windows:
        s.close()


def test_two_consoles_capturing_at_once_lose_nothing(store, started, cohort):
    c, people, _ = cohort
    per_window = 60

    def capture(name: str) -> None:
        with Store(store.url) as mine:
            for i in range(per_window):
                mine.add_advice(started.id, f"{name} {i}", giver_id=people[i % 4].id)

    threads = [threading.Thread(target=capture, args=(n,)) for n in ("facilitator", "scribe")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    texts = {a.text for a in store.advice(started.id)}
    assert texts == {f"{n} {i}" for n in ("facilitator", "scribe") for i in range(per_window)}


def test_facilitator_and_scribe_consoles_and_the_projector_agree(store, cohort, clock):
    c, _, meeting = cohort
    facilitator = Console(store, c, clock=clock, today=TODAY)
    scribe_store = Store(store.url)
    scribe = Console(scribe_store, c, clock=clock, today=TODAY)
    projector = Projector(Store(store.url), c, clock=clock)

    facilitator.queue_presenter.value = facilitator.queue_presenter.options[0][1]
    facilitator.queue_format.value = TROIKA.name
    facilitator.queue_issue.value = "Pricing"
    facilitator.queue_button.click()
    facilitator.round_buttons["start"].click()
    for screen in (scribe, projector):
        screen.refresh()  # what the follower does within 0.2 s of the commit
    assert scribe.round_id == facilitator.round_id
    assert scribe.timer.phase == facilitator.timer.phase == projector.timer.phase == "Share"

    # Both click "Next phase" on the same screen: the second click is refused, and says so.
    clock.advance(100)
    facilitator.round_buttons["next"].click()
    scribe.round_buttons["next"].click()
    assert "Another window changed this round" in scribe.status.value
    for screen in (facilitator, scribe, projector):
        screen.refresh()
    assert facilitator.timer.phase == scribe.timer.phase == projector.timer.phase == "Clarify"

    # The scribe captures advice while the facilitator runs the clock: both see all of it.
    scribe.giver.value = facilitator.giver.value = ANONYMOUS
    assert scribe.advice_entry.submit("Raise prices for new clients first")
    facilitator.round_buttons["next"].click()
    assert facilitator.advice_entry.submit("Talk to your three biggest clients")
    for screen in (facilitator, scribe):
        screen.refresh()
    for screen in (facilitator, scribe):
        rows = " ".join(row["text"] for row in screen.advice_list.rows)
        assert "Raise prices" in rows and "three biggest" in rows
    assert facilitator.timer.phase == scribe.timer.phase == "Consult"


def test_two_consoles_marking_attendance_and_the_screen_at_once_both_succeed(store, cohort):
    c, people, meeting = cohort
    errors: list[str] = []
    barrier = threading.Barrier(2)

    def window(status: str) -> None:
        with Store(store.url) as mine:
            barrier.wait()
            for _ in range(40):
                try:
                    for person in people:
                        mine.set_attendance(meeting.id, person.id, status)
                    mine.set_screen(c.id, meeting_id=meeting.id, chatham_house=status == "absent")
                except PeerkitError as exc:
                    errors.append(str(exc))

    threads = [threading.Thread(target=window, args=(s,)) for s in ("present", "absent")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert set(store.attendance(meeting.id)) == {p.id for p in people}  # one mark each
    assert store.screen(c.id).meeting_id == meeting.id
