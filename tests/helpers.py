"""Helpers the test modules share."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def peerkit(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real console entry point, in its own process (as a user runs it)."""
    code = "from peerkit.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, env=env
    )
