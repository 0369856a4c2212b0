"""Backup and restore: the whole store in one versioned file, round trip byte for byte."""

from __future__ import annotations

import json

import pytest

from peerkit.backup import FORMAT, backup, load, restore
from peerkit.model import PeerkitError
from peerkit.store import HEAD, Store


def test_backup_restore_backup_gives_the_identical_file(demo_db, tmp_path):
    first = tmp_path / "first.json"
    counts = backup(Store(demo_db), first)
    assert counts["members"] == 12 and counts["advice"] > 100
    restored = Store(tmp_path / "restored.db")
    assert restore(first, restored) == counts
    second = tmp_path / "second.json"
    backup(restored, second)
    assert first.read_bytes() == second.read_bytes()


def test_a_restored_store_works_like_the_original(demo_db, tmp_path):
    backup(Store(demo_db), tmp_path / "b.json")
    restored = Store(tmp_path / "r.db")
    restore(tmp_path / "b.json", restored)
    original = Store(demo_db)
    assert [m.name for m in restored.members()] == [m.name for m in original.members()]
    assert restored.open_commitments(1) == original.open_commitments(1)
    cohort = restored.cohort()
    meeting = restored.add_meeting(cohort.id, "2030-01-07")  # new ids follow the old ones
    assert meeting.id == len(original.meetings()) + 1


def test_the_file_is_documented_json(demo_db, tmp_path):
    backup(Store(demo_db), tmp_path / "b.json")
    data = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert data["format"] == FORMAT and data["version"] == 1 and data["schema"] == HEAD
    members = data["tables"]["members"]
    assert members["columns"][:3] == ["id", "cohort_id", "name"]


def test_restore_refuses_a_store_that_holds_data(demo_db, tmp_path):
    backup(Store(demo_db), tmp_path / "b.json")
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


def test_an_inconsistent_backup_restores_nothing(demo_db, tmp_path):
    backup(Store(demo_db), tmp_path / "b.json")
    data = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    data["tables"]["advice"]["rows"][0][1] = 99999  # advice for a round that does not exist
    (tmp_path / "broken.json").write_text(json.dumps(data), encoding="utf-8")
    target = Store(tmp_path / "t.db")
    with pytest.raises(PeerkitError, match="inconsistent"):
        restore(tmp_path / "broken.json", target)
    assert not any(target.counts().values())
