"""peerkit.serve: the Voila command it builds, and a real start and stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest
from voila.paths import collect_template_paths

from peerkit import serve as serve_module
from peerkit.serve import (
    DB_ENV,
    ServeError,
    checkout_templates_dir,
    free_port,
    running_server,
    voila_command,
)

REPO = Path(__file__).resolve().parent.parent
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def get(url: str) -> tuple[int, str]:
    try:
        with NO_PROXY.open(url, timeout=10) as response:
            return int(response.status), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return int(err.code), ""


def answers(url: str) -> bool:
    try:
        get(url)
    except (urllib.error.URLError, OSError):
        return False
    return True


def flag(argv: list[str], name: str) -> str | None:
    """Value of ``--name=value`` in argv, or None."""
    prefix = f"--{name}="
    values = [a[len(prefix) :] for a in argv if a.startswith(prefix)]
    assert len(values) <= 1, f"{name} given twice: {values}"
    return values[0] if values else None


@pytest.fixture
def notebook_dir(tmp_path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("1 + 1")]
    for name in ("facilitator.ipynb", "projector.ipynb"):
        nbformat.write(nb, tmp_path / name)
    return tmp_path


def test_command_defaults(tmp_path: Path) -> None:
    argv, env = voila_command(tmp_path, db_url="sqlite:///x.db", base_env={"HOME": "/h"})
    assert argv[:3] == [sys.executable, "-m", "voila"]
    assert argv[3] == str(tmp_path.resolve())
    assert flag(argv, "template") == "peerkit"
    assert flag(argv, "theme") == "dark"
    assert "--no-browser" in argv
    assert flag(argv, "Voila.ip") == "127.0.0.1"
    assert flag(argv, "port") == "8866"
    assert flag(argv, "Voila.port_retries") == "0"
    assert flag(argv, "MappingKernelManager.cull_idle_timeout") == "600"
    assert flag(argv, "MappingKernelManager.cull_interval") == "60"
    assert flag(argv, "MappingKernelManager.cull_connected") == "False"
    assert flag(argv, "preheat_kernel") is None
    assert env[DB_ENV] == "sqlite:///x.db"
    assert env["HOME"] == "/h"


def test_command_options(tmp_path: Path) -> None:
    argv, env = voila_command(
        tmp_path,
        db_url="postgresql://u@db/peer",
        host="0.0.0.0",
        port=9001,
        extra_env={"EXTRA": "1", DB_ENV: "ignored"},
        preheat=True,
        base_env={"JUPYTER_PATH": "/elsewhere"},
    )
    assert flag(argv, "Voila.ip") == "0.0.0.0"
    assert flag(argv, "port") == "9001"
    assert flag(argv, "preheat_kernel") == "True"
    assert env["EXTRA"] == "1"
    assert env[DB_ENV] == "postgresql://u@db/peer"  # db_url always wins
    assert env["JUPYTER_PATH"].split(os.pathsep)[-1] == "/elsewhere"


def test_command_rejects_bad_input(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="db_url"):
        voila_command(tmp_path, db_url="")
    with pytest.raises(ValueError, match="port"):
        voila_command(tmp_path, db_url="sqlite://", port=70000)


def test_template_is_found_from_the_checkout(tmp_path: Path) -> None:
    templates = checkout_templates_dir()
    assert templates == REPO / "templates"
    _, env = voila_command(tmp_path, db_url="sqlite://", base_env={})
    assert env["JUPYTER_PATH"].split(os.pathsep)[0] == str(templates)
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(REPO)
    # Voila's own lookup, as the server will do it with that JUPYTER_PATH first.
    from jupyter_core.paths import jupyter_path

    paths = collect_template_paths(
        ["voila", "nbconvert"], "peerkit", prune=True, root_dirs=[str(templates), *jupyter_path()]
    )
    assert paths[0] == str(templates / "voila" / "templates" / "peerkit")
    assert any(p.endswith(os.path.join("voila", "templates", "lab")) for p in paths)


def test_running_server_answers_and_stops(notebook_dir: Path) -> None:
    with running_server(notebook_dir, db_url="sqlite:///t.db") as server:
        assert server.base_url.startswith("http://127.0.0.1:")
        status, body = get(server.base_url + "voila/static/voila.js")
        assert status == 200 and body
        # the notebook list, drawn with the peerkit template: no CDN
        status, tree = get(server.base_url)
        assert status == 200
        assert "voila-tree-main" in tree
        assert "peerkit.css" in tree
        assert "https://" not in tree and "cdn." not in tree
        assert server.console_url == server.base_url + "voila/render/facilitator.ipynb"
        assert server.projector_url == server.base_url + "voila/render/projector.ipynb"
        proc = server.process
    assert proc.returncode is not None
    assert not answers(server.base_url + "voila/static/voila.js")


def test_port_taken_is_a_clear_error(notebook_dir: Path) -> None:
    with (
        running_server(notebook_dir, db_url="sqlite://") as first,
        pytest.raises(ServeError, match="already in use"),
        running_server(notebook_dir, db_url="sqlite://", port=first.port),
    ):
        pass


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with (
        pytest.raises(ServeError, match="not found"),
        running_server(tmp_path / "nope", db_url="sqlite://"),
    ):
        pass


SERVE_SCRIPT = textwrap.dedent(
    """
    import sys
    from peerkit.serve import serve
    sys.exit(serve(sys.argv[1], db_url="sqlite:///serve-test.db", port=int(sys.argv[2])))
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_prints_urls_and_stops_cleanly(notebook_dir: Path, sig: signal.Signals) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE_SCRIPT, str(notebook_dir), str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=notebook_dir,
    )
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("Projector:"):
                break
        base = f"http://127.0.0.1:{port}/"
        assert f"Console:   {base}voila/render/facilitator.ipynb" in lines, lines
        assert f"Projector: {base}voila/render/projector.ipynb" in lines, lines
        assert get(base + "voila/static/voila.js")[0] == 200
        proc.send_signal(sig)
        rest, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, "\n".join(lines) + rest
    assert "Stopped." in rest
    deadline = time.monotonic() + 30
    while answers(base + "voila/static/voila.js") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not answers(base + "voila/static/voila.js")


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_voila_does_not_outlive_a_killed_serve(notebook_dir: Path) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE_SCRIPT, str(notebook_dir), str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=notebook_dir,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("Projector:"):
                break
        assert answers(base + "voila/static/voila.js")
    finally:
        proc.kill()  # SIGKILL: no chance to clean up
        proc.communicate()
    deadline = time.monotonic() + 60
    while answers(base + "voila/static/voila.js") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not answers(base + "voila/static/voila.js")


def test_serve_module_never_fetches_a_notebook_for_health() -> None:
    assert serve_module.HEALTH_PATH == "voila/static/voila.js"
