"""Helpers the test modules share."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


def peerkit(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real console entry point, in its own process (as a user runs it)."""
    code = "from peerkit.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, env=env
    )


#: How long a test waits for something that takes a fraction of a second when all is well: long
#: enough for a loaded machine, short of the 300 s per-test timeout, so the test says what it
#: waited for instead of hanging.
PATIENCE_S = 120.0


def wait_until(condition: Callable[[], object], what: str, timeout: float = PATIENCE_S) -> None:
    """Return as soon as ``condition()`` is true; fail saying ``what`` never happened when it is
    still false after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(0.01)


async def until(condition: Callable[[], object], what: str, timeout: float = PATIENCE_S) -> None:
    """``wait_until`` inside an event loop: the loop runs (followers, callbacks) while it waits."""
    import asyncio

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(0.01)


async def queued_callbacks_ran() -> None:
    """Return once the event loop has run every callback queued before this call (call_soon is
    first in, first out): what a message handler scheduled has then happened."""
    import asyncio

    loop = asyncio.get_running_loop()
    turned = loop.create_future()
    loop.call_soon(turned.set_result, None)
    await turned


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


@dataclass(frozen=True)
class SvgText:
    """A text element of a rendered chart and the box it takes (estimated from its font size:
    0.62 em a character, 0.66 bold; from 0.8 em above the baseline to 0.25 em below)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: SvgText) -> bool:
        return (
            self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1
        )


_TRANSLATE = re.compile(r"translate\(\s*([-\d.e]+)[ ,]+([-\d.e]+)\s*\)")


def svg_texts(svg: str) -> list[SvgText]:
    """Every text element of an SVG that vl-convert rendered, with its box in the SVG's own
    pixels (the translations of its groups added up; rotated texts are left out)."""
    from xml.etree import ElementTree

    found: list[SvgText] = []

    def walk(node: ElementTree.Element, dx: float, dy: float) -> None:
        transform = node.get("transform", "")
        if "rotate" in transform:
            return
        moved = _TRANSLATE.search(transform)
        if moved:
            dx, dy = dx + float(moved.group(1)), dy + float(moved.group(2))
        if node.tag.endswith("}text") and node.text:
            size = float(node.get("font-size", "11px").removesuffix("px"))
            width = len(node.text) * size * (0.66 if node.get("font-weight") == "bold" else 0.62)
            anchor = node.get("text-anchor", "start")
            left = dx - {"start": 0.0, "middle": width / 2, "end": width}[anchor]
            found.append(SvgText(node.text, left, dy - 0.8 * size, left + width, dy + 0.25 * size))
        for child in node:
            walk(child, dx, dy)

    walk(ElementTree.fromstring(svg), 0.0, 0.0)
    return found


def run_headless(notebook: Path, db: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``notebook`` executed by nbclient (no browser) on the store ``db``, from ``workdir``, with
    none of `peerkit serve`'s settings in the environment; the executed notebook."""
    import nbformat
    from nbclient import NotebookClient

    from peerkit.dashboard import CONFIG_ENV

    monkeypatch.setenv("PEERKIT_DB", str(db))
    for name in ("PEERKIT_COHORT", CONFIG_ENV, "SERVER_SOFTWARE", "JPY_SESSION_NAME"):
        monkeypatch.delenv(name, raising=False)
    nb = nbformat.read(notebook, as_version=4)
    NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    ).execute()
    return nb
