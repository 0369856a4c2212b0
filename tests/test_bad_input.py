"""Bad input at the command line: one plain sentence, no traceback, and nothing changed; CSV that
a spreadsheet opens without running a cell as a formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from helpers import sqlite_bytes

from peerkit import serve as serve_module
from peerkit.cli import main
from peerkit.store import Store

#: What a spreadsheet would run, and what it must show as typed.
FORMULAS = ['=HYPERLINK("http://x.example","Pay")', "+44 20 7946 0000", "-2+3", "@SUM(A1)"]


def fails(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The one line `peerkit ARGS` says on stderr as it exits non-zero (with nothing on stdout)."""
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    assert exit_.value.code not in (0, None)
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "Error: " in lines[0]
    assert not any(f"{kind}Error" in err for kind in ("Value", "Overflow", "IsADirectory", "OS"))
    return lines[0]


def succeeds(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    try:
        main(list(args))
    except SystemExit as exit_:
        assert exit_.code in (0, None), capsys.readouterr().err
    return capsys.readouterr().out


@pytest.fixture
def small_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A one-cohort store whose members' names and roles a spreadsheet would run; the test runs
    in an empty folder of its own."""
    db = tmp_path / "store" / "peerkit.db"
    db.parent.mkdir()
    with Store(db) as store:
        c = store.add_cohort("Spreadsheet Circle")
        store.add_member(c.id, "Ana")
        store.add_member(c.id, FORMULAS[0], role=FORMULAS[1])
        store.add_member(c.id, FORMULAS[2], role=FORMULAS[3])
        store.add_meeting(c.id, "2026-03-03")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("PEERKIT_DB", raising=False)
    monkeypatch.delenv("PEERKIT_TOKEN", raising=False)
    return db


# -- peerkit serve: the address is checked before Voila starts ---------------------------------


@pytest.fixture
def no_voila(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kw: object) -> None:
        raise AssertionError("Voila was started")

    monkeypatch.setattr(serve_module.subprocess, "Popen", refuse)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["--host", "999.1.1.1"],
            "Error: Cannot serve on 999.1.1.1: it is neither an IP address nor a host name this "
            "machine knows (use 127.0.0.1, or 0.0.0.0 for every address).",
        ),
        (["--port", "99999"], "Error: --port 99999 is not a port: give a number from 1 to 65535."),
        (["--port", "0"], "Error: --port 0 is not a port: give a number from 1 to 65535."),
    ],
    ids=["host", "port", "port-0"],
)
def test_serve_refuses_an_address_it_cannot_listen_on(
    small_store: Path, capsys: pytest.CaptureFixture[str], no_voila: None, args, line
) -> None:
    before = sqlite_bytes(small_store)
    assert fails(capsys, "serve", "--db", str(small_store), *args) == line
    assert sqlite_bytes(small_store) == before
    assert not list(Path.cwd().iterdir())


# -- peerkit minutes -----------------------------------------------------------------------------


def test_an_id_too_large_for_any_store_names_no_meeting(
    small_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = "99999999999999999999"
    expected = f"Error: No meeting with id {huge} in this store."
    assert fails(capsys, "minutes", huge, "--db", str(small_store)) == expected
    assert fails(capsys, "purge", huge, "--db", str(small_store), "--yes") == expected
    assert not list(Path.cwd().iterdir())


@pytest.mark.parametrize("to", ["md", "html"])
def test_minutes_and_their_calendar_never_share_a_file(
    small_store: Path, capsys: pytest.CaptureFixture[str], to: str
) -> None:
    minutes = ["minutes", "latest", "--db", str(small_store), "--to", to, "--ics"]
    line = fails(capsys, *minutes, "-o", "x.ics")
    assert line == (
        "Error: -o x.ics is where --ics writes the calendar, beside the minutes: name the "
        f"minutes' own file instead (such as -o x.{to}), and the calendar goes beside it. "
        "Nothing was written."
    )
    assert not list(Path.cwd().iterdir())
    said = succeeds(capsys, *minutes, "-o", f"x.{to}")
    assert said.strip() == f"Wrote x.{to} and x.ics"
    assert Path("x.ics").read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    assert "BEGIN:VCALENDAR" not in Path(f"x.{to}").read_text(encoding="utf-8")


# -- rosters and scores as CSV ----------------------------------------------------------------


def test_export_roster_to_a_missing_folder_or_a_folder_says_so(
    small_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(small_store)
    assert fails(capsys, "export-roster", "--db", db, "-o", "nodir/x.csv") == (
        "Error: Folder nodir does not exist: create it first."
    )
    Path("folder").mkdir()
    assert fails(capsys, "export-roster", "--db", db, "-o", "folder") == (
        "Error: folder is a folder: give a file name."
    )
    assert [p.name for p in Path.cwd().iterdir()] == ["folder"]
    assert not list(Path("folder").iterdir())


def test_cells_a_spreadsheet_would_run_are_written_as_text(
    small_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(small_store)
    succeeds(capsys, "export-roster", "--db", db, "-o", "roster.csv")
    with open("roster.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted((r["name"], r["role"]) for r in rows) == sorted(
        [
            ("Ana", ""),
            ("'" + FORMULAS[0], "'" + FORMULAS[1]),
            ("'" + FORMULAS[2], "'" + FORMULAS[3]),
        ]
    )
    # Read back by peerkit, the roster is the one it wrote: nothing added or changed.
    said = succeeds(capsys, "import-roster", "roster.csv", "--db", db)
    assert said.splitlines()[:3] == ["added 0: -", "changed 0: -", "unchanged 3"]

    scored = succeeds(capsys, "score", "--db", db, "--format", "csv")
    scores = list(csv.DictReader(io.StringIO(scored)))
    names = {row[next(iter(row))] for row in scores}
    assert names == {"Ana", "'" + FORMULAS[0], "'" + FORMULAS[2]}
    numbers = [v for row in scores for v in list(row.values())[1:] if v]
    assert numbers and not any(v.startswith("'") for v in numbers)  # numbers stay numbers


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_a_roster_separated_by_semicolons_or_tabs_is_read(
    small_store: Path, capsys: pytest.CaptureFixture[str], delimiter: str
) -> None:
    """Excel writes "CSV" with semicolons where the decimal mark is a comma."""
    rows = [
        ["Name", "email", "role", "joined"],
        ["Eve Adams", "eve@example.org", "CTO, Acme", "2026-01-15"],
        ["Finn", "", "", ""],
    ]
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    Path("roster.csv").write_text("\ufeff" + out.getvalue(), encoding="utf-8")
    said = succeeds(capsys, "import-roster", "roster.csv", "--db", str(small_store))
    assert said.splitlines()[0] == "added 2: Eve Adams, Finn"
    with Store(small_store) as store:
        eve = store.find_member(store.cohort().id, "Eve Adams")
        assert (eve.email, eve.role, str(eve.joined)) == (
            "eve@example.org",
            "CTO, Acme",
            "2026-01-15",
        )
