"""PDF: the HTML minutes printed by Chromium (the system's, through Playwright), fully offline.

nbconvert's own ``--to pdf`` needs pandoc and xelatex and cannot take SVG, and ``--to webpdf``
only looks for Playwright's downloaded browser; printing our self-contained HTML with the
system's Chromium is fast (well under a second) and needs no network. Every request the page
might make is aborted, on top of the page's own Content-Security-Policy.

Playwright's sync API refuses to run on a thread whose asyncio loop is running, which a Jupyter
kernel's main thread always has (a notebook cell, a widget callback), and on a thread that
already holds a sync Playwright session. So the print always runs on a worker thread of its own,
and :func:`html_to_pdf` waits for it: the CLI, the console and a notebook cell print the same way.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from playwright.sync_api import Error, sync_playwright

from peerkit.browser import CHROMIUM_ARGS, INSTALL_HINT, find_chromium
from peerkit.model import PeerkitError


def chromium_path() -> str:
    """The Chromium to print with, or a PeerkitError saying how to install it."""
    path = find_chromium()
    if path is None:
        raise PeerkitError(
            f"PDF export needs Chromium or Chrome: install it (e.g. `{INSTALL_HINT}`, or "
            "`playwright install chromium`), set PEERKIT_CHROMIUM to its path, or export "
            "--to html and print that."
        )
    if not os.access(path, os.X_OK):
        raise PeerkitError(
            f"PDF export needs Chromium at {path} (PEERKIT_CHROMIUM), but nothing runs there: "
            f"install it with `{INSTALL_HINT}`, or export --to html and print that."
        )
    return str(path)


def html_to_pdf(html: str, *, title: str | None = None) -> bytes:
    """Print ``html`` (a self-contained page) to A4 PDF bytes.

    Safe to call from anywhere, a running event loop included: the browser is driven from a
    worker thread (see the module's docstring) while this call waits.
    """
    executable = chromium_path()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="peerkit-pdf") as worker:
        return worker.submit(_print, executable, html, title).result()


def _print(executable: str, html: str, title: str | None) -> bytes:
    """The print itself, on a thread with no event loop running (see html_to_pdf)."""
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.route("**/*", lambda route: route.abort())
                page.set_content(html, wait_until="load")
                if title:
                    page.evaluate("t => { document.title = t; }", title)
                return page.pdf(
                    format="A4",
                    print_background=True,
                    prefer_css_page_size=True,
                    outline=True,
                    tagged=True,
                )
            finally:
                browser.close()
    except Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PeerkitError(f"Chromium could not print the minutes: {first}") from None


def write_pdf(html: str, path: Path, *, title: str | None = None) -> Path:
    path.write_bytes(html_to_pdf(html, title=title))
    return path
