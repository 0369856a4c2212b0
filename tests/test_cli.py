"""The `peerkit` command: every command helps, lists one line per thing, fails in one plain line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import peerkit

from peerkit.cli import cli

README = Path(__file__).parents[1] / "README.md"
COMMANDS = sorted(cli.commands)


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_text(command):
    result = CliRunner().invoke(cli, [command, "--help"], prog_name="peerkit")
    assert result.exit_code == 0, result.output
    text = cli.commands[command].help
    assert text, f"{command} has no help text"
    assert result.output.startswith(f"Usage: peerkit {command} "), result.output
    first_words = " ".join(text.split()[:6])
    assert first_words in " ".join(result.output.split()), result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_named_in_the_readme(command):
    assert re.search(rf"peerkit {command}\b", README.read_text(encoding="utf-8")), command


@pytest.mark.slow
def test_demo_builds_the_cohort_and_lists_it(tmp_path):
    db = str(tmp_path / "demo.db")
    result = run("demo", "--db", db, "--today", "2026-11-21")
    assert result.exit_code == 0
    assert "12 members, 14 meetings" in result.output
    members = run("members", "--db", db).output.splitlines()
    assert len(members) == 12
    assert any("Tom Keller" in line and "left" in line for line in members)
    meetings = run("meetings", "--db", db).output.splitlines()
    assert len(meetings) == 14
    assert meetings[-1].split()[1] == "2026-10-06"


@pytest.mark.slow
def test_the_store_comes_from_the_environment_too(tmp_path):
    db = str(tmp_path / "env.db")
    assert run("demo", env={"PEERKIT_DB": db}).exit_code == 0
    assert len(run("members", env={"PEERKIT_DB": db}).output.splitlines()) == 12


def test_formats_lists_one_line_per_format_and_validates_a_file(tmp_path):
    lines = run("formats").output.splitlines()
    assert len(lines) == 6 and lines[0].startswith("mastermind hot seat (35 min)")
    mine = tmp_path / "mine.yaml"
    mine.write_text("name: Clinic\nphases:\n  - {name: Ask, minutes: 3}\n", encoding="utf-8")
    lines = run("formats", "--file", str(mine)).output.splitlines()
    assert len(lines) == 7 and lines[-1].startswith("Clinic (3 min): Ask 3")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["members", "--db", "{tmp}/none.db"], "Error: No peerkit store at"),
        (["meetings", "--db", "{tmp}/none.db"], "Error: No peerkit store at"),
        (["demo", "--db", "{tmp}/no/such/dir/x.db"], "Error: Folder"),
        (["demo", "--db", "{tmp}/x.db", "--today", "yesterday"], "Error: --today 'yesterday'"),
        (["formats", "--file", "{tmp}/nope.yaml"], "nope.yaml: no such file"),
        (["formats", "--file", "{tmp}/bad.yaml"], "bad.yaml:3: phase 'a': minutes must be"),
        (["demo", "--seed", "many"], "Error: Invalid value for '--seed'"),
        (["frobnicate"], "Error: No such command 'frobnicate'"),
    ],
)
def test_errors_are_one_plain_line_on_stderr_and_a_nonzero_exit(tmp_path, args, message):
    (tmp_path / "bad.yaml").write_text("name: X\nphases:\n  - {name: a, minutes: 0}\n")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = peerkit(*args, cwd=tmp_path)
    assert result.returncode != 0
    assert result.stdout == ""
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_demo_refuses_to_overwrite_a_store_without_force(tmp_path):
    db = tmp_path / "d.db"
    assert peerkit("demo", "--db", str(db)).returncode == 0
    again = peerkit("demo", "--db", str(db))
    assert again.returncode == 1 and "use --force" in again.stderr
    assert peerkit("demo", "--db", str(db), "--force").returncode == 0


@pytest.mark.postgres
def test_every_command_works_on_postgresql_and_a_backup_moves_between_backends(
    pg_url, pg_cluster, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    made = peerkit("demo", "--db", pg_url, "--today", "2026-11-21")
    assert made.returncode == 0, made.stderr
    assert "Demo cohort" in made.stdout and "@127.0.0.1" in made.stdout
    assert len(peerkit("members", "--db", pg_url).stdout.splitlines()) == 12
    assert len(peerkit("meetings", "--db", pg_url).stdout.splitlines()) == 14
    score = peerkit("score", "--db", pg_url, "--format", "csv")
    assert score.returncode == 0 and len(score.stdout.splitlines()) == 13
    minutes = peerkit("minutes", "latest", "--db", pg_url, "--to", "md", "-o", "m.md")
    assert minutes.returncode == 0, minutes.stderr
    assert "## " in (tmp_path / "m.md").read_text()

    # PostgreSQL -> backup -> SQLite -> backup: the same file, byte for byte.
    assert peerkit("backup", "--db", pg_url, "-o", "from-pg.json").returncode == 0
    restored = peerkit("restore", "from-pg.json", "--db", "copy.db")
    assert restored.returncode == 0, restored.stderr
    assert peerkit("backup", "--db", "copy.db", "-o", "from-sqlite.json").returncode == 0
    assert (tmp_path / "from-pg.json").read_bytes() == (tmp_path / "from-sqlite.json").read_bytes()
    # ...and back into a second PostgreSQL database, ids and sequences intact.
    again = pg_cluster.create_database(pg_url.rsplit("/", 1)[1] + "_again")
    assert peerkit("restore", "from-sqlite.json", "--db", again).returncode == 0
    assert peerkit("members", "--db", again).stdout == peerkit("members", "--db", pg_url).stdout
    added = peerkit("import-roster", "roster.csv", "--db", again, "--cohort", "1")
    assert "roster.csv" in added.stderr  # the file is missing: a clear message, not a crash


def test_formats_inside_a_cohort_folder_lists_the_folders_own_as_the_console_does(
    tmp_path, monkeypatch
):
    for name in ("PEERKIT_CONFIG", "PEERKIT_DB", "PEERKIT_COHORT", "PEERKIT_ALLOWED_COHORTS"):
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "north"
    assert run("init", str(folder), "--cohort", "North Circle").exit_code == 0
    (folder / "formats" / "fishbowl.yaml").write_text(
        "name: Fishbowl\nphases:\n  - {name: Issue, minutes: 4}\n  - {name: Bowl, minutes: 15}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(folder / "formats")  # anywhere inside the folder
    lines = run("formats").output.splitlines()
    assert len(lines) == 7
    assert lines[-1].startswith("Fishbowl (19 min): Issue 4") and "fishbowl.yaml]" in lines[-1]
    from peerkit.dashboard import setup

    assert [line.split(" (")[0] for line in lines] == list(setup().formats)
    # Checking the folder's own file by name lists it once, not as a clash with itself.
    assert run("formats", "--file", "fishbowl.yaml").output.splitlines() == lines
    monkeypatch.chdir(tmp_path)  # outside the folder: the built-in ones only
    assert len(run("formats").output.splitlines()) == 6


def test_minutes_in_a_cohort_folder_go_to_its_minutes_folder_and_the_line_says_where(
    tmp_path, monkeypatch
):
    from peerkit.model import PeerkitError
    from peerkit.store import Store

    for name in ("PEERKIT_CONFIG", "PEERKIT_DB", "PEERKIT_COHORT", "PEERKIT_ALLOWED_COHORTS"):
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "north"
    assert run("init", str(folder), "--cohort", "North Circle").exit_code == 0
    with Store(folder / "peerkit.db") as store:
        store.add_meeting(store.cohort().id, "2026-03-03")
    monkeypatch.chdir(folder)
    with pytest.raises(PeerkitError, match="No member"):
        run("minutes", "latest", "--member", "Nobody")
    assert not (folder / "minutes").exists()  # bad input changes nothing

    assert run("minutes", "latest", "--to", "md").output == (
        "Wrote minutes/minutes-2026-03-03.md\n"
    )
    written = folder / "minutes" / "minutes-2026-03-03.md"
    assert "North Circle" in written.read_text(encoding="utf-8")
    monkeypatch.chdir(folder / "formats")  # below the folder: the same place, said in full
    assert run("minutes", "latest", "--to", "html").output == (
        f"Wrote {folder / 'minutes' / 'minutes-2026-03-03.html'}\n"
    )
    assert sorted(p.name for p in (folder / "minutes").iterdir()) == [
        "minutes-2026-03-03.html",
        "minutes-2026-03-03.md",
    ]
    assert not list(folder.glob("minutes-*")) and not list((folder / "formats").glob("minutes-*"))


def test_minutes_that_cannot_be_written_are_one_plain_line(tmp_path):
    folder = tmp_path / "north"
    assert run("init", str(folder), "--cohort", "North Circle").exit_code == 0
    from peerkit.store import Store

    with Store(folder / "peerkit.db") as store:
        store.add_meeting(store.cohort().id, "2026-03-03")
    (folder / "minutes").write_text("a file where the folder should be")
    said = peerkit("minutes", "latest", "--to", "md", cwd=folder)
    assert said.returncode == 1
    assert said.stderr.startswith("Error: The minutes could not be written: File exists (")
    assert len(said.stderr.strip().splitlines()) == 1 and "Traceback" not in said.stderr
