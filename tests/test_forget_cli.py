"""`peerkit purge` and `peerkit redact`: they show what will change, ask, and really forget."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import peerkit, sqlite_bytes

from peerkit.store import Store

SECRET = "MARMALADE-QUASAR-42"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "peerkit.db"
    with Store(path) as store:
        c = store.add_cohort("Circle")
        ana = store.add_member(c.id, "Ana Lopez", email="ana@example.org")
        ben = store.add_member(c.id, "Ben Okafor")
        meeting = store.add_meeting(c.id, "2026-03-03", place="Room 2")
        store.add_meeting(c.id, "2026-04-07")
        rnd = store.add_round(meeting.id, ana.id, "troika consulting", issue=f"{SECRET} issue")
        store.add_advice(rnd.id, f"{SECRET}: as Ana Lopez said", giver_id=ben.id)
        store.add_commitment(ana.id, meeting.id, "Call Ben Okafor", "2026-04-01")
        store.member_leaves(ben.id, "2026-04-01")
    return path


def _answer(*args: str, stdin: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    code = "from peerkit.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], input=stdin, capture_output=True, text=True, cwd=cwd
    )


def test_purge_shows_what_goes_and_changes_nothing_when_you_say_no(db):
    done = _answer("purge", "2026-03-03", "--db", str(db), stdin="n\n", cwd=db.parent)
    assert done.returncode == 1
    assert "1 rounds, 1 pieces of advice, 1 commitments" in done.stdout
    assert done.stderr.strip() == "Aborted: nothing was changed."
    with Store(db) as store:
        assert len(store.meetings()) == 2


@pytest.mark.slow
def test_purge_yes_forgets_the_meeting_and_names_the_files_that_still_hold_it(db):
    minutes = peerkit("minutes", "2026-03-03", "--db", str(db), "--to", "md", cwd=db.parent)
    assert minutes.returncode == 0, minutes.stderr
    written = db.parent / "minutes-2026-03-03.md"
    assert SECRET in written.read_text()
    done = peerkit("purge", "2026-03-03", "--db", str(db), "--yes", cwd=db.parent)
    assert done.returncode == 0, done.stderr
    assert "Purged the meeting of 2026-03-03" in done.stdout
    assert str(written) in done.stdout and "Kept them" in done.stdout
    assert written.exists()  # --yes alone keeps files; --delete-files deletes them
    raw = sqlite_bytes(db)
    assert SECRET.encode() not in raw


@pytest.mark.slow
def test_purge_can_delete_the_files_it_names(db):
    peerkit("minutes", "2026-03-03", "--db", str(db), "--to", "md", "--ics", cwd=db.parent)
    peerkit("backup", "--db", str(db), "-o", str(db.parent / "b.json"))
    done = peerkit("purge", "2026-03-03", "--db", str(db), "--yes", "--delete-files", cwd=db.parent)
    assert done.returncode == 0, done.stderr
    assert "Deleted 3 files." in done.stdout
    assert sorted(p.name for p in db.parent.iterdir() if not p.name.startswith("peerkit.db")) == []


@pytest.mark.slow
def test_redact_shows_the_count_asks_and_replaces(db):
    done = _answer("redact", "Ben Okafor", "--db", str(db), stdin="y\n", cwd=db.parent)
    assert done.returncode == 0, done.stderr
    assert "1 mention in the cohort's texts" in done.stdout
    assert "Ben Okafor is now Former member 2" in done.stdout
    with Store(db) as store:
        assert store.commitments()[0].text == "Call Former member 2"
    again = peerkit("redact", "2", "--db", str(db), "--yes")
    assert again.returncode == 1
    assert again.stderr.strip() == "Error: Former member 2 is already redacted: nothing to do."


@pytest.mark.slow
def test_an_unknown_member_or_meeting_is_one_line(db):
    for args in (("redact", "Zed"), ("purge", "2030-01-01")):
        done = peerkit(*args, "--db", str(db), "--yes")
        assert done.returncode == 1
        assert len(done.stderr.strip().splitlines()) == 1
    with Store(db) as store:
        assert len(store.meetings()) == 2 and not any(m.redacted for m in store.members())


def test_a_backup_says_it_holds_private_text(db, tmp_path):
    with Store(db) as store:
        meeting = store.meetings()[0]
        store.add_round(meeting.id, 1, "troika consulting", issue="mine", private=True)
    done = peerkit("backup", "--db", str(db), "-o", str(tmp_path / "b.json"))
    assert "It holds 1 private item kept for the facilitator" in done.stdout
