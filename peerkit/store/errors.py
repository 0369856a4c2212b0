"""Database errors recognised by their codes (SQLite's error names, PostgreSQL's SQLSTATE),
and said in one plain sentence."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError

from peerkit.model import (
    PeerkitError,
)

if TYPE_CHECKING:
    pass


class _MaybeSaved(PeerkitError):
    """The connection broke during the commit: the write may or may not be in the store."""


class _Conflict(PeerkitError):
    """Another connection wrote the same step of a round's log first."""


def _first_line(exc: BaseException) -> str:
    return str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200]


def _is_connection_error(exc: DBAPIError) -> bool:
    return isinstance(exc, sa.exc.OperationalError)


def _integrity_message(exc: IntegrityError) -> str:
    text = str(exc.orig)
    if "UNIQUE" in text.upper():
        if "name" in text:
            return "that name is already taken"
        return "another window saved the same thing at the same moment: look, then try again"
    if "FOREIGN KEY" in text.upper():
        return "it refers to something that does not exist"
    return text
