"""Correcting what was captured, in the store: removing and reordering queued rounds, editing any
entry, deleting with an Undo that lasts the meeting, and closing the meeting (what was deleted is
then erased for good). On SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from helpers import files_holding, sqlite_bytes, wait_until

from peerkit import minutes
from peerkit.model import PeerkitError
from peerkit.store import Store

SECRET = "QUOKKA-LANTERN-5521"


def _said(store: Store, cohort) -> dict[str, int]:
    """A meeting with one of everything, the check-in of an earlier commitment included."""
    c, (ana, ben, chloe, _), meeting = cohort
    earlier = store.add_meeting(c.id, "2026-02-03")
    old = store.add_commitment(ben.id, earlier.id, "Hire a COO", "2026-03-01")
    review = store.record_review(old.id, meeting.id, "done", note="Started Monday")
    rnd = store.add_round(meeting.id, ana.id, "troika consulting", issue="Pricing")
    store.log_phase_event(rnd.id, "start", 1000.0)
    advice = store.add_advice(rnd.id, "Talk to five customers", giver_id=chloe.id)
    pledge = store.add_commitment(ana.id, meeting.id, "Call three clients", "2026-04-01")
    parked = store.add_parking(meeting.id, "Offsite venue")
    return {
        "round": rnd.id,
        "advice": advice.id,
        "commitment": pledge.id,
        "review": review.id,
        "parking": parked.id,
        "old": old.id,
    }


def _queue(store: Store, cohort, names=("Ana", "Ben", "Chloe", "Dev")) -> list[int]:
    _, people, meeting = cohort
    by_name = {m.name: m for m in people}
    return [store.add_round(meeting.id, by_name[n].id, "troika consulting").id for n in names]


def _order(store: Store, meeting_id: int) -> list[tuple[int, int]]:
    return [(r.id, r.position) for r in store.rounds(meeting_id)]


# -- delete, then Undo ----------------------------------------------------------------------


def test_each_kind_of_entry_deleted_is_out_of_every_read_and_undo_brings_it_back(store, cohort):
    _, _, meeting = cohort
    ids = _said(store, cohort)
    rnd = ids["round"]
    before = store.counts()

    store.delete_advice(ids["advice"])
    assert store.advice(rnd) == []
    with pytest.raises(PeerkitError, match="deleted"):
        store.advice_item(ids["advice"])
    store.delete_commitment(ids["commitment"])
    assert store.commitments(meeting_id=meeting.id) == []
    with pytest.raises(PeerkitError, match="deleted"):
        store.commitment(ids["commitment"])
    store.delete_review(ids["review"])
    assert store.reviews(meeting_id=meeting.id) == []
    # The reviewed commitment is open again, as before its review.
    assert ids["old"] in {c.id for c, _ in store.open_commitments(meeting.cohort_id)}
    store.delete_parking(ids["parking"])
    assert store.parking(meeting.id) == []
    assert store.counts() == before  # nothing is gone from the store yet

    done = [d.kind for d in store.deletions(meeting.id)]
    assert done == ["parking", "review", "commitment", "advice"]  # newest first
    assert store.undo_delete(meeting.id).kind == "parking"
    assert [p.text for p in store.parking(meeting.id)] == ["Offsite venue"]
    assert store.undo_delete(meeting.id).kind == "review"
    assert [r.note for r in store.reviews(meeting_id=meeting.id)] == ["Started Monday"]
    assert store.undo_delete(meeting.id).kind == "commitment"
    assert store.undo_delete(meeting.id).what == "the advice “Talk to five customers”"
    assert [a.text for a in store.advice(rnd)] == ["Talk to five customers"]
    assert [c.text for c in store.commitments(meeting_id=meeting.id)] == ["Call three clients"]
    with pytest.raises(PeerkitError, match="Nothing to undo"):
        store.undo_delete(meeting.id)
    assert store.counts() == before


def test_a_deletion_says_what_it_deleted(store, cohort):
    _, (ana, ben, *_), meeting = cohort
    ids = _said(store, cohort)
    said = store.delete_commitment(ids["commitment"])
    assert said.what == "Ana's commitment “Call three clients”"
    said = store.delete_review(ids["review"])
    assert said.what == "the review of Ben's commitment “Hire a COO”"
    queued = store.add_round(meeting.id, ben.id, "wise crowds")
    store.add_advice(queued.id, "Early advice")
    said = store.delete_round(queued.id)
    assert said.what == "the round of Ben (wise crowds) and 1 entry captured in it"


def test_deleting_twice_or_what_must_stay_is_refused_and_changes_nothing(store, cohort):
    _, _, meeting = cohort
    ids = _said(store, cohort)
    store.delete_advice(ids["advice"])
    with pytest.raises(PeerkitError, match="deleted"):
        store.delete_advice(ids["advice"])
    before = store.counts(), store.deletions(meeting.id)
    with pytest.raises(PeerkitError, match="has started"):
        store.delete_round(ids["round"])
    with pytest.raises(PeerkitError, match="has been reviewed"):
        store.delete_commitment(ids["old"])
    assert (store.counts(), store.deletions(meeting.id)) == before


def test_undo_is_per_meeting(store, cohort):
    c, (ana, *_), meeting = cohort
    other = store.add_meeting(c.id, "2026-04-07")
    here = store.add_parking(meeting.id, "Here")
    there = store.add_parking(other.id, "There")
    store.delete_parking(here.id)
    store.delete_parking(there.id)
    assert store.undo_delete(meeting.id).item_id == here.id
    assert [p.text for p in store.parking(other.id)] == []
    with pytest.raises(PeerkitError, match="Nothing to undo"):
        store.undo_delete(meeting.id)


def test_two_deletions_in_the_same_instant_are_undone_one_at_a_time(store, cohort, monkeypatch):
    from peerkit.store import deletions as store_module

    _, _, meeting = cohort
    first, second = (store.add_parking(meeting.id, t) for t in ("One", "Two"))
    monkeypatch.setattr(store_module.time, "time", lambda: 1_800_000_000.0)
    store.delete_parking(first.id)
    store.delete_parking(second.id)
    store.undo_delete(meeting.id)
    assert [p.text for p in store.parking(meeting.id)] == ["Two"]


def test_a_review_whose_commitment_was_deleted_elsewhere_does_not_come_back_alone(store, cohort):
    _, _, meeting = cohort
    ids = _said(store, cohort)
    store.delete_review(ids["review"])  # at this meeting
    earlier = store.commitments()[0].meeting_id  # the commitment was made at the earlier one
    store.delete_commitment(ids["old"])
    with pytest.raises(PeerkitError, match="undo its deletion there first"):
        store.undo_delete(meeting.id)
    store.undo_delete(earlier)
    store.undo_delete(meeting.id)
    assert [r.id for r in store.reviews(meeting_id=meeting.id)] == [ids["review"]]


def test_a_new_review_replaces_one_deleted_at_the_same_meeting(store, cohort):
    _, _, meeting = cohort
    ids = _said(store, cohort)
    store.delete_review(ids["review"])
    store.record_review(ids["old"], meeting.id, "partial")
    assert [r.outcome.value for r in store.reviews(meeting_id=meeting.id)] == ["partial"]
    with pytest.raises(PeerkitError, match="Nothing to undo"):
        store.undo_delete(meeting.id)


# -- closing the meeting --------------------------------------------------------------------


@pytest.mark.slow
def test_closing_the_meeting_erases_what_was_deleted_and_keeps_the_rest(store, cohort):
    _, (_, ben, *_), meeting = cohort
    ids = _said(store, cohort)
    queued = store.add_round(meeting.id, ben.id, "wise crowds")
    store.add_advice(queued.id, "Advice in a round removed")
    before = store.counts()
    store.delete_advice(ids["advice"])
    store.delete_parking(ids["parking"])
    store.delete_round(queued.id)
    closed = store.close_meeting(meeting.id)
    assert closed.removed == {"advice": 2, "parking": 1, "rounds": 1}
    assert closed.still_held == ()
    after = store.counts()
    assert {k: before[k] - after[k] for k in before if before[k] != after[k]} == closed.removed
    assert store.deletions(meeting.id) == []
    with pytest.raises(PeerkitError, match="Nothing to undo"):
        store.undo_delete(meeting.id)
    assert [c.text for c in store.commitments(meeting_id=meeting.id)] == ["Call three clients"]
    # Closing again erases nothing more.
    assert store.close_meeting(meeting.id).removed == {}


def test_closing_erases_a_deleted_commitment_with_its_deleted_reviews(store, cohort):
    _, _, meeting = cohort
    ids = _said(store, cohort)
    store.delete_review(ids["review"])
    earlier = store.meetings()[0]
    store.delete_commitment(ids["old"])
    closed = store.close_meeting(earlier.id)
    assert closed.removed == {"commitments": 1, "reviews": 1}
    assert store.deletions(meeting.id) == []  # the review went with its commitment


@pytest.mark.slow
def test_what_closing_erases_is_gone_from_the_sqlite_files_under_a_reader(db_path):
    store = Store(db_path)
    c = store.add_cohort("Close Circle")
    ana = store.add_member(c.id, "Ana")
    meeting = store.add_meeting(c.id, "2026-03-03")
    rnd = store.add_round(meeting.id, ana.id, "troika consulting")
    kept = store.add_advice(rnd.id, "kept " + "k" * 300)
    gone = [store.add_advice(rnd.id, f"{SECRET} advice {i} " + "x" * 300) for i in range(30)]
    parked = store.add_parking(meeting.id, f"{SECRET} parked")
    for advice in gone:
        store.delete_advice(advice.id)
    store.delete_parking(parked.id)
    assert SECRET.encode() in sqlite_bytes(db_path)  # deleted, still there for Undo
    stop, reads = threading.Event(), []

    def reader() -> None:  # another window following the store
        conn = sqlite3.connect(db_path)
        while not stop.is_set():
            conn.execute("BEGIN")
            reads.append(conn.execute("SELECT count(*) FROM advice").fetchone()[0])
            stop.wait(0.02)
            conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        wait_until(lambda: reads or not thread.is_alive(), "the other window's first read")
        assert reads, "the other window could not read the store"
        closed = store.close_meeting(meeting.id)
        raw = sqlite_bytes(db_path)
    finally:
        stop.set()
        thread.join()
    assert closed.still_held == ()
    assert SECRET.encode() not in raw
    assert [a.id for a in store.advice(rnd.id)] == [kept.id]
    store.close()


@pytest.mark.postgres
def test_what_closing_erases_is_gone_from_the_postgres_data_directory(pg_cluster, pg_url):
    store = Store(pg_url)
    c = store.add_cohort("Close Circle")
    ana = store.add_member(c.id, "Ana")
    meeting = store.add_meeting(c.id, "2026-03-03")
    rnd = store.add_round(meeting.id, ana.id, "troika consulting")
    gone = store.add_advice(rnd.id, f"{SECRET} advice")
    store.delete_advice(gone.id)
    pg_cluster.sql("CHECKPOINT")
    closed = store.close_meeting(meeting.id)
    store.close()
    assert closed.still_held == ()
    holders = files_holding(pg_cluster.data, SECRET)
    assert holders == [], f"still in {holders}"


def test_a_purge_erases_what_was_deleted_too(store, cohort):
    _, _, meeting = cohort
    ids = _said(store, cohort)
    store.delete_parking(ids["parking"])
    done = store.purge_meeting(meeting.id)
    assert done.removed["parking"] == 1
    assert store.counts()["parking"] == 0


# -- the queue: removing and reordering -----------------------------------------------------


def test_a_removed_round_leaves_the_queue_and_the_minutes_and_undo_puts_it_back(store, cohort):
    _, _, meeting = cohort
    ana, ben, chloe, dev = _queue(store, cohort)
    store.delete_round(ben)
    assert _order(store, meeting.id) == [(ana, 0), (chloe, 1), (dev, 2)]
    with pytest.raises(PeerkitError, match="removed from the queue"):
        store.round(ben)
    rounds = minutes.gather(store, meeting.id).rounds
    assert [(r.number, r.presenter) for r in rounds] == [(1, "Ana"), (2, "Chloe"), (3, "Dev")]
    text = minutes.render(store, meeting.id, "md")
    assert text.count("This round did not start.") == 3  # nothing of Ben's round
    store.undo_delete(meeting.id)
    assert _order(store, meeting.id) == [(ana, 0), (ben, 1), (chloe, 2), (dev, 3)]
    text = minutes.render(store, meeting.id, "md")
    assert text.count("This round did not start.") == 4


def test_rounds_move_up_and_down_and_stay_numbered(store, cohort):
    _, _, meeting = cohort
    ana, ben, chloe, dev = _queue(store, cohort)
    store.move_round(dev, -1)
    assert _order(store, meeting.id) == [(ana, 0), (ben, 1), (dev, 2), (chloe, 3)]
    store.move_round(ana, to=3)
    assert _order(store, meeting.id) == [(ben, 0), (dev, 1), (chloe, 2), (ana, 3)]
    store.update_round(ana, position=0)  # the same, through update_round
    assert _order(store, meeting.id) == [(ana, 0), (ben, 1), (dev, 2), (chloe, 3)]
    with pytest.raises(PeerkitError, match="already first"):
        store.move_round(ana, -1)
    with pytest.raises(PeerkitError, match="already last"):
        store.move_round(chloe, 1)


def test_a_round_that_started_keeps_its_place(store, cohort):
    _, _, meeting = cohort
    ana, ben, chloe, _ = _queue(store, cohort)
    store.log_phase_event(ben, "start", 1000.0)
    before = _order(store, meeting.id)
    with pytest.raises(PeerkitError, match="Round 2 has started"):
        store.move_round(ben, 1)
    with pytest.raises(PeerkitError, match="Round 2 has started"):
        store.move_round(chloe, -1)  # would pass it
    with pytest.raises(PeerkitError, match="Round 2 has started"):
        store.move_round(ana, to=3)
    assert _order(store, meeting.id) == before


def test_a_new_round_goes_to_the_end_of_the_queue_after_a_removal(store, cohort):
    _, people, meeting = cohort
    ana, ben, chloe = _queue(store, cohort, ("Ana", "Ben", "Chloe"))
    store.delete_round(ana)
    dev = store.add_round(meeting.id, people[3].id, "troika consulting").id
    assert [r.id for r in store.rounds(meeting.id)] == [ben, chloe, dev]


def test_two_windows_reordering_at_once_lose_no_move(db_url, cohort):
    """Two stores (two windows' kernels) move rounds at the same time: one swaps the first two
    rounds back and forth, the other the last two. Taking turns, every move lands and the
    queue ends as it began; a move computed from an order another window had just changed
    would lose one (a wrong order at the end, or "already first")."""
    _, _, meeting = cohort
    with Store(db_url) as setup:
        people = setup.members(meeting.cohort_id)
        ids = [setup.add_round(meeting.id, m.id, "troika consulting").id for m in people]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def window(round_id: int) -> None:
        with Store(db_url) as mine:
            start.wait()
            try:
                for _ in range(25):
                    mine.move_round(round_id, 1)
                    mine.move_round(round_id, -1)
            except BaseException as exc:
                errors.append(exc)

    threads = [threading.Thread(target=window, args=(i,)) for i in (ids[0], ids[2])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store(db_url) as check:
        assert _order(check, meeting.id) == [(i, place) for place, i in enumerate(ids)]


# -- editing any entry -----------------------------------------------------------------------


def test_editing_a_commitment_checks_it_as_a_new_one(store, cohort):
    _, (ana, ben, *_), meeting = cohort
    ids = _said(store, cohort)
    edited = store.edit_commitment(
        ids["commitment"], text="Call four clients", owner_id=ben.id, weight=2
    )
    assert (edited.text, edited.owner_id, edited.weight) == ("Call four clients", ben.id, 2.0)
    edited = store.edit_commitment(ids["commitment"], target_date="2026-05-01")
    assert edited.target_date.isoformat() == "2026-05-01" and edited.text == "Call four clients"
    before = store.commitment(ids["commitment"])
    for changes, message in (
        ({"text": ""}, "empty"),
        ({"text": "x" * 5000}, "5000 characters"),
        ({"target_date": "2026-01-01"}, "before the meeting"),
        ({"weight": 0}, "above 0"),
        ({"weight": "heavy"}, "above 0"),
        ({"owner_id": 9999}, "No member"),
        ({"levels": ["a", "b"]}, "all five levels"),
        ({"private": True}, "Cannot change private"),
    ):
        with pytest.raises(PeerkitError, match=message):
            store.edit_commitment(ids["commitment"], **changes)
    assert store.commitment(ids["commitment"]) == before


def test_editing_a_review_and_a_parking_item(store, cohort):
    _, _, meeting = cohort
    ids = _said(store, cohort)
    review = store.edit_review(ids["review"], outcome="renegotiated", new_target_date="2026-06-01")
    assert review.id == ids["review"] and review.outcome.value == "renegotiated"
    assert review.note == "Started Monday"
    review = store.edit_review(ids["review"], outcome="partial", note="Half")
    assert (review.outcome.value, review.new_target_date, review.note) == ("partial", None, "Half")
    with pytest.raises(PeerkitError, match="needs the new target date"):
        store.edit_review(ids["review"], outcome="renegotiated")
    with pytest.raises(PeerkitError, match="out of range"):
        store.edit_review(ids["review"], level=5)
    assert store.review(ids["review"]) == review
    parked = store.edit_parking(ids["parking"], "Offsite in May")
    assert parked.text == "Offsite in May"
    with pytest.raises(PeerkitError, match="empty"):
        store.edit_parking(ids["parking"], "   ")
    assert [p.text for p in store.parking(meeting.id)] == ["Offsite in May"]


def test_a_deleted_entry_cannot_be_edited(store, cohort):
    ids = _said(store, cohort)
    store.delete_parking(ids["parking"])
    with pytest.raises(PeerkitError, match="deleted"):
        store.edit_parking(ids["parking"], "Too late")
    store.delete_advice(ids["advice"])
    with pytest.raises(PeerkitError, match="deleted"):
        store.edit_advice(ids["advice"], text="Too late")


# -- what reads the record: minutes, scores, backup ------------------------------------------


def test_minutes_and_scores_leave_out_what_was_deleted(store, cohort):
    c, _, meeting = cohort
    ids = _said(store, cohort)
    frames = store.frames(c.id)
    assert list(frames["reviews"]["review_id"]) == [ids["review"]]
    store.delete_review(ids["review"])
    store.delete_advice(ids["advice"])
    store.delete_commitment(ids["commitment"])
    store.delete_parking(ids["parking"])
    assert store.frames(c.id)["reviews"].empty
    gathered = minutes.gather(store, meeting.id)
    assert gathered.checkin == ()
    assert gathered.follow_through is not None
    assert gathered.follow_through.reviewed_here == 0
    text = minutes.render(store, meeting.id, "md")
    for deleted in ("Talk to five customers", "Call three clients", "Started Monday", "Offsite"):
        assert deleted not in text


def test_a_backup_keeps_what_was_deleted_with_its_mark(store, cohort, tmp_path):
    from peerkit.backup import backup, dump, restore

    _, _, meeting = cohort
    ids = _said(store, cohort)
    store.delete_parking(ids["parking"])
    data = dump(store)
    table = data["tables"]["parking"]
    row = dict(zip(table["columns"], table["rows"][0], strict=True))
    assert row["text"] == "Offsite venue" and row["deleted_at"] is not None
    backup(store, tmp_path / "b.json")
    with Store(tmp_path / "restored.db") as copy:
        restore(tmp_path / "b.json", copy)
        assert copy.parking(meeting.id) == []
        assert copy.undo_delete(meeting.id).kind == "parking"
        assert [p.text for p in copy.parking(meeting.id)] == ["Offsite venue"]


def test_a_store_from_schema_0006_keeps_every_row_in_the_record(db_url, request):
    if db_url.startswith("postgresql"):  # an empty database, not the migrated template
        request.getfixturevalue("pg_cluster").create_database(db_url.rsplit("/", 1)[1])
    old = Store(db_url, schema="0006")
    with old.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO cohorts (id, name) VALUES (1, 'Old Circle')")
        conn.exec_driver_sql("INSERT INTO members (id, cohort_id, name) VALUES (1, 1, 'Ana')")
        conn.exec_driver_sql(
            "INSERT INTO meetings (id, cohort_id, date, place, planned_minutes) "
            "VALUES (1, 1, '2025-01-07', '', 180)"
        )
        conn.exec_driver_sql(
            "INSERT INTO rounds (id, meeting_id, presenter_id, format_name, issue, position, "
            "private, keeps_text) VALUES (1, 1, 1, 'troika consulting', '', 0, false, true)"
        )
        conn.exec_driver_sql(
            "INSERT INTO advice (id, round_id, kind, text, at, starred, private) "
            "VALUES (1, 1, 'suggestion', 'Old advice', 0, false, false)"
        )
        conn.exec_driver_sql(
            "INSERT INTO parking (id, meeting_id, text, private) VALUES (1, 1, 'Old topic', false)"
        )
    old.close()
    with Store(db_url) as store:
        assert [r.id for r in store.rounds(1)] == [1]
        assert [a.text for a in store.advice(1)] == ["Old advice"]
        assert [p.text for p in store.parking(1)] == ["Old topic"]
        store.delete_advice(1)
        assert store.undo_delete(1).what == "the advice “Old advice”"
