"""Faults a meeting must survive: the database restarted mid-meeting, a read-only or full disk
under the SQLite file. (A writer killed with kill -9 is in test_store.py, on both backends.)"""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import PATIENCE_S, peerkit, until, wait_until

from peerkit.model import PeerkitError
from peerkit.store import Store
from peerkit.widgets.console import ANONYMOUS, Console

pytestmark = pytest.mark.slow


def _meeting(store: Store) -> tuple:
    c = store.add_cohort("Fault Circle")
    people = [store.add_member(c.id, n) for n in ("Ana", "Ben", "Chloe")]
    meeting = store.add_meeting(c.id, "2026-03-03", planned_minutes=120)
    rnd = store.add_round(meeting.id, people[0].id, "troika consulting", issue="Pricing")
    store.set_screen(c.id, meeting_id=meeting.id, round_id=rnd.id)
    return c, people, meeting, rnd


# -- the database server restarted in the middle of a meeting ---------------------------------


@pytest.mark.postgres
def test_writes_during_a_database_restart_are_all_kept(pg_cluster, pg_url):
    store = Store(pg_url)
    _, people, _, rnd = _meeting(store)
    saved: dict[str, int] = {}
    told: list[str] = []
    stop = threading.Event()

    def scribe() -> None:
        """Type advice without pause; a failed save stays in the box and is saved again (until
        the test is over, or has given up)."""
        i = 0
        deadline = time.monotonic() + 2 * PATIENCE_S
        while (not stop.is_set() or len(saved) < i) and time.monotonic() < deadline:
            text = f"advice {i}"
            try:
                saved[text] = store.add_advice(rnd.id, text, giver_id=people[1].id).id
                i += 1
            except PeerkitError as exc:
                told.append(str(exc))
                if "may not have been saved" in str(exc):  # as the message says: check first
                    mine = [a for a in Store(pg_url).advice(rnd.id) if a.text == text]
                    if mine:
                        saved[text] = mine[0].id
                        i += 1

    writer = threading.Thread(target=scribe, daemon=True)
    writer.start()
    try:
        wait_until(lambda: len(saved) >= 50 or not writer.is_alive(), "50 pieces of advice saved")
        pg_cluster.restart()
        at_restart = len(saved)
        wait_until(
            lambda: len(saved) >= at_restart + 50 or not writer.is_alive(),
            "50 more pieces of advice saved after the restart",
        )
        assert writer.is_alive(), f"the writer stopped early; it was told: {told}"
    finally:
        stop.set()
        writer.join(PATIENCE_S)
    assert not writer.is_alive(), f"the writer never finished its last save; told: {told[-3:]}"

    texts = [a.text for a in Store(pg_url).advice(rnd.id)]
    print("\n".join(told))
    assert sorted(texts) == sorted(saved)  # every entry once: none lost, none doubled
    assert store.reconnected_at is not None  # the store noticed the outage and came back
    for message in told:
        assert "not answering" in message or "may not have been saved" in message


@pytest.mark.postgres
def test_the_console_says_the_database_went_away_and_came_back(pg_cluster, pg_url, clock):
    store = Store(pg_url)
    c, _, meeting, rnd = _meeting(store)

    async def meeting_with_an_outage() -> None:
        console = Console(store, c, clock=clock, meeting_id=meeting.id)
        assert console._follower is not None  # following on the kernel's event loop
        console.round_buttons["start"].click()
        assert console.timer.phase == "Share"
        await asyncio.to_thread(pg_cluster.stop)
        await until(lambda: "not answering" in console.link.value, "the outage shown")
        assert "role='alert'" in console.link.value and "not answering" in console.link.value

        # Typed during the outage: refused with a clear message, and kept in the box.
        console.giver.value = ANONYMOUS
        console.advice_entry.value = "Ask the client what they would pay"
        assert not console.advice_entry.submit()
        assert console.advice_entry.value == "Ask the client what they would pay"
        assert "not answering" in console.advice_entry.error

        await asyncio.to_thread(pg_cluster.start)
        await until(lambda: "Reconnected" in console.link.value, "the reconnection shown")
        assert "Reconnected to the database" in console.link.value
        assert "role='status'" in console.link.value
        assert console.advice_entry.submit()  # Enter again: saved now
        assert console.advice_entry.value == ""
        console._follower.cancel()

    asyncio.run(meeting_with_an_outage())
    assert [a.text for a in Store(pg_url).advice(rnd.id)] == ["Ask the client what they would pay"]
    assert [e.kind.value for e in store.phase_events(rnd.id)] == ["start"]


@pytest.mark.postgres
def test_advice_whose_commit_was_cut_off_is_checked_and_saved_once(pg_url):
    import psycopg

    store = Store(pg_url)
    _, _, _, rnd = _meeting(store)
    with psycopg.connect(pg_url, autocommit=True) as admin:
        # Hold this one entry's commit for 2 s (a deferred trigger runs inside COMMIT)...
        admin.execute(
            "CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN PERFORM pg_sleep(2); RETURN NULL; END $$"
        )
        admin.execute(
            "CREATE CONSTRAINT TRIGGER slow AFTER INSERT ON advice DEFERRABLE INITIALLY "
            "DEFERRED FOR EACH ROW WHEN (NEW.text = 'cut off') EXECUTE FUNCTION slow_commit()"
        )

        def sleeping_commit() -> list[tuple]:
            return admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE wait_event = 'PgSleep' "
                "AND pid <> pg_backend_pid()"
            ).fetchall()

        returned = threading.Event()

        def cut_the_connection() -> None:
            """...and cut the connection while it is committing, once (or give up when the
            save returned without being cut: the assertions below then say so)."""
            deadline = time.monotonic() + PATIENCE_S
            while not returned.is_set() and time.monotonic() < deadline:
                found = sleeping_commit()
                if found:
                    admin.execute("SELECT pg_terminate_backend(%s)", (found[0][0],))
                    return
                time.sleep(0.02)

        killer = threading.Thread(target=cut_the_connection, daemon=True)
        killer.start()
        try:
            saved = store.add_advice(rnd.id, "cut off")
        finally:
            returned.set()
            killer.join(PATIENCE_S)
    assert store.reconnected_at is not None  # the connection really was cut
    assert [a.text for a in store.advice(rnd.id)] == ["cut off"]  # saved, and only once
    assert saved.text == "cut off"


# -- a read-only or full disk under the SQLite file --------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 2 MB disk (tmpfs) of the test's own."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small disk needs root (CI runs as root)")
    disk = tmp_path / "disk"
    disk.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)], capture_output=True
    )
    if done.returncode:
        pytest.skip(f"cannot mount a small disk here: {done.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_full_disk_says_so_and_nothing_is_half_written(small_disk):
    store = Store(small_disk / "peerkit.db")
    _, _, _, rnd = _meeting(store)
    kept = [store.add_advice(rnd.id, f"advice {i}").id for i in range(20)]
    filler = small_disk / "filler"
    with filler.open("wb") as f, pytest.raises(OSError):
        for _ in range(64):  # 4 MB, twice the disk: it fills before
            f.write(b"\0" * 65536)
            f.flush()
    before = store.counts()
    with pytest.raises(PeerkitError) as told:
        for _ in range(1000):
            store.add_advice(rnd.id, "a long piece of advice " * 150)
            before = store.counts()
    assert "the disk holding" in str(told.value) and "is full" in str(told.value)
    assert "Nothing was half-written" in str(told.value)
    assert store.counts() == before
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    assert set(kept) <= {a.id for a in store.advice(rnd.id)}
    filler.unlink()  # space freed: the same advice saves
    store.add_advice(rnd.id, "after the disk was freed")
    assert store.advice(rnd.id)[-1].text == "after the disk was freed"


def test_a_store_on_a_read_only_disk_says_so_and_is_left_as_it_was(small_disk, tmp_path):
    with Store(small_disk / "peerkit.db") as store:
        _, _, _, rnd = _meeting(store)
        store.add_advice(rnd.id, "said before")
    before = (small_disk / "peerkit.db").read_bytes()
    view = tmp_path / "read-only"
    view.mkdir()
    subprocess.run(["mount", "--bind", str(small_disk), str(view)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True)
        with pytest.raises(PeerkitError, match="read-only") as told:
            Store(view / "peerkit.db").add_advice(rnd.id, "said during")
        assert str(view / "peerkit.db") in str(told.value)
        cli = peerkit("members", "--db", str(view / "peerkit.db"))
        assert cli.returncode != 0 and "read-only" in cli.stderr
        assert "Traceback" not in cli.stderr and len(cli.stderr.strip().splitlines()) == 1
    finally:
        subprocess.run(["umount", "-l", str(view)], check=False)
    assert (small_disk / "peerkit.db").read_bytes() == before
