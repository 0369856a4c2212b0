"""The one way peerkit finds and starts a browser: Chromium (or Chrome), headless and offline."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from peerkit.settings import resolve

#: Names Linux distributions and Google give Chromium and Chrome, looked up on PATH in order.
LINUX_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
#: Where macOS installs them.
MACOS_APPS = (
    Path("/Applications/Chromium.app/Contents/MacOS/Chromium"),
    Path("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
)
#: Headless, no background traffic, and no host name but loopback resolves: whatever a page
#: asks for, nothing leaves the machine.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
INSTALL_HINT = "apt-get install chromium"


def find_chromium() -> Path | None:
    """The Chromium to use: the ``chromium`` setting ($PEERKIT_CHROMIUM) if given (even if
    missing: callers say so), else the first on PATH under a usual name, else one in
    /Applications, else Playwright's own downloaded browser; None if there is none."""
    override = resolve(folder=False).chromium
    if override:
        return Path(override)
    for name in LINUX_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    for app in MACOS_APPS:
        if _runs(app):
            return app
    return _playwrights_own()


def _runs(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _playwrights_own() -> Path | None:
    """The browser `playwright install chromium` downloads, when it is there. (Asked on a
    worker thread: Playwright's sync API refuses a thread with a running event loop.)"""

    def ask() -> Path:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            return Path(p.chromium.executable_path)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="peerkit-browser") as worker:
        path = worker.submit(ask).result()
    return path if _runs(path) else None
