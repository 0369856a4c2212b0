"""Commitments made at meetings and their reviews at later ones."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from peerkit.model import (
    Commitment,
    Outcome,
    PeerkitError,
    Review,
    check_text,
    parse_day,
    targets_now,
)
from peerkit.store import schema as t
from peerkit.store.deletions import Deletion
from peerkit.store.rounds import RoundsStore
from peerkit.store.rows import (
    CLOSING_OUTCOMES,
    _commitment,
    _enum,
    _refuse_if_keeps_nothing,
    _required_day,
    _review,
    _started,
)


class CommitmentsStore(RoundsStore):
    """Commitments and reviews."""

    def add_commitment(
        self,
        owner_id: int,
        meeting_id: int,
        text: str,
        target_date: dt.date | str,
        *,
        round_id: int | None = None,
        weight: float = 1.0,
        levels: Sequence[str] | None = None,
        private: bool = False,
    ) -> Commitment:
        values = self._commitment_values(
            owner_id, meeting_id, text, target_date, weight=weight, levels=levels
        )
        if round_id is not None:
            _refuse_if_keeps_nothing(self.round(round_id), "commitment")
        values.update(meeting_id=meeting_id, round_id=round_id, private=private)
        result = self._write(sa.insert(t.commitments).values(**values), "The commitment")
        return self.commitment(result.inserted_primary_key[0])

    def _commitment_values(
        self,
        owner_id: int,
        meeting_id: int,
        text: str,
        target_date: dt.date | str | None,
        *,
        weight: float,
        levels: Sequence[str] | None,
    ) -> dict[str, Any]:
        """A commitment's columns, checked (the same checks for a new one and an edit)."""
        text = check_text(text, "The commitment")
        day = _required_day(target_date, "The target date")
        meeting = self.meeting(meeting_id)
        self._same_cohort(owner_id, meeting_id)
        if day < meeting.date:
            raise PeerkitError(
                f"The target date {day.isoformat()} is before the meeting "
                f"({meeting.date.isoformat()}): pick a later date."
            )
        try:
            weight = float(weight)
        except (TypeError, ValueError):
            raise PeerkitError(
                f"A weight of {weight!r}? Use a number above 0 and at most 10."
            ) from None
        if not 0 < weight <= 10:
            raise PeerkitError(f"A weight of {weight:g}? Use a number above 0 and at most 10.")
        stored_levels = None
        if levels is not None and any(str(x).strip() for x in levels):
            if len(levels) != 5 or not all(str(x).strip() for x in levels):
                raise PeerkitError(
                    "Describe all five levels (−2, −1, 0 expected, +1, +2) or none of them."
                )
            stored_levels = json.dumps([check_text(str(x), "A level description") for x in levels])
        return {
            "owner_id": owner_id,
            "text": text,
            "target_date": day,
            "weight": weight,
            "levels": stored_levels,
        }

    def edit_commitment(self, commitment_id: int, **changes: Any) -> Commitment:
        """Correct a commitment's text, owner, target date, weight or GAS levels, with the
        checks a new one gets; bad input changes nothing."""
        allowed = {"text", "owner_id", "target_date", "weight", "levels"}
        unknown = set(changes) - allowed
        if unknown:
            raise PeerkitError(f"Cannot change {', '.join(sorted(unknown))} of a commitment.")
        current = self.commitment(commitment_id)
        if current.round_id is not None and "text" in changes:
            _refuse_if_keeps_nothing(self.round(current.round_id), "commitment")
        merged: dict[str, Any] = {
            "owner_id": current.owner_id,
            "text": current.text,
            "target_date": current.target_date,
            "weight": current.weight,
            "levels": current.levels,
            **changes,
        }
        values = self._commitment_values(
            merged["owner_id"],
            current.meeting_id,
            merged["text"],
            merged["target_date"],
            weight=merged["weight"],
            levels=merged["levels"],
        )
        self._write(
            sa.update(t.commitments).where(t.commitments.c.id == commitment_id).values(**values),
            "The commitment",
        )
        return self.commitment(commitment_id)

    def commitment(self, commitment_id: int) -> Commitment:
        rows = self._rows(
            sa.select(t.commitments).where(
                t.commitments.c.id == commitment_id, t.commitments.c.deleted_at.is_(None)
            )
        )
        if not rows:
            raise PeerkitError(
                f"No commitment with id {commitment_id} in this store (it may have been deleted)."
            )
        return _commitment(rows[0])

    def commitments(
        self,
        *,
        meeting_id: int | None = None,
        owner_id: int | None = None,
        cohort_id: int | None = None,
    ) -> list[Commitment]:
        query = (
            sa.select(t.commitments)
            .where(t.commitments.c.deleted_at.is_(None))
            .order_by(t.commitments.c.id)
        )
        if meeting_id is not None:
            query = query.where(t.commitments.c.meeting_id == meeting_id)
        if owner_id is not None:
            query = query.where(t.commitments.c.owner_id == owner_id)
        cohort_ids = self._cohort_ids(cohort_id)
        if cohort_ids is not None:
            query = query.where(t.in_cohort(t.commitments, cohort_ids))
        return [_commitment(r) for r in self._rows(query)]

    def delete_commitment(self, commitment_id: int) -> Deletion:
        """Remove a commitment entered by mistake, only while it has no review (undone by
        :meth:`undo_delete` until the meeting that made it is closed)."""
        current = self.commitment(commitment_id)

        def check(conn: Connection) -> None:
            reviewed = sa.select(t.reviews.c.id).where(
                t.reviews.c.commitment_id == commitment_id, t.reviews.c.deleted_at.is_(None)
            )
            if conn.execute(reviewed.limit(1)).first():
                raise PeerkitError("This commitment has been reviewed: it stays in the record.")

        return self._soft_delete(
            current.meeting_id, "The commitment", (t.commitments, commitment_id), check=check
        )

    def record_review(
        self,
        commitment_id: int,
        meeting_id: int,
        outcome: Outcome | str,
        *,
        level: int | None = None,
        note: str = "",
        new_target_date: dt.date | str | None = None,
    ) -> Review:
        """Record (or correct) the review of a commitment at a meeting. A review of it deleted
        earlier at this meeting is replaced (Undo no longer brings it back)."""
        values = self._review_values(
            commitment_id,
            meeting_id,
            outcome,
            level=level,
            note=note,
            new_target_date=new_target_date,
        )
        with self._begin("The review") as conn:
            conn.execute(
                sa.delete(t.reviews).where(
                    (t.reviews.c.commitment_id == commitment_id)
                    & (t.reviews.c.meeting_id == meeting_id)
                )
            )
            conn.execute(sa.insert(t.reviews).values(**values))
            conn.execute(_started(meeting_id))
        return self.reviews(commitment_id=commitment_id, meeting_id=meeting_id)[0]

    def _review_values(
        self,
        commitment_id: int,
        meeting_id: int,
        outcome: Outcome | str,
        *,
        level: int | None,
        note: str,
        new_target_date: dt.date | str | None,
    ) -> dict[str, Any]:
        """A review's columns, checked (the same checks for a new one and an edit)."""
        outcome = Outcome(_enum(Outcome, outcome, "outcome"))
        commitment, meeting = self.commitment(commitment_id), self.meeting(meeting_id)
        if meeting.date < self.meeting(commitment.meeting_id).date:
            raise PeerkitError("A commitment cannot be reviewed before the meeting that made it.")
        if level is not None and int(level) not in (-2, -1, 0, 1, 2):
            raise PeerkitError(f"GAS level {level} is out of range: use −2, −1, 0, +1 or +2.")
        new_day = parse_day(new_target_date, "The new target date")
        if outcome is Outcome.RENEGOTIATED:
            if new_day is None:
                raise PeerkitError("A renegotiated commitment needs the new target date it sets.")
            if new_day <= meeting.date:
                raise PeerkitError("The new target date must be after this meeting.")
        elif new_day is not None:
            raise PeerkitError("Only a renegotiated commitment takes a new target date.")
        return {
            "commitment_id": commitment_id,
            "meeting_id": meeting_id,
            "outcome": outcome.value,
            "level": None if level is None else int(level),
            "note": check_text(note, "The note", allow_empty=True),
            "new_target_date": new_day,
        }

    def edit_review(self, review_id: int, **changes: Any) -> Review:
        """Correct a review's outcome, GAS level, note or new target date in place, with the
        checks a new review gets; bad input changes nothing. A new target date is dropped
        when the outcome is no longer "renegotiated"."""
        allowed = {"outcome", "level", "note", "new_target_date"}
        unknown = set(changes) - allowed
        if unknown:
            raise PeerkitError(f"Cannot change {', '.join(sorted(unknown))} of a review.")
        current = self.review(review_id)
        merged: dict[str, Any] = {
            "outcome": current.outcome,
            "level": current.level,
            "note": current.note,
            "new_target_date": current.new_target_date,
            **changes,
        }
        outcome = Outcome(_enum(Outcome, merged["outcome"], "outcome"))
        if outcome is not Outcome.RENEGOTIATED and "new_target_date" not in changes:
            merged["new_target_date"] = None
        values = self._review_values(
            current.commitment_id,
            current.meeting_id,
            merged["outcome"],
            level=merged["level"],
            note=merged["note"],
            new_target_date=merged["new_target_date"],
        )
        self._write(
            sa.update(t.reviews).where(t.reviews.c.id == review_id).values(**values), "The review"
        )
        return self.review(review_id)

    def review(self, review_id: int) -> Review:
        rows = self._rows(
            sa.select(t.reviews).where(
                t.reviews.c.id == review_id, t.reviews.c.deleted_at.is_(None)
            )
        )
        if not rows:
            raise PeerkitError(
                f"No review with id {review_id} in this store (it may have been deleted)."
            )
        return _review(rows[0])

    def reviews(
        self,
        *,
        commitment_id: int | None = None,
        meeting_id: int | None = None,
        commitment_ids: Iterable[int] | None = None,
    ) -> list[Review]:
        """Reviews in id order: of one commitment, of those ``commitment_ids``, at one meeting
        (the conditions given, together), or all of them."""
        query = (
            sa.select(t.reviews).where(t.reviews.c.deleted_at.is_(None)).order_by(t.reviews.c.id)
        )
        if commitment_id is not None:
            query = query.where(t.reviews.c.commitment_id == commitment_id)
        if commitment_ids is not None:
            query = query.where(t.reviews.c.commitment_id.in_(sorted(set(commitment_ids))))
        if meeting_id is not None:
            query = query.where(t.reviews.c.meeting_id == meeting_id)
        cohort_ids = self._cohort_ids(None)  # the allowed cohorts (None: all)
        if cohort_ids is not None:
            query = query.where(t.in_cohort(t.reviews, cohort_ids))
        return [_review(r) for r in self._rows(query)]

    def delete_review(self, review_id: int) -> Deletion:
        """Delete a review recorded by mistake: the commitment is open again as before it
        (undone by :meth:`undo_delete` until the meeting that held it is closed)."""
        current = self.review(review_id)
        return self._soft_delete(current.meeting_id, "The review", (t.reviews, review_id))

    def shown_commitment_ids(self, commitments: Iterable[Commitment]) -> set[int]:
        """Of these commitments, the ids of those that are not private nor made in a private
        round: what a check-in walks, and what a member's page and e-mails show (one query)."""
        listed = [c for c in commitments if not c.private]
        private = self.private_round_ids(c.round_id for c in listed if c.round_id is not None)
        return {c.id for c in listed if c.round_id not in private}

    def open_commitments(
        self, cohort_id: int, *, before_meeting: int | None = None
    ) -> list[tuple[Commitment, dt.date]]:
        """The cohort's commitments still open (never closed by a review), in id order, with
        their current target date (peerkit.model.targets_now: after the latest renegotiation).

        A commitment is closed by a review of done, partial, not done or dropped; a renegotiated
        one carries forward with its new date. ``before_meeting``: what was open as that meeting
        began (what its check-in walks): made at the cohort's meetings dated before it, and with
        the reviews recorded at it ignored (so a check-in can show what it closed).

        Two queries, bounded by the cohort: the open commitments (through indexes), then their
        renegotiations.
        """
        self._check_cohort(cohort_id)
        c, r, m = t.commitments.c, t.reviews.alias("r"), t.meetings.c
        reviewed = [r.c.commitment_id == c.id, r.c.deleted_at.is_(None)]
        made = [m.cohort_id == cohort_id, c.deleted_at.is_(None)]
        if before_meeting is not None:
            reviewed.append(r.c.meeting_id != before_meeting)
            began = sa.select(t.meetings.c.date).where(t.meetings.c.id == before_meeting)
            made.append(m.date < began.scalar_subquery())
        closing = sa.select(r.c.id).where(*reviewed, r.c.outcome.in_(CLOSING_OUTCOMES))
        query = (
            sa.select(t.commitments)
            .join(t.meetings, t.meetings.c.id == c.meeting_id)
            .where(*made, ~closing.exists())
            .order_by(c.id)
        )
        rows = self._rows(query)
        held = t.meetings.alias("held")
        renegotiations = self._rows(
            sa.select(r.c.commitment_id, held.c.date, r.c.id, r.c.new_target_date)
            .join(held, held.c.id == r.c.meeting_id)
            .where(r.c.commitment_id.in_([row.id for row in rows]), *reviewed[1:])
            .where(r.c.new_target_date.is_not(None))
        )
        now = targets_now(tuple(x) for x in renegotiations)
        return [(_commitment(row), now.get(row.id, row.target_date)) for row in rows]
