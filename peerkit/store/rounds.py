"""Rounds: the queue of a meeting, privacy, and each round's phase log."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from peerkit.model import (
    ANOTHER_WINDOW,
    MAX_NAME,
    PeerkitError,
    PhaseEvent,
    PhaseEventKind,
    Round,
    check_text,
)
from peerkit.store import schema as t
from peerkit.store.deletions import Deletion, DeletionsStore
from peerkit.store.errors import _Conflict
from peerkit.store.rows import _day, _phase_event, _round, _started


class RoundsStore(DeletionsStore):
    """Rounds and their phase logs."""

    def add_round(
        self,
        meeting_id: int,
        presenter_id: int,
        format_name: str,
        *,
        issue: str = "",
        position: int | None = None,
        private: bool = False,
        keep_text: bool = True,
    ) -> Round:
        """Queue a round. A private round with ``keep_text=False`` stores no issue, advice or
        commitment at all; with ``keep_text=True`` they are kept for the facilitator only."""
        meeting, presenter = self.meeting(meeting_id), self.member(presenter_id)
        if presenter.cohort_id != meeting.cohort_id:
            raise PeerkitError(f"{presenter.name} is not a member of this meeting's cohort.")
        issue = check_text(issue, "The issue statement", allow_empty=True)
        keeps_text = keep_text or not private
        if not keeps_text and issue:
            raise PeerkitError(
                "This private round keeps nothing, so its issue is not written down: "
                "leave the issue empty, or keep the text for yourself."
            )
        if position is None:  # the end of the queue
            position = 1 + max((r.position for r in self.rounds(meeting_id)), default=-1)
        values = {
            "meeting_id": meeting_id,
            "presenter_id": presenter_id,
            "format_name": check_text(format_name, "The format", limit=MAX_NAME),
            "issue": issue,
            "position": position,
            "private": private,
            "keeps_text": keeps_text,
        }
        result = self._write(sa.insert(t.rounds).values(**values), "The round")
        return self.round(result.inserted_primary_key[0])

    def update_round(self, round_id: int, **changes: Any) -> Round:
        """Change a round; ``position`` is its place in the queue (0: first), as
        :meth:`move_round` moves it."""
        allowed = {"issue", "format_name", "position", "presenter_id"}
        unknown = set(changes) - allowed
        if unknown:
            hint = " (use make_private)" if "private" in unknown else ""
            raise PeerkitError(f"Cannot change {', '.join(sorted(unknown))} of a round{hint}.")
        current = self.round(round_id)
        if "issue" in changes:
            changes["issue"] = check_text(changes["issue"], "The issue statement", allow_empty=True)
            if changes["issue"] and current.keeps_nothing:
                raise PeerkitError(
                    "This private round keeps nothing, so its issue is not written down."
                )
        position = changes.pop("position", None)
        if changes:
            self._write(
                sa.update(t.rounds).where(t.rounds.c.id == round_id).values(**changes),
                "The round",
            )
        if position is not None:
            self.move_round(round_id, to=int(position))
        return self.round(round_id)

    def move_round(self, round_id: int, steps: int = 0, *, to: int | None = None) -> list[Round]:
        """Move a round up (``steps`` < 0) or down the queue, or ``to`` a place (0: first);
        returns the meeting's rounds in their new order, numbered 0, 1, 2…

        A round that has started keeps its place, and a round does not move past one that has
        started: the queue's order is the order the rounds happened. Two windows moving rounds
        at once take turns (the meeting is held while the order is read and rewritten).
        """
        rnd = self.round(round_id)
        with self._begin("The queue's order") as conn:
            self._lock_meeting(conn, rnd.meeting_id)
            rows = conn.execute(
                sa.select(t.rounds.c.id)
                .where(t.rounds.c.meeting_id == rnd.meeting_id, t.rounds.c.deleted_at.is_(None))
                .order_by(t.rounds.c.position, t.rounds.c.id)
            ).all()
            order = [row.id for row in rows]
            if round_id not in order:
                raise PeerkitError("That round was removed from the queue meanwhile.")
            here = order.index(round_id)
            there = here + int(steps) if to is None else int(to)
            there = max(0, min(len(order) - 1, there))
            if there == here:
                where = "first" if here == 0 else "last" if here == len(order) - 1 else "there"
                raise PeerkitError(f"Round {here + 1} is already {where} in the queue.")
            passed = order[min(here, there) : max(here, there) + 1]
            started = {
                row.round_id
                for row in conn.execute(
                    sa.select(t.phase_log.c.round_id)
                    .where(t.phase_log.c.round_id.in_(passed))
                    .distinct()
                ).all()
            }
            if started:
                number = 1 + min(order.index(i) for i in started)
                raise PeerkitError(
                    f"Round {number} has started: it keeps its place, and rounds not yet "
                    "started move only among themselves."
                )
            order.insert(there, order.pop(here))
            for place, moved in enumerate(order):
                conn.execute(
                    sa.update(t.rounds)
                    .where(t.rounds.c.id == moved, t.rounds.c.position != place)
                    .values(position=place)
                )
        return self.rounds(rnd.meeting_id)

    def make_private(self, round_id: int, *, private: bool = True, keep_text: bool = True) -> Round:
        """Mark a round private (or not). Keeping nothing deletes, for good, the issue, advice
        and commitments already written for it (overwritten on disk, as a purge does)."""
        current = self.round(round_id)
        keeps_text = keep_text or not private
        with self._begin("The round") as conn:
            if not keeps_text:
                made = sa.select(t.commitments.c.id).where(t.commitments.c.round_id == round_id)
                conn.execute(sa.delete(t.reviews).where(t.reviews.c.commitment_id.in_(made)))
                conn.execute(sa.delete(t.commitments).where(t.commitments.c.round_id == round_id))
                conn.execute(sa.delete(t.advice).where(t.advice.c.round_id == round_id))
            values: dict[str, Any] = {"private": private, "keeps_text": keeps_text}
            if not keeps_text:
                values["issue"] = ""
            conn.execute(sa.update(t.rounds).where(t.rounds.c.id == round_id).values(**values))
        if current.keeps_text and not keeps_text:
            self._forget()
        return self.round(round_id)

    def delete_round(self, round_id: int) -> Deletion:
        """Remove a queued round, with whatever was captured in it (undone by
        :meth:`undo_delete` until the meeting is closed); a round that has started keeps its
        record. The rounds after it move up."""
        rnd = self.round(round_id)

        def check(conn: Connection) -> None:
            log = sa.select(t.phase_log.c.id).where(t.phase_log.c.round_id == round_id)
            if conn.execute(log.limit(1)).first():
                raise PeerkitError("This round has started: it stays in the record.")
            made = sa.select(t.commitments.c.id).where(t.commitments.c.round_id == round_id)
            reviewed = sa.select(t.reviews.c.id).where(
                t.reviews.c.commitment_id.in_(made), t.reviews.c.deleted_at.is_(None)
            )
            if conn.execute(reviewed.limit(1)).first():
                raise PeerkitError(
                    "A commitment made in this round has been reviewed: it stays in the record."
                )

        return self._soft_delete(
            rnd.meeting_id,
            "The round",
            (t.rounds, round_id),
            {
                t.advice: t.advice.c.round_id == round_id,
                t.commitments: t.commitments.c.round_id == round_id,
            },
            check,
        )

    def round(self, round_id: int) -> Round:
        rows = self._rows(sa.select(t.rounds).where(t.rounds.c.id == round_id))
        if not rows:
            raise PeerkitError(f"No round with id {round_id} in this store.")
        if rows[0].deleted_at is not None:
            raise PeerkitError(
                f"Round {round_id} was removed from the queue (Undo brings it back)."
            )
        return _round(rows[0])

    def rounds(self, meeting_id: int) -> list[Round]:
        """The meeting's rounds in queue order (removed ones left out)."""
        query = (
            sa.select(t.rounds)
            .where(t.rounds.c.meeting_id == meeting_id, t.rounds.c.deleted_at.is_(None))
            .order_by(t.rounds.c.position, t.rounds.c.id)
        )
        return [_round(r) for r in self._rows(query)]

    def log_phase_event(
        self,
        round_id: int,
        kind: PhaseEventKind | str,
        at: float,
        *,
        value: float | None = None,
        plan: Sequence[float] | None = None,
        seq: int | None = None,
    ) -> PhaseEvent:
        """Append a phase change to the round's log.

        ``seq`` is the number of changes the caller saw in the log: when another window wrote
        one in the meantime, this one is refused (two "Next" clicks at once move the round on
        once). Without ``seq`` the change goes at the end, whatever came before.
        """
        kind = PhaseEventKind(kind)
        values = {
            "round_id": round_id,
            "kind": kind.value,
            "at": float(at),
            "value": value,
            "plan": json.dumps([float(s) for s in plan]) if plan is not None else None,
        }
        log = t.phase_log.c
        for _attempt in range(20):
            try:
                with self._begin("The phase change") as conn:
                    place = seq
                    if place is None:
                        last = sa.select(sa.func.max(log.seq)).where(log.round_id == round_id)
                        found = conn.execute(last).scalar()
                        place = 0 if found is None else found + 1
                    conn.execute(sa.insert(t.phase_log).values(**values, seq=place))
                    if kind is PhaseEventKind.START:
                        meeting = sa.select(t.rounds.c.meeting_id).where(t.rounds.c.id == round_id)
                        conn.execute(_started(meeting.scalar_subquery(), float(at)))
                return PhaseEvent(round_id, kind, float(at), value, tuple(plan) if plan else None)
            except _Conflict:
                if seq is not None:
                    raise PeerkitError(ANOTHER_WINDOW) from None
        raise PeerkitError("The phase change was not saved: the round's log kept changing.")

    def phase_events(self, round_id: int) -> list[PhaseEvent]:
        query = (
            sa.select(t.phase_log)
            .where(t.phase_log.c.round_id == round_id)
            .order_by(t.phase_log.c.seq)
        )
        return [_phase_event(r) for r in self._rows(query)]

    def meeting_phase_events(self, meeting_id: int) -> dict[int, list[PhaseEvent]]:
        """Each round's phase log, for all the meeting's rounds in one read (removed rounds
        left out; a round with no change yet is absent)."""
        log = t.phase_log
        query = (
            sa.select(log)
            .join(t.rounds, t.rounds.c.id == log.c.round_id)
            .where(t.rounds.c.meeting_id == meeting_id, t.rounds.c.deleted_at.is_(None))
            .order_by(log.c.round_id, log.c.seq)
        )
        events: dict[int, list[PhaseEvent]] = {}
        for r in self._rows(query):
            events.setdefault(r.round_id, []).append(_phase_event(r))
        return events

    def private_round_ids(self, round_ids: Iterable[int]) -> set[int]:
        """Which of these rounds are private."""
        query = sa.select(t.rounds.c.id).where(
            t.rounds.c.id.in_(sorted(set(round_ids))), t.rounds.c.private.is_(True)
        )
        return {r.id for r in self._rows(query)}

    def last_presented(self, cohort_id: int, before: dt.date) -> dict[int, dt.date]:
        """When each member of the cohort last sat on the hot seat, at a meeting before
        ``before`` (one row per member who ever presented)."""
        query = (
            sa.select(t.rounds.c.presenter_id, sa.func.max(t.meetings.c.date).label("last"))
            .join(t.meetings, t.meetings.c.id == t.rounds.c.meeting_id)
            .where(
                t.meetings.c.cohort_id == cohort_id,
                t.meetings.c.date < before,
                t.rounds.c.deleted_at.is_(None),
            )
            .group_by(t.rounds.c.presenter_id)
        )
        return {r.presenter_id: _day(r.last) for r in self._rows(query)}
