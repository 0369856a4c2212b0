"""Following the store: redraw a screen within a fraction of a second of another window's write."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from peerkit.settings import Settings, resolve
from peerkit.store import Store

log = logging.getLogger(__name__)
#: How often a screen looks for changes (seconds); PRAGMA data_version costs microseconds.
INTERVAL = 0.2
#: How often what moves with the clock alone (a budget in minutes) is drawn again (seconds).
TICK = 10.0


#: Set to 1 to log the full traceback of a failed redraw (it may quote what was typed).
DEBUG_ENV = Settings.declared()["debug"].metadata["env"]


def redraw_failed(exc: BaseException, what: str = "redraw after a store change") -> None:
    """Log that drawing a screen failed: the exception's type only, never its message or
    traceback, which may quote a private round's text (a database error lists the values it
    was given). With ``PEERKIT_DEBUG=1`` the traceback is logged too, for whoever is debugging."""
    if resolve(folder=False).debug:
        log.error("peerkit: %s failed", what, exc_info=exc)
    else:
        log.error(
            "peerkit: %s failed (%s); set %s=1 for details", what, type(exc).__name__, DEBUG_ENV
        )


def follow(
    store: Store,
    redraw: Callable[[], Any],
    *,
    cohort_id: int | None = None,
    changed: Callable[[], bool] | None = None,
    on_status: Callable[[str, bool], Any] | None = None,
    interval: float = INTERVAL,
    tick: Callable[[], Any] | None = None,
    tick_every: float = TICK,
) -> Any:
    """Call ``redraw`` whenever something is committed to ``store`` by another connection.

    ``changed`` says whether anything was committed since it last looked (default: a new
    ``store.watcher(cohort_id)``). ``on_status(text, is_problem)`` hears what to say about the
    database connection whenever that changes (it went away; it came back). ``tick`` is called
    every ``tick_every`` seconds, for what moves with the clock alone (a budget in minutes).

    Runs as an asyncio task on the kernel's event loop (Voila keeps it running after the
    notebook has executed). Returns the task, or None outside a running loop (plain scripts,
    tests), where the caller redraws by itself. Keep a reference to the task.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        try:
            loop = asyncio.get_event_loop_policy().get_event_loop()
        except RuntimeError:
            return None
        if not loop.is_running():
            return None
    look = changed or store.watcher(cohort_id)

    async def watch() -> None:
        shown: tuple[str, bool] | None = None
        ticked = loop.time()
        while True:
            await asyncio.sleep(interval)
            try:
                if look():
                    redraw()
                    ticked = loop.time()
                elif tick is not None and loop.time() - ticked >= tick_every:
                    ticked = loop.time()
                    tick()
            except Exception as exc:  # a screen must keep following whatever one redraw did
                redraw_failed(exc)
            if on_status is not None:
                note = store.connection_note()
                if note != shown:
                    shown = note
                    on_status(*note)

    return loop.create_task(watch())
