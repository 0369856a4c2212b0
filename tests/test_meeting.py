"""A facilitator runs a round against a frozen clock: the state machine and the meeting budget."""

from __future__ import annotations

import pytest

from peerkit.formats import get_format
from peerkit.meeting import (
    RoundClock,
    Status,
    fit_agenda,
    format_plan,
    meeting_budget,
    scaled,
)
from peerkit.model import PeerkitError

HOT_SEAT = get_format("mastermind hot seat")  # present 5 · questions 10 · advice 15 · commit 5


@pytest.fixture
def round_clock(store, cohort, clock):
    _, people, meeting = cohort
    rnd = store.add_round(meeting.id, people[0].id, HOT_SEAT.name, issue="Hiring")
    return RoundClock(store, rnd.id, HOT_SEAT, clock)


def test_a_round_counts_down_the_first_phase(round_clock, clock):
    state = round_clock.start()
    assert state.status is Status.RUNNING and state.phase == 0
    assert state.remaining(clock()) == 300
    assert state.deadline == clock() + 300
    clock.advance(120)
    assert round_clock.state.remaining(clock()) == 180


def test_pause_stops_the_clock_and_resume_moves_the_deadline(round_clock, clock):
    round_clock.start()
    clock.advance(100)
    paused = round_clock.pause()
    assert paused.deadline is None
    clock.advance(600)  # a long interruption
    assert paused.remaining(clock()) == 200
    resumed = round_clock.resume()
    assert resumed.deadline == clock() + 200


def test_extend_adds_minutes_to_the_current_phase_only(round_clock, clock):
    round_clock.start()
    clock.advance(290)
    state = round_clock.extend(1)
    assert state.remaining(clock()) == 70
    clock.advance(70)
    state = round_clock.next()
    assert state.phase == 1 and state.remaining(clock()) == 600


def test_overtime_counts_up_past_zero(round_clock, clock):
    round_clock.start()
    clock.advance(300 + 95)
    state = round_clock.state
    assert state.overtime(clock())
    assert state.remaining(clock()) == -95


def test_next_and_previous_keep_the_time_spent_in_each_phase(round_clock, clock):
    round_clock.start()
    clock.advance(240)
    round_clock.next()
    clock.advance(60)
    state = round_clock.previous()
    assert state.phase == 0 and state.remaining(clock()) == 60  # 240 s were already used
    assert state.used_at(clock())[:2] == (240, 60)


def test_next_on_the_last_phase_finishes_the_round(round_clock, clock):
    round_clock.start()
    for _ in range(3):
        clock.advance(60)
        round_clock.next()
    clock.advance(60)
    state = round_clock.next()
    assert state.status is Status.FINISHED
    assert state.used_at(clock()) == (60, 60, 60, 60)


def test_a_refused_command_writes_nothing(round_clock, store):
    with pytest.raises(PeerkitError, match="Press Start first"):
        round_clock.pause()
    round_clock.start()
    with pytest.raises(PeerkitError, match="no previous"):
        round_clock.previous()
    assert [e.kind.value for e in store.phase_events(round_clock.round_id)] == ["start"]


def test_a_new_window_rebuilds_the_same_state_from_the_store(round_clock, store, clock):
    round_clock.start()
    clock.advance(200)
    round_clock.next()
    clock.advance(30)
    round_clock.pause()
    clock.advance(10)
    round_clock.extend(2)
    other = RoundClock(store, round_clock.round_id, HOT_SEAT, clock)  # a reload, a kernel restart
    assert other.state == round_clock.state
    assert other.state.remaining(clock()) == 600 + 120 - 30


def test_two_windows_see_each_others_commands(round_clock, store, clock):
    projector = RoundClock(store, round_clock.round_id, HOT_SEAT, clock)
    round_clock.start()
    clock.advance(5)
    assert projector.refresh().running
    projector.next()  # e.g. a scribe's console
    assert round_clock.refresh().phase == 1


def test_timer_is_correct_past_an_hour(store, cohort, clock):
    _, people, meeting = cohort
    rnd = store.add_round(meeting.id, people[1].id, HOT_SEAT.name)
    rc = RoundClock(store, rnd.id, HOT_SEAT, clock)
    rc.start()
    rc.extend(90)
    assert rc.state.remaining(clock()) == 300 + 90 * 60


def test_budget_that_fits_keeps_the_plan():
    budget = fit_agenda(3600, [format_plan(HOT_SEAT)])
    assert budget.fits and budget.scale == 1.0
    assert "fits with 25 min to spare" in budget.message


def test_budget_scales_the_remaining_phases_to_fit():
    # Two hot seats need 70 min; 56 min are left: everything shrinks to 80 %.
    budget = fit_agenda(56 * 60, [format_plan(HOT_SEAT)] * 2)
    assert budget.fits
    assert budget.scale == pytest.approx(0.8)
    assert sum(scaled(format_plan(HOT_SEAT), budget.scale, 60) * 2) == pytest.approx(56 * 60)
    assert "80%" in budget.message


def test_budget_never_scales_a_phase_below_the_floor():
    plan = (120.0, 1200.0)  # a 2-minute phase and a 20-minute one; 11 minutes left
    budget = fit_agenda(660, [plan], floor=60)
    new = scaled(plan, budget.scale, 60)
    assert new[0] >= 60
    assert sum(new) == pytest.approx(660)


def test_budget_says_when_the_agenda_cannot_fit():
    budget = fit_agenda(5 * 60, [format_plan(HOT_SEAT)] * 2, floor=60)  # 8 phases ≥ 8 min
    assert not budget.fits
    assert "drop a round or extend the meeting" in budget.message
    assert "at least 8 min" in budget.message


def test_fit_rescales_only_the_phases_not_yet_reached(round_clock, clock):
    round_clock.start()
    clock.advance(100)
    state = round_clock.fit(0.5)
    assert state.plan == (300, 300, 450, 150)
    assert state.remaining(clock()) == 200  # the running phase is left alone


def test_meeting_budget_counts_the_time_since_the_first_round_started(store, cohort, clock):
    _, people, meeting = cohort  # 120 minutes planned
    first = store.add_round(meeting.id, people[0].id, HOT_SEAT.name)
    store.add_round(meeting.id, people[1].id, HOT_SEAT.name)
    store.add_round(meeting.id, people[2].id, HOT_SEAT.name)
    rc = RoundClock(store, first.id, HOT_SEAT, clock)
    rc.start()
    clock.advance(20 * 60)
    budget = meeting_budget(store, meeting.id, {HOT_SEAT.name: HOT_SEAT}, clock())
    # 100 min left, minus the 0 s left in the overrun first phase; 30 + 35 + 35 min ahead.
    assert budget.time_left == pytest.approx(100 * 60)
    assert budget.planned == pytest.approx(100 * 60)
    assert budget.fits and budget.scale == 1.0


def test_meeting_time_left_never_rises_when_a_phase_ends_early(store, cohort, clock):
    # The walk: "Next phase" with minutes to spare made the budget's "min left" go up.
    _, people, meeting = cohort  # 120 minutes planned
    first = store.add_round(meeting.id, people[0].id, HOT_SEAT.name)
    store.add_round(meeting.id, people[1].id, HOT_SEAT.name)
    rc = RoundClock(store, first.id, HOT_SEAT, clock)
    formats = {HOT_SEAT.name: HOT_SEAT}
    rc.start()
    clock.advance(60)  # 4 of the first phase's 5 minutes unused
    before = meeting_budget(store, meeting.id, formats, clock())
    assert before.message.startswith("119 min of the meeting left")
    rc.next()
    after = meeting_budget(store, meeting.id, formats, clock())
    assert after.message.startswith("119 min of the meeting left")
    # The 4 minutes saved are spare time now: 70 - 1 min of agenda in 119 min.
    assert after.time_left - after.planned == pytest.approx(before.time_left - before.planned + 240)
