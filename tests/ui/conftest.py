"""Shared fixtures for the browser suite: Debian Chromium through Playwright, a Voila server on a
temporary notebooks directory, a loopback-only network guard and an axe-core helper.

Fixtures
    browser          session-wide Chromium (skipped when /usr/bin/chromium is missing, unless
                     CI=true, where that is a failure)
    request_log      every URL the page asked for (HTTP, WebSocket)
    page             a fresh page (1600x900) in its own context; the test fails if any request
                     went to a host other than loopback. Requests elsewhere never leave the
                     machine: Chromium's resolver is told no other host exists.
    new_page         factory: new_page(width, height, **context_options) makes more such
                     pages (a projector beside a console, a phone without JavaScript),
                     under the same guard
    serve_notebooks  factory: serve_notebooks([paths...], db_url=..., extra_env=...) copies the
                     notebooks into a fresh directory (or serve_notebooks(directory=...) serves
                     a directory as it is), starts peerkit's Voila on a free port and returns
                     the VoilaServer (.render_url(name), .console_url, .projector_url), stopped
                     at the end of the session
    axe_violations   ``axe_violations(page, context=None)``: serious and critical axe-core
                     violations ([] when clean)
    assert_accessible ``assert_accessible(page, context=None)``: fails listing each violation
    open_voila       ``open_voila(page, url, ready="[role=timer]")``: go to a Voila page and
                     wait until ``ready`` is visible; returns the seconds it took
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from peerkit import browser
from peerkit.serve import MINUTES_ENV, VoilaServer, running_server

CHROMIUM = browser.find_chromium()
CHROMIUM_ARGS = browser.CHROMIUM_ARGS
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
LOCAL_SCHEMES = frozenset({"data", "blob", "about", "javascript"})
SERIOUS = frozenset({"serious", "critical"})
DEFAULT_TIMEOUT_MS = 60_000
UI_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Everything under tests/ui is a ui test (and slow): ``-m "not ui"`` skips the browser."""
    for item in items:
        if UI_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.ui)
            item.add_marker(pytest.mark.slow)


def is_loopback_url(url: str) -> bool:
    """True for URLs that stay on this machine (loopback hosts, data:, blob:, about:)."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return (parts.hostname or "") in LOOPBACK_HOSTS


@dataclass
class RequestLog:
    """URLs requested by the page under test."""

    urls: list[str] = field(default_factory=list)

    def record(self, url: str) -> None:
        self.urls.append(url)

    def foreign(self) -> list[str]:
        """Requests to anywhere but this machine."""
        return [u for u in self.urls if not is_loopback_url(u)]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if CHROMIUM is None or not CHROMIUM.exists():
        reason = f"{CHROMIUM or 'Chromium'} is missing: apt-get install -y chromium (.ci/run does)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def request_log() -> RequestLog:
    return RequestLog()


@pytest.fixture
def new_page(browser: Any, request_log: RequestLog) -> Iterator[Callable[..., Any]]:
    """Factory: ``new_page(width=1600, height=900)``, a fresh page in its own context, its
    requests recorded in ``request_log``; the test fails if any went to a host other than
    loopback."""
    contexts: list[Any] = []

    def make(width: int = 1600, height: int = 900, **options: Any) -> Any:
        # options: more of Playwright's new_context (java_script_enabled, is_mobile…)
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        contexts.append(context)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.on("request", lambda req: request_log.record(req.url))
        made = context.new_page()
        made.on("websocket", lambda ws: request_log.record(ws.url))
        return made

    try:
        yield make
    finally:
        for context in contexts:
            context.close()
    foreign = request_log.foreign()
    if foreign:
        pytest.fail(
            f"{len(foreign)} request(s) left the machine (only loopback is allowed): "
            + ", ".join(sorted(set(foreign))[:10])
        )


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    return new_page()


@pytest.fixture(scope="session")
def serve_notebooks(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., VoilaServer]]:
    """Factory fixture: serve copies of some notebooks through peerkit's Voila setup."""
    with ExitStack() as stack:

        def start(
            notebooks: Iterable[str | os.PathLike[str]] = (),
            *,
            directory: str | os.PathLike[str] | None = None,
            db_url: str | None = None,
            extra_env: dict[str, str] | None = None,
            preheat: bool = False,
        ) -> VoilaServer:
            """Serve copies of ``notebooks`` (or ``directory`` itself, uncopied).

            ``db_url`` defaults to a fresh SQLite file in a temporary directory.
            """
            scratch = tmp_path_factory.mktemp("notebooks")
            for notebook in notebooks:
                shutil.copy(notebook, scratch / Path(notebook).name)
            served = Path(directory) if directory is not None else scratch
            url = db_url or f"sqlite:///{scratch / 'peerkit-test.db'}"
            # Minutes exported from the console go to the scratch folder, as `peerkit serve`
            # started there would have them (not to the folder pytest runs in).
            env = {MINUTES_ENV: str(scratch), **(extra_env or {})}
            return stack.enter_context(
                running_server(served, db_url=url, extra_env=env, preheat=preheat)
            )

        yield start


def _axe_violations(page: Any, context: Any = None) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context)
    return [v for v in results.response.get("violations", []) if v.get("impact") in SERIOUS]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """One line per violation and offending node, for assertion messages."""
    lines = []
    for v in violations:
        for node in v.get("nodes", [])[:5]:
            lines.append(f"{v['impact']}: {v['id']} ({v['help']}) at {node.get('target')}")
    return "\n".join(lines)


@pytest.fixture
def axe_violations() -> Callable[..., list[dict[str, Any]]]:
    """``axe_violations(page, context=None)``: serious and critical axe-core violations."""
    return _axe_violations


@pytest.fixture
def assert_accessible() -> Callable[..., None]:
    """``assert_accessible(page, context=None)``: no serious or critical axe-core violation."""

    def check(page: Any, context: Any = None) -> None:
        violations = _axe_violations(page, context)
        assert not violations, "axe-core found:\n" + describe_violations(violations)

    return check


def _open_voila(
    page: Any, url: str, ready: str = "[role=timer]", timeout_ms: int = 90_000
) -> float:
    """Go to a Voila page; wait until ``ready`` (a selector) is visible; return seconds taken.

    Voila keeps the cells hidden until the notebook has run, so page load says nothing: wait
    for a widget (or an ARIA role) to be visible.
    """
    start = time.monotonic()
    page.goto(url)
    page.locator(ready).first.wait_for(state="visible", timeout=timeout_ms)
    return time.monotonic() - start


@pytest.fixture
def open_voila() -> Callable[..., float]:
    return _open_voila
