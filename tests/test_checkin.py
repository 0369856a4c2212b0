"""The accountability check-in: what is due, member by member, reviewed in one click each."""

from __future__ import annotations

import datetime as dt

import pytest

from peerkit.model import Outcome
from peerkit.widgets.checkin import CheckIn, due_items


@pytest.fixture
def due_setup(store, cohort):
    """Ana made two commitments on 2026-03-03 (one due 04-01, one due 06-01); Ben one, private."""
    c, (ana, ben, *_), first = cohort
    second = store.add_meeting(c.id, "2026-04-07", next_date="2026-05-05")
    soon = store.add_commitment(ana.id, first.id, "Call the board", "2026-04-01")
    later = store.add_commitment(ana.id, first.id, "Hire a lead", "2026-06-01")
    secret = store.add_commitment(ben.id, first.id, "Personal thing", "2026-04-01", private=True)
    return second, soon, later, secret


def test_due_commitments_come_first_member_by_member(store, due_setup):
    second, soon, later, secret = due_setup
    items = due_items(store, second.id)
    assert [(i.commitment.id, i.due) for i in items] == [(soon.id, True), (later.id, False)]
    assert secret.id not in {i.commitment.id for i in items}  # private segments stay out


def test_one_click_records_an_outcome_and_says_so_in_text(store, due_setup):
    second, soon, *_ = due_setup
    panel = CheckIn(store)
    panel.show(second.id)
    assert "0 of 1 due commitments reviewed" in panel.summary.value
    row = panel._rows[soon.id]
    row.level.value = 1
    row.buttons[0].click()  # Done
    [review] = store.reviews(meeting_id=second.id)
    assert review.outcome is Outcome.DONE and review.level == 1
    assert "✔ Recorded: <strong>done</strong>" in panel._rows[soon.id].text.value
    assert "1 of 1 due commitments reviewed" in panel.summary.value


def test_renegotiation_carries_forward_with_the_members_new_date(store, cohort, due_setup):
    c, (ana, *_), _ = cohort
    second, soon, *_ = due_setup
    panel = CheckIn(store)
    panel.show(second.id)
    row = panel._rows[soon.id]
    assert row.new_date.value == dt.date(2026, 5, 5)  # the next meeting by default
    row.new_date.value = dt.date(2026, 4, 30)
    row.buttons[4].click()  # Renegotiated
    third = store.add_meeting(c.id, "2026-05-05")
    [item] = [i for i in due_items(store, third.id) if i.commitment.id == soon.id]
    assert item.target == dt.date(2026, 4, 30) and item.due
    assert item.history[0].outcome is Outcome.RENEGOTIATED
    panel.show(third.id)
    assert "renegotiated to 2026-04-30" in panel._rows[soon.id].text.value


def test_a_bad_renegotiation_says_why_and_records_nothing(store, due_setup):
    second, soon, *_ = due_setup
    panel = CheckIn(store)
    panel.show(second.id)
    row = panel._rows[soon.id]
    row.new_date.value = dt.date(2026, 4, 1)  # before the meeting
    row.buttons[4].click()
    assert "Not saved" in row.message.value and "after this meeting" in row.message.value
    assert store.reviews(meeting_id=second.id) == []


def test_nothing_due_says_so(store, cohort):
    _, _, first = cohort
    panel = CheckIn(store)
    panel.show(first.id)
    assert "Nothing is due" in panel.summary.value
