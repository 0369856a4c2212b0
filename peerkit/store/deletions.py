"""Deletions at a meeting: marked, undone, and erased for good when the meeting closes."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from peerkit.model import (
    Meeting,
    PeerkitError,
)
from peerkit.store import schema as t
from peerkit.store.meetings import MeetingsStore
from peerkit.store.rows import _short


@dataclass(frozen=True)
class Deletion:
    """One deletion at a meeting: an item, and the rows that went with it (a round's advice
    and commitments), all marked with the same ``at``. Undone until the meeting is closed."""

    meeting_id: int
    at: float
    kind: str  # "round", "commitment", "review", "advice" or "parking"
    item_id: int
    text: str  # the item's text (a round: its format; a review: its commitment's text)
    name: str | None  # who: the presenter, the advice's giver, the commitment's owner
    rows: int  # how many rows it marked, the item included

    @property
    def what(self) -> str:
        """The deletion in words, for the console: "the advice “Talk to …”"."""
        text = _short(self.text)
        who = f"{self.name}'s " if self.name else ""
        said = {
            "round": f"the round of {self.name or 'a member'} ({self.text})",
            "commitment": f"{who or 'the '}commitment “{text}”",
            "review": f"the review of {who}commitment “{text}”",
            "advice": f"the advice “{text}”",
            "parking": f"the parking-lot item “{text}”",
        }[self.kind]
        more = self.rows - 1
        if more:
            said += f" and {more} entr{'ies' if more != 1 else 'y'} captured in it"
        return said


@dataclass(frozen=True)
class Closing:
    """What closing a meeting erased for good, and what may still hold copies."""

    meeting: Meeting
    removed: dict[str, int]  # rows erased, by table
    still_held: tuple[str, ...]


#: Which row names a deletion that marked several (a round takes its advice and commitments).
_KINDS = ("round", "commitment", "review", "advice", "parking")


def _deletion_scope(meeting_id: int) -> dict[sa.Table, Any]:
    """Each soft-deleted table's rows that belong to the meeting (in t.SOFT_DELETED order):
    advice through its round, reviews by the meeting that held them."""
    round_ids = sa.select(t.rounds.c.id).where(t.rounds.c.meeting_id == meeting_id)
    return {
        t.reviews: t.reviews.c.meeting_id == meeting_id,
        t.commitments: t.commitments.c.meeting_id == meeting_id,
        t.advice: t.advice.c.round_id.in_(round_ids),
        t.parking: t.parking.c.meeting_id == meeting_id,
        t.rounds: t.rounds.c.meeting_id == meeting_id,
    }


def _deletion_stamp(conn: Connection, meeting_id: int) -> float:
    """The mark of a new deletion: now, and always later than the meeting's earlier ones (so
    Undo tells them apart, even when two come within the clock's resolution)."""
    latest = conn.execute(
        sa.select(
            *[
                sa.select(sa.func.max(table.c.deleted_at)).where(condition).scalar_subquery()
                for table, condition in _deletion_scope(meeting_id).items()
            ]
        )
    ).one()
    newest = max((float(x) for x in latest if x is not None), default=None)
    now = time.time()
    return now if newest is None or now > newest else newest + 0.001


def _deletions(conn: Connection, meeting_id: int, at: float | None = None) -> list[Deletion]:
    """The meeting's deletions still waiting to be erased (only the one marked ``at``, when
    given), newest first: one query over the five tables."""
    scope = _deletion_scope(meeting_id)
    who = t.members.alias("who")
    r, a, c, v, p = t.rounds, t.advice, t.commitments, t.reviews, t.parking
    made = t.commitments.alias("made")

    def kind(name: str) -> Any:
        return sa.literal_column(f"'{name}'", sa.String).label("kind")

    def name(column: Any) -> Any:
        return column.label("name")

    parts = [
        sa.select(r.c.deleted_at, kind("round"), r.c.id, r.c.format_name, name(who.c.name))
        .select_from(r.outerjoin(who, who.c.id == r.c.presenter_id))
        .where(scope[r]),
        sa.select(c.c.deleted_at, kind("commitment"), c.c.id, c.c.text, name(who.c.name))
        .select_from(c.outerjoin(who, who.c.id == c.c.owner_id))
        .where(scope[c]),
        sa.select(v.c.deleted_at, kind("review"), v.c.id, made.c.text, name(who.c.name))
        .select_from(
            v.join(made, made.c.id == v.c.commitment_id).outerjoin(who, who.c.id == made.c.owner_id)
        )
        .where(scope[v]),
        sa.select(a.c.deleted_at, kind("advice"), a.c.id, a.c.text, name(who.c.name))
        .select_from(a.outerjoin(who, who.c.id == a.c.giver_id))
        .where(scope[a]),
        sa.select(
            p.c.deleted_at, kind("parking"), p.c.id, p.c.text, name(sa.null().cast(sa.String))
        ).where(scope[p]),
    ]
    wanted = [
        part.where(part.selected_columns[0].is_not(None))
        if at is None
        else part.where(part.selected_columns[0] == at)
        for part in parts
    ]
    rows = conn.execute(sa.union_all(*wanted)).all()
    batches: dict[float, list[Any]] = {}
    for row in rows:
        batches.setdefault(float(row[0]), []).append(row)
    found = []
    for stamp in sorted(batches, reverse=True):
        batch = batches[stamp]
        main = min(batch, key=lambda row: (_KINDS.index(row[1]), row[2]))
        found.append(
            Deletion(meeting_id, stamp, main[1], main[2], main[3] or "", main[4], len(batch))
        )
    return found


def _renumber(
    conn: Connection, meeting_id: int, first: set[int] | frozenset[int] = frozenset()
) -> None:
    """Number the meeting's rounds 0, 1, 2… in queue order; a round in ``first`` (one brought
    back) goes before another that holds its old place now."""
    rows = conn.execute(
        sa.select(t.rounds.c.id, t.rounds.c.position).where(
            t.rounds.c.meeting_id == meeting_id, t.rounds.c.deleted_at.is_(None)
        )
    ).all()
    order = sorted(rows, key=lambda row: (row.position, row.id not in first, row.id))
    for place, row in enumerate(order):
        if row.position != place:
            conn.execute(sa.update(t.rounds).where(t.rounds.c.id == row.id).values(position=place))


class DeletionsStore(MeetingsStore):
    """Soft deletion: one Undo brings an item back with what went with it."""

    def _soft_delete(
        self,
        meeting_id: int,
        what: str,
        item: tuple[sa.Table, int],
        with_it: dict[sa.Table, Any] | None = None,
        check: Callable[[Connection], None] | None = None,
    ) -> Deletion:
        """Mark an item of ``meeting_id`` deleted (and ``with_it``: the rows that go with it),
        all with one stamp, so one Undo brings them back together. ``check`` runs first, in
        the same transaction, to refuse (raising PeerkitError) what must stay."""
        table, item_id = item
        with self._begin(what) as conn:
            self._lock_meeting(conn, meeting_id)
            if check is not None:
                check(conn)
            stamp = _deletion_stamp(conn, meeting_id)
            marked = conn.execute(
                sa.update(table)
                .where(table.c.id == item_id, table.c.deleted_at.is_(None))
                .values(deleted_at=stamp)
            ).rowcount
            if marked != 1:
                raise PeerkitError(f"{what} was already deleted (in another window?).")
            for other, condition in (with_it or {}).items():
                marked += (
                    conn.execute(
                        sa.update(other)
                        .where(condition, other.c.deleted_at.is_(None))
                        .values(deleted_at=stamp)
                    ).rowcount
                    or 0
                )
            if table is t.rounds:
                _renumber(conn, meeting_id)
            found = _deletions(conn, meeting_id, stamp)
        return found[0]

    def deletions(self, meeting_id: int) -> list[Deletion]:
        """What was deleted at this meeting and can still be undone, newest first."""
        with self._connect(reading=True) as conn:
            return _deletions(conn, meeting_id)

    def undo_delete(self, meeting_id: int) -> Deletion:
        """Bring back the meeting's latest deletion (an item and whatever went with it)."""
        with self._begin("The undo") as conn:
            self._lock_meeting(conn, meeting_id)
            found = _deletions(conn, meeting_id)
            if not found:
                raise PeerkitError(
                    "Nothing to undo: nothing deleted at this meeting is waiting to be erased."
                )
            last = found[0]
            scope = _deletion_scope(meeting_id)
            r, c = t.reviews, t.commitments
            orphans = conn.execute(
                sa.select(sa.func.count())
                .select_from(r.join(c, c.c.id == r.c.commitment_id))
                .where(
                    scope[r],
                    r.c.deleted_at == last.at,
                    c.c.deleted_at.is_not(None),
                    c.c.deleted_at != last.at,
                )
            ).scalar()
            if orphans:
                raise PeerkitError(
                    "That review's commitment was deleted at the meeting that made it: open "
                    "that meeting and undo its deletion there first."
                )
            back = conn.execute(
                sa.select(t.rounds.c.id).where(scope[t.rounds], t.rounds.c.deleted_at == last.at)
            ).all()
            for table, condition in scope.items():
                conn.execute(
                    sa.update(table)
                    .where(condition, table.c.deleted_at == last.at)
                    .values(deleted_at=None)
                )
            if back:  # a round comes back to its place in the queue
                _renumber(conn, meeting_id, first={row.id for row in back})
        return last

    def close_meeting(self, meeting_id: int) -> Closing:
        """Close the meeting: what was deleted at it is erased for good (Undo can no longer
        bring it back), overwritten in the database's own files as a purge does (see
        :meth:`_forget`). Everything else stays in the record."""
        meeting = self.meeting(meeting_id)
        scope = _deletion_scope(meeting_id)
        removed: dict[str, int] = {}
        with self._begin("Closing the meeting") as conn:
            self._lock_meeting(conn, meeting_id)
            erased_commitments = sa.select(t.commitments.c.id).where(
                scope[t.commitments], t.commitments.c.deleted_at.is_not(None)
            )
            erased_rounds = sa.select(t.rounds.c.id).where(
                scope[t.rounds], t.rounds.c.deleted_at.is_not(None)
            )
            # An erased commitment's reviews (held at any meeting) and an erased round's
            # advice and phase log go with it, as the foreign keys would take them anyway.
            extra: dict[sa.Table, Any] = {
                t.reviews: t.reviews.c.commitment_id.in_(erased_commitments),
                t.advice: t.advice.c.round_id.in_(erased_rounds),
            }
            conn.execute(sa.delete(t.phase_log).where(t.phase_log.c.round_id.in_(erased_rounds)))
            for table in t.SOFT_DELETED:
                condition = scope[table] & table.c.deleted_at.is_not(None)
                if table in extra:
                    condition = condition | extra[table]
                count = conn.execute(sa.delete(table).where(condition)).rowcount or 0
                if count:
                    removed[table.name] = count
        held = self._forget() if removed else ()
        return Closing(meeting, removed, held)
