"""What a cohort's screens (console and projector) show, and following another window."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from peerkit.store import schema as t
from peerkit.store import watch
from peerkit.store.cohorts import CohortsStore


@dataclass(frozen=True)
class Screen:
    """What a cohort's console and projector show."""

    cohort_id: int
    meeting_id: int | None = None
    round_id: int | None = None
    chatham_house: bool = False


class ScreensStore(CohortsStore):
    """What the screens show."""

    def set_screen(
        self,
        cohort_id: int,
        *,
        meeting_id: int | None = None,
        round_id: int | None = None,
        chatham_house: bool | None = None,
    ) -> Screen:
        """Point the cohort's screens (console and projector) at a meeting and round."""
        current = self.screen(cohort_id)
        new = Screen(
            cohort_id,
            current.meeting_id if meeting_id is None else meeting_id,
            current.round_id if round_id is None else (round_id or None),
            current.chatham_house if chatham_house is None else bool(chatham_house),
        )
        values = {
            "cohort_id": cohort_id,
            "meeting_id": new.meeting_id,
            "round_id": new.round_id,
            "chatham_house": new.chatham_house,
        }
        self._write(self._upsert(t.screens, values), "What the screens show")
        return new

    def screen(self, cohort_id: int) -> Screen:
        rows = self._rows(sa.select(t.screens).where(t.screens.c.cohort_id == cohort_id))
        if not rows:
            return Screen(cohort_id)
        r = rows[0]
        return Screen(cohort_id, r.meeting_id, r.round_id, bool(r.chatham_house))

    def watcher(self, cohort_id: int | None = None) -> Callable[[], bool]:
        """A function that says whether anything was committed since it last looked.

        On SQLite it polls ``PRAGMA data_version``; on PostgreSQL it listens for the notices
        the store's triggers send for ``cohort_id`` (all cohorts when None). Either costs well
        under a millisecond a look. See :mod:`peerkit.store.watch`.
        """
        return watch.watcher(self, cohort_id)
