"""`peerkit score`: one row per member, as an aligned table, CSV or JSON; errors in one line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from peerkit import scoring
from peerkit.cli import cli, main
from peerkit.store import Store

COLUMNS = [
    "name",
    "status",
    "reviewed",
    "done",
    "partial",
    "not_done",
    "dropped",
    "renegotiated",
    "rate",
    "gas_t",
    "current_streak",
    "best_streak",
]


def score(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(cli, ["score", *args], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def fails(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run the real entry point; return its one line on stderr (after checking the exit)."""
    with pytest.raises(SystemExit) as exit_info:
        main(["score", *args])
    assert exit_info.value.code != 0
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def expected_board(db: Path, since: str | None = None):
    with Store(db, create=False) as store:
        frames = store.frames()
    return scoring.scoreboard(**frames, since=since).set_index("name")


def test_table_has_every_member_aligned(demo_db: Path) -> None:
    lines = score("--db", str(demo_db)).splitlines()
    header, *rows = lines
    assert header.split()[:3] == ["Member", "Status", "Reviewed"]
    assert len(rows) == 12
    names = [row[: header.index("Status")].strip() for row in rows]
    assert names == sorted(names, key=str.casefold)
    # Numbers are right-aligned under their headings: each column ends where its heading does.
    for title in ("Reviewed", "Renegotiated", "Follow-through", "GAS T", "Best streak"):
        end = header.index(title) + len(title)
        assert all(row[end - 1] != " " and row[end : end + 1] in ("", " ") for row in rows), title
    board = expected_board(demo_db)
    for row, name in zip(rows, names, strict=True):
        cells = row[header.index("Status") :].split()
        assert cells[0] == board.loc[name, "status"]
        assert int(cells[1]) == board.loc[name, "reviewed"]
        assert int(cells[2]) == board.loc[name, "done"]
    keller = next(r for r in rows if r.startswith("Tom Keller"))
    assert " left " in keller


def test_csv_and_json_carry_the_same_rows(demo_db: Path) -> None:
    records = list(csv.DictReader(io.StringIO(score("--db", str(demo_db), "--format", "csv"))))
    data = json.loads(score("--db", str(demo_db), "--format", "json"))
    assert list(records[0]) == COLUMNS and list(data[0]) == COLUMNS
    assert len(records) == len(data) == 12
    board = expected_board(demo_db)
    for record, item in zip(records, data, strict=True):
        assert record["name"] == item["name"]
        expected = board.loc[item["name"]]
        for key in ("reviewed", "done", "partial", "not_done", "dropped", "renegotiated"):
            assert item[key] == int(record[key]) == expected[key]
        assert item["rate"] == record["rate"] == expected["rate_text"]
        assert item["gas_t"] == pytest.approx(expected["gas_t"], abs=0.05)
        assert item["current_streak"] == expected["current_streak"]
        assert item["best_streak"] == expected["best_streak"]


def test_since_counts_later_meetings_only(demo_db: Path) -> None:
    data = json.loads(score("--db", str(demo_db), "--since", "2026-06-01", "--format", "json"))
    board = expected_board(demo_db, since="2026-06-01")
    assert {d["name"]: d["reviewed"] for d in data} == board["reviewed"].to_dict()
    everything = json.loads(score("--db", str(demo_db), "--format", "json"))
    assert sum(d["reviewed"] for d in data) < sum(d["reviewed"] for d in everything)


def test_nothing_due_reads_nothing_due_never_zero(demo_db: Path) -> None:
    table = score("--db", str(demo_db), "--since", "2030-01-01")
    rows = table.splitlines()[1:]
    assert len(rows) == 12
    assert all("nothing due" in row and "0%" not in row for row in rows)
    data = json.loads(score("--db", str(demo_db), "--since", "2030-01-01", "--format", "json"))
    assert {d["rate"] for d in data} == {"nothing due"}
    assert {d["gas_t"] for d in data} == {None}
    text = score("--db", str(demo_db), "--since", "2030-01-01", "--format", "csv")
    assert "0%" not in text and text.count("nothing due") == 12


def test_cohort_by_name_or_id_and_store_from_the_environment(demo_db: Path) -> None:
    by_env = score(env={"PEERKIT_DB": str(demo_db)})
    assert by_env == score("--db", str(demo_db), "--cohort", "Northstar CTO Circle")
    assert by_env == score("--db", str(demo_db), "--cohort", "1")


@pytest.mark.slow
def test_a_small_cohort_with_wide_names_a_leaver_and_a_redacted_member(tmp_path: Path) -> None:
    db = tmp_path / "small.db"
    with Store(db) as store:
        c = store.add_cohort("Small Circle")
        li = store.add_member(c.id, "李雷")
        ana = store.add_member(c.id, "Ana <b>Bold</b>")
        gone = store.add_member(c.id, "Zed Gone")
        first = store.add_meeting(c.id, "2026-01-13")
        second = store.add_meeting(c.id, "2026-02-10")
        for who, outcome in ((li, "done"), (ana, "partial"), (gone, "dropped")):
            made = store.add_commitment(who.id, first.id, "Do the thing", "2026-02-01")
            store.record_review(made.id, second.id, outcome)
        store.member_leaves(gone.id, "2026-02-11")
        store.redact_member(gone.id)
    header, *rows = score("--db", str(db)).splitlines()
    assert [row.split("  ")[0].strip() for row in rows] == [
        "Ana <b>Bold</b>",  # plain text: no markup to escape
        f"Former member {gone.id}",
        "李雷",
    ]
    end = header.index("Follow-through") + len("Follow-through")
    # The wide name takes four columns, so its row's text is two characters shorter.
    widths = [len(row) + (2 if row.startswith("李雷") else 0) for row in rows]
    assert len(set(widths)) == 1
    assert [row[:end].split()[-1] for row in rows[:2]] == ["50%", "0%"]
    assert "left" in rows[1]


def test_bad_input_is_one_plain_line(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert fails(capsys, "--db", str(demo_db), "--since", "2026-13-01") == (
        "Error: --since '2026-13-01' is not a date: write it as YYYY-MM-DD."
    )
    assert fails(capsys, "--db", str(demo_db), "--cohort", "Nope") == (
        "Error: No cohort named 'Nope' in this store."
    )
    missing = tmp_path / "none.db"
    line = fails(capsys, "--db", str(missing))
    assert line.startswith(f"Error: No peerkit store at {missing}")
    assert not missing.exists()  # reading never creates a store
    assert "not one of" in fails(capsys, "--db", str(demo_db), "--format", "xml")


def test_a_store_with_several_cohorts_needs_a_choice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "two.db"
    with Store(db) as store:
        store.add_cohort("One")
        store.add_cohort("Two")
    assert "several cohorts" in fails(capsys, "--db", str(db))
    assert score("--db", str(db), "--cohort", "Two").splitlines()[1:] == []


def test_score_agrees_with_the_minutes_on_a_store_with_private_commitments(
    tmp_path: Path,
) -> None:
    """A private commitment, and one made in a private round, count in no score: `peerkit
    score` gives each member the figures the minutes' follow-through gives."""
    from peerkit import minutes

    db = tmp_path / "p.db"
    with Store(db) as store:
        c = store.add_cohort("Circle")
        ana, ben = store.add_member(c.id, "Ana"), store.add_member(c.id, "Ben")
        first = store.add_meeting(c.id, "2026-03-03")
        second = store.add_meeting(c.id, "2026-04-07")
        hidden = store.add_round(first.id, ben.id, "mastermind hot seat", private=True)
        public = store.add_commitment(ana.id, first.id, "Call HR", "2026-03-20")
        secret = store.add_commitment(ana.id, first.id, "Secret", "2026-03-21", private=True)
        in_hidden = store.add_commitment(
            ben.id, first.id, "Hidden", "2026-03-22", round_id=hidden.id
        )
        shared = store.add_commitment(ben.id, first.id, "Shared", "2026-03-23")
        store.record_review(public.id, second.id, "not done")
        store.record_review(secret.id, second.id, "done")
        store.record_review(in_hidden.id, second.id, "done")
        store.record_review(shared.id, second.id, "partial")
        gathered = minutes.gather(store, second.id)
    assert gathered.follow_through is not None
    in_minutes = {r.name: (r.reviewed, r.rate_text) for r in gathered.follow_through.rows}
    assert in_minutes == {"Ana": (1, "0%"), "Ben": (1, "50%")}
    rows = json.loads(score("--db", str(db), "--format", "json"))
    assert {r["name"]: (r["reviewed"], r["rate"]) for r in rows} == in_minutes
