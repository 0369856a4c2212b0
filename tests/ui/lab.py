"""JupyterLab for the browser tests: a real ``jupyter lab`` on 127.0.0.1 with a token, in a folder.

Everything Lab would keep for a user (settings, workspaces, runtime files) goes to a scratch
folder, and nothing Lab could fetch from the internet is switched on: no news, no update check,
no extension manager reading PyPI.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from peerkit.serve import free_port

VENV_BIN = Path(sys.executable).parent
START_S = 180.0  # Lab's first start on a busy 2-core machine


@dataclass
class Lab:
    """A running JupyterLab: its address, its token and the folder it serves."""

    url: str
    token: str
    folder: Path
    log: Path

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """A GET of ``path`` with the token in the header: status, headers and body."""
        request = urllib.request.Request(
            self.url + path, headers={"Authorization": f"token {self.token}"}
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=60) as response:
                return int(response.status), dict(response.headers), response.read()
        except urllib.error.HTTPError as err:
            return int(err.code), dict(err.headers), err.read()

    def lab_url(self, notebook: str) -> str:
        # reset: a fresh workspace, no tab reopened from an earlier page
        return f"{self.url}/lab/tree/{notebook}?token={self.token}&reset"


def _answers(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, OSError):
        return False


def _tail(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-3000:]


@contextmanager
def running_lab(folder: Path, scratch: Path) -> Iterator[Lab]:
    """``jupyter lab`` serving ``folder`` until the block ends (its state kept in ``scratch``)."""
    settings = scratch / "lab-settings"
    notification = settings / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True)
    # No "Would you like to get notified about official Jupyter news?" (it would ask the web).
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8"
    )
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(scratch / "config"),
        "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(scratch / "workspaces"),
    }
    token, port = secrets.token_hex(16), free_port()
    log = scratch / "lab.log"
    argv = [
        str(VENV_BIN / "jupyter-lab"),
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={folder}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    with open(log, "wb") as sink:
        proc = subprocess.Popen(
            argv, cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=sink, stderr=sink
        )
    lab = Lab(url=f"http://127.0.0.1:{port}", token=token, folder=folder, log=log)
    try:
        status = f"{lab.url}/api/status?token={token}"
        waited = 0.0
        while not _answers(status):
            if proc.poll() is not None:
                pytest.fail("JupyterLab stopped:\n" + _tail(log))
            try:
                proc.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                waited += 0.5
            if waited > START_S:
                pytest.fail("JupyterLab did not answer:\n" + _tail(log))
        yield lab
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
