"""The one way peerkit starts a browser: Debian's Chromium, headless and offline."""

from __future__ import annotations

import os
from pathlib import Path

#: Where Debian and Ubuntu put Chromium; PEERKIT_CHROMIUM overrides it.
CHROMIUM = Path(os.environ.get("PEERKIT_CHROMIUM") or "/usr/bin/chromium")
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


def chromium_path() -> Path:
    """The Chromium to use (it may not exist: callers say how to install it)."""
    return Path(os.environ.get("PEERKIT_CHROMIUM") or "/usr/bin/chromium")
