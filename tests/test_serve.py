"""peerkit.serve: the Voila command it builds, and a real start and stop."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import nbformat
import pytest
from voila.paths import collect_template_paths

from peerkit import serve as serve_module
from peerkit.cli import main
from peerkit.serve import (
    DB_ENV,
    GENERATE_TOKEN,
    MINUTES_ENV,
    ServeError,
    VoilaServer,
    check_token,
    free_port,
    is_loopback,
    resolve_token,
    running_server,
    voila_command,
)
from peerkit.settings import VOILA_CONFIG, checkout  # noqa: E402

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
    assert argv[:3] == [sys.executable, "-m", "peerkit.portal.voila"]
    assert argv[3] == str(tmp_path.resolve())
    assert "--no-browser" in argv
    assert flag(argv, "Voila.ip") == "127.0.0.1"
    assert flag(argv, "port") == "8866"
    assert flag(argv, "Voila.port_retries") == "0"
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0] == str(VOILA_CONFIG.parent)
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


def test_minutes_from_the_console_go_where_serve_was_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk: outside a cohort folder, the console wrote its minutes beside the served
    notebooks (the kernel's folder), not where the facilitator ran `peerkit serve`."""
    from peerkit.folder import minutes_dir

    started, elsewhere = tmp_path / "meeting-day", tmp_path / "notebooks"
    started.mkdir()
    elsewhere.mkdir()
    monkeypatch.chdir(started)
    _, env = voila_command(elsewhere, db_url="sqlite://", base_env={})
    assert env[MINUTES_ENV] == str(started)
    # A kernel in the notebooks' folder, with serve's environment.
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv(MINUTES_ENV, env[MINUTES_ENV])
    assert minutes_dir(None) == started
    # A folder the facilitator chose is kept.
    _, env = voila_command(elsewhere, db_url="sqlite://", base_env={MINUTES_ENV: "/srv/m"})
    assert env[MINUTES_ENV] == "/srv/m"


def test_command_rejects_bad_input(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="db_url"):
        voila_command(tmp_path, db_url="")
    with pytest.raises(ValueError, match="port"):
        voila_command(tmp_path, db_url="sqlite://", port=70000)


def test_voila_reads_peerkits_template_theme_and_culling_from_the_shipped_file(
    tmp_path: Path,
) -> None:
    """Voila's own config loading, as `peerkit serve` starts it, finds peerkit's voila.json."""
    from voila.app import Voila

    _, env = voila_command(tmp_path, db_url="sqlite://", base_env={})
    app = Voila(config_file_paths=env["JUPYTER_CONFIG_PATH"].split(os.pathsep))
    app.load_config_file("voila", path=app.config_file_paths)
    assert app.config.VoilaConfiguration.template == "peerkit"
    assert app.config.VoilaConfiguration.theme == "dark"
    culling = app.config.MappingKernelManager
    assert (culling.cull_idle_timeout, culling.cull_interval) == (600, 60)
    assert culling.cull_connected is False


def test_template_is_found_from_the_checkout(tmp_path: Path) -> None:
    root = checkout()
    assert root == REPO
    templates = REPO / "templates"
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


@pytest.mark.slow
def test_running_server_answers_and_stops(notebook_dir: Path) -> None:
    with running_server(notebook_dir, db_url="sqlite:///t.db") as server:
        assert server.base_url.startswith("http://127.0.0.1:")
        assert server.token is None  # loopback: no secret, the URLs as they were
        assert server.with_token(server.console_url) == server.console_url
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


@pytest.mark.slow
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


# --- A secret on anything but loopback ------------------------------------------------------

SECRET = "a-secret-of-24-chars-xyz"
NO_SECRET_LINE = (
    "Error: Serving on 0.0.0.0 shows every meeting's text to anyone who can reach this "
    "machine: give a secret with --token (or PEERKIT_TOKEN), or --token generate to make one."
)


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.4.5.6", "::1", "[::1]", "::ffff:127.0.0.1", "localhost", "LOCALHOST"]
)
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)
    check_token(host, None)  # no secret needed
    assert resolve_token(host, None) == (None, False)


@pytest.mark.parametrize(
    "host", ["0.0.0.0", "", "::", "[::]", "192.168.1.20", "10.0.0.7", "fe80::1", "::ffff:10.0.0.1"]
)
def test_other_hosts_need_a_secret(host: str) -> None:
    assert not is_loopback(host)
    with pytest.raises(ServeError, match=r"shows every meeting's text .* --token generate"):
        check_token(host, None)
    with pytest.raises(ServeError, match="--token"):
        check_token(host, "")
    check_token(host, SECRET)


def test_a_host_name_is_loopback_only_if_all_its_addresses_are(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No real lookups: a test must not send anything off this machine, DNS included.
    answers = {
        "box": ["127.0.1.1"],
        "dual": ["127.0.0.1", "192.168.1.20"],
        "lan": ["192.168.1.20"],
    }

    def fake_getaddrinfo(name: str, *args: Any, **kwargs: Any) -> list[Any]:
        if name not in answers:
            raise serve_module.socket.gaierror("no such host")
        return [(2, 1, 6, "", (address, 0)) for address in answers[name]]

    monkeypatch.setattr(serve_module.socket, "getaddrinfo", fake_getaddrinfo)
    assert is_loopback("box")
    assert not is_loopback("dual")
    assert not is_loopback("lan")
    assert not is_loopback("nowhere")


def test_a_short_secret_is_refused_without_showing_it() -> None:
    with pytest.raises(ServeError) as err:
        check_token("0.0.0.0", "fifteen-chars!!")
    assert str(err.value) == (
        "The secret is 15 characters long: give one of at least 16, or --token generate to "
        "make one."
    )
    assert "fifteen" not in str(err.value)
    with pytest.raises(ServeError, match="at least 16"):
        check_token("127.0.0.1", "short")  # a secret given for loopback is used, so checked
    check_token("0.0.0.0", "x" * 16)


def test_generate_makes_a_fresh_url_safe_secret() -> None:
    first, generated = resolve_token("0.0.0.0", GENERATE_TOKEN)
    second, _ = resolve_token("0.0.0.0", GENERATE_TOKEN)
    assert generated
    assert first and second and first != second
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", first)  # secrets.token_urlsafe(32)
    assert resolve_token("0.0.0.0", SECRET) == (SECRET, False)


def test_command_passes_the_secret_in_the_environment_only(tmp_path: Path) -> None:
    argv, env = voila_command(
        tmp_path,
        db_url="sqlite://",
        host="0.0.0.0",
        token=SECRET,
        extra_env={"JUPYTER_TOKEN": "from-extra-env"},
        base_env={"JUPYTER_TOKEN_FILE": "/somewhere"},
    )
    assert not any(SECRET in arg for arg in argv)  # not in `ps`
    assert env["JUPYTER_TOKEN"] == SECRET
    assert "JUPYTER_TOKEN_FILE" not in env
    # Voila 0.5 checks a token only with auto_token on; None overrides one from a config file.
    assert flag(argv, "Voila.auto_token") == "True"
    assert flag(argv, "Voila.token") == "None"
    # /voila/files/ is served without the secret: serve nothing there.
    assert flag(argv, "VoilaConfiguration.file_denylist") == ".*"
    plain, plain_env = voila_command(tmp_path, db_url="sqlite://", base_env={})
    assert flag(plain, "Voila.auto_token") is None and flag(plain, "Voila.token") is None
    assert flag(plain, "VoilaConfiguration.file_denylist") is None
    assert "JUPYTER_TOKEN" not in plain_env


def _no_voila(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("a server was started")


@pytest.fixture
def no_voila(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`peerkit serve` from an empty folder, no secret in the environment, and no Voila to start
    (starting one fails the test)."""
    monkeypatch.delenv("PEERKIT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(serve_module.subprocess, "Popen", _no_voila)


def test_cli_refuses_to_serve_beyond_loopback_without_a_secret(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    no_voila: None,
) -> None:
    db = str(tmp_path / "no-store-yet.db")  # refused before the store is even opened
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--db", db, "--host", "0.0.0.0"])
    assert exit_.value.code not in (0, None)
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [NO_SECRET_LINE]
    assert not (tmp_path / "no-store-yet.db").exists()

    monkeypatch.setenv("PEERKIT_TOKEN", "too-short")
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--db", db, "--host", "192.168.1.20"])
    assert exit_.value.code not in (0, None)
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        "Error: The secret is 9 characters long: give one of at least 16, or --token generate "
        "to make one."
    ]
    with pytest.raises(SystemExit):
        main(["serve", "--db", db, "--host", "::", "--token", "also-short"])
    assert "10 characters long" in capsys.readouterr().err


class _FakeProcess:
    returncode = 0

    def poll(self) -> int | None:
        return None

    def wait(self, timeout: float | None = None) -> int:
        return 0


def _fake_start(monkeypatch: pytest.MonkeyPatch, seen: dict[str, Any]) -> None:
    def start(notebook_dir: Any, *, host: str, port: int, token: str | None, **kw: Any) -> Any:
        seen["token"] = token
        server = VoilaServer(process=_FakeProcess(), host=host, port=port, token=token)  # type: ignore[arg-type]
        monkeypatch.setattr(server, "wait_ready", lambda timeout=0: None)
        monkeypatch.setattr(server, "stop", lambda: 0)
        return server

    monkeypatch.setattr(serve_module, "start_server", start)


def test_serve_prints_a_generated_secret_in_its_urls_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: dict[str, Any] = {}
    _fake_start(monkeypatch, seen)
    code = serve_module.serve(
        tmp_path, db_url="sqlite://", host="0.0.0.0", port=8870, token=GENERATE_TOKEN
    )
    assert code == 0
    token = seen["token"]
    assert token and token != GENERATE_TOKEN
    lines = capsys.readouterr().out.splitlines()
    base = "http://127.0.0.1:8870/voila/render/"
    assert lines[0] == f"Console:   {base}facilitator.ipynb?token={token}"
    assert lines[1] == f"Projector: {base}projector.ipynb?token={token}"
    assert "(listening on all interfaces, port 8870)" in lines
    assert sum(token in line for line in lines) == 2


def test_serve_never_prints_a_configured_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: dict[str, Any] = {}
    _fake_start(monkeypatch, seen)
    serve_module.serve(tmp_path, db_url="sqlite://", host="192.168.1.20", port=8870, token=SECRET)
    assert seen["token"] == SECRET
    out = capsys.readouterr().out
    assert SECRET not in out
    assert "Console:   http://192.168.1.20:8870/voila/render/facilitator.ipynb\n" in out
    assert "?token=<your secret>" in out


@pytest.fixture
def always_ok() -> Iterator[int]:
    """A local HTTP server that answers 200 to everything: a Voila that checks no secret."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(httpd.server_address[1])
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_server_that_does_not_check_the_secret_is_refused(always_ok: int) -> None:
    server = VoilaServer(process=_FakeProcess(), host="127.0.0.1", port=always_ok, token=SECRET)  # type: ignore[arg-type]
    with pytest.raises(ServeError, match="does not check the secret"):
        server.wait_ready()
    VoilaServer(process=_FakeProcess(), host="127.0.0.1", port=always_ok).wait_ready()  # type: ignore[arg-type]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


NO_FOLLOW = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def fetch(url: str, cookie: str | None = None) -> tuple[int, str, Any]:
    """status, body, headers of a GET that does not follow redirects."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with NO_FOLLOW.open(request, timeout=60) as response:
            body = response.read().decode("utf-8", "replace")
            return int(response.status), body, response.headers
    except urllib.error.HTTPError as err:
        return int(err.code), err.read().decode("utf-8", "replace"), err.headers


def websocket_status(url: str, cookie: str | None = None) -> int:
    """101 if the websocket opens, else the HTTP status it was refused with."""
    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    async def attempt() -> int:
        request = HTTPRequest(url, headers={"Cookie": cookie} if cookie else {})
        try:
            connection = await websocket_connect(request)
        except HTTPClientError as err:
            return int(err.code)
        connection.close()
        return 101

    return asyncio.run(attempt())


ADVICE_NOTEBOOK = """\
import os, sqlite3
db = os.environ["PEERKIT_DB"].removeprefix("sqlite:///")
print(sqlite3.connect(db).execute("SELECT text FROM advice ORDER BY id").fetchone()[0])
"""


@pytest.mark.slow
def test_a_secret_guards_every_page_and_api_call(tmp_path: Path, demo_copy: Path) -> None:
    """Bound on every interface with a generated secret; every request goes to 127.0.0.1."""
    with contextlib.closing(sqlite3.connect(demo_copy)) as conn:
        advice = conn.execute("SELECT text FROM advice ORDER BY id").fetchone()[0]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(ADVICE_NOTEBOOK)]
    for name in ("facilitator.ipynb", "projector.ipynb"):
        nbformat.write(nb, tmp_path / name)
    (tmp_path / "chart.png").write_bytes(b"\x89PNG a chart of the meeting")

    with running_server(
        tmp_path, db_url=f"sqlite:///{demo_copy}", host="0.0.0.0", token=GENERATE_TOKEN
    ) as server:
        assert server.host == "0.0.0.0" and server.base_url.startswith("http://127.0.0.1:")
        assert server.token and len(server.token) == 43
        base = server.base_url
        # Without the secret: pages send to the login form (starting no kernel), APIs refuse.
        for url in (server.console_url, server.projector_url, base, base + "voila/tree"):
            status, body, headers = fetch(url)
            assert status == 302, url
            assert headers["Location"].startswith("/login?next="), url
            assert advice not in body
        status, body, _ = fetch(base + "voila/api/contents/")
        assert status == 403 and "facilitator" not in body
        assert fetch(base + "voila/files/chart.png")[0] == 403
        status, login, _ = fetch(base + "login")
        assert status == 200 and advice not in login
        assert not re.search(r"<(script|link|img)[^>]*https?://", login)  # works offline
        # The health check needs no secret (and shows nothing of a meeting).
        assert fetch(base + "voila/static/voila.js")[0] == 200

        # With it: the page, and a cookie that keeps the browser in.
        status, page, headers = fetch(server.with_token(server.console_url))
        assert status == 200
        assert advice in page
        cookie = headers["Set-Cookie"].split(";")[0]
        status, again, _ = fetch(server.console_url, cookie=cookie)
        assert status == 200 and advice in again

        # The page's kernel: its API and websocket need the secret or the cookie too.
        config = re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.S)
        assert config is not None
        kernel = json.loads(config.group(1))["kernelId"]
        assert fetch(f"{base}api/kernels/{kernel}")[0] == 403
        assert fetch(server.with_token(f"{base}api/kernels/{kernel}"))[0] == 200
        channels = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel}/channels"
        assert websocket_status(channels) == 403
        assert websocket_status(channels + "?token=" + "x" * 43) == 403
        assert websocket_status(channels, cookie=cookie) == 101


def test_preheat_is_refused_beyond_loopback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_voila: None
) -> None:
    """Voila 0.5's channel to its warm kernels does not check the secret: no --preheat there."""
    db = str(tmp_path / "no-store-yet.db")
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--db", db, "--host", "0.0.0.0", "--token", "generate", "--preheat"])
    assert exit_.value.code not in (0, None)
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1
    assert err.startswith("Error: --preheat is for serving on this computer only")
    assert not (tmp_path / "no-store-yet.db").exists()
    check_token("127.0.0.1", None, preheat=True)  # on loopback it stays
