"""Backup and restore: the whole store in one versioned file, round trip byte for byte."""

from __future__ import annotations

import json
import os
import stat

import pytest
from helpers import peerkit

from peerkit.backup import FORMAT, backup, load, restore
from peerkit.model import PeerkitError
from peerkit.store import HEAD, Store


def test_backup_restore_backup_gives_the_identical_file(demo_copy, tmp_path):
    first = tmp_path / "first.json"
    counts = backup(Store(demo_copy), first)
    assert counts["members"] == 12 and counts["advice"] > 100
    restored = Store(tmp_path / "restored.db")
    assert restore(first, restored) == counts
    second = tmp_path / "second.json"
    backup(restored, second)
    assert first.read_bytes() == second.read_bytes()


def test_a_restored_store_works_like_the_original(demo_copy, tmp_path):
    backup(Store(demo_copy), tmp_path / "b.json")
    restored = Store(tmp_path / "r.db")
    restore(tmp_path / "b.json", restored)
    original = Store(demo_copy)
    assert [m.name for m in restored.members()] == [m.name for m in original.members()]
    assert restored.open_commitments(1) == original.open_commitments(1)
    cohort = restored.cohort()
    meeting = restored.add_meeting(cohort.id, "2030-01-07")  # new ids follow the old ones
    assert meeting.id == len(original.meetings()) + 1


def test_the_file_is_documented_json(demo_copy, tmp_path):
    backup(Store(demo_copy), tmp_path / "b.json")
    data = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert data["format"] == FORMAT and data["version"] == 1 and data["schema"] == HEAD
    members = data["tables"]["members"]
    assert members["columns"][:3] == ["id", "cohort_id", "name"]


def test_restore_refuses_a_store_that_holds_data(demo_copy, tmp_path):
    backup(Store(demo_copy), tmp_path / "b.json")
    busy = Store(tmp_path / "busy.db")
    busy.add_cohort("Mine")
    with pytest.raises(PeerkitError, match="not empty"):
        restore(tmp_path / "b.json", busy)
    assert [c.name for c in busy.cohorts()] == ["Mine"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not a readable peerkit backup"),
        ('{"format": "other"}', "not a peerkit backup"),
        ('{"format": "peerkit-backup", "version": 9, "schema": "0003"}', "version 9"),
        ('{"format": "peerkit-backup", "version": 1, "schema": "0099"}', "schema 0099"),
        (
            '{"format": "peerkit-backup", "version": 1, "schema": "0003", "tables": {"x": {}}}',
            "tables this peerkit does not know",
        ),
    ],
)
def test_a_bad_backup_file_says_why(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PeerkitError, match=message):
        load(path)


def test_an_inconsistent_backup_restores_nothing(demo_copy, tmp_path):
    backup(Store(demo_copy), tmp_path / "b.json")
    data = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    data["tables"]["advice"]["rows"][0][1] = 99999  # advice for a round that does not exist
    (tmp_path / "broken.json").write_text(json.dumps(data), encoding="utf-8")
    target = Store(tmp_path / "t.db")
    with pytest.raises(PeerkitError, match="inconsistent"):
        restore(tmp_path / "broken.json", target)
    assert listing(tmp_path) == ["b.json", "broken.json"]  # the store it made is gone too


def _broken_backup(demo_copy, tmp_path, change):
    backup(Store(demo_copy), tmp_path / "b.json")
    data = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    change(data["tables"])
    (tmp_path / "broken.json").write_text(json.dumps(data), encoding="utf-8")
    return tmp_path / "broken.json"


def test_peerkit_restore_of_a_day_that_does_not_exist_is_one_sentence_and_makes_nothing(
    demo_copy, tmp_path
):
    def impossible_day(tables):
        column = tables["meetings"]["columns"].index("date")
        tables["meetings"]["rows"][0][column] = "2024-02-30"

    broken = _broken_backup(demo_copy, tmp_path, impossible_day)
    result = peerkit("restore", str(broken), "--db", str(tmp_path / "new.db"), cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: {broken}: row 1 of table meetings has '2024-02-30' as its date, which is not "
        "a day of the calendar (YYYY-MM-DD). Nothing was restored."
    ]
    assert listing(tmp_path) == ["b.json", "broken.json"]


@pytest.mark.parametrize("there_before", [False, True], ids=["no-file", "empty-file"])
def test_a_failed_peerkit_restore_leaves_no_store_behind(demo_copy, tmp_path, there_before):
    def nowhere(tables):
        tables["advice"]["rows"][0][1] = 99999  # advice for a round that does not exist

    broken = _broken_backup(demo_copy, tmp_path, nowhere)
    target = tmp_path / "new.db"
    if there_before:
        target.write_bytes(b"")
    result = peerkit("restore", str(broken), "--db", str(target), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "Error: The backup is inconsistent and was not restored: it refers to something that "
        "does not exist."
    ]
    expected = ["b.json", "broken.json"] + (["new.db"] if there_before else [])
    assert listing(tmp_path) == expected
    if there_before:
        assert target.read_bytes() == b""  # as it was


# -- writing the file: atomic, private, and nothing left behind ------------------------------


def listing(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_backup_leaves_exactly_the_target_file_readable_by_its_owner(demo_copy, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    backup(Store(demo_copy), out / "b.json")
    first = (out / "b.json").read_bytes()
    backup(Store(demo_copy), out / "b.json")  # over an old backup: replaced whole
    assert listing(out) == ["b.json"]
    assert (out / "b.json").read_bytes() == first
    assert stat.S_IMODE((out / "b.json").stat().st_mode) == 0o600


def test_a_backup_to_a_folder_says_so_and_leaves_the_folder_as_it_was(demo_copy, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(PeerkitError) as info:
        backup(Store(demo_copy), out)
    assert str(info.value) == f"{out} is a folder: give a file name."
    assert listing(out) == ["notes.txt"]
    assert listing(tmp_path) == ["out"]


def test_peerkit_backup_to_a_folder_is_one_line_and_writes_nothing(demo_copy, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    result = peerkit("backup", "--db", str(demo_copy), "-o", str(out), cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [f"Error: {out} is a folder: give a file name."]
    assert listing(out) == [] and listing(tmp_path) == ["out"]


def test_a_backup_into_a_missing_folder_is_named(demo_copy, tmp_path):
    with pytest.raises(PeerkitError) as info:
        backup(Store(demo_copy), tmp_path / "no" / "b.json")
    assert str(info.value) == f"Folder {tmp_path / 'no'} does not exist: create it first."
    assert listing(tmp_path) == []


@pytest.mark.parametrize(
    ("step", "error"),
    [("replace", OSError("No space left on device")), ("fsync", KeyboardInterrupt())],
    ids=["rename-fails", "interrupted-while-writing"],
)
def test_a_failure_mid_write_leaves_no_file_behind(demo_copy, tmp_path, monkeypatch, step, error):
    out = tmp_path / "out"
    out.mkdir()

    def fail(*args, **kwargs):
        raise error

    store = Store(demo_copy)
    monkeypatch.setattr(os, step, fail)
    with pytest.raises(type(error)):
        backup(store, out / "b.json")
    monkeypatch.undo()
    assert listing(out) == []


def test_a_failed_backup_keeps_the_old_file_whole(demo_copy, tmp_path, monkeypatch):
    (tmp_path / "b.json").write_text("the old backup", encoding="utf-8")

    def fail(*args, **kwargs):
        raise OSError("No space left on device")

    store = Store(demo_copy)
    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError):
        backup(store, tmp_path / "b.json")
    monkeypatch.undo()
    assert listing(tmp_path) == ["b.json"]
    assert (tmp_path / "b.json").read_text(encoding="utf-8") == "the old backup"
