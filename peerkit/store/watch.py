"""Noticing another window's writes: cheap enough to ask five times a second.

SQLite: ``PRAGMA data_version`` on a long-lived connection of its own changes whenever another
connection commits (no table is read); only then is the cohort's change counter read (one row of
``cohort_changes``, kept by the triggers of migration 0008), so a commit in another cohort wakes
nobody here. PostgreSQL: the triggers of migration 0005 NOTIFY the cohort's channel on every
change; a LISTEN connection of its own hears them. Each look also
tells the store whether the server answers, which is how the console learns that the database
went away and came back.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from peerkit.model import PeerkitError

if TYPE_CHECKING:
    from peerkit.store.connection import Database

#: While the server is down, how often a follower tries to reconnect (seconds).
RETRY_EVERY = 1.0


def watcher(store: Database, cohort_id: int | None = None) -> Callable[[], bool]:
    """A function that says whether anything was committed since it last looked."""
    if store.is_sqlite:
        look: Callable[[], bool] = _DataVersion(store.url.split("///", 1)[1], cohort_id)
    elif store.url.startswith("postgresql"):
        look = _Listener(store, cohort_id)
    else:
        raise PeerkitError("The dashboard follows changes on SQLite and PostgreSQL stores only.")
    look()  # from now on
    return look


class _DataVersion:
    """A commit by another connection (``PRAGMA data_version``); with a cohort, one that changed
    its rows (or rows whose cohort was already gone: counter 0, as PostgreSQL's
    ``peerkit_unknown``)."""

    def __init__(self, path: str, cohort_id: int | None) -> None:
        self.raw = sqlite3.connect(path, check_same_thread=False)
        self.cohort_id = cohort_id
        self.last: Any = None
        self.count: Any = None

    def __call__(self) -> bool:
        value = self.raw.execute("PRAGMA data_version").fetchone()[0]
        if value == self.last:
            return False
        first, self.last = self.last is None, value
        if self.cohort_id is None:
            return not first
        count = self.raw.execute(
            "SELECT COALESCE(SUM(version), 0) FROM cohort_changes WHERE cohort_id IN (?, 0)",
            (self.cohort_id,),
        ).fetchone()[0]
        moved = not first and count != self.count
        self.count = count
        return moved


class _Listener:
    """LISTEN on the cohort's channel; a probe each look notices a server that went away."""

    def __init__(self, store: Database, cohort_id: int | None) -> None:
        self.store = store
        self.channels = (
            ["peerkit_all"] if cohort_id is None else [f"peerkit_{cohort_id}", "peerkit_unknown"]
        )
        url = sa.engine.make_url(store.url).set(drivername="postgresql")
        self.conninfo = url.render_as_string(hide_password=False)
        self.conn: Any = None
        self.heard = 0
        self.fresh = False
        self._opening: threading.Thread | None = None
        self._last_try = 0.0

    def _open(self) -> None:
        import psycopg
        from psycopg import sql

        try:
            conn = psycopg.connect(
                self.conninfo, autocommit=True, connect_timeout=2, application_name="peerkit"
            )
            conn.add_notify_handler(self._heard)
            for channel in self.channels:
                conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
        except psycopg.Error:
            return
        self.conn, self.fresh = conn, True

    def _heard(self, _notice: Any) -> None:
        self.heard += 1

    def __call__(self) -> bool:
        import psycopg

        if self.conn is None:
            self._reconnect()
            if self.conn is None:
                return False
        try:
            self.conn.execute("SELECT 1")  # delivers the notices, and fails if the server left
        except psycopg.Error:
            self.store.went_offline()
            self.conn.close()
            self.conn = None
            return False
        self.store.came_online()
        # Coming back, notices sent while away are lost: say "changed" so the screen redraws.
        moved = self.fresh or self.heard > 0
        self.heard, self.fresh = 0, False
        return moved

    def _reconnect(self) -> None:
        """Connect in the background, so a server that does not answer never holds up the
        kernel (the console stays usable during an outage)."""
        if self._opening is None:
            if self._last_try and time.monotonic() - self._last_try < RETRY_EVERY:
                return
            self._last_try = time.monotonic()
            self._opening = threading.Thread(target=self._open, daemon=True)
            self._opening.start()
            self._opening.join(0.05)  # loopback answers at once; the first look needs it
        if self._opening is not None and not self._opening.is_alive():
            self._opening = None
        if self.conn is None and self._opening is None:
            self.store.went_offline()
