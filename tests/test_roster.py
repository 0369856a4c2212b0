"""Rosters: good rows land, bad rows are reported with reasons, a broken file changes nothing."""

from __future__ import annotations

import pytest

from peerkit.model import PeerkitError
from peerkit.roster import export_roster, import_roster


def write(tmp_path, text):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_adds_changes_and_rejects_with_reasons(store, cohort, tmp_path):
    c, _, _ = cohort  # Ana, Ben, Chloe, Dev
    path = write(
        tmp_path,
        "name,email,role,joined\n"
        "Eve Adams,eve@example.org,CTO,2026-01-15\n"
        "ben,ben@example.org,VP Sales,\n"
        ",nobody@example.org,,\n"
        "Eve Adams,eve2@example.org,,\n"
        "Finn,not-an-email,,\n"
        "Gail,,,15/01/2026\n"
        "\n"
        "Chloe,,,\n",
    )
    report = import_roster(store, c.id, path)
    assert report.added == ["Eve Adams"]
    assert report.changed == ["Ben"]
    assert report.unchanged == ["Chloe"]
    reasons = dict(report.rejected)
    assert reasons[4] == "the name is empty"
    assert reasons[5] == "Eve Adams appears twice (first on line 2)"
    assert "'not-an-email' is not an email address" in reasons[6]
    assert "joined '15/01/2026' is not YYYY-MM-DD" in reasons[7]
    ben = store.find_member(c.id, "Ben")
    assert ben.role == "VP Sales" and ben.email == "ben@example.org"
    assert {m.name for m in store.members(c.id)} == {"Ana", "Ben", "Chloe", "Dev", "Eve Adams"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("email,role\nx@y.org,CTO\n", "no 'name' column"),
        ("name,shoe_size\nAna,42\n", r"unknown columns \(shoe_size\)"),
        ("name,email\nZed,z@y.org,extra\n", "line 2 has more fields than the header"),
        ('name,email\n"Zed,z@y.org\n', "not valid CSV"),
    ],
)
def test_a_broken_file_changes_nothing(store, cohort, tmp_path, text, message):
    c, _, _ = cohort
    before = store.counts()
    with pytest.raises(PeerkitError, match=message):
        import_roster(store, c.id, write(tmp_path, text))
    assert store.counts() == before


def test_a_file_that_is_not_utf8_is_refused(store, cohort, tmp_path):
    c, _, _ = cohort
    path = tmp_path / "latin1.csv"
    path.write_bytes("name\nJosé\n".encode("latin-1"))
    with pytest.raises(PeerkitError, match="not UTF-8"):
        import_roster(store, c.id, path)


def test_export_then_import_changes_nothing(store, cohort, tmp_path):
    c, _, _ = cohort
    store.update_member(store.find_member(c.id, "Ana").id, email="ana@example.org", role="CEO")
    text = export_roster(store, c.id, tmp_path / "out.csv")
    assert text.splitlines()[0] == "name,email,role,joined"
    assert "Ana,ana@example.org,CEO," in text
    report = import_roster(store, c.id, tmp_path / "out.csv")
    assert report.added == [] and report.changed == [] and len(report.unchanged) == 4


def test_several_cohorts_in_one_store_keep_their_own_rosters(store, cohort, tmp_path):
    c, _, _ = cohort
    other = store.add_cohort("Second Circle")
    import_roster(store, other.id, write(tmp_path, "name\nAna\nZoe\n"))
    assert [m.name for m in store.members(other.id)] == ["Ana", "Zoe"]
    assert len(store.members(c.id)) == 4
