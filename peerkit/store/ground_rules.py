"""The ground rules a group accepted at a meeting."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from peerkit.model import (
    check_text,
)
from peerkit.store import schema as t
from peerkit.store.meetings import MeetingsStore
from peerkit.store.rows import _started


@dataclass(frozen=True)
class GroundRules:
    """The ground rules as accepted at one meeting."""

    meeting_id: int
    text: str
    accepted_at: float
    present: tuple[int, ...]


class GroundRulesStore(MeetingsStore):
    """Ground rules."""

    def accept_ground_rules(
        self, meeting_id: int, text: str, present: Iterable[int], at: float | None = None
    ) -> GroundRules:
        """Record that the group accepted ``text`` at this meeting, with who was there."""
        text = check_text(text, "The ground rules")
        self.meeting(meeting_id)
        record = GroundRules(
            meeting_id, text, time.time() if at is None else float(at), tuple(sorted(present))
        )
        values = {
            "meeting_id": meeting_id,
            "text": record.text,
            "accepted_at": record.accepted_at,
            "present": json.dumps(list(record.present)),
        }
        with self._begin("The ground rules") as conn:
            conn.execute(self._upsert(t.ground_rules, values))
            conn.execute(_started(meeting_id, record.accepted_at))
        return record

    def ground_rules(self, meeting_id: int) -> GroundRules | None:
        rows = self._rows(
            sa.select(t.ground_rules).where(t.ground_rules.c.meeting_id == meeting_id)
        )
        if not rows:
            return None
        r = rows[0]
        return GroundRules(r.meeting_id, r.text, r.accepted_at, tuple(json.loads(r.present)))
