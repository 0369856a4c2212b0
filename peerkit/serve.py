"""Serve the dashboard notebooks through Voila, offline, with peerkit's template.

``serve()`` is what ``peerkit serve`` runs: it starts ``python -m voila`` on a directory of
notebooks (``facilitator.ipynb`` is the console, ``projector.ipynb`` the room's view,
``accountability.ipynb`` the follow-through scoreboard), waits until the server answers, prints
their URLs and runs until Ctrl-C or SIGTERM.

The notebooks find the meeting store through the environment variable ``PEERKIT_DB`` (a
SQLAlchemy URL), which every kernel inherits from the Voila server and reads through
``peerkit.settings``. Voila's own settings (template, theme, kernel culling) are the package's
``jupyter-config/voila.json``, shipped once and shared with docs/jupyterhub_config.py.

On a loopback address nothing else is needed. On any other address (``0.0.0.0``, a LAN address,
a host name) the server needs a secret ("token"): jupyter-server, which Voila runs on, then checks
it on every page and API call (``?token=`` once in the URL, then a cookie). Voila 0.5 only
enforces a token when ``Voila.auto_token`` is on; the token itself goes through ``JUPYTER_TOKEN``
in Voila's environment, never on its command line (where ``ps`` would show it).

``voila_command()`` builds the command and environment without starting anything (for tests);
``running_server()`` starts a server on a free port for the duration of a ``with`` block.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import html
import ipaddress
import os
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import webbrowser
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, Any

from peerkit.settings import (
    ACCOUNTABILITY_NOTEBOOK,
    CONSOLE_NOTEBOOK,
    PROJECTOR_NOTEBOOK,
    VOILA_CONFIG,
    Settings,
    checkout,
)

__all__ = [
    "ACCOUNTABILITY_NOTEBOOK",
    "CONSOLE_NOTEBOOK",
    "DB_ENV",
    "GENERATE_TOKEN",
    "MIN_TOKEN_LENGTH",
    "PROJECTOR_NOTEBOOK",
    "TEMPLATE_NAME",
    "TOKEN_ENV",
    "ServeError",
    "VoilaServer",
    "check_token",
    "is_loopback",
    "resolve_token",
    "running_server",
    "serve",
    "voila_command",
]

DB_ENV = str(Settings.declared()["store"].metadata["env"])
"""Environment variable through which the kernels receive the store's URL."""
#: Where the console writes minutes outside a cohort folder: where `peerkit serve` started.
MINUTES_ENV = str(Settings.declared()["minutes_folder"].metadata["env"])

TEMPLATE_NAME = "peerkit"
HEALTH_PATH = "voila/static/voila.js"
"""Fetched to know the server is up. Never a notebook URL: each GET of one starts a kernel."""

_WILDCARD_HOSTS = {"", "0.0.0.0", "::", "[::]"}

TOKEN_ENV = str(Settings.declared()["token"].metadata["env"])
"""Environment variable ``peerkit serve`` reads the secret from when ``--token`` is not given."""
GENERATE_TOKEN = "generate"
"""The ``token`` value that asks for a fresh secret (``secrets.token_urlsafe(32)``)."""
MIN_TOKEN_LENGTH = 16
VOILA_TOKEN_ENV = "JUPYTER_TOKEN"
"""Read by jupyter-server's IdentityProvider when Voila runs with ``Voila.auto_token``."""


class ServeError(RuntimeError):
    """Voila could not be started (one plain sentence, fit for the CLI to print)."""


def is_loopback(host: str) -> bool:
    """Whether a server bound on ``host`` is reachable from this machine only.

    True for 127.0.0.0/8, ::1 (also written ``[::1]`` or ``::ffff:127.x.x.x``), ``localhost``,
    and a host name whose every address is one of those. False for the wildcard addresses
    (``0.0.0.0``, ``::``), any other address, and a name that does not resolve.
    """
    name = host.strip()
    if name in _WILDCARD_HOSTS:
        return False
    name = name.strip("[]")
    if name.lower().rstrip(".") == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        try:
            infos = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            return False
        return bool(infos) and all(is_loopback(str(info[4][0])) for info in infos)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def check_token(host: str, token: str | None, *, preheat: bool = False) -> None:
    """Raise ServeError unless ``token`` is acceptable for serving on ``host``.

    Loopback needs no secret. Any other address needs one of at least MIN_TOKEN_LENGTH
    characters, or GENERATE_TOKEN. A secret given for loopback is checked and used too.
    ``preheat`` is refused beyond loopback: Voila 0.5's channel to its warm kernels
    (``/voila/query/<kernel id>``) does not check the secret and hands over the page's request.
    """
    if preheat and not is_loopback(host):
        raise ServeError(
            "--preheat is for serving on this computer only: beyond it, Voila's warm kernels "
            "answer a channel that does not check the secret. Serve without --preheat."
        )
    if not token:
        if is_loopback(host):
            return
        where = host or "every address"
        raise ServeError(
            f"Serving on {where} shows every meeting's text to anyone who can reach this "
            f"machine: give a secret with --token (or {TOKEN_ENV}), or --token "
            f"{GENERATE_TOKEN} to make one."
        )
    if token != GENERATE_TOKEN and len(token) < MIN_TOKEN_LENGTH:
        raise ServeError(
            f"The secret is {len(token)} characters long: give one of at least "
            f"{MIN_TOKEN_LENGTH}, or --token {GENERATE_TOKEN} to make one."
        )


def resolve_token(
    host: str, token: str | None, *, preheat: bool = False
) -> tuple[str | None, bool]:
    """``(secret, generated)`` to serve ``host`` with (``check_token`` first).

    ``(None, False)`` on loopback without a secret; a fresh ``secrets.token_urlsafe(32)`` for
    GENERATE_TOKEN; else the secret as given.
    """
    check_token(host, token, preheat=preheat)
    if not token:
        return None, False
    if token == GENERATE_TOKEN:
        return secrets.token_urlsafe(32), True
    return token, False


def _connect_host(host: str) -> str:
    """Where a local client should connect to reach a server bound on ``host``."""
    if host in _WILDCARD_HOSTS:
        return "127.0.0.1"
    return host


def _url_host(host: str) -> str:
    host = _connect_host(host)
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def base_url(host: str, port: int, *, tls: bool = False) -> str:
    """``http://HOST:PORT/`` (``https`` with ``tls``) as a browser on this machine should use
    it."""
    return f"{'https' if tls else 'http'}://{_url_host(host)}:{port}/"


def voila_command(
    notebook_dir: str | os.PathLike[str],
    *,
    db_url: str,
    host: str = "127.0.0.1",
    port: int = 8866,
    extra_env: Mapping[str, str] | None = None,
    preheat: bool = False,
    log_level: str = "WARN",
    base_env: Mapping[str, str] | None = None,
    token: str | None = None,
    certfile: str | os.PathLike[str] | None = None,
    keyfile: str | os.PathLike[str] | None = None,
) -> tuple[list[str], dict[str, str]]:
    """The argv and environment that run Voila for ``serve()``; starts nothing.

    ``base_env`` defaults to ``os.environ``. ``extra_env`` is added last, so it wins (but
    ``PEERKIT_DB`` always comes from ``db_url``, and ``JUPYTER_TOKEN`` from ``token``).

    ``token``: the secret every page and API call must carry (``None``: none, as on loopback).
    It goes into the environment only; the command line just turns the check on.

    ``certfile`` and ``keyfile``: serve HTTPS with this certificate (PEM) and its key.
    """
    if not db_url:
        raise ValueError("db_url is required: the notebooks need to know which store to open")
    if not 0 <= int(port) <= 65535:
        raise ValueError(f"port must be between 0 and 65535, not {port}")
    argv = [
        sys.executable,
        "-m",
        "peerkit.portal.voila",  # Voila, with the member pages beside the dashboards
        str(Path(notebook_dir).resolve()),
        "--no-browser",
        f"--Voila.ip={host}",
        f"--port={int(port)}",
        # Fail on a taken port instead of quietly moving to another one we would not print.
        "--Voila.port_retries=0",
        f"--Voila.log_level={log_level}",
    ]
    if preheat:
        argv += ["--preheat_kernel=True", "--VoilaConfiguration.default_pool_size=1"]
    if certfile:
        argv.append(f"--PeerkitVoila.certfile={Path(certfile).resolve()}")
        if keyfile:
            argv.append(f"--PeerkitVoila.keyfile={Path(keyfile).resolve()}")
    if token:
        # Voila 0.5 gives jupyter-server's IdentityProvider an empty token (no check at all)
        # unless auto_token is on or Voila.token is set; with auto_token and no Voila.token
        # (None also overrides one from a config file), the IdentityProvider takes
        # $JUPYTER_TOKEN. --IdentityProvider.token and --ServerApp.token are ignored.
        argv += ["--Voila.auto_token=True", "--Voila.token=None"]
        # /voila/files/ (images beside the notebooks) is the one route Voila serves without
        # asking for the secret; the dashboards never use it, so nothing is served there.
        argv.append("--VoilaConfiguration.file_denylist=.*")

    env = dict(os.environ if base_env is None else base_env)
    env.update(extra_env or {})
    env[DB_ENV] = db_url
    # Kernels run in the notebooks' folder (an install's share/, a checkout's notebooks/):
    # minutes go where the facilitator started, unless the setting says where.
    env.setdefault(MINUTES_ENV, str(Path.cwd()))
    if token:
        env[VOILA_TOKEN_ENV] = token
        env.pop("JUPYTER_TOKEN_FILE", None)
    # Voila reads voila.json from every Jupyter config folder; ours comes after the user's own
    # (~/.jupyter) and the notebook folder's, which may override it.
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        p for p in (str(VOILA_CONFIG.parent), env.get("JUPYTER_CONFIG_PATH", "")) if p
    )
    root_dir = checkout()
    if root_dir is not None:
        # The checkout's templates/ mirrors share/jupyter: first on JUPYTER_PATH, Voila uses
        # the live files, not the copy an editable install made at install time.
        templates = root_dir / "templates"
        env["JUPYTER_PATH"] = os.pathsep.join(
            p for p in (str(templates), env.get("JUPYTER_PATH", "")) if p
        )
        # Kernels must import the same peerkit as this process: the checkout's.
        root = str(root_dir)
        if root not in env.get("PYTHONPATH", "").split(os.pathsep):
            env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return argv, env


def _local_https() -> urllib.request.HTTPSHandler:
    """HTTPS to our own server on this machine: its certificate may be self-signed, and is
    for the name phones use, not for 127.0.0.1 (this check asks only whether it answers)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return urllib.request.HTTPSHandler(context=context)


def _http_ok(url: str, timeout: float = 2.0) -> bool:
    # No proxy: the server is local, and a proxy from the environment must not see it.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _local_https())
    try:
        with opener.open(url, timeout=timeout) as response:
            return 200 <= int(response.status) < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _http_status(url: str, headers: Mapping[str, str] | None = None, timeout: float = 10.0) -> int:
    """The status of a GET of ``url``, redirects not followed (0 if nothing answered)."""
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), _NoRedirect, _local_https()
    )
    request = urllib.request.Request(url, headers=dict(headers or {}))
    try:
        with opener.open(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        return int(err.code)
    except (urllib.error.URLError, OSError, ValueError):
        return 0


def _stop_process(proc: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    """SIGTERM Voila's process group (Voila then shuts its kernels down), SIGKILL if stuck."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=timeout)


@dataclass
class VoilaServer:
    """A Voila server started by peerkit."""

    process: subprocess.Popen[bytes]
    host: str
    port: int
    log_path: Path | None = None
    _log: IO[bytes] | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    """The secret pages and API calls need (``None``: none needed)."""
    tls: bool = False

    @property
    def base_url(self) -> str:
        return base_url(self.host, self.port, tls=self.tls)

    def with_token(self, url: str) -> str:
        """``url`` with ``?token=SECRET`` (the first visit's URL); ``url`` if no secret."""
        if not self.token:
            return url
        sep = "&" if "?" in url else "?"
        return f"{url}{sep}token={urllib.parse.quote(self.token, safe='')}"

    def render_url(self, notebook: str) -> str:
        """The URL of a notebook served from the directory, e.g. ``facilitator.ipynb``."""
        return f"{self.base_url}voila/render/{notebook}"

    @property
    def console_url(self) -> str:
        return self.render_url(CONSOLE_NOTEBOOK)

    @property
    def projector_url(self) -> str:
        return self.render_url(PROJECTOR_NOTEBOOK)

    @property
    def accountability_url(self) -> str:
        return self.render_url(ACCOUNTABILITY_NOTEBOOK)

    def log_text(self) -> str:
        """What Voila wrote so far (only when its output goes to a log file)."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Block until ``/voila/static/voila.js`` answers; raise ServeError if Voila exits."""
        health = self.base_url + HEALTH_PATH
        end = time.monotonic() + timeout
        while True:
            code = self.process.poll()
            if code is not None:
                tail = "\n".join(self.log_text().splitlines()[-15:])
                raise ServeError(
                    f"Voila exited with code {code} before serving {self.base_url}"
                    + (f":\n{tail}" if tail else "")
                )
            if _http_ok(health):
                if self.token:
                    self._check_token_enforced()
                return
            if time.monotonic() > end:
                raise ServeError(f"Voila did not answer on {self.base_url} within {timeout:.0f} s")
            time.sleep(0.1)

    def _check_token_enforced(self) -> None:
        """ServeError unless the notebook list needs the secret and opens with it.

        (A Voila configuration file could swap the identity provider: better refuse than serve
        every meeting's text.) The list starts no kernel.
        """
        refused = _http_status(self.base_url)
        allowed = _http_status(self.base_url, {"Authorization": f"token {self.token}"})
        if refused not in (302, 403) or allowed != 200:
            raise ServeError(
                f"Voila on {self.base_url} does not check the secret as peerkit asked "
                f"(without it: {refused}, with it: {allowed}); is a Voila configuration file "
                "overriding it? Not serving."
            )

    def stop(self) -> int:
        """Stop Voila and its kernels; returns Voila's exit code."""
        _stop_process(self.process)
        if self._log is not None:
            self._log.close()
            self._log = None
        return int(self.process.returncode or 0)


def port_in_use(host: str, port: int) -> bool:
    """Whether a server already listens on ``host:port`` (as Voila would bind it)."""
    bind_host = None if host in _WILDCARD_HOSTS else host.strip("[]")
    try:
        infos = socket.getaddrinfo(
            bind_host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror:
        return False  # let Voila report the bad host
    for family, kind, proto, _name, address in infos:
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as tornado does
            try:
                sock.bind(address)
            except OSError as err:
                if err.errno == errno.EADDRINUSE:
                    return True
    return False


# Lines Voila and its kernels print on every page view that tell a facilitator nothing.
_NOISE = (
    "is not trusted",
    "Kernel is running over TCP without encryption",
    "websocket_ping_timeout",
)


def _forward_output(stream: IO[bytes], sink: IO[str]) -> None:
    """Copy Voila's output to ``sink`` line by line, without the noise."""
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace")
        if not any(marker in line for marker in _NOISE):
            sink.write(line)
            sink.flush()
    stream.close()


_libc: Any = None
if sys.platform.startswith("linux"):
    try:
        _libc = ctypes.CDLL(None, use_errno=True)
    except OSError:  # pragma: no cover - no libc to talk to
        _libc = None


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: Voila gets SIGTERM if the process that started it dies, even by SIGKILL."""
    if _libc is not None:
        _libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_server(
    notebook_dir: str | os.PathLike[str],
    *,
    db_url: str,
    host: str = "127.0.0.1",
    port: int = 8866,
    extra_env: Mapping[str, str] | None = None,
    preheat: bool = False,
    log_level: str = "WARN",
    log_path: Path | None = None,
    quiet: bool = False,
    token: str | None = None,
    certfile: str | os.PathLike[str] | None = None,
    keyfile: str | os.PathLike[str] | None = None,
) -> VoilaServer:
    """Start Voila in its own process group and return at once (see ``wait_ready``).

    Voila's output goes to ``log_path`` when given, else to this process's stderr (without the
    lines it repeats on every page view when ``quiet``). On Linux, Voila is stopped if the
    thread that started it dies.

    ``token``: the secret (or GENERATE_TOKEN); required unless ``host`` is loopback
    (ServeError, see ``check_token``). The server's ``token`` holds the one in use.
    """
    token, _generated = resolve_token(host, token, preheat=preheat)
    notebook_dir = Path(notebook_dir)
    if not notebook_dir.is_dir():
        raise ServeError(f"notebook directory not found: {notebook_dir}")
    if port and port_in_use(host, port):
        raise ServeError(f"port {port} is already in use on {host}: choose another with --port")
    argv, env = voila_command(
        notebook_dir,
        db_url=db_url,
        host=host,
        port=port,
        extra_env=extra_env,
        preheat=preheat,
        log_level=log_level,
        token=token,
        certfile=certfile,
        keyfile=keyfile,
    )
    log: IO[bytes] | None = open(log_path, "wb") if log_path is not None else None  # noqa: SIM115
    pipe = log is None and quiet
    try:
        proc = subprocess.Popen(
            argv,
            env=env,
            cwd=str(notebook_dir),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if pipe else log,
            stderr=subprocess.STDOUT if (pipe or log is not None) else None,
            start_new_session=True,  # its own process group: we stop it, not the terminal
            preexec_fn=_die_with_parent if _libc is not None else None,
        )
    except BaseException:
        if log is not None:
            log.close()
        raise
    if pipe and proc.stdout is not None:
        threading.Thread(
            target=_forward_output, args=(proc.stdout, sys.stderr), daemon=True
        ).start()
    return VoilaServer(
        process=proc,
        host=host,
        port=port,
        log_path=log_path,
        _log=log,
        token=token,
        tls=bool(certfile),
    )


def serve(
    notebook_dir: str | os.PathLike[str],
    *,
    db_url: str,
    host: str = "127.0.0.1",
    port: int = 8866,
    open_browser: bool = False,
    extra_env: Mapping[str, str] | None = None,
    preheat: bool = False,
    startup_timeout: float = 60.0,
    token: str | None = None,
    certfile: str | os.PathLike[str] | None = None,
    keyfile: str | os.PathLike[str] | None = None,
) -> int:
    """Serve ``notebook_dir`` with Voila until Ctrl-C or SIGTERM; returns the exit code.

    - ``db_url``: the store's SQLAlchemy URL, handed to every kernel as ``$PEERKIT_DB``.
    - ``host``: the address to listen on; loopback unless you mean to expose the dashboard.
    - ``port``: fails (ServeError) if taken, rather than moving to another port.
    - ``open_browser``: open the console in the default browser once the server answers.
    - ``extra_env``: more environment variables for Voila and its kernels.
    - ``preheat``: keep one kernel per notebook warm (faster first paint, more memory).
    - ``token``: the secret every page and API call must carry, or GENERATE_TOKEN for a fresh
      one; required unless ``host`` is loopback (ServeError before anything starts).
    - ``certfile``, ``keyfile``: serve HTTPS (members' phones on a shared network).

    Prints the console and projector URLs once Voila answers, and the accountability view's
    when ``notebook_dir`` holds it (with ``?token=`` when the secret was generated: that is
    the only place it is shown). Stops Voila and its kernels on Ctrl-C
    or SIGTERM and returns 0; returns Voila's own exit code if it dies by itself. Raises
    ServeError if Voila does not come up.
    """
    token, generated = resolve_token(host, token, preheat=preheat)
    server = start_server(
        notebook_dir,
        db_url=db_url,
        host=host,
        port=port,
        extra_env=extra_env,
        preheat=preheat,
        quiet=True,
        token=token,
        certfile=certfile,
        keyfile=keyfile,
    )
    shown = server.with_token if generated else (lambda url: url)
    redirect_dir: tempfile.TemporaryDirectory[str] | None = None

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    # Ctrl-C, kill, or the terminal closing: stop Voila and its kernels, then return 0.
    stop_signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.signal(sig, _on_signal) for sig in stop_signals}
    try:
        try:
            server.wait_ready(timeout=startup_timeout)
        except ServeError:
            server.stop()
            raise
        print(f"Console:   {shown(server.console_url)}", flush=True)
        print(f"Projector: {shown(server.projector_url)}", flush=True)
        if (Path(notebook_dir) / ACCOUNTABILITY_NOTEBOOK).is_file():
            print(f"Accountability: {shown(server.accountability_url)}", flush=True)
        print(
            f"Members:   {server.base_url}peerkit/m/… (each member's own address: peerkit links)",
            flush=True,
        )
        if host in _WILDCARD_HOSTS:
            print(f"(listening on all interfaces, port {port})", flush=True)
        if generated:
            print(
                "(these addresses carry the secret: open them only on your own devices)",
                flush=True,
            )
        elif token:
            print(
                "(each device needs the secret once: add ?token=<your secret> to the address, "
                "or type it when the page asks)",
                flush=True,
            )
        print("Press Ctrl-C to stop.", flush=True)
        if open_browser:
            if token:
                redirect_dir = tempfile.TemporaryDirectory(prefix="peerkit-open-")
                webbrowser.open(_redirect_page(server.with_token(server.console_url), redirect_dir))
            else:
                webbrowser.open(server.console_url)
        code = server.process.wait()
        return code
    except KeyboardInterrupt:
        server.stop()
        print("Stopped.", flush=True)
        return 0
    finally:
        if server.process.poll() is None:
            server.stop()
        if redirect_dir is not None:
            redirect_dir.cleanup()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _redirect_page(url: str, directory: tempfile.TemporaryDirectory[str]) -> str:
    """A ``file://`` page (readable by this user only) that sends the browser to ``url``.

    Opening it instead of ``url`` keeps the secret off the browser's command line (as
    jupyter-server does).
    """
    path = Path(directory.name) / "open-console.html"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    target = html.escape(url, quote=True)
    with os.fdopen(fd, "w", encoding="utf-8") as page:
        page.write(
            '<!doctype html><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="0;url={target}"><title>peerkit</title>'
            f'<a href="{target}">Open the facilitator console</a>\n'
        )
    return path.as_uri()


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` right now."""
    family = socket.AF_INET6 if ":" in _connect_host(host) else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((_connect_host(host), 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_server(
    notebook_dir: str | os.PathLike[str],
    *,
    db_url: str,
    host: str = "127.0.0.1",
    port: int | None = None,
    extra_env: Mapping[str, str] | None = None,
    preheat: bool = False,
    startup_timeout: float = 90.0,
    log_path: Path | None = None,
    token: str | None = None,
    certfile: str | os.PathLike[str] | None = None,
    keyfile: str | os.PathLike[str] | None = None,
) -> Iterator[VoilaServer]:
    """Run Voila on a free port for the ``with`` block; yields the VoilaServer.

    Voila's output goes to ``log_path`` (a temporary file by default: ``server.log_text()``).
    ``token`` as for ``serve()`` (GENERATE_TOKEN: a fresh one, in ``server.token``).
    """
    token, _generated = resolve_token(host, token, preheat=preheat)
    tmp_dir: tempfile.TemporaryDirectory[str] | None = None
    if log_path is None:
        tmp_dir = tempfile.TemporaryDirectory(prefix="peerkit-voila-")
        log_path = Path(tmp_dir.name) / "voila.log"
    attempts = 1 if port is not None else 3
    server: VoilaServer | None = None
    try:
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                server = start_server(
                    notebook_dir,
                    db_url=db_url,
                    host=host,
                    port=port if port is not None else free_port(host),
                    extra_env=extra_env,
                    preheat=preheat,
                    log_path=log_path,
                    token=token,
                    certfile=certfile,
                    keyfile=keyfile,
                )
            except ServeError as err:
                # a free port can be taken between our check and Voila's bind: try another
                if last or "already in use" not in str(err):
                    raise
                continue
            try:
                server.wait_ready(timeout=startup_timeout)
                break
            except ServeError:
                server.stop()
                if last or "no available port" not in server.log_text():
                    raise
                server = None
        assert server is not None
        yield server
    finally:
        if server is not None:
            server.stop()
        if tmp_dir is not None:
            tmp_dir.cleanup()
