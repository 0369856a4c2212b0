"""The console and projector widgets, driven from Python as a facilitator's clicks would."""

from __future__ import annotations

import datetime as dt

import pytest

from peerkit.meeting import Status
from peerkit.model import PeerkitError
from peerkit.widgets.console import ANONYMOUS, NOBODY_CHOSEN, WHO_GAVE, Console

TODAY = dt.date(2026, 3, 3)


def queue_and_start(console, presenter_name="Ana", fmt="troika consulting", issue="Pricing"):
    console.queue_presenter.value = next(
        v for label, v in console.queue_presenter.options if label.startswith(presenter_name)
    )
    console.queue_format.value = fmt
    console.queue_issue.value = issue
    console.queue_button.click()
    console.round_buttons["start"].click()


def test_the_console_opens_the_meeting_on_screen(console, cohort):
    _, _, meeting = cohort
    assert console.meeting_id == meeting.id
    assert "No rounds queued yet" in console.queue_table.value
    assert all(b.disabled for b in console.round_buttons.values())


def test_a_whole_round_from_queue_to_finish(console, store, clock):
    queue_and_start(console)
    assert console.timer.running and console.timer.phase == "Share"
    assert console.timer.remaining == 120
    clock.advance(130)
    console.round_buttons["next"].click()
    assert console.timer.phase == "Clarify"
    console.round_buttons["pause"].click()
    assert console.timer.paused and not console.round_buttons["resume"].disabled
    console.round_buttons["resume"].click()
    console.round_buttons["extend"].click()
    assert console.timer.remaining == 180
    for _ in range(3):
        console.round_buttons["next"].click()
    assert console.timer.phase == "Round finished"
    [rnd] = store.rounds(console.meeting_id)
    kinds = [e.kind.value for e in store.phase_events(rnd.id)]
    assert kinds == ["start", "next", "pause", "resume", "extend", "next", "next", "next"]
    assert "finished" in console.queue_table.value


def test_advice_enter_saves_and_clears_a_bad_one_stays_in_the_box(console, store):
    queue_and_start(console)
    console.giver.value = next(v for label, v in console.giver.options if label == "Ben")
    console.kind.value = "experience"
    assert console.advice_entry.submit("I tried this <b>once</b>")
    assert console.advice_entry.value == ""
    [advice] = store.advice(console.round_id)
    assert advice.text == "I tried this <b>once</b>" and advice.kind.value == "experience"
    [row] = console.advice_list.rows  # drawn as text in the page (tests/ui: test_advice_rows)
    assert row["text"] == "I tried this <b>once</b>" and row["giver"] == "Ben"
    assert row["kind"] == "experience" and not row["starred"]
    assert console.giver.value == NOBODY_CHOSEN  # the next advice is not Ben's by default
    console.giver.value = ANONYMOUS
    console.advice_entry.value = "x" * 5000
    assert not console.advice_entry.submit()
    assert console.advice_entry.value == "x" * 5000  # nothing typed is lost
    assert "5000 characters" in console.advice_entry.error
    assert len(store.advice(console.round_id)) == 1


def test_anonymous_advice_and_editing_and_deleting_the_last_entry(console, store):
    queue_and_start(console)
    console.giver.value = ANONYMOUS
    console.advice_entry.submit("Talk to customers")
    assert store.advice(console.round_id)[0].giver_id is None
    console.edit_button.click()
    assert console.advice_entry.value == "Talk to customers"
    assert console.advice_button.description == "Save edit"
    console.advice_entry.submit("Talk to five customers")
    assert [a.text for a in store.advice(console.round_id)] == ["Talk to five customers"]
    console.delete_button.click()
    assert store.advice(console.round_id) == []
    console.delete_button.click()
    assert "no advice in this round yet" in console.status.value


def test_after_saving_advice_the_giver_resets_and_saving_without_choosing_asks(
    console, store, cohort
):
    _, (ana, ben, chloe, _), _ = cohort
    queue_and_start(console)
    assert console.giver.value == NOBODY_CHOSEN  # nobody is chosen before the first advice
    assert console.giver.options[0] == ("Choose who gave it…", NOBODY_CHOSEN)
    console.giver.value = ben.id
    assert console.advice_entry.submit("Raise prices")
    assert console.giver.value == NOBODY_CHOSEN  # not Ben again by default
    console.advice_entry.value = "Talk to customers first"
    assert not console.advice_entry.submit()  # Enter without choosing: asked, not guessed
    assert console.advice_entry.error == WHO_GAVE
    assert console.advice_entry.value == "Talk to customers first"  # nothing typed is lost
    assert [a.giver_id for a in store.advice(console.round_id)] == [ben.id]
    console.giver.value = chloe.id
    assert console.advice_entry.submit()
    assert [a.giver_id for a in store.advice(console.round_id)] == [ben.id, chloe.id]
    assert console.advice_entry.error == "" and console.giver.value == NOBODY_CHOSEN
    console.edit_button.click()  # editing shows the giver of the advice edited...
    assert console.giver.value == chloe.id
    console.cancel_edit.click()  # ...and leaving the edit does not pass it to the next one
    assert console.giver.value == NOBODY_CHOSEN
    console.advice_button.click()  # the button asks too
    assert console.advice_entry.error == WHO_GAVE


def test_after_saving_a_commitment_weight_and_levels_reset(console, store, cohort):
    _, (ana, *_), _ = cohort
    queue_and_start(console)
    assert "Weight: how much this commitment counts" in console.commit_help.value
    assert "0 is the expected outcome" in console.commit_help.value
    console.target.value = dt.date(2026, 4, 1)
    console.weight.value = 3
    levels = ["none", "one call", "two calls", "three calls", "a deal"]
    for box, text in zip(console.levels, levels, strict=True):
        box.value = text
    assert console.commit_entry.submit("Call three clients")
    [first] = store.commitments(owner_id=ana.id)
    assert first.weight == 3 and first.levels is not None and list(first.levels) == levels
    assert console.weight.value == 1  # the next commitment counts as normal unless changed
    assert [box.value for box in console.levels] == [""] * 5
    assert console.commit_entry.submit("Update the deck")
    second = store.commitments(owner_id=ana.id)[-1]
    assert second.weight == 1 and second.levels is None


def test_a_failed_save_keeps_the_text_and_the_fields(console, store):
    queue_and_start(console)
    console.target.value = dt.date(2025, 1, 1)  # before the meeting: refused
    console.weight.value = 2
    console.levels[2].value = "expected"
    console.commit_entry.value = "Hire a lead"
    assert not console.commit_entry.submit()
    assert "before the meeting" in console.commit_entry.error
    assert console.commit_entry.value == "Hire a lead"
    assert console.weight.value == 2 and console.levels[2].value == "expected"
    assert store.commitments(meeting_id=console.meeting_id) == []
    console.giver.value = ANONYMOUS
    console.advice_entry.value = "y" * 5000  # refused by the store: giver and text both stay
    assert not console.advice_entry.submit()
    assert console.advice_entry.value == "y" * 5000 and console.giver.value == ANONYMOUS


def test_the_presenter_stars_advice(console, store):
    queue_and_start(console)
    console.giver.value = ANONYMOUS
    console.advice_entry.submit("Raise prices")
    [row] = console.advice_list.rows
    console.advice_list.star(row["id"])
    assert store.advice(console.round_id)[0].starred
    assert console.advice_list.rows[0]["starred"]  # redrawn from the store
    console.advice_list.star(row["id"], False)
    assert not store.advice(console.round_id)[0].starred


def test_a_commitment_by_the_presenter_with_a_warning_past_three(console, store, cohort):
    _, (ana, *_), meeting = cohort
    queue_and_start(console)
    assert console.owner.value == ana.id
    console.target.value = dt.date(2026, 4, 1)
    for i in range(4):
        assert console.commit_entry.submit(f"Action {i}")
    assert len(store.commitments(owner_id=ana.id)) == 4
    assert "4 open commitments" in console.commit_warning.value
    console.target.value = dt.date(2025, 1, 1)
    assert not console.commit_entry.submit("Too late")
    assert "before the meeting" in console.commit_entry.error


def test_the_queue_suggests_who_presented_least_recently(store, cohort, clock):
    c, (ana, ben, chloe, dev), meeting = cohort
    earlier = store.add_meeting(c.id, "2026-02-03")
    store.add_round(earlier.id, ana.id, "troika consulting")
    store.add_round(earlier.id, ben.id, "troika consulting")
    console = Console(store, c, clock=clock, today=TODAY, meeting_id=meeting.id)
    labels = [label for label, _ in console.queue_presenter.options]
    assert labels[0].startswith("Chloe — last presented never")
    assert labels[-1].endswith("2026-02-03")


def test_refused_commands_say_why_and_change_nothing(console, store):
    queue_and_start(console)
    before = store.counts()
    console.round_buttons["previous"].disabled = False  # as if clicked from a stale page
    console.round_buttons["previous"].click()
    assert "first phase" in console.status.value
    assert store.counts() == before


def test_the_budget_line_and_fit_to_time(console, store, clock, cohort):
    # 120 minutes planned; queue four 50-minute forum rounds = 200 minutes.
    queue_and_start(console, "Ana", "forum presentation")
    for name in ("Ben", "Chloe", "Dev"):
        console.queue_presenter.value = next(
            v for label, v in console.queue_presenter.options if label.startswith(name)
        )
        console.queue_format.value = "forum presentation"
        console.queue_button.click()
    assert "shorten the remaining phases" in console.budget.value
    console.fit_button.click()
    assert "fits" in console.budget.value


def test_the_projector_follows_the_console_and_hides_advice_when_it_should(
    console, projector, store, clock
):
    assert "Waiting for the first round" in projector.heading.value
    queue_and_start(console)  # troika: share, clarify, consult (turned away), reflect
    console.giver.value = ANONYMOUS
    console.advice_entry.submit("Name the risk")
    projector.refresh()  # in a kernel the follower does this within 200 ms
    assert "On the hot seat: Ana" in projector.heading.value
    assert projector.timer.phase == "Share" and projector.timer.running
    assert "Name the risk" not in projector.advice.value
    console.round_buttons["next"].click()
    console.round_buttons["next"].click()  # Consult: the client has turned away
    projector.refresh()
    assert "turned away" in projector.advice.value
    console.round_buttons["next"].click()  # Client reflects
    projector.refresh()
    assert "Name the risk" in projector.advice.value
    console.chatham.value = True
    projector.refresh()
    assert "Name the risk" not in projector.advice.value
    assert "Chatham House" in projector.advice.value


def test_a_new_console_finds_the_round_where_it_was(console, store, cohort, clock):
    c, _, _ = cohort
    queue_and_start(console)
    clock.advance(100)
    console.round_buttons["next"].click()
    clock.advance(30)
    again = Console(store, c, clock=clock, today=TODAY)  # a reload or a restarted kernel
    assert again.round_id == console.round_id
    assert again.timer.phase == "Clarify"
    assert again.timer.remaining == pytest.approx(120 - 30)
    assert again.timer.running


def test_a_console_without_the_hot_seat_opens_mid_round_on_its_first_moment(
    console, store, cohort, clock
):
    c, _, _ = cohort
    queue_and_start(console)
    again = Console(store, c, clock=clock, today=TODAY, moments=["close", "attendance"])
    assert again.tabs.titles == ("Parking lot & close", "Attendance")
    assert again.moment == "close"
    assert again.round_id == console.round_id  # the round goes on; only its tab is left out


def test_a_coachs_own_moment_must_be_a_title_and_a_widget(store, cohort, clock):
    c, _, _ = cohort
    with pytest.raises(PeerkitError, match=r"\(title, widget\) pair, not \('Agenda',\)"):
        Console(store, c, clock=clock, today=TODAY, moments=["attendance", ("Agenda",)])
    with pytest.raises(PeerkitError, match="once"):
        Console(store, c, clock=clock, today=TODAY, moments=["close", "close"])


def test_status_of_a_round_is_read_from_the_store(console, store):
    from peerkit import live

    queue_and_start(console)
    rnd = store.round(console.round_id)
    assert live.round_status(store, rnd, console.formats) is Status.RUNNING


def test_the_group_accepts_the_ground_rules_at_the_start(console, store, cohort):
    _, people, meeting = cohort
    assert "What is said here stays here" in console.attendance.rules_text.value
    console.attendance.rules_button.click()  # before the attendance: refused, nothing recorded
    assert "Take the attendance first" in console.status.value
    assert store.ground_rules(meeting.id) is None
    console.attendance.everyone_button.click()
    store.set_attendance(meeting.id, people[1].id, "apologies")
    console.attendance.rules_button.click()
    accepted = store.ground_rules(meeting.id)
    assert accepted is not None and len(accepted.present) == len(people) - 1
    console.show_moment("attendance")  # the ground rules follow the attendance
    assert "Accepted at" in console.attendance.rules_status.value


def test_a_private_segment_is_queued_as_private(console, store):
    console.queue_private.value = True
    queue_and_start(console, "Ben", issue="Personal update")
    [rnd] = store.rounds(console.meeting_id)
    assert rnd.private and rnd.keeps_nothing  # keeping nothing is the default
    assert rnd.issue == ""  # the issue box is not written down
    assert console.queue_private.value is False  # the next round is not private by accident


def test_export_minutes_writes_the_file_and_offers_a_download(console, store, tmp_path):
    import os

    queue_and_start(console)
    console.giver.value = ANONYMOUS
    console.advice_entry.submit("Name the <b>risk</b>")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        console.closing.export_to.value = "md"
        console.closing.export_button.click()
    finally:
        os.chdir(old)
    written = list(tmp_path.glob("minutes-*.md"))  # no cohort folder: the current one
    assert len(written) == 1
    assert "Name the" in written[0].read_text(encoding="utf-8")
    assert "Download minutes-2026-03-03.md" in console.closing.export_result.value
    assert "data:text/markdown;base64," in console.closing.export_result.value


def test_attendance_is_one_click_then_the_exceptions(console, store, cohort):

    c, (ana, ben, chloe, dev), meeting = cohort
    console.show_moment("attendance")
    assert "not marked yet: 4" in console.attendance.count.value
    console.attendance.everyone_button.click()
    assert "Present: 4 · apologies: 0 · absent: 0<" in console.attendance.count.value
    console.attendance.toggles[ben.id].value = "apologies"  # then the exception
    assert store.attendance(meeting.id)[ben.id].value == "apologies"
    assert "Present: 3 · apologies: 1" in console.attendance.count.value
    assert all(t.value for t in console.attendance.toggles.values())


def _models() -> int:
    """Widget models alive in this kernel: each one is created, sent and drawn by the page."""
    from ipywidgets.widgets.widget import _instances

    return len(_instances)


def test_a_console_opened_mid_round_is_a_bounded_number_of_widget_models(store, cohort, clock):
    """What the page must create before the console answers: the same for 3 or 30 pieces of
    advice (one widget draws them all), and the widgets that look alike share their layout."""
    c, _, _ = cohort
    first = Console(store, c, clock=clock, today=TODAY)
    queue_and_start(first)
    for i in range(3):
        first.giver.value = ANONYMOUS  # asked again after each save
        assert first.advice_entry.submit(f"Advice {i}")
    before = _models()
    Console(store, c, clock=clock, today=TODAY)  # a reload mid-round
    few = _models() - before
    for i in range(27):
        first.giver.value = ANONYMOUS
        assert first.advice_entry.submit(f"More advice {i}")
    before = _models()
    reloaded = Console(store, c, clock=clock, today=TODAY)
    assert _models() - before == few
    assert len(reloaded.advice_list.rows) == 30
    assert few < 200  # 534 widget models before the moments were built lazily, 325 before sharing
