"""Database errors recognised by their codes (SQLite's error names, PostgreSQL's SQLSTATE),
never by the wording of their messages, which changes between versions and languages."""

from __future__ import annotations

import re
import sqlite3
from enum import Enum

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from peerkit.model import PeerkitError


class Problem(Enum):
    """What went wrong, as far as a facilitator can act on it."""

    READ_ONLY = "read-only"
    FULL = "disk full"
    BUSY = "held by another program"
    OFFLINE = "server not answering"
    UNIQUE = "already there"
    FOREIGN_KEY = "refers to nothing"
    OTHER = "other"


#: SQLite's (extended) result code names, by prefix: SQLITE_READONLY_DBMOVED is read-only too.
_SQLITE = (
    ("SQLITE_READONLY", Problem.READ_ONLY),
    ("SQLITE_FULL", Problem.FULL),
    ("SQLITE_BUSY", Problem.BUSY),
    ("SQLITE_LOCKED", Problem.BUSY),
    ("SQLITE_CONSTRAINT_UNIQUE", Problem.UNIQUE),
    ("SQLITE_CONSTRAINT_PRIMARYKEY", Problem.UNIQUE),
    ("SQLITE_CONSTRAINT_FOREIGNKEY", Problem.FOREIGN_KEY),
)
#: PostgreSQL's SQLSTATE codes (Appendix A of its manual), by prefix: class 08 is every
#: connection exception; 57P01-57P03 a server shutting down or starting up.
_POSTGRES = (
    ("25006", Problem.READ_ONLY),  # read_only_sql_transaction
    ("53100", Problem.FULL),  # disk_full
    ("55P03", Problem.BUSY),  # lock_not_available
    ("23505", Problem.UNIQUE),  # unique_violation
    ("23503", Problem.FOREIGN_KEY),  # foreign_key_violation
    ("08", Problem.OFFLINE),
    ("57P01", Problem.OFFLINE),  # admin_shutdown
    ("57P02", Problem.OFFLINE),  # crash_shutdown
    ("57P03", Problem.OFFLINE),  # cannot_connect_now
)


def problem(exc: DBAPIError) -> Problem:
    """What a database error means, from its code."""
    if exc.connection_invalidated:
        return Problem.OFFLINE
    orig = exc.orig
    name = getattr(orig, "sqlite_errorname", None)
    if name is not None:
        return next((p for prefix, p in _SQLITE if name.startswith(prefix)), Problem.OTHER)
    state = getattr(orig, "sqlstate", None)
    if state is not None:
        return next((p for prefix, p in _POSTGRES if state.startswith(prefix)), Problem.OTHER)
    # A server database's driver gives no SQLSTATE when the connection itself broke (the
    # server went away mid-statement, or never answered).
    if isinstance(exc, sa.exc.OperationalError) and not isinstance(orig, sqlite3.Error):
        return Problem.OFFLINE
    return Problem.OTHER


def table_of(exc: DBAPIError) -> str | None:
    """The table a failed write was writing to: PostgreSQL says it; for SQLite, the statement
    (peerkit's own SQL) names it."""
    diag = getattr(exc.orig, "diag", None)
    if diag is not None and getattr(diag, "table_name", None):
        return str(diag.table_name)
    found = re.match(r'\s*(?:INSERT\s+INTO|UPDATE)\s+"?(\w+)', str(exc.statement or ""), re.I)
    return found.group(1) if found else None


class _MaybeSaved(PeerkitError):
    """The connection broke during the commit: the write may or may not be in the store."""


class _Conflict(PeerkitError):
    """Another connection wrote the same unique row first (for a round's log: the same step)."""


def _first_line(exc: BaseException) -> str:
    return str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200]


def _integrity_message(exc: DBAPIError) -> str:
    kind = problem(exc)
    if kind is Problem.UNIQUE:
        if table_of(exc) in ("cohorts", "members"):  # their only unique columns are names
            return "that name is already taken"
        return "another window saved the same thing at the same moment: look, then try again"
    if kind is Problem.FOREIGN_KEY:
        return "it refers to something that does not exist"
    return _first_line(exc)
