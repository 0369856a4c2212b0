"""The store keeps what a facilitator enters, refuses bad input, and forgets on request."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
import sqlalchemy as sa
from helpers import peerkit, sqlite_bytes

from peerkit.model import AdviceKind, Attendance, Outcome, PeerkitError
from peerkit.store import HEAD, Store


def test_a_new_store_is_a_wal_sqlite_file_at_the_newest_schema(store, db_path):
    assert db_path.exists()
    assert store.revision() == HEAD
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_advice_and_commitments_round_trip(store, cohort):
    _, (ana, ben, *_), meeting = cohort
    rnd = store.add_round(meeting.id, ana.id, "troika consulting", issue="Pricing")
    advice = store.add_advice(rnd.id, "  Raise prices  ", giver_id=ben.id, kind="experience")
    assert advice.text == "Raise prices" and advice.kind is AdviceKind.EXPERIENCE
    anonymous = store.add_advice(rnd.id, "Ask customers first")
    assert anonymous.giver_id is None
    store.edit_advice(advice.id, starred=True)
    assert [a.starred for a in store.advice(rnd.id)] == [True, False]
    commitment = store.add_commitment(
        ana.id,
        meeting.id,
        "Test a 10% rise",
        "2026-04-01",
        round_id=rnd.id,
        levels=["none", "planned", "tested", "rolled out", "rolled out and measured"],
    )
    assert commitment.levels and commitment.levels[2] == "tested"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s, r, p, m: s.add_advice(r.id, "   "), "The advice is empty"),
        (lambda s, r, p, m: s.add_advice(r.id, "x" * 5000), "5000 characters long"),
        (lambda s, r, p, m: s.add_advice(r.id, "ok", giver_id=999), "No member with id 999"),
        (lambda s, r, p, m: s.add_advice(r.id, "ok", kind="gossip"), "Unknown kind of advice"),
        (lambda s, r, p, m: s.add_member(m.cohort_id, "ana"), "already a member"),
        (
            lambda s, r, p, m: s.add_commitment(p[0].id, m.id, "Do it", "2026-13-01"),
            "not a date",
        ),
        (
            lambda s, r, p, m: s.add_commitment(p[0].id, m.id, "Do it", "2025-01-01"),
            "before the meeting",
        ),
        (
            lambda s, r, p, m: s.add_commitment(p[0].id, m.id, "Do it", "2026-04-01", levels=["a"]),
            "all five levels",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(store, cohort, call, message):
    _, people, meeting = cohort
    rnd = store.add_round(meeting.id, people[0].id, "troika consulting")
    before = store.counts()
    with pytest.raises(PeerkitError, match=message):
        call(store, rnd, people, meeting)
    assert store.counts() == before


def test_a_member_from_another_cohort_cannot_give_advice(store, cohort):
    _, people, meeting = cohort
    other = store.add_cohort("Other")
    stranger = store.add_member(other.id, "Zed")
    rnd = store.add_round(meeting.id, people[0].id, "troika consulting")
    with pytest.raises(PeerkitError, match="not a member of this meeting's cohort"):
        store.add_advice(rnd.id, "Hello", giver_id=stranger.id)


def test_renegotiated_commitments_carry_forward_with_their_new_date(store, cohort):
    c, (ana, *_), first = cohort
    second = store.add_meeting(c.id, "2026-04-07")
    third = store.add_meeting(c.id, "2026-05-05")
    made = store.add_commitment(ana.id, first.id, "Hire a lead", "2026-04-01")
    with pytest.raises(PeerkitError, match="needs the new target date"):
        store.record_review(made.id, second.id, "renegotiated")
    store.record_review(made.id, second.id, "renegotiated", new_target_date="2026-05-01")
    [(still_open, target)] = store.open_commitments(c.id)
    assert still_open.id == made.id and str(target) == "2026-05-01"
    store.record_review(made.id, third.id, Outcome.DONE)
    assert store.open_commitments(c.id) == []
    assert [r.outcome for r in store.reviews(commitment_id=made.id)] == [
        Outcome.RENEGOTIATED,
        Outcome.DONE,
    ]


def test_a_review_recorded_twice_at_one_meeting_is_corrected_not_doubled(store, cohort):
    c, (ana, *_), first = cohort
    second = store.add_meeting(c.id, "2026-04-07")
    made = store.add_commitment(ana.id, first.id, "Hire a lead", "2026-04-01")
    store.record_review(made.id, second.id, "not done")
    store.record_review(made.id, second.id, "partial", note="corrected")
    [review] = store.reviews(commitment_id=made.id)
    assert review.outcome is Outcome.PARTIAL and review.note == "corrected"


def test_a_member_who_leaves_is_redacted_everywhere_but_their_history_stays(store, cohort):
    c, (ana, ben, *_), meeting = cohort
    rnd = store.add_round(meeting.id, ben.id, "troika consulting", issue="Ben's hiring plan")
    store.add_advice(rnd.id, "Ana Smith said the same last year", giver_id=ana.id)
    store.add_commitment(ben.id, meeting.id, "Call Ben's recruiter", "2026-04-01")
    store.member_leaves(ben.id, "2026-03-10")
    gone = store.redact_member(ben.id).member
    assert gone.name == f"Former member {ben.id}" and gone.redacted and gone.email is None
    assert "Ben" not in store.round(rnd.id).issue
    assert store.commitments(owner_id=ben.id)[0].text == f"Call Former member {ben.id}'s recruiter"
    assert len(store.advice(rnd.id)) == 1  # history kept


def test_a_purged_meeting_is_gone_from_the_file_itself(store, cohort, db_path):
    c, (ana, ben, *_), meeting = cohort
    keep = store.add_meeting(c.id, "2026-04-07")
    rnd = store.add_round(meeting.id, ana.id, "troika consulting", issue="SECRET-MERGER-TALKS")
    store.add_advice(rnd.id, "SECRET-ADVICE-TEXT", giver_id=ben.id)
    store.add_commitment(ana.id, meeting.id, "SECRET-COMMITMENT", "2026-04-01")
    store.add_parking(meeting.id, "SECRET-PARKING")
    store.set_attendance(meeting.id, ana.id, Attendance.PRESENT)
    store.purge_meeting(meeting.id)
    assert [m.id for m in store.meetings(c.id)] == [keep.id]
    store.close()
    raw = sqlite_bytes(db_path)
    for secret in (b"SECRET-MERGER", b"SECRET-ADVICE", b"SECRET-COMMITMENT", b"SECRET-PARKING"):
        assert secret not in raw


@pytest.mark.slow
def test_a_second_process_sees_a_write_at_once(store, cohort):
    _, (ana, *_), meeting = cohort
    rnd = store.add_round(meeting.id, ana.id, "troika consulting")
    store.add_advice(rnd.id, "First")  # the reader's store is already open, as on a projector
    code = f"""
from peerkit.store import Store
s = Store({store.url!r})
s.add_advice({rnd.id}, "From the scribe's laptop")
"""
    subprocess.run([sys.executable, "-c", code], check=True)
    assert [a.text for a in store.advice(rnd.id)] == ["First", "From the scribe's laptop"]


@pytest.mark.slow
def test_kill_9_mid_burst_loses_nothing_that_was_returned(store, cohort):
    _, (ana, *_), meeting = cohort
    rnd = store.add_round(meeting.id, ana.id, "troika consulting")
    writer = textwrap.dedent(f"""
        import sys
        from peerkit.store import Store
        s = Store({store.url!r})
        for i in range(100000):
            a = s.add_advice({rnd.id}, f"advice {{i}}")
            print(a.id, flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    returned = []
    for line in proc.stdout:
        returned.append(int(line))
        if len(returned) == 150:
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait()
    returned += [int(line) for line in proc.stdout.read().split()]  # printed before the kill
    stored = {a.id for a in Store(store.url).advice(rnd.id)}
    assert len(returned) >= 150
    assert set(returned) <= stored
    # The killed writer held nothing back: the next window writes at once.
    assert store.add_advice(rnd.id, "after the kill").id > max(stored)


def test_a_store_from_the_first_schema_is_migrated_on_open(db_url, request):
    if db_url.startswith("postgresql"):  # an empty database, not the migrated template
        request.getfixturevalue("pg_cluster").create_database(db_url.rsplit("/", 1)[1])
    # Build a store as peerkit's first schema (0001) made it, with data in it.
    old = Store(db_url, schema="0001")
    assert old.revision() == "0001"
    with old.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO cohorts (id, name) VALUES (1, 'Old Circle')")
        conn.exec_driver_sql("INSERT INTO members (id, cohort_id, name) VALUES (1, 1, 'Ana')")
        conn.exec_driver_sql(
            "INSERT INTO meetings (id, cohort_id, date) VALUES (1, 1, '2025-01-07')"
        )
        conn.exec_driver_sql(
            "INSERT INTO commitments (id, owner_id, meeting_id, text, target_date) "
            "VALUES (1, 1, 1, 'Old promise', '2025-02-01')"
        )
        conn.exec_driver_sql(
            "INSERT INTO rounds (id, meeting_id, presenter_id, format_name, issue, position) "
            "VALUES (1, 1, 1, 'troika consulting', '', 0)"
        )
        for kind in ("start", "next", "pause"):
            conn.exec_driver_sql(
                f"INSERT INTO phase_log (round_id, kind, at) VALUES (1, '{kind}', 0)"
            )
    old.close()

    store = Store(db_url)
    assert store.revision() == HEAD
    [commitment] = store.commitments()
    assert commitment.text == "Old promise" and commitment.private is False
    assert commitment.levels is None
    assert store.cohort("Old Circle").id == 1
    # The phase changes got their places in the round's log, in the order they were made.
    assert [e.kind.value for e in store.phase_events(1)] == ["start", "next", "pause"]
    store.log_phase_event(1, "resume", 1.0)
    assert store.phase_events(1)[-1].kind.value == "resume"
    # Deleting the round still takes its log with it (the migration kept the cascade).
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM rounds WHERE id = 1")
    assert store.counts()["phase_log"] == 0


def test_a_store_written_by_a_newer_peerkit_is_refused_untouched(store, db_path):
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    store.close()
    before = db_path.read_bytes()
    with pytest.raises(PeerkitError, match="written by a newer peerkit .schema 0099"):
        Store(db_path)
    assert db_path.read_bytes() == before


def test_a_read_command_does_not_create_a_store(tmp_path):
    with pytest.raises(PeerkitError, match="No peerkit store at"):
        Store(tmp_path / "missing.db", create=False)
    assert not (tmp_path / "missing.db").exists()


def test_a_database_that_is_not_a_peerkit_store_is_refused(tmp_path):
    path = tmp_path / "other.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(PeerkitError, match="not a peerkit store"):
        Store(path)


def test_frames_give_each_review_the_target_it_judged(store, cohort):
    c, (ana, *_), first = cohort
    second = store.add_meeting(c.id, "2026-04-07")
    third = store.add_meeting(c.id, "2026-05-05")
    made = store.add_commitment(ana.id, first.id, "Hire a lead", "2026-04-01")
    store.record_review(made.id, second.id, "renegotiated", new_target_date="2026-05-01")
    store.record_review(made.id, third.id, "done")
    reviews = store.frames(c.id)["reviews"]
    assert [str(d.date()) for d in reviews["target_date"]] == ["2026-04-01", "2026-05-01"]
    assert list(reviews["outcome"]) == ["renegotiated", "done"]


def test_ground_rules_acceptance_is_recorded_per_meeting(store, cohort):
    _, (ana, ben, *_), meeting = cohort
    assert store.ground_rules(meeting.id) is None
    store.accept_ground_rules(meeting.id, "What is said here stays here.", [ben.id, ana.id], at=5)
    record = store.ground_rules(meeting.id)
    assert record is not None
    assert record.text == "What is said here stays here."
    assert record.present == (ana.id, ben.id) and record.accepted_at == 5
    store.purge_meeting(meeting.id)
    assert store.counts()["ground_rules"] == 0


def test_everyone_present_marks_only_who_is_not_marked_yet(store, cohort):
    c, (ana, ben, chloe, dev), meeting = cohort
    store.set_attendance(meeting.id, ben.id, "apologies")
    store.member_leaves(dev.id, "2026-02-01")
    assert store.mark_everyone_present(meeting.id) == 2
    marks = store.attendance(meeting.id)
    assert {k: v.value for k, v in marks.items()} == {
        ana.id: "present",
        ben.id: "apologies",  # kept: the exception was marked first
        chloe.id: "present",
    }
    assert store.mark_everyone_present(meeting.id) == 0  # a second click changes nothing


@pytest.mark.parametrize("command", [["score"], ["minutes", "1"], ["members"]])
def test_a_read_command_on_an_empty_file_refuses_and_leaves_it_empty(tmp_path, command):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    result = peerkit(*command, "--db", str(empty), cwd=tmp_path)
    assert result.returncode != 0 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: {empty} is an empty file, not a peerkit store; it was left as it is. Point "
        f"--db at your store, or run `peerkit demo --db {empty}` to make one there."
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]
    assert empty.read_bytes() == b""
