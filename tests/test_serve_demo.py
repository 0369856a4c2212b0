"""`peerkit serve --demo`, the README's first command: it builds the demo store only when there
is none, so running it again (to bring the server back) keeps the meetings run since. And
`peerkit serve` names the accountability view's address too."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from click.testing import CliRunner

from peerkit import serve as serve_module
from peerkit.cli import cli
from peerkit.serve import VoilaServer, free_port
from peerkit.store import Store

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"


@pytest.fixture
def voila(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """No Voila: what `peerkit serve` asked of it, one entry per run."""
    runs: list[dict[str, Any]] = []

    def fake_serve(notebook_dir: Any, **kwargs: Any) -> int:
        runs.append({"notebook_dir": Path(notebook_dir), **kwargs})
        return 0

    monkeypatch.setattr(serve_module, "serve", fake_serve)
    return runs


def serve(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(cli, ["serve", *args], env=env, catch_exceptions=False)


def meeting_dates(db: Path) -> list[dt.date]:
    with Store(db, create=False) as store:
        return [m.date for m in store.meetings(store.cohort(None).id)]


@pytest.mark.slow
def test_serve_demo_builds_the_store_once_and_keeps_what_was_added(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, voila: list[dict[str, Any]]
) -> None:
    monkeypatch.chdir(tmp_path)
    first = serve("--demo")
    assert first.exit_code == 0, first.output
    db = tmp_path / "demo.db"
    assert f"Demo cohort 'Northstar CTO Circle' in {db}: 12 members, 14 meetings" in first.output
    assert voila[0]["db_url"] == f"sqlite:///{db.resolve()}"
    # That day's meeting, as the console's "Open today's meeting" makes it.
    with Store(db) as store:
        store.add_meeting(store.cohort(None).id, dt.date.today(), place="Today's room")
    before = meeting_dates(db)

    again = serve("--demo")
    assert again.exit_code == 0, again.output
    assert "Demo cohort" not in again.output
    assert f"Serving {db} as it is (--demo builds only a new store)." in again.output
    assert meeting_dates(db) == before and len(before) == 15
    assert voila[1]["db_url"] == voila[0]["db_url"]


@pytest.mark.slow
def test_serve_demo_uses_demo_db_not_the_store_named_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, voila: list[dict[str, Any]]
) -> None:
    monkeypatch.chdir(tmp_path)
    real = tmp_path / "real.db"
    result = serve("--demo", env={"PEERKIT_DB": str(real)})
    assert result.exit_code == 0, result.output
    assert not real.exists() and (tmp_path / "demo.db").exists()


@pytest.mark.slow
def test_serve_demo_with_db_builds_there_and_keeps_a_store_that_holds_a_cohort(
    tmp_path: Path, voila: list[dict[str, Any]]
) -> None:
    mine = tmp_path / "mine.db"
    with Store(mine) as store:
        store.add_cohort("My Circle")
    result = serve("--demo", "--db", str(mine))
    assert result.exit_code == 0, result.output
    with Store(mine, create=False) as store:
        assert [c.name for c in store.cohorts()] == ["My Circle"]
    other = tmp_path / "other.db"
    assert "Demo cohort" in serve("--demo", "--db", str(other)).output


def test_serve_demo_refuses_inside_a_cohort_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, voila: list[dict[str, Any]], capsys: Any
) -> None:
    from peerkit.cli import main

    assert (
        CliRunner().invoke(cli, ["init", str(tmp_path / "circle"), "--cohort", "C"]).exit_code == 0
    )
    monkeypatch.chdir(tmp_path / "circle")
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--demo"])
    assert exit_.value.code == 1
    assert "--demo serves the demo store, not the cohort folder" in capsys.readouterr().err
    assert not voila and not (tmp_path / "circle" / "demo.db").exists()


def test_the_readmes_first_command_is_serve_demo() -> None:
    block = re.search(r"```bash\n(.+?)\n```", README.read_text(encoding="utf-8"), re.S)
    assert block is not None
    assert block.group(1) == (
        "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/peerkit serve --demo"
    )


# -- the accountability view's address ------------------------------------------------------


class _Running:
    returncode = 0

    def poll(self) -> int | None:
        return None

    def wait(self, timeout: float | None = None) -> int:
        return 0


def _fake_voila(monkeypatch: pytest.MonkeyPatch) -> None:
    def start(notebook_dir: Any, *, host: str, port: int, token: str | None, **_: Any) -> Any:
        server = VoilaServer(process=_Running(), host=host, port=port, token=token)  # type: ignore[arg-type]
        monkeypatch.setattr(server, "wait_ready", lambda timeout=0: None)
        monkeypatch.setattr(server, "stop", lambda: 0)
        return server

    monkeypatch.setattr(serve_module, "start_server", start)


def notebooks(folder: Path, *names: str) -> Path:
    for name in names:
        nbformat.write(nbformat.v4.new_notebook(), folder / name)
    return folder


def test_serve_prints_the_accountability_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    _fake_voila(monkeypatch)
    folder = notebooks(tmp_path, "facilitator.ipynb", "projector.ipynb", "accountability.ipynb")
    assert serve_module.serve(folder, db_url="sqlite://", port=8870) == 0
    lines = capsys.readouterr().out.splitlines()
    base = "http://127.0.0.1:8870/voila/render/"
    assert lines[:3] == [
        f"Console:   {base}facilitator.ipynb",
        f"Projector: {base}projector.ipynb",
        f"Accountability: {base}accountability.ipynb",
    ]


def test_a_generated_secret_is_in_the_accountability_address_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    _fake_voila(monkeypatch)
    folder = notebooks(tmp_path, "facilitator.ipynb", "projector.ipynb", "accountability.ipynb")
    serve_module.serve(folder, db_url="sqlite://", host="0.0.0.0", port=8870, token="generate")
    out = capsys.readouterr().out
    [line] = [x for x in out.splitlines() if x.startswith("Accountability: ")]
    assert re.fullmatch(
        r"Accountability: http://127\.0\.0\.1:8870/voila/render/"
        r"accountability\.ipynb\?token=[\w-]{40,}",
        line,
    )


def test_no_accountability_address_when_the_folder_has_no_such_notebook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    _fake_voila(monkeypatch)
    folder = notebooks(tmp_path, "facilitator.ipynb", "projector.ipynb")
    serve_module.serve(folder, db_url="sqlite://", port=8870)
    assert "Accountability" not in capsys.readouterr().out


# -- the real command, twice ----------------------------------------------------------------


def run_serve_demo(cwd: Path) -> list[str]:
    """`peerkit serve --demo` as the README runs it (the real server), stopped with Ctrl-C
    once it prints its addresses; returns what it printed."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from peerkit.cli import main; main()",
            "serve",
            "--demo",
            "--port",
            str(port),
        ],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("Press Ctrl-C"):
                break
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, "\n".join(lines) + rest
    return lines


@pytest.mark.slow
def test_running_the_readme_command_again_keeps_the_meeting_run_in_between(
    tmp_path: Path,
) -> None:
    first = run_serve_demo(tmp_path)
    assert any(line.startswith("Demo cohort ") for line in first), first
    assert any(line.startswith("Console:   http://127.0.0.1:") for line in first), first
    assert any(
        line.startswith("Accountability: http://127.0.0.1:") and "accountability.ipynb" in line
        for line in first
    ), first
    db = tmp_path / "demo.db"
    with Store(db) as store:
        cohort = store.cohort(None)
        meeting = store.add_meeting(cohort.id, dt.date.today(), place="Today's room")
        store.add_parking(meeting.id, "What we said today")

    second = run_serve_demo(tmp_path)
    assert not any(line.startswith("Demo cohort ") for line in second), second
    assert f"Serving {db} as it is (--demo builds only a new store)." in second
    with Store(db, create=False) as store:
        assert [p.text for p in store.parking(meeting.id)] == ["What we said today"]
