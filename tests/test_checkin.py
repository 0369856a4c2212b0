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


# -- what is typed after the click ---------------------------------------------------------------


def review_of(store, meeting_id, commitment_id):
    [review] = [r for r in store.reviews(meeting_id=meeting_id) if r.commitment_id == commitment_id]
    return review


def test_a_note_typed_after_the_outcome_is_saved_and_says_so(store, due_setup):
    second, soon, *_ = due_setup
    panel = CheckIn(store)
    panel.show(second.id)
    row = panel._rows[soon.id]
    row.buttons[0].click()  # Done, with no note yet
    assert review_of(store, second.id, soon.id).note == ""
    row.note.value = "Called on Monday; the board said yes"  # sent on Tab, Enter or a click away
    review = review_of(store, second.id, soon.id)
    assert review.outcome is Outcome.DONE and review.note == "Called on Monday; the board said yes"
    row = panel._rows[soon.id]
    assert "✔ Saved: note" in row.message.value and "role='status'" in row.message.value
    assert "with a note" in row.text.value
    assert panel.unsaved() == []
    row.note.value = "Called on Tuesday"  # corrected: the same review, corrected
    assert [r.note for r in store.reviews(meeting_id=second.id)] == ["Called on Tuesday"]


def test_a_level_changed_after_the_click_is_saved(store, due_setup):
    second, soon, *_ = due_setup
    panel = CheckIn(store)
    panel.show(second.id)
    row = panel._rows[soon.id]
    row.buttons[1].click()  # Partial, level from the outcome
    assert review_of(store, second.id, soon.id).level is None
    row.level.value = 1
    review = review_of(store, second.id, soon.id)
    assert review.outcome is Outcome.PARTIAL and review.level == 1
    assert "level +1" in panel._rows[soon.id].text.value
    assert "✔ Saved: GAS level" in panel._rows[soon.id].message.value


def test_a_new_date_changed_after_renegotiating_is_saved_and_shown(store, due_setup):
    second, soon, *_ = due_setup
    panel = CheckIn(store)
    panel.show(second.id)
    row = panel._rows[soon.id]
    row.buttons[4].click()  # Renegotiated, to the next meeting (the default)
    assert review_of(store, second.id, soon.id).new_target_date == dt.date(2026, 5, 5)
    assert "renegotiated</strong> to <strong>2026-05-05" in row.text.value
    row.new_date.value = dt.date(2026, 6, 2)
    assert review_of(store, second.id, soon.id).new_target_date == dt.date(2026, 6, 2)
    assert "to <strong>2026-06-02" in panel._rows[soon.id].text.value
    assert "✔ Saved: new date" in panel._rows[soon.id].message.value
    row.new_date.value = dt.date(2026, 4, 1)  # before the meeting: refused, the store unchanged
    assert "Not saved" in row.message.value and "after this meeting" in row.message.value
    assert review_of(store, second.id, soon.id).new_target_date == dt.date(2026, 6, 2)


def test_the_default_new_date_of_an_overdue_commitment_is_accepted_and_shown(store, cohort):
    c, (ana, *_), first = cohort
    # No next meeting set; the target (2026-03-20) plus four weeks is before this meeting.
    late = store.add_meeting(c.id, "2026-05-12")
    overdue = store.add_commitment(ana.id, first.id, "Write the plan", "2026-03-20")
    panel = CheckIn(store)
    panel.show(late.id)
    row = panel._rows[overdue.id]
    assert row.new_date.value == dt.date(2026, 6, 9)  # this meeting + 28 days
    row.buttons[4].click()  # Renegotiated, with the date offered
    review = review_of(store, late.id, overdue.id)
    assert review.outcome is Outcome.RENEGOTIATED
    assert review.new_target_date == dt.date(2026, 6, 9)
    assert "Not saved" not in row.message.value and "✔ Saved" in row.message.value
    assert "renegotiated</strong> to <strong>2026-06-09" in panel._rows[overdue.id].text.value


def test_default_new_date():
    from peerkit.widgets.checkin import default_new_date

    meeting = dt.date(2026, 5, 12)
    assert default_new_date(dt.date(2026, 3, 20), meeting, None) == dt.date(2026, 6, 9)
    assert default_new_date(dt.date(2026, 7, 1), meeting, None) == dt.date(2026, 7, 29)
    assert default_new_date(dt.date(2026, 3, 20), meeting, dt.date(2026, 6, 2)) == dt.date(
        2026, 6, 2
    )
    # A next date that is not after this meeting is not offered (the store would refuse it).
    assert default_new_date(dt.date(2026, 3, 20), meeting, meeting) == dt.date(2026, 6, 9)


def test_a_note_before_any_outcome_says_it_is_not_saved_until_one_is_chosen(store, due_setup):
    second, soon, *_ = due_setup
    panel = CheckIn(store)
    panel.show(second.id)
    row = panel._rows[soon.id]
    row.note.value = "Half done, blocked by legal"
    assert "not saved yet" in row.message.value and "data-peerkit-unsaved" in row.message.value
    assert [i.commitment.id for i in panel.unsaved()] == [soon.id]
    assert store.reviews(meeting_id=second.id) == []
    panel.refresh()  # another window's change: the note and the hint stay
    assert row.note.value == "Half done, blocked by legal" and "not saved yet" in row.message.value
    row.buttons[1].click()  # Partial: saved with the note
    assert review_of(store, second.id, soon.id).note == "Half done, blocked by legal"
    assert panel.unsaved() == [] and "✔ Saved" in row.message.value


def test_a_refused_note_stays_in_the_box_and_says_why(store, due_setup):
    second, soon, *_ = due_setup
    panel = CheckIn(store)
    panel.show(second.id)
    row = panel._rows[soon.id]
    row.buttons[0].click()
    row.note.value = "x" * 5000
    assert "Not saved" in row.message.value and "role='alert'" in row.message.value
    assert row.note.value == "x" * 5000  # nothing typed is lost
    assert review_of(store, second.id, soon.id).note == ""
    assert [i.commitment.id for i in panel.unsaved()] == [soon.id]
    panel.refresh()
    assert row.note.value == "x" * 5000 and "Not saved" in row.message.value


def test_a_reopened_check_in_shows_what_was_saved_and_a_click_keeps_the_note(store, due_setup):
    second, soon, *_ = due_setup
    panel = CheckIn(store)
    panel.show(second.id)
    row = panel._rows[soon.id]
    row.buttons[0].click()
    row.note.value = "Signed"
    row.level.value = 2
    again = CheckIn(store)  # a reload, a restarted kernel, a second window
    again.show(second.id)
    row = again._rows[soon.id]
    assert row.note.value == "Signed" and row.level.value == 2
    row.buttons[1].click()  # corrected to Partial: the note and level go with it
    review = review_of(store, second.id, soon.id)
    assert (review.outcome, review.level, review.note) == (Outcome.PARTIAL, 2, "Signed")
    panel.refresh()  # the first window catches up with the second's correction
    assert panel._rows[soon.id].note.value == "Signed"
    assert "partial" in panel._rows[soon.id].text.value


def test_changing_the_level_before_any_outcome_keeps_a_refusal_in_view(store, due_setup):
    second, soon, *_ = due_setup
    panel = CheckIn(store)
    panel.show(second.id)
    row = panel._rows[soon.id]
    row.new_date.value = dt.date(2026, 4, 1)  # before the meeting
    row.buttons[4].click()  # Renegotiated: refused
    row.level.value = -1  # nothing recorded yet: nothing to save, and the reason stays
    assert "Not saved" in row.message.value and "after this meeting" in row.message.value
    row.note.value = "Asked for six more weeks"
    assert "not saved yet" in row.message.value
    row.note.value = ""  # emptied: nothing waits any more
    assert row.message.value == ""


def test_the_check_in_starts_from_what_the_member_reported_for_the_room_to_confirm(
    store, cohort, due_setup
):
    _, (ana, *_), _ = cohort
    second, soon, later, _ = due_setup
    store.mark_progress(ana.id, soon.id, "done", "Board agreed on the budget")
    store.mark_progress(ana.id, later.id, "stuck", "")
    panel = CheckIn(store)
    panel.show(second.id)
    row = panel._rows[soon.id]
    assert "Reported from their page: <strong>done</strong>" in row.text.value
    assert row.note.value == "Board agreed on the budget"  # filled in, not "unsaved"
    assert [b.icon for b in row.buttons][:2] == ["check", ""]  # Done is suggested, not clicked
    assert panel.unsaved() == [] and store.reviews(meeting_id=second.id) == []
    stuck = panel._rows[later.id]
    assert "<strong>stuck</strong>" in stuck.text.value and all(not b.icon for b in stuck.buttons)
    row.buttons[0].click()  # the room confirms
    [review] = store.reviews(meeting_id=second.id)
    assert review.outcome is Outcome.DONE and review.note == "Board agreed on the budget"
    assert all(not b.icon for b in panel._rows[soon.id].buttons)


def test_a_report_filed_while_the_check_in_is_open_fills_an_empty_note_only(
    store, cohort, due_setup
):
    _, (ana, *_), _ = cohort
    second, soon, later, _ = due_setup
    panel = CheckIn(store)
    panel.show(second.id)
    panel._rows[later.id].note.value = "typed by the facilitator"
    store.mark_progress(ana.id, soon.id, "partial", "half the calls")
    store.mark_progress(ana.id, later.id, "partial", "from the phone")
    panel.refresh()
    assert panel._rows[soon.id].note.value == "half the calls"
    assert panel._rows[later.id].note.value == "typed by the facilitator"
