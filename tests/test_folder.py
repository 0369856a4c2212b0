"""A coach sets up a cohort folder, brings a roster and formats, and runs its notebooks."""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

import papermill
import pytest
from click.testing import CliRunner

from peerkit.cli import cli
from peerkit.folder import CONFIG_NAME, find_config, init_folder, load_config
from peerkit.model import PeerkitError
from peerkit.store import Store


def run(*args: str, cwd: Path | None = None):
    old = Path.cwd()
    if cwd:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


@pytest.fixture
def folder(tmp_path):
    result = run("init", str(tmp_path / "north"), "--cohort", "North Circle")
    assert result.exit_code == 0, result.output
    (tmp_path / "roster.csv").write_text(
        "name,email,role,joined\nAna,ana@example.org,CTO,2025-01-01\nBen,,CFO,\n",
        encoding="utf-8",
    )
    return tmp_path / "north"


def test_init_makes_notebooks_config_formats_and_templates(folder):
    assert {p.name for p in folder.glob("*.ipynb")} >= {"facilitator.ipynb", "projector.ipynb"}
    config = load_config(folder)
    assert config.cohort == "North Circle" and config.chime is True
    assert config.store_url.endswith("north/peerkit.db")
    assert (folder / "formats" / "quick-clinic.yaml.example").exists()
    assert (folder / "templates" / "README.md").exists()
    assert [c.name for c in Store(config.store_url).cohorts()] == ["North Circle"]


def test_init_refuses_an_existing_cohort_folder(folder):
    with pytest.raises(PeerkitError, match="already a cohort folder"):
        init_folder(folder, "Other")


def test_commands_inside_the_folder_use_its_store_and_cohort(folder):
    result = run("import-roster", "../roster.csv", cwd=folder)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "added 2: Ana, Ben"
    members = run("members", cwd=folder).output
    assert "Ana" in members and "Ben" in members
    exported = run("export-roster", cwd=folder).output
    assert exported.splitlines() == [
        "name,email,role,joined",
        "Ana,ana@example.org,CTO,2025-01-01",
        "Ben,,CFO,",
    ]
    assert find_config(folder / "formats").folder == folder.resolve()


def test_a_roster_with_bad_rows_reports_them_and_exits_2(folder, tmp_path):
    (tmp_path / "bad.csv").write_text("name,joined\nCara,2025-13-01\nDan,\n", encoding="utf-8")
    result = run("import-roster", str(tmp_path / "bad.csv"), cwd=folder)
    assert result.exit_code == 2
    assert "added 1: Dan" in result.output
    assert "line 2: joined '2025-13-01' is not YYYY-MM-DD" in result.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[peerkit]\ncohort = 'X'\nchime = 'loud'\n", "chime must be bool"),
        ("[peerkit]\ncohort = 'X'\ncolour = 'red'\n", "unknown setting colour"),
        ("[peerkit]\nchime = true\n", "the cohort setting is missing"),
        ("[peerkit\n", "not valid TOML"),
        ("[peerkit]\ncohort = 'X'\nmeeting_minutes = 5\n", "between 10 and 1440"),
    ],
)
def test_a_bad_config_gets_one_clear_message(tmp_path, text, message):
    (tmp_path / CONFIG_NAME).write_text(text, encoding="utf-8")
    with pytest.raises(PeerkitError, match=message):
        load_config(tmp_path)


def test_backup_and_restore_from_the_command_line(folder, tmp_path):
    run("import-roster", "../roster.csv", cwd=folder)
    assert run("backup", "-o", str(tmp_path / "b.json"), cwd=folder).exit_code == 0
    result = run("restore", str(tmp_path / "b.json"), "--db", str(tmp_path / "copy.db"))
    assert result.exit_code == 0 and "Restored" in result.output
    assert [m.name for m in Store(tmp_path / "copy.db").members()] == ["Ana", "Ben"]
    copy = run("backup", "--db", str(tmp_path / "copy.db"), "-o", str(tmp_path / "c.json"))
    assert copy.exit_code == 0
    assert (tmp_path / "b.json").read_bytes() == (tmp_path / "c.json").read_bytes()


@pytest.mark.slow
def test_every_notebook_in_a_new_folder_runs_with_injected_parameters(folder, tmp_path):
    run("import-roster", "../roster.csv", cwd=folder)
    config = load_config(folder)
    with Store(config.store_url) as store:
        cohort = store.cohort()
        store.add_meeting(cohort.id, "2026-11-03")
    notebooks = sorted(folder.glob("*.ipynb"))
    assert len(notebooks) >= 2
    for notebook in notebooks:
        out = tmp_path / f"out-{notebook.name}"
        executed = papermill.execute_notebook(
            str(notebook),
            str(out),
            parameters={"store": config.store_url, "cohort": "North Circle"},
            cwd=str(folder),
            progress_bar=False,
            kernel_name="python3",
        )
        outputs = [o for c in executed.cells for o in c.get("outputs", [])]
        assert not [o for o in outputs if o.get("output_type") == "error"], notebook.name
        shown = " ".join(str(o.get("data", {})) for o in outputs)
        assert "cannot open this meeting" not in shown, notebook.name
        assert "application/vnd.jupyter.widget-view+json" in shown or "svg" in shown


def test_a_custom_minutes_block_and_format_from_the_folder(tmp_path, demo_db):
    import shutil

    store_copy = tmp_path / "demo.db"
    shutil.copyfile(demo_db, store_copy)
    folder = tmp_path / "northstar"
    made = run("init", str(folder), "--cohort", "Northstar CTO Circle", "--db", str(store_copy))
    assert made.exit_code == 0, made.output
    (folder / "templates" / "peerkit-minutes").mkdir()
    (folder / "templates" / "peerkit-minutes" / "index.html.j2").write_text(
        "{%- extends 'peerkit-minutes/minutes.html.j2' -%}\n"
        "{%- block closing -%}<section class='closing'>Call Sam on 555-0100.</section>"
        "{%- endblock closing -%}\n",
        encoding="utf-8",
    )
    (folder / "templates" / "cohort.css").write_text(".closing { color: #0b5394; }\n")
    result = run("minutes", "latest", "--to", "html", "-o", str(tmp_path / "m.html"), cwd=folder)
    assert result.exit_code == 0, result.output
    page = (tmp_path / "m.html").read_text(encoding="utf-8")
    assert "<section class='closing'>Call Sam on 555-0100.</section>" in page
    assert ".closing { color: #0b5394; }" in page

    (folder / "formats" / "fishbowl.yaml").write_text(
        "name: Fishbowl\nphases:\n  - {name: Issue, minutes: 4}\n"
        "  - {name: The bowl, minutes: 15, flags: [advice, presenter-away]}\n",
        encoding="utf-8",
    )
    from peerkit.dashboard import console

    os.environ.pop("PEERKIT_DB", None)
    old = Path.cwd()
    os.chdir(folder)
    try:
        panel = console()
    finally:
        os.chdir(old)
    assert "Fishbowl" in panel.queue_format.options


@pytest.mark.usefixtures("on_a_page")  # the console shows its refusal, as in Lab or Voila
def test_two_folders_on_one_store_each_offer_only_their_own_cohort(tmp_path, monkeypatch):
    for name in ("PEERKIT_DB", "PEERKIT_COHORT", "PEERKIT_ALLOWED_COHORTS", "PEERKIT_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    shared = tmp_path / "shared.db"
    folders = {"North Circle": tmp_path / "north", "South Circle": tmp_path / "south"}
    for cohort, folder in folders.items():
        made = run("init", str(folder), "--cohort", cohort, "--db", str(shared))
        assert made.exit_code == 0, made.output
    assert {c.name for c in Store(shared).cohorts()} == set(folders)

    from peerkit.dashboard import console, setup

    for (mine, folder), theirs in zip(folders.items(), reversed(folders), strict=True):
        assert f'allowed_cohorts = ["{mine}"]' in (folder / CONFIG_NAME).read_text()
        settings = run("settings", cwd=folder).output
        assert f"allowed_cohorts = [{mine!r}]  [peerkit.toml" in settings
        monkeypatch.chdir(folder)
        # The console's cohort choices hold this folder's cohort only.
        assert [c.name for c in setup().store.cohorts()] == [mine]
        refused = console(cohort=theirs)
        assert f"may not open the cohort {escape(repr(theirs))}" in refused.value
        with pytest.raises(PeerkitError, match=f"may not open the cohort {theirs!r}"):
            run("members", "--cohort", theirs)
        with pytest.raises(PeerkitError, match="A backup holds every cohort"):
            run("backup", "-o", str(tmp_path / "all.json"))
    assert not (tmp_path / "all.json").exists()
