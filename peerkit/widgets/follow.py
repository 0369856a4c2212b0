"""Following the store: redraw a screen within a fraction of a second of another window's write."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from peerkit.store import Store

log = logging.getLogger(__name__)
#: How often a screen looks for changes (seconds); PRAGMA data_version costs microseconds.
INTERVAL = 0.2


def follow(store: Store, redraw: Callable[[], Any], interval: float = INTERVAL) -> Any:
    """Call ``redraw`` whenever something is committed to ``store`` by another connection.

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
    changed = store.watcher()

    async def watch() -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                if changed():
                    redraw()
            except Exception:  # a screen must keep following whatever one redraw did
                log.exception("peerkit: redraw after a store change failed")

    return loop.create_task(watch())
