"""Correcting from the console, driven from Python as a facilitator's clicks would: removing and
reordering queued rounds, editing or deleting any entry, Undo, closing the meeting; and the
projector never showing what was deleted."""

from __future__ import annotations

import datetime as dt

import pytest

from peerkit.widgets.console import ANONYMOUS


def give(console, text: str) -> None:
    """Save an advice as the facilitator does: a giver chosen (here Anonymous), then Enter."""
    console.giver.value = ANONYMOUS
    assert console.advice_entry.submit(text)


def pick(dropdown, starts: str):
    dropdown.value = next(v for label, v in dropdown.options if label.startswith(starts))


def queue(console, *names: str, fmt: str = "troika consulting") -> None:
    for name in names:
        pick(console.queue_presenter, name)
        console.queue_format.value = fmt
        console.queue_button.click()


def visible_undo(console) -> list:
    return [b for b, _ in console.corrections._undo_buttons if b.layout.display != "none"]


def open_editor(console, kind_title: str):
    editor = next(e for e in console.corrections.editors if e.get_title(0).startswith(kind_title))
    editor.selected_index = 0  # opening it reads the list
    return editor


def test_delete_last_advice_is_an_ordinary_button_with_an_undo(console, store):
    queue(console, "Ana")
    console.round_buttons["start"].click()
    give(console, "Talk to five customers")
    assert console.delete_button.button_style == ""  # not a red button any more
    assert visible_undo(console) == []
    console.delete_button.click()
    assert store.advice(console.round_id) == []
    assert "Deleted the advice “Talk to five customers”" in console.status.value
    assert "Undo brings it back" in console.status.value
    undo = visible_undo(console)
    assert undo and all(b.description.startswith("Undo: the advice") for b in undo)
    undo[0].click()
    assert [a.text for a in store.advice(console.round_id)] == ["Talk to five customers"]
    assert "Brought back the advice" in console.status.value
    assert visible_undo(console) == []
    assert [row["text"] for row in console.advice_list.rows] == ["Talk to five customers"]


def test_queued_rounds_move_up_and_down_and_a_removed_one_comes_back(console, store):
    queue(console, "Ana", "Ben", "Chloe")
    names = {m.id: m.name for m in store.members(console.cohort.id)}

    def order() -> list[str]:
        return [names[r.presenter_id] for r in store.rounds(console.meeting_id)]

    corrections = console.corrections
    assert [label for label, _ in corrections.queue_round.options] == [
        "1. Ana · troika consulting",
        "2. Ben · troika consulting",
        "3. Chloe · troika consulting",
    ]
    pick(corrections.queue_round, "3. Chloe")
    corrections.up_button.click()
    assert order() == ["Ana", "Chloe", "Ben"]
    assert "it is round 2 now" in console.status.value
    assert corrections.queue_round.value == store.rounds(console.meeting_id)[1].id  # still Chloe
    corrections.up_button.click()
    corrections.up_button.click()  # already first: refused, said, nothing changes
    assert "already first" in console.status.value
    assert order() == ["Chloe", "Ana", "Ben"]

    pick(corrections.queue_round, "2. Ana")
    corrections.remove_button.click()
    assert order() == ["Chloe", "Ben"]
    assert "Ana" not in console.queue_table.value
    assert [label for label, _ in console.round_pick.options] == [
        "1. Chloe · troika consulting",
        "2. Ben · troika consulting",
    ]
    assert "Removed the round of Ana (troika consulting)" in console.status.value
    # Undo shows beside the queue and in the close panel, not beside the advice all meeting.
    shown = {b.model_id for b in visible_undo(console)}
    assert console.advice_box.children[3].children[3].model_id not in shown
    assert len(shown) == 2
    # Ana can be queued again at once, and the removed round can come back.
    assert any(label.startswith("Ana") for label, _ in console.queue_presenter.options)
    visible_undo(console)[0].click()
    assert order() == ["Chloe", "Ana", "Ben"]


def test_a_started_round_is_not_offered_for_moving_or_removing(console, store):
    queue(console, "Ana", "Ben")
    console.round_buttons["start"].click()  # Ana's round starts
    options = [label for label, _ in console.corrections.queue_round.options]
    assert options == ["2. Ben · troika consulting"]
    console.corrections.up_button.click()
    assert "Round 1 has started" in console.status.value


@pytest.mark.slow
def test_any_advice_or_commitment_is_edited_through_the_stores_checks(console, store, cohort):
    _, (ana, ben, *_), meeting = cohort
    queue(console, "Ana")
    console.round_buttons["start"].click()
    give(console, "First advice")
    give(console, "Second advice")
    console.target.value = dt.date(2026, 4, 1)
    console.commit_entry.submit("Call three clients")
    console.show_moment("hot_seat")
    editor = open_editor(console, "Correct or delete advice")
    labels = [label for label, _ in editor.pick.options]
    assert labels == [
        "Advice · round 1 · Anonymous: “First advice”",
        "Advice · round 1 · Anonymous: “Second advice”",
        "Commitment · Ana: “Call three clients” (by 2026-04-01)",
    ]
    # Not only the last advice: the first one.
    pick(editor.pick, "Advice · round 1 · Anonymous: “First")
    assert editor.text.value == "First advice"
    editor.text.value = "First advice, kept short"
    pick(editor.person, "Ben")
    editor.save_button.click()
    first = store.advice(console.round_id)[0]
    assert (first.text, first.giver_id) == ("First advice, kept short", ben.id)

    pick(editor.pick, "Commitment")
    assert editor.weight.layout.display is None and editor.advice_kind.layout.display == "none"
    assert editor.target.value == dt.date(2026, 4, 1)
    editor.text.value = "Call four clients"
    pick(editor.person, "Ben")
    editor.weight.value = 2
    editor.target.value = dt.date(2026, 4, 15)
    editor.save_button.click()
    [pledge] = store.commitments(meeting_id=meeting.id)
    assert (pledge.text, pledge.owner_id, pledge.weight) == ("Call four clients", ben.id, 2.0)
    assert pledge.target_date == dt.date(2026, 4, 15)
    assert "Call four clients" in console.commit_list.value

    # Bad input: the store's message, nothing changed, what was typed stays in the box.
    editor.text.value = "x" * 5000
    editor.save_button.click()
    assert "5000 characters" in console.status.value and "Not done" in console.status.value
    assert store.commitment(pledge.id) == pledge
    assert editor.text.value == "x" * 5000
    editor.text.value = "Call four clients"
    editor.target.value = dt.date(2026, 1, 1)
    editor.save_button.click()
    assert "before the meeting" in console.status.value
    assert store.commitment(pledge.id) == pledge


def test_any_entry_deleted_from_the_editor_comes_back_with_undo(console, store, cohort):
    queue(console, "Ana")
    console.round_buttons["start"].click()
    console.target.value = dt.date(2026, 4, 1)
    console.commit_entry.submit("Call three clients")
    give(console, "Only advice")
    editor = open_editor(console, "Correct or delete advice")
    pick(editor.pick, "Commitment")
    editor.delete_button.click()
    assert store.commitments(meeting_id=console.meeting_id) == []
    assert "Call three clients" not in console.commit_list.value
    assert [label for label, _ in editor.pick.options] == [
        "Advice · round 1 · Anonymous: “Only advice”"
    ]
    assert "Deleted Ana&#x27;s commitment “Call three clients”" in console.status.value
    visible_undo(console)[0].click()
    assert [c.text for c in store.commitments(meeting_id=console.meeting_id)] == [
        "Call three clients"
    ]
    assert "Call three clients" in console.commit_list.value


def test_a_review_is_corrected_or_deleted_from_the_check_in(store, cohort, clock):
    from peerkit.widgets.console import Console

    c, (ana, *_), first = cohort
    second = store.add_meeting(c.id, "2026-04-07")
    pledge = store.add_commitment(ana.id, first.id, "Call the board", "2026-04-01")
    console = Console(store, c, clock=clock, today=dt.date(2026, 4, 7), meeting_id=second.id)
    console.show_moment("checkin")
    console.checkin._rows[pledge.id].buttons[0].click()  # Done, by mistake
    editor = open_editor(console, "Correct or delete a review")
    assert [label for label, _ in editor.pick.options] == ["Review · Ana: “Call the board” — done"]
    assert editor.target_box.layout.display == "none"  # only a renegotiation sets a new date
    editor.outcome.value = "renegotiated"
    assert editor.target_box.layout.display is None
    editor.save_button.click()
    assert "needs the new target date" in console.status.value
    editor.target.value = dt.date(2026, 5, 5)
    editor.text.value = "Board meets in May"
    editor.save_button.click()
    [review] = store.reviews(meeting_id=second.id)
    assert (review.outcome.value, review.new_target_date, review.note) == (
        "renegotiated",
        dt.date(2026, 5, 5),
        "Board meets in May",
    )
    editor.delete_button.click()
    assert store.reviews(meeting_id=second.id) == []
    assert "0 of 1 due commitments reviewed" in console.checkin.summary.value
    visible_undo(console)[0].click()
    assert "1 of 1 due commitments reviewed" in console.checkin.summary.value


def test_a_parking_lot_item_is_edited_and_deleted(console, store):
    console.closing.parking_entry.submit("Offsite venue")
    editor = open_editor(console, "Correct or delete a parking-lot item")
    assert editor.person.layout.display == "none" and editor.target_box.layout.display == "none"
    editor.text.value = "Offsite venue in May"
    editor.save_button.click()
    assert "Offsite venue in May" in console.closing.parking_list.value
    editor.text.value = ""
    editor.save_button.click()
    assert "empty" in console.status.value
    assert [p.text for p in store.parking(console.meeting_id)] == ["Offsite venue in May"]
    editor.delete_button.click()
    assert "Offsite" not in console.closing.parking_list.value
    assert "Nothing to correct" in editor.empty.value


def test_closing_the_meeting_asks_then_erases_what_was_deleted(console, store):
    console.closing.parking_entry.submit("Offsite venue")
    console.closing.parking_entry.submit("Budget")
    [offsite, budget] = store.parking(console.meeting_id)
    corrections = console.corrections
    corrections.close_button.click()  # nothing deleted: closes at once
    assert "nothing deleted was waiting" in console.status.value
    store.delete_parking(offsite.id)
    console.refresh()
    assert "1 deletion at this meeting can still be undone" in corrections.close_note.value
    before = store.counts()["parking"]
    corrections.close_button.click()
    assert "Closing erases for good" in corrections.close_warning.value
    assert "the parking-lot item “Offsite venue”" in corrections.close_warning.value
    assert corrections.close_button.button_style == "danger"
    assert store.counts()["parking"] == before  # asked, not done
    corrections.close_button.click()
    assert store.counts()["parking"] == before - 1
    assert "1 deleted entry erased for good" in console.status.value
    assert corrections.close_warning.value == "" and corrections.close_button.button_style == ""
    assert visible_undo(console) == []
    assert [p.id for p in store.parking(console.meeting_id)] == [budget.id]


def test_a_deletion_after_the_warning_asks_again(console, store):
    console.closing.parking_entry.submit("One")
    console.closing.parking_entry.submit("Two")
    one, two = store.parking(console.meeting_id)
    store.delete_parking(one.id)
    console.refresh()
    console.corrections.close_button.click()
    store.delete_parking(two.id)  # another window deletes meanwhile
    console.refresh()
    assert console.corrections.close_warning.value == ""
    console.corrections.close_button.click()
    assert "(2)" in console.corrections.close_warning.value
    assert len(store.deletions(console.meeting_id)) == 2


def test_the_projector_never_shows_deleted_advice_or_a_removed_round(
    console, projector, store, clock
):
    queue(console, "Ana")
    console.round_buttons["start"].click()
    for _ in range(3):
        console.round_buttons["next"].click()  # Client reflects: the room sees the advice
    give(console, "Name the risk")
    give(console, "Hire slowly")
    projector.refresh()
    assert "Name the risk" in projector.advice.value and "Advice (2)" in projector.advice.value
    store.delete_advice(store.advice(console.round_id)[0].id)
    projector.refresh()
    assert "Name the risk" not in projector.advice.value
    assert "Advice (1)" in projector.advice.value
    store.undo_delete(console.meeting_id)
    projector.refresh()
    assert "Name the risk" in projector.advice.value

    # A round queued by mistake and put on screen, then removed: the projector waits.
    console.round_buttons["finish"].click()
    queue(console, "Ben")
    ben_round = store.rounds(console.meeting_id)[1]
    console.round_pick.value = ben_round.id
    projector.refresh()
    assert "Ben" in projector.heading.value
    pick(console.corrections.queue_round, "2. Ben")
    console.corrections.remove_button.click()
    projector.refresh()
    assert "Ben" not in projector.heading.value
    assert "Waiting for the first round" in projector.heading.value
