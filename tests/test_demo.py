"""The demo cohort looks like a real year of a peer group, and is the same for the same seed."""

from __future__ import annotations

import datetime as dt

import pytest

from peerkit.demo import build_demo
from peerkit.store import Store

TODAY = dt.date(2026, 11, 21)  # the same day as conftest.demo_db


def snapshot(store: Store) -> list:
    rows = []
    for m in store.meetings():
        rows.append((m.date, m.place, sorted(store.attendance(m.id).items())))
        for r in store.rounds(m.id):
            rows.append((r.presenter_id, r.format_name, r.issue, len(store.phase_events(r.id))))
            rows += [(a.giver_id, a.kind, a.text, a.starred) for a in store.advice(r.id)]
    rows += [(c.owner_id, c.text, c.target_date) for c in store.commitments()]
    rows += [(r.commitment_id, r.outcome, r.new_target_date) for r in store.reviews()]
    return rows


@pytest.mark.slow
def test_same_seed_same_cohort_other_seed_other_cohort(tmp_path):
    stores = {}
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        stores[name] = Store(tmp_path / f"{name}.db")
        build_demo(stores[name], seed=seed, today=TODAY)
    assert snapshot(stores["a"]) == snapshot(stores["b"])
    assert snapshot(stores["a"]) != snapshot(stores["c"])


def test_demo_is_a_year_of_monthly_meetings_with_one_member_who_left(demo_db):
    store = Store(demo_db)
    [cohort] = store.cohorts()
    members = store.members(cohort.id)
    meetings = store.meetings(cohort.id)
    assert len(members) == 12 and len(meetings) >= 12
    assert [m.name for m in members if m.status.value == "left"] == ["Tom Keller"]
    gaps = {(b.date - a.date).days for a, b in zip(meetings, meetings[1:], strict=False)}
    assert gaps <= set(range(28, 36))
    assert meetings[-1].date < TODAY
    for meeting in meetings:
        assert 2 <= len(store.rounds(meeting.id)) <= 3


def test_demo_has_reliable_and_unreliable_members(demo_db):
    store = Store(demo_db)
    rates = {}
    for m in store.members():
        outcomes = [
            r.outcome.value
            for c in store.commitments(owner_id=m.id)
            for r in store.reviews(commitment_id=c.id)
        ]
        if len(outcomes) >= 3:
            rates[m.name] = outcomes.count("done") / len(outcomes)
    assert max(rates.values()) >= 0.8
    assert min(rates.values()) <= 0.5


def test_demo_leaves_commitments_due_for_the_next_meeting(demo_db):
    store = Store(demo_db)
    [cohort] = store.cohorts()
    due = [c for c, target in store.open_commitments(cohort.id) if target <= TODAY]
    assert due, "the next meeting's check-in should have something to review"
    assert all(isinstance(target, dt.date) for _, target in store.open_commitments(cohort.id))


@pytest.mark.parametrize("today", ["2026-12-02", "2026-12-01", "2026-11-21", "2027-01-05"])
def test_the_demo_leaves_members_a_next_meeting_to_file_for(tmp_path, today):
    """The last meeting's next date is the first Tuesday of a month, on or after the day the
    demo is built: members' pages have a meeting to file an update or a request for."""
    from peerkit.participation import upcoming

    day = dt.date.fromisoformat(today)
    with Store(tmp_path / "demo.db") as store:
        build_demo(store, today=day)
        shown = upcoming(store.meetings(store.cohort().id), day)
    assert shown is not None and shown.id == 0  # made when the first member files
    assert day <= shown.date < day + dt.timedelta(days=36)
    assert shown.date.weekday() == 1 and shown.date.day <= 7
