"""Members' personal links: the facilitator's link key, the addresses, and their QR codes.

A link is ``<public_url>peerkit/m/<token>``. The token is made from the facilitator's link key
(a file outside the store, :func:`link_key`) and the link's version (the store's
``member_links``), so the store keeps only its hash and the facilitator can print or e-mail a
member's link again at any time. Re-issuing bumps the version (the old link stops working);
revoking stops it until it is re-issued.
"""

from __future__ import annotations

import os
from pathlib import Path

from peerkit.model import PeerkitError
from peerkit.participation import new_link_key

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8866/"
#: Where member pages live, under the server's base URL (peerkit.portal.web serves them).
PREFIX = "peerkit/m"


def default_key_file() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "peerkit" / "link.key"


def link_key(path: str | Path | None = None, *, create: bool = True) -> bytes:
    """The link key from ``path`` (default :func:`default_key_file`), made (32 random bytes,
    mode 0600) when missing and ``create``."""
    where = Path(path) if path else default_key_file()
    if where.is_file():
        data = where.read_bytes().strip()
        try:
            key = bytes.fromhex(data.decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            key = b""
        if len(key) < 16:
            raise PeerkitError(f"{where} is not a peerkit link key (64 hex digits).")
        return key
    if not create:
        raise PeerkitError(
            f"No link key at {where}: links were made on another computer, or with another "
            "key. Copy that key here, or re-issue the links (peerkit links --reissue NAME)."
        )
    where.parent.mkdir(parents=True, exist_ok=True)
    key = new_link_key()
    fd = os.open(where, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(key.hex() + "\n")
    return key


def link_url(public_url: str, token: str) -> str:
    base = public_url or DEFAULT_PUBLIC_URL
    return f"{base.rstrip('/')}/{PREFIX}/{token}"


def qr_svg(url: str, title: str) -> str:
    """A QR code of ``url`` as a standalone SVG file's text (dark on white, a quiet zone)."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=4, title=title)
    return out.getvalue().decode("utf-8")
