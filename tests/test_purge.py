"""A purged meeting is gone from the database's own files the moment the purge returns."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from helpers import files_holding, sqlite_bytes, wait_until

from peerkit import minutes
from peerkit.store import Store

SECRET = "ZEBRA-OCTOPUS-7731"


def _said_in_a_meeting(store: Store) -> tuple[int, int]:
    c = store.add_cohort("Purge Circle")
    ana, ben = (store.add_member(c.id, n) for n in ("Ana", "Ben"))
    meeting = store.add_meeting(c.id, "2026-03-03", place=f"{SECRET} place")
    keep = store.add_meeting(c.id, "2026-04-07", place="kept")
    rnd = store.add_round(meeting.id, ana.id, "troika consulting", issue=f"{SECRET} issue")
    for i in range(40):  # enough rows to spread over several pages
        store.add_advice(rnd.id, f"{SECRET} advice {i} " + "x" * 200, giver_id=ben.id)
    pledge = store.add_commitment(ana.id, meeting.id, f"{SECRET} pledge", "2026-04-01")
    store.record_review(pledge.id, keep.id, "done", note=f"{SECRET} note")
    store.add_parking(meeting.id, f"{SECRET} parked")
    store.accept_ground_rules(meeting.id, f"{SECRET} rules", [ana.id])
    return meeting.id, keep.id


def test_purge_counts_what_it_deletes_and_keeps_the_other_meetings(store):
    meeting_id, keep_id = _said_in_a_meeting(store)
    done = store.purge_meeting(meeting_id)
    assert done.removed == {
        "rounds": 1,
        "advice": 40,
        "commitments": 1,
        "reviews": 1,
        "parking": 1,
        "attendance": 0,
    }
    assert done.still_held == ()
    assert [m.id for m in store.meetings()] == [keep_id]


@pytest.mark.slow
def test_sqlite_purge_under_a_concurrent_reader_leaves_no_copy(db_path):
    store = Store(db_path)
    meeting_id, _ = _said_in_a_meeting(store)
    stop = threading.Event()
    reads = []

    def reader() -> None:  # another window following the store, reading all the time
        conn = sqlite3.connect(db_path)
        while not stop.is_set():
            conn.execute("BEGIN")
            reads.append(conn.execute("SELECT count(*) FROM advice").fetchone()[0])
            stop.wait(0.02)  # holds its snapshot a moment, as a redraw does
            conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        wait_until(lambda: reads or not thread.is_alive(), "the other window's first read")
        assert reads, "the other window could not read the store"
        done = store.purge_meeting(meeting_id)
        raw = sqlite_bytes(db_path)  # read while the reader still runs
    finally:
        stop.set()
        thread.join()
    assert done.still_held == ()
    assert SECRET.encode() not in raw
    store.close()


def test_sqlite_purge_says_so_when_a_reader_never_lets_go(db_path, monkeypatch):
    from peerkit.store import connection

    monkeypatch.setattr(connection, "FORGET_WAIT", 0.2)
    store = Store(db_path)
    meeting_id, _ = _said_in_a_meeting(store)
    conn = sqlite3.connect(db_path, timeout=0.1)
    conn.execute("BEGIN")
    conn.execute("SELECT count(*) FROM advice").fetchone()  # a snapshot held open
    store.engine.dispose()
    with store.engine.connect() as c:
        c.exec_driver_sql("PRAGMA busy_timeout=100")
    done = store.purge_meeting(meeting_id)
    assert done.still_held and "still holds copies" in done.still_held[0]
    conn.close()
    store.close()


@pytest.mark.postgres
def test_postgres_purge_leaves_no_copy_in_the_data_directory_or_pg_wal(pg_cluster, pg_url):
    store = Store(pg_url)
    meeting_id, _ = _said_in_a_meeting(store)
    # Make the rows reach the table files and the log first, as a real meeting would.
    pg_cluster.sql("CHECKPOINT")
    assert files_holding(pg_cluster.data, SECRET), "the test's text never reached the disk"
    done = store.purge_meeting(meeting_id)
    store.close()
    assert done.still_held == ()
    holders = files_holding(pg_cluster.data, SECRET)
    assert holders == [], f"still in {holders}"


@pytest.mark.postgres
def test_postgres_purge_says_what_the_server_keeps_when_it_recycles_wal(pg_cluster, pg_url):
    pg_cluster.sql("ALTER SYSTEM SET wal_recycle = on")
    pg_cluster.sql("SELECT pg_reload_conf()")
    try:
        store = Store(pg_url)
        meeting_id, _ = _said_in_a_meeting(store)
        done = store.purge_meeting(meeting_id)
        store.close()
    finally:
        pg_cluster.sql("ALTER SYSTEM RESET wal_recycle")
        pg_cluster.sql("SELECT pg_reload_conf()")
    assert any("wal_recycle = on" in note for note in done.still_held)


def test_purge_names_the_files_written_earlier_that_still_hold_it(store, tmp_path):
    meeting_id, keep_id = _said_in_a_meeting(store)
    written = minutes.export(store, meeting_id, "md", tmp_path / "m.md", ics=True)
    other = minutes.export(store, keep_id, "md", tmp_path / "other.md")
    done = store.purge_meeting(meeting_id)
    assert [e.path for e in done.files] == [written.path.resolve(), written.ics_path.resolve()]
    assert other.path.exists()
