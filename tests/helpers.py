"""Helpers the test modules share."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def peerkit(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real console entry point, in its own process (as a user runs it)."""
    code = "from peerkit.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, env=env
    )


def needs_chromium() -> None:
    """Skip (fail in CI) a test that prints a PDF when Debian's Chromium is missing."""
    if not os.access("/usr/bin/chromium", os.X_OK):
        reason = "PDF export needs /usr/bin/chromium (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def sqlite_bytes(db_path: Path) -> bytes:
    """Every byte of a SQLite store as it is on disk: the file, its -wal and its -shm."""
    return b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*"))


def files_holding(root: Path, text: str) -> list[str]:
    """The files under ``root`` (a database server's data directory) whose bytes hold ``text``."""
    needle = text.encode()
    found = []
    for path in root.rglob("*"):
        try:
            if path.is_file() and needle in path.read_bytes():
                found.append(str(path.relative_to(root)))
        except OSError:  # a file the server removed meanwhile
            continue
    return found
