"""The screen rule (peerkit.live.on_screen): the room's screen follows the facilitator through
every navigation. The console and projector widgets on a real store, driven as a facilitator's
clicks would; each window on its own connection, as each Voila page has its own kernel; a
"fresh" projector or console is a reload (or a killed kernel: the page runs its notebook again).

The bug this guards: a round runs on the projector; the console's Meeting box is switched to
last month and back, or "Open today's meeting" is clicked again, and the projector showed
"Waiting for the first round… 00:00" while the console ran the clock, and stopped following
Start/Pause/Next, even after a reload.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from peerkit import live
from peerkit.store import Store
from peerkit.widgets.console import Console
from peerkit.widgets.projector import Projector

TODAY = dt.date(2026, 3, 3)  # the cohort fixture's meeting
LAST_MONTH = "2026-02-03"
TROIKA = "troika consulting"


@pytest.fixture
def last_month(store, cohort):
    """Last month's meeting, with a round run to its end (Dev presented)."""
    c, (_, _, _, dev), _ = cohort
    meeting = store.add_meeting(c.id, LAST_MONTH, place="Room 2")
    rnd = store.add_round(meeting.id, dev.id, TROIKA, issue="Last month's issue")
    store.log_phase_event(rnd.id, "start", 1_700_000_000.0)
    store.log_phase_event(rnd.id, "finish", 1_700_000_600.0)
    return meeting


@pytest.fixture
def window(db_url, cohort, clock) -> Callable[..., Console | Projector]:
    """Factory: ``window("console")`` or ``window("projector")``, a new page on its own
    connection to the store (a reload, a second window, a restarted kernel)."""
    c, _, _ = cohort
    stores: list[Store] = []

    def make(kind: str, **kwargs) -> Console | Projector:
        own = Store(db_url)
        stores.append(own)
        if kind == "console":
            return Console(own, c, clock=clock, today=TODAY, **kwargs)
        return Projector(own, c, clock=clock)

    yield make
    for own in stores:
        own.close()


@pytest.fixture
def room(last_month, window):
    """The console and the projector, opened after last month's meeting exists."""
    console = window("console")
    projector = window("projector")
    assert console.meeting_id != last_month.id  # it opens on today's
    return console, projector


def pick(dropdown, starts: str):
    return next(v for label, v in dropdown.options if label.startswith(starts))


def start_round(console: Console, presenter: str = "Ana") -> None:
    console.queue_presenter.value = pick(console.queue_presenter, presenter)
    console.queue_format.value = TROIKA
    console.queue_issue.value = f"{presenter}'s issue"
    console.queue_button.click()
    console.round_buttons["start"].click()


def shows(projector: Projector, presenter: str, phase: str, *, running: bool = True) -> None:
    """The projector (after the redraw its follower makes within 200 ms) shows the round."""
    projector.refresh()
    assert "Waiting" not in projector.heading.value
    assert f"On the hot seat: {presenter}" in projector.heading.value
    assert projector.timer.presenter == presenter
    assert projector.timer.phase == phase
    assert projector.timer.running is running
    assert projector.timer.paused is not running
    assert projector.timer.remaining > 0


def reload_shows(window, presenter: str, phase: str, *, running: bool = True) -> None:
    """A fresh projector (the room's page reloaded) shows the same."""
    shows(window("projector"), presenter, phase, running=running)


def last_month_option(console: Console) -> int:
    return pick(console.meeting_pick, LAST_MONTH)


def test_meeting_switched_away_and_back_mid_round(room, window, store, cohort, clock):
    console, projector = room
    _, _, today = cohort
    start_round(console)
    shows(projector, "Ana", "Share")

    clock.advance(20)
    console.meeting_pick.value = last_month_option(console)  # a peek at last month
    assert console.meeting_id != today.id
    assert "projector stays on the 2026-03-03 meeting" in console.screen_note.value
    assert console.round_id is None  # last month's round is over: nothing to act on
    assert all(b.disabled for b in console.round_buttons.values())
    assert store.screen(cohort[0].id).meeting_id == today.id
    shows(projector, "Ana", "Share")
    assert "Dev" not in projector.heading.value  # nothing of last month on the room's screen
    reload_shows(window, "Ana", "Share")

    console.meeting_pick.value = today.id  # and back
    assert console.screen_note.value == ""
    assert console.timer.presenter == "Ana" and console.timer.running
    shows(projector, "Ana", "Share")
    reload_shows(window, "Ana", "Share")

    # The round's commands are still followed, by the open projector and a reloaded one.
    console.round_buttons["next"].click()
    shows(projector, "Ana", "Clarify")
    console.round_buttons["pause"].click()
    shows(projector, "Ana", "Clarify", running=False)
    reload_shows(window, "Ana", "Clarify", running=False)
    console.round_buttons["resume"].click()
    console.round_buttons["next"].click()
    shows(projector, "Ana", "Consult")
    reload_shows(window, "Ana", "Consult")


def test_open_todays_meeting_again_mid_round(room, window, cohort, clock):
    console, projector = room
    start_round(console)
    console.today_button.click()
    assert "meeting (2026-03-03) is open." in console.status.value
    assert console.timer.presenter == "Ana" and console.timer.running
    shows(projector, "Ana", "Share")
    reload_shows(window, "Ana", "Share")

    clock.advance(30)
    console.round_buttons["pause"].click()
    console.today_button.click()  # paused: the round stays on screen too
    shows(projector, "Ana", "Share", running=False)
    reload_shows(window, "Ana", "Share", running=False)
    console.round_buttons["resume"].click()
    console.round_buttons["next"].click()
    shows(projector, "Ana", "Clarify")
    reload_shows(window, "Ana", "Clarify")

    # From a peek at last month, "Open today's meeting" comes back with the round.
    console.meeting_pick.value = last_month_option(console)
    console.today_button.click()
    assert console.screen_note.value == "" and console.timer.presenter == "Ana"
    console.round_buttons["next"].click()
    shows(projector, "Ana", "Consult")


def test_open_todays_meeting_again_keeps_chatham_house_mode(
    store, cohort, clock, tmp_path, last_month
):
    """The folder's setting applies when a meeting is brought on screen, not on every click:
    names the facilitator took off the projector stay off."""
    from peerkit.folder import CohortConfig

    c, _, today = cohort
    config = CohortConfig(folder=tmp_path, cohort=c.name, chatham_house=False)
    console = Console(store, c, clock=clock, today=TODAY, config=config)
    projector = Projector(store, c, clock=clock)
    start_round(console)
    console.giver.value = pick(console.giver, "Ben")
    console.advice_entry.submit("Name the risk")
    console.round_buttons["next"].click()
    console.round_buttons["next"].click()
    console.round_buttons["next"].click()  # Client reflects: the advice is on the projector
    console.chatham.value = True
    console.today_button.click()
    assert console.chatham.value is True and store.screen(c.id).chatham_house
    projector.refresh()
    assert "Chatham House" in projector.advice.value and "Ben" not in projector.advice.value
    store.set_screen(c.id, meeting_id=last_month.id)  # as the old console left it: elsewhere
    console.today_button.click()  # brought on screen: the folder's setting again
    assert store.screen(c.id).chatham_house is False


def test_a_second_console_switching_meetings(room, window, cohort, clock):
    first, projector = room
    _, _, today = cohort
    start_round(first)
    second = window("console")  # another window on the same store, opened mid-round
    assert second.meeting_id == today.id and second.moment == "hot_seat"
    assert second.round_id == first.round_id and second.timer.running

    second.meeting_pick.value = last_month_option(second)
    first.refresh()  # what its follower does
    assert first.meeting_id == today.id and first.timer.running  # the first is not moved
    shows(projector, "Ana", "Share")
    reload_shows(window, "Ana", "Share")

    second.meeting_pick.value = today.id
    second.today_button.click()
    shows(projector, "Ana", "Share")
    reload_shows(window, "Ana", "Share")

    # Either console's commands are followed by the projector, and by the other console.
    clock.advance(10)
    second.round_buttons["next"].click()
    shows(projector, "Ana", "Clarify")
    first.refresh()
    assert first.timer.phase == "Clarify"
    first.round_buttons["next"].click()
    shows(projector, "Ana", "Consult")
    second.refresh()
    assert second.timer.phase == "Consult"
    reload_shows(window, "Ana", "Consult")


def test_a_reloaded_console_and_a_restarted_kernel_after_a_peek(room, window, cohort):
    console, projector = room
    _, _, today = cohort
    start_round(console)
    console.meeting_pick.value = last_month_option(console)
    again = window("console")  # the console's page reloaded while it peeked
    assert again.meeting_id == today.id and again.timer.presenter == "Ana"
    assert again.screen_note.value == ""
    again.round_buttons["next"].click()
    shows(projector, "Ana", "Clarify")
    reload_shows(window, "Ana", "Clarify")
    # The console's `meeting` parameter naming last month opens it as a peek.
    peeking = window("console", meeting_id=last_month_option(console))
    assert peeking.meeting_id != today.id and "projector stays" in peeking.screen_note.value
    shows(projector, "Ana", "Clarify")


def test_with_no_round_under_way_the_screen_moves_with_the_meeting_and_back(room, window, cohort):
    console, projector = room
    c, _, today = cohort
    start_round(console, "Ben")
    console.round_buttons["finish"].click()
    console.queue_presenter.value = pick(console.queue_presenter, "Ana")
    console.queue_button.click()
    projector.refresh()  # the round last put on screen, finished
    assert "On the hot seat: Ben" in projector.heading.value
    assert projector.timer.phase == "Round finished"

    console.meeting_pick.value = last_month_option(console)  # nothing live: the room moves
    assert console.meeting_id != today.id
    projector.refresh()
    assert "Waiting for the first round" in projector.heading.value
    assert "Dev" not in projector.heading.value and projector.timer.presenter == ""

    console.meeting_pick.value = today.id
    projector.refresh()  # the next queued round: the round last shown was forgotten
    assert "On the hot seat: Ana" in projector.heading.value
    assert projector.timer.phase == "Ready to start"
    console.round_buttons["start"].click()
    shows(projector, "Ana", "Share")
    reload_shows(window, "Ana", "Share")
    other = window("console")  # a second window opened mid-round opens the live meeting
    assert other.meeting_id == today.id and other.timer.presenter == "Ana"


def test_every_action_on_a_round_puts_it_on_screen(room, window, store, cohort, last_month):
    console, projector = room
    start_round(console, "Ben")
    console.round_buttons["finish"].click()
    console.queue_presenter.value = pick(console.queue_presenter, "Ana")
    console.queue_button.click()
    ben, ana = store.rounds(console.meeting_id)

    # Put on screen with its box: the projector shows it, ready.
    console.round_pick.value = ana.id
    projector.refresh()
    assert "On the hot seat: Ana" in projector.heading.value
    console.round_buttons["start"].click()
    shows(projector, "Ana", "Share")

    # While Ana's round runs, another round cannot be put on screen: the box says why.
    console.round_pick.value = ben.id
    assert "is running: pause or finish it" in console.status.value
    assert console.round_pick.value == ana.id
    shows(projector, "Ana", "Share")

    # An action on a round in another meeting moves the screen there, with that round.
    chloe = store.add_round(last_month.id, cohort[1][2].id, TROIKA)
    other = window("console", meeting_id=last_month.id)  # peeks: Ana's round runs
    assert other.round_id == chloe.id and not other.round_buttons["start"].disabled
    other.round_buttons["start"].click()
    shows(projector, "Chloe", "Share")
    assert other.screen_note.value == ""  # its meeting is the room's now
    console.refresh()  # the first console follows the room, with a hot seat that runs
    assert console.meeting_id == last_month.id and console.timer.presenter == "Chloe"


def test_a_stored_screen_without_its_round_still_shows_the_round_that_runs(
    room, window, store, cohort
):
    """A screens row as the old console left it (round cleared mid-round): read by the rule,
    the projector shows the running round; nothing needs to be repaired."""
    console, projector = room
    c, _, today = cohort
    start_round(console)
    store.set_screen(c.id, meeting_id=today.id, round_id=0)  # what the bug wrote
    shows(projector, "Ana", "Share")
    reload_shows(window, "Ana", "Share")
    assert live.current_round(store, c.id).presenter_id == cohort[1][0].id


def test_the_rule_in_order():
    """running > put on screen > paused > next queued > none."""
    from peerkit.meeting import Status
    from peerkit.model import Round

    r1, r2, r3, r4 = (Round(i, 1, 1, TROIKA, position=i) for i in range(1, 5))
    rounds = (r1, r2, r3, r4)
    S = Status
    rule = live.screen_round
    statuses = {1: S.FINISHED, 2: S.PAUSED, 3: S.RUNNING, 4: S.READY}
    assert rule(rounds, statuses, {}, chosen=1) is r3  # running beats the chosen round
    statuses[3] = S.FINISHED
    assert rule(rounds, statuses, {}, chosen=1) is r1  # then the chosen one, even finished
    assert rule(rounds, statuses, {}, chosen=None) is r2  # then the paused one
    assert rule(rounds, statuses, {}, chosen=99) is r2  # a round of another meeting: ignored
    statuses[2] = S.FINISHED
    assert rule(rounds, statuses, {}, chosen=None) is r4  # then the next queued
    statuses[4] = S.FINISHED
    assert rule(rounds, statuses, {}, chosen=None) is None
    # Two rounds running (old data): the chosen one, else the one whose clock moved last.
    statuses = {1: S.RUNNING, 2: S.RUNNING, 3: S.READY, 4: S.READY}
    assert rule(rounds, statuses, {1: 10.0, 2: 20.0}, chosen=None) is r2
    assert rule(rounds, statuses, {1: 10.0, 2: 20.0}, chosen=1) is r1
