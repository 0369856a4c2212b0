"""The advice given in a round."""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa

from peerkit.model import (
    Advice,
    AdviceKind,
    PeerkitError,
    check_text,
)
from peerkit.store import schema as t
from peerkit.store.deletions import Deletion
from peerkit.store.errors import _MaybeSaved
from peerkit.store.rounds import RoundsStore
from peerkit.store.rows import _advice, _enum, _refuse_if_keeps_nothing


class AdviceStore(RoundsStore):
    """Advice."""

    def add_advice(
        self,
        round_id: int,
        text: str,
        *,
        giver_id: int | None = None,
        kind: AdviceKind | str = AdviceKind.SUGGESTION,
        at: float | None = None,
        private: bool = False,
    ) -> Advice:
        text = check_text(text, "The advice")
        advice_kind: AdviceKind = _enum(AdviceKind, kind, "kind of advice")
        the_round = self.round(round_id)
        _refuse_if_keeps_nothing(the_round, "advice")
        if giver_id is not None:
            self._same_cohort(giver_id, the_round.meeting_id)
        values = {
            "round_id": round_id,
            "giver_id": giver_id,
            "kind": advice_kind.value,
            "text": text,
            "at": time.time() if at is None else float(at),
            "starred": False,
            "private": private,
        }
        insert = sa.insert(t.advice).values(**values)
        try:
            advice_id = self._write(insert, "The advice").inserted_primary_key[0]
        except _MaybeSaved:
            # The commit was cut off: once the server answers, look for this very entry (same
            # round, text and moment) and save it again only if it is not there.
            same = [t.advice.c[k] == values[k] for k in ("round_id", "text", "at")]
            found = self._rows(sa.select(t.advice.c.id).where(*same))
            advice_id = (
                found[0].id if found else self._write(insert, "The advice").inserted_primary_key[0]
            )
        return self.advice_item(advice_id)

    def advice_item(self, advice_id: int) -> Advice:
        rows = self._rows(
            sa.select(t.advice).where(t.advice.c.id == advice_id, t.advice.c.deleted_at.is_(None))
        )
        if not rows:
            raise PeerkitError(f"No advice with id {advice_id}: it may have been deleted.")
        return _advice(rows[0])

    def advice(self, round_id: int) -> list[Advice]:
        query = (
            sa.select(t.advice)
            .where(t.advice.c.round_id == round_id, t.advice.c.deleted_at.is_(None))
            .order_by(t.advice.c.id)
        )
        return [_advice(r) for r in self._rows(query)]

    def edit_advice(self, advice_id: int, **changes: Any) -> Advice:
        allowed = {"text", "kind", "giver_id", "starred", "private"}
        unknown = set(changes) - allowed
        if unknown:
            raise PeerkitError(f"Cannot change {', '.join(sorted(unknown))} of an advice.")
        item = self.advice_item(advice_id)
        if "text" in changes:
            changes["text"] = check_text(changes["text"], "The advice")
        if "kind" in changes:
            changes["kind"] = _enum(AdviceKind, changes["kind"], "kind of advice").value
        if changes.get("giver_id") is not None:
            self._same_cohort(changes["giver_id"], self.round(item.round_id).meeting_id)
        self._write(
            sa.update(t.advice).where(t.advice.c.id == advice_id).values(**changes), "The advice"
        )
        return self.advice_item(advice_id)

    def delete_advice(self, advice_id: int) -> Deletion:
        """Delete an advice (undone by :meth:`undo_delete` until the meeting is closed)."""
        item = self.advice_item(advice_id)
        meeting_id = self.round(item.round_id).meeting_id
        return self._soft_delete(meeting_id, "The advice", (t.advice, advice_id))
