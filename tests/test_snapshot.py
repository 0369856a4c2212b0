"""One read per refresh: the snapshot a screen draws from, its cost independent of the store's
size, and followers that wake only for their own cohort."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from peerkit import live
from peerkit.formats import load_formats
from peerkit.meeting import RoundClock, meeting_budget
from peerkit.store import Store, Work
from peerkit.widgets.checkin import due_items

FORMATS = load_formats()
FORMAT = "troika consulting" if "troika consulting" in FORMATS else next(iter(FORMATS))
NOW = 1_800_000_000.0
NAMES = ("Ana", "Ben", "Chloe", "Dev", "Eve")


def our_meeting(store: Store) -> tuple[int, int]:
    """A cohort with an earlier meeting (everyone presented; commitments still open, one
    renegotiated) and a meeting under way: attendance, ground rules, three rounds (the first
    running, with advice and a commitment), a parking-lot item. Returns (cohort, meeting)."""
    cohort = store.add_cohort("Here")
    people = [store.add_member(cohort.id, name) for name in NAMES]
    earlier = store.add_meeting(cohort.id, "2026-02-03", next_date="2026-03-03")
    for person in people:
        store.add_round(earlier.id, person.id, FORMAT, issue=f"{person.name}'s issue")
    due = store.add_commitment(people[0].id, earlier.id, "Hire a lead", "2026-03-01")
    store.add_commitment(people[1].id, earlier.id, "Write the plan", "2026-04-01")
    moved = store.add_commitment(people[2].id, earlier.id, "Ship it", "2026-02-20")
    store.record_review(
        moved.id, earlier.id, "renegotiated", new_target_date="2026-03-02", note="later"
    )
    done = store.add_commitment(people[3].id, earlier.id, "Call Ben", "2026-02-10")
    store.record_review(done.id, earlier.id, "done")

    meeting = store.add_meeting(cohort.id, "2026-03-03", planned_minutes=120)
    for person in people[:4]:
        store.set_attendance(meeting.id, person.id, "present")
    store.set_attendance(meeting.id, people[4].id, "apologies")
    store.accept_ground_rules(meeting.id, "Confidentiality", [p.id for p in people[:4]], at=NOW)
    rounds = [store.add_round(meeting.id, p.id, FORMAT, issue="An issue") for p in people[:3]]
    RoundClock(store, rounds[0].id, FORMATS[FORMAT], clock=lambda: NOW - 300).start()
    live.put_on_screen(store, cohort.id, round_id=rounds[0].id, formats=FORMATS)
    store.add_advice(rounds[0].id, "Try a pilot", giver_id=people[1].id, at=NOW - 100)
    store.add_advice(rounds[0].id, "Ask the board", at=NOW - 50)
    store.add_commitment(
        people[0].id, meeting.id, "Run the pilot", "2026-04-01", round_id=rounds[0].id
    )
    store.add_parking(meeting.id, "Budget for next year")
    store.record_review(due.id, meeting.id, "partial")
    return cohort.id, meeting.id


def measured(store: Store, cohort_id: int, meeting_id: int) -> tuple[live.Snapshot, Work, Work]:
    """The snapshot and what it cost; and what one check-in draw costs."""
    with store.counting() as work:
        snap = live.snapshot(store, cohort_id, meeting_id, formats=FORMATS, now=NOW)
    with store.counting() as checkin:
        due_items(store, meeting_id)
    return snap, work, checkin


def test_the_snapshot_holds_what_each_read_gives(store: Store) -> None:
    """The intended use: the console draws every panel from one snapshot instead of reading the
    store panel by panel; it holds exactly what those reads give."""
    cohort_id, meeting_id = our_meeting(store)
    snap = live.snapshot(store, cohort_id, meeting_id, formats=FORMATS, now=NOW)
    meeting = store.meeting(meeting_id)

    assert snap.where == live.on_screen(store, cohort_id, meeting_id, formats=FORMATS)
    assert snap.meeting == meeting and snap.screen == store.screen(cohort_id)
    assert snap.round is not None and snap.statuses[snap.round.id].value == "running"
    assert snap.view == live.round_view(store, snap.round, FORMATS, NOW)
    assert snap.view is not None and snap.view.presenter == "Ana"
    assert list(snap.members.values()) == store.members(cohort_id)
    assert list(snap.present) == live.present_members(store, meeting)
    assert [m.name for m in snap.present] == ["Ana", "Ben", "Chloe", "Dev"]
    assert snap.attendance == store.attendance(meeting_id)
    assert list(snap.advice) == store.advice(snap.round.id)
    assert list(snap.commitments) == store.commitments(meeting_id=meeting_id)
    assert [c.text for c in snap.round_commitments(snap.round.id)] == ["Run the pilot"]
    assert list(snap.parking) == store.parking(meeting_id)
    assert snap.ground_rules == store.ground_rules(meeting_id)
    assert snap.last_presented == live.last_presented(store, cohort_id, meeting.date)
    assert list(snap.suggestions) == live.suggested_queue(store, meeting)
    assert [m.name for m, _ in snap.suggestions] == ["Dev"]
    assert snap.open_counts == live.open_count(store, cohort_id)
    assert snap.budget == meeting_budget(store, meeting_id, FORMATS, NOW)
    ana = store.find_member(cohort_id, "Ana")
    assert snap.commitment_warning(ana.id) == live.commitment_warning(store, cohort_id, ana)


def test_the_snapshot_on_the_demo_store(demo_db: Path) -> None:
    """The demo cohort's latest meeting, as a console opening it would draw it."""
    with Store(demo_db, create=False) as store:
        cohort = store.cohort()
        meeting_id = live.meeting_to_open(store, cohort.id, dt.date(2026, 11, 21), FORMATS)
        snap = live.snapshot(store, cohort.id, meeting_id, formats=FORMATS, now=NOW)
        assert snap.meeting is not None and snap.meeting.id == meeting_id
        assert snap.meetings == tuple(store.meetings(cohort.id))
        assert snap.rounds and all(snap.statuses[r.id].value == "finished" for r in snap.rounds)
        assert snap.open_counts == live.open_count(store, cohort.id)
        assert list(snap.present) == live.present_members(store, snap.meeting)
        assert snap.budget == meeting_budget(store, snap.meeting.id, FORMATS, NOW)


def test_no_meeting_yet(store: Store) -> None:
    cohort = store.add_cohort("Empty")
    snap = live.snapshot(store, cohort.id, formats=FORMATS, now=NOW)
    assert snap.meeting is None and snap.where.missing is None and snap.view is None
    gone = live.snapshot(store, cohort.id, 999, formats=FORMATS, now=NOW)
    assert gone.meeting is None and gone.where.missing == 999


# -- the cost of a redraw does not grow with the store ---------------------------------------


def add_unrelated(store: Store, cohort_id: int, members: list[int]) -> int:
    """Lots of data the meeting has nothing to do with: 20 other cohorts with a year of
    meetings, rounds, phase logs, advice, commitments and reviews; and ten old meetings of this
    cohort (rounds by its members, commitments all reviewed as done). Returns how many meetings
    of this cohort were added."""
    ids = dict(cohort=1000, member=1000, meeting=1000, round=1000, commitment=1000)
    rows: dict[str, list[dict[str, Any]]] = {
        name: []
        for name in (
            "cohorts",
            "members",
            "meetings",
            "rounds",
            "phase_log",
            "advice",
            "commitments",
            "reviews",
        )
    }

    def next_id(kind: str) -> int:
        ids[kind] += 1
        return ids[kind]

    def year(cohort: int, people: list[int], first: dt.date, count: int) -> None:
        for n in range(count):
            day = first + dt.timedelta(days=28 * n)
            meeting = next_id("meeting")
            rows["meetings"].append({"id": meeting, "cohort_id": cohort, "date": day})
            for person in people:
                rnd = next_id("round")
                rows["rounds"].append(
                    {
                        "id": rnd,
                        "meeting_id": meeting,
                        "presenter_id": person,
                        "format_name": FORMAT,
                    }
                )
                rows["phase_log"].append({"round_id": rnd, "kind": "start", "at": NOW, "seq": 0})
                rows["advice"].append(
                    {
                        "round_id": rnd,
                        "giver_id": person,
                        "kind": "suggestion",
                        "text": "x",
                        "at": NOW,
                    }
                )
                commitment = next_id("commitment")
                rows["commitments"].append(
                    {
                        "id": commitment,
                        "owner_id": person,
                        "meeting_id": meeting,
                        "round_id": rnd,
                        "text": "y",
                        "target_date": day + dt.timedelta(days=20),
                    }
                )
                rows["reviews"].append(
                    {"commitment_id": commitment, "meeting_id": meeting, "outcome": "done"}
                )

    for _ in range(20):
        cohort = next_id("cohort")
        rows["cohorts"].append({"id": cohort, "name": f"Other {cohort}"})
        people = []
        for n in range(8):
            member = next_id("member")
            rows["members"].append({"id": member, "cohort_id": cohort, "name": f"P{n}"})
            people.append(member)
        year(cohort, people, dt.date(2026, 1, 6), 12)
    old_meetings = 10
    year(cohort_id, members, dt.date(2024, 1, 9), old_meetings)
    for table, table_rows in rows.items():
        store.bulk_insert(table, table_rows)
    return old_meetings


def test_a_redraw_costs_the_same_on_a_small_and_a_large_store(tmp_path: Path) -> None:
    """The same meeting, alone in its store and among 20 other cohorts' years and ten old
    meetings of its own: the snapshot and the check-in run the same statements and read the
    same rows, except the cohort's list of meetings (the Meeting box), longer by those ten."""
    costs = []
    for name, crowded in (("small", False), ("large", True)):
        with Store(tmp_path / f"{name}.db") as store:
            cohort_id, meeting_id = our_meeting(store)
            if crowded:
                members = [m.id for m in store.members(cohort_id)]
                added = add_unrelated(store, cohort_id, members)
                assert store.counts()["reviews"] > 1900
            costs.append(measured(store, cohort_id, meeting_id))
    (small, small_work, small_checkin), (large, large_work, large_checkin) = costs
    assert small_work.statements == large_work.statements
    # 14: the open commitments, then their renegotiations (the one rule of the target in force)
    assert large_work.queries <= 16
    lists = [
        i
        for i, sql in enumerate(small_work.statements)
        if sql.startswith("SELECT meetings.") and "ORDER BY meetings.date" in sql
    ]
    assert len(lists) == 1
    pairs = zip(small_work.rows, large_work.rows, strict=True)
    differs = [i for i, (a, b) in enumerate(pairs) if a != b]
    assert differs == lists
    assert large_work.rows[lists[0]] - small_work.rows[lists[0]] == added
    assert small_checkin.statements == large_checkin.statements
    assert small_checkin.rows == large_checkin.rows
    # And what was read is the same meeting.
    assert small.view is not None and large.view is not None
    assert small.view.state == large.view.state
    assert [a.text for a in small.advice] == [a.text for a in large.advice]
    assert small.open_counts.values() and sorted(small.open_counts.values()) == sorted(
        large.open_counts.values()
    )


@pytest.mark.slow
def test_every_read_of_a_redraw_goes_by_an_index(tmp_path: Path) -> None:
    """SQLite's plan of each statement of a snapshot and a check-in: no table is scanned
    whole (which would make the redraw's time grow with the store even when its rows do not)."""
    with Store(tmp_path / "plans.db") as store:
        cohort_id, meeting_id = our_meeting(store)
        _, work, checkin = measured(store, cohort_id, meeting_id)
    raw = sqlite3.connect(tmp_path / "plans.db")
    scans = []
    for sql, parameters in zip(
        work.statements + checkin.statements, work.parameters + checkin.parameters, strict=True
    ):
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        plan = [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)]
        scans += [
            (step, sql)
            for step in plan
            if re.fullmatch(r"SCAN \w+", step)  # a table or its alias, whole, without index
        ]
    raw.close()
    assert scans == []


# -- following: only the cohort's own commits wake a screen ----------------------------------


def test_a_commit_in_another_cohort_does_not_wake_a_follower(db_path: Path) -> None:
    with Store(db_path) as store:
        mine, other = store.add_cohort("Mine"), store.add_cohort("Other")
        me = store.add_member(mine.id, "Ana")
        look = store.watcher(mine.id)
        everything = store.watcher()
        with Store(db_path) as window:
            window.add_member(other.id, "Zed")
            assert look() is False
            assert everything() is True
            meeting = window.add_meeting(mine.id, "2026-03-03")
            assert look() is True
            assert look() is False  # nothing since
            window.set_attendance(meeting.id, me.id, "present")  # a row found through its meeting
            assert look() is True
            other_meeting = window.add_meeting(other.id, "2026-03-03")
            window.purge_meeting(other_meeting.id)
            assert look() is False


def test_every_table_of_a_cohort_counts_its_changes(db_path: Path) -> None:
    """Each table whose rows belong to a cohort has its three counting triggers (a later batch
    migration that rebuilds a table must make them again)."""
    from importlib import import_module

    bounded = import_module("peerkit.store.migrations.versions.0008_bounded_reads")
    members_take_part = import_module("peerkit.store.migrations.versions.0010_members_take_part")
    from peerkit.store import schema

    Store(db_path).close()
    raw = sqlite3.connect(db_path)
    triggers = {
        (table, name)
        for table, name in raw.execute(
            "SELECT tbl_name, name FROM sqlite_master WHERE type='trigger'"
        )
    }
    raw.close()
    covered = {table for table, _ in triggers}
    cohort_tables = {
        table.name
        for table in schema.metadata.sorted_tables
        if table.name not in ("exports", "cohort_changes")
    }
    assert covered == cohort_tables == set(bounded.COHORT_OF) | set(members_take_part.COHORT_OF)
    assert len(triggers) == 3 * len(cohort_tables)


@pytest.mark.parametrize("sizes", [(0,), (3,)])
def test_counting_counts_rows_as_returned(store: Store, sizes: tuple[int]) -> None:
    cohort = store.add_cohort("Count")
    for n in range(sizes[0]):
        store.add_member(cohort.id, f"M{n}")
    with store.counting() as work:
        store.members(cohort.id)
    assert work.queries == 1 and work.rows_read == sizes[0]
