"""The one place that touches the database: every write is committed before the call returns.

:class:`Store` is a façade over the store's rooms, one module each: the connection
(:mod:`~peerkit.store.connection`, errors in :mod:`~peerkit.store.errors`), cohorts and their
scope, members, meetings, deletions, rounds, advice, commitments and reviews, the parking lot,
ground rules, screens, and whole-store reads (frames, backups).
"""

from __future__ import annotations

from peerkit.store.advice import AdviceStore
from peerkit.store.cohorts import scoped
from peerkit.store.connection import (
    DEFAULT_DB,
    HEAD,
    KNOWN_REVISIONS,
    Work,
    database_url,
    shown_url,
)
from peerkit.store.deletions import Closing, Deletion
from peerkit.store.files import Export
from peerkit.store.ground_rules import GroundRules, GroundRulesStore
from peerkit.store.meetings import Purge
from peerkit.store.members import Redaction
from peerkit.store.parking import ParkingStore
from peerkit.store.participation import ParticipationStore
from peerkit.store.screens import Screen, ScreensStore
from peerkit.store.whole import WholeStore


@scoped
class Store(
    AdviceStore,
    ParticipationStore,
    ParkingStore,
    GroundRulesStore,
    ScreensStore,
    WholeStore,
):
    """A peerkit store: a SQLite file by default, any SQLAlchemy URL otherwise.

    Opening applies pending migrations (up to ``schema``: tests build older stores with it).
    ``create=False`` refuses to make a new SQLite file. ``allowed_cohorts`` names the only
    cohorts this store opens (a facilitator's config; see docs/deploy.md for what it protects):
    every method that names another cohort's row by id refuses it
    (:func:`~peerkit.store.cohorts.scoped`).
    """


__all__ = [
    "DEFAULT_DB",
    "HEAD",
    "KNOWN_REVISIONS",
    "Closing",
    "Deletion",
    "Export",
    "GroundRules",
    "Purge",
    "Redaction",
    "Screen",
    "Store",
    "Work",
    "database_url",
    "shown_url",
]
