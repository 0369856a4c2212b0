"""Meetings and their attendance, and purging a meeting for good."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from peerkit.model import (
    MAX_NAME,
    Attendance,
    Meeting,
    Member,
    PeerkitError,
    check_text,
    parse_day,
)
from peerkit.store import schema as t
from peerkit.store.files import Export
from peerkit.store.members import MembersStore
from peerkit.store.rows import _meeting, _required_day, _started


@dataclass(frozen=True)
class Purge:
    """What a purge deleted, and what may still hold the meeting."""

    meeting: Meeting
    removed: dict[str, int]
    still_held: tuple[str, ...]
    files: tuple[Export, ...]


#: The largest id a store can hold (SQLite's and PostgreSQL's integers have 64 bits).
MAX_ID = 2**63 - 1


class MeetingsStore(MembersStore):
    """Meetings, attendance and purges."""

    def add_meeting(
        self,
        cohort_id: int,
        date: dt.date | str,
        *,
        place: str = "",
        planned_minutes: int = 180,
        next_date: dt.date | str | None = None,
    ) -> Meeting:
        day = _required_day(date, "The meeting date")
        place = check_text(place, "The place", limit=MAX_NAME, allow_empty=True)
        if not 10 <= int(planned_minutes) <= 24 * 60:
            raise PeerkitError(
                f"A meeting of {planned_minutes} minutes? Plan between 10 and 1440 minutes."
            )
        values = {
            "cohort_id": cohort_id,
            "date": day,
            "place": place,
            "planned_minutes": int(planned_minutes),
            "next_date": parse_day(next_date, "The next meeting date"),
        }
        result = self._write(sa.insert(t.meetings).values(**values), "The meeting")
        return self.meeting(result.inserted_primary_key[0])

    def update_meeting(self, meeting_id: int, **changes: Any) -> Meeting:
        allowed = {"place", "planned_minutes", "next_date", "date"}
        unknown = set(changes) - allowed
        if unknown:
            raise PeerkitError(f"Cannot change {', '.join(sorted(unknown))} of a meeting.")
        for key in ("next_date", "date"):
            if key in changes:
                changes[key] = parse_day(changes[key], "The date")
        self.meeting(meeting_id)
        self._write(
            sa.update(t.meetings).where(t.meetings.c.id == meeting_id).values(**changes),
            "The meeting",
        )
        return self.meeting(meeting_id)

    def meeting(self, meeting_id: int) -> Meeting:
        rows = self._rows(sa.select(t.meetings).where(t.meetings.c.id == meeting_id))
        if not rows:
            raise PeerkitError(f"No meeting with id {meeting_id} in this store.")
        return _meeting(rows[0])

    def meetings(self, cohort_id: int | None = None) -> list[Meeting]:
        query = sa.select(t.meetings).order_by(t.meetings.c.date, t.meetings.c.id)
        cohort_ids = self._cohort_ids(cohort_id)
        if cohort_ids is not None:
            query = query.where(t.meetings.c.cohort_id.in_(cohort_ids))
        return [_meeting(r) for r in self._rows(query)]

    def find_meeting(self, which: str | int, cohort_id: int | None = None) -> Meeting:
        """A meeting by id, by date (YYYY-MM-DD) or ``latest``."""
        every = self.meetings(cohort_id)
        text = str(which).strip()
        if not every:
            raise PeerkitError("This store has no meetings yet.")
        if text == "latest":
            return every[-1]
        if text.isdigit():
            if int(text) > MAX_ID:  # no store holds it (and the driver would overflow)
                raise PeerkitError(f"No meeting with id {text} in this store.")
            return self.meeting(int(text))
        day = _required_day(text, "The meeting")
        found = [m for m in every if m.date == day]
        if not found:
            raise PeerkitError(f"No meeting on {day.isoformat()}.")
        return found[-1]

    def set_attendance(self, meeting_id: int, member_id: int, status: Attendance | str) -> None:
        status = Attendance(status)
        meeting, member = self.meeting(meeting_id), self.member(member_id)
        if member.cohort_id != meeting.cohort_id:
            raise PeerkitError(f"{member.name} is not a member of this meeting's cohort.")
        values = {"meeting_id": meeting_id, "member_id": member_id, "status": status.value}
        with self._begin("The attendance") as conn:
            conn.execute(self._upsert(t.attendance, values))
            conn.execute(_started(meeting_id))

    def mark_everyone_present(self, meeting_id: int) -> int:
        """Mark every active member not yet marked as present, in one step (those already marked,
        say with apologies, keep their mark); returns how many were marked."""
        meeting = self.meeting(meeting_id)
        marked = self.attendance(meeting_id)
        unmarked = [
            m.id for m in self.members(meeting.cohort_id, include_left=False) if m.id not in marked
        ]
        with self._begin("The attendance") as conn:
            for member_id in unmarked:
                values = {"meeting_id": meeting_id, "member_id": member_id, "status": "present"}
                conn.execute(self._upsert(t.attendance, values))
            conn.execute(_started(meeting_id))
        return len(unmarked)

    def attendance(self, meeting_id: int) -> dict[int, Attendance]:
        rows = self._rows(
            sa.select(t.attendance.c.member_id, t.attendance.c.status).where(
                t.attendance.c.meeting_id == meeting_id
            )
        )
        return {r.member_id: Attendance(r.status) for r in rows}

    def meeting_contents(self, meeting_id: int) -> dict[str, int]:
        """How many rounds, advice, commitments, reviews and parking-lot items a meeting holds
        (what a purge would delete), by table."""
        meeting = self.meeting(meeting_id)
        round_ids = sa.select(t.rounds.c.id).where(t.rounds.c.meeting_id == meeting.id)
        made_here = sa.select(t.commitments.c.id).where(t.commitments.c.meeting_id == meeting.id)
        where = {
            t.rounds: t.rounds.c.meeting_id == meeting.id,
            t.advice: t.advice.c.round_id.in_(round_ids),
            t.commitments: t.commitments.c.meeting_id == meeting.id,
            t.reviews: (t.reviews.c.meeting_id == meeting.id)
            | t.reviews.c.commitment_id.in_(made_here),
            t.parking: t.parking.c.meeting_id == meeting.id,
            t.attendance: t.attendance.c.meeting_id == meeting.id,
        }
        return {
            table.name: int(
                self._rows(sa.select(sa.func.count()).select_from(table).where(c))[0][0]
            )
            for table, c in where.items()
        }

    def purge_meeting(self, meeting_id: int) -> Purge:
        """Delete a meeting and everything said in it, for good: the text is overwritten in the
        database's own files before this returns. Says what still holds copies: the database
        (see :meth:`_forget`) and files peerkit wrote earlier (minutes, backups)."""
        meeting = self.meeting(meeting_id)
        removed = self.meeting_contents(meeting_id)
        files = tuple(
            e
            for e in self.exports(meeting.cohort_id)
            if e.meeting_id == meeting.id or e.kind == "backup"
        )
        with self._begin("The purge") as conn:
            made_here = sa.select(t.commitments.c.id).where(
                t.commitments.c.meeting_id == meeting_id
            )
            round_ids = sa.select(t.rounds.c.id).where(t.rounds.c.meeting_id == meeting_id)
            conn.execute(
                sa.delete(t.reviews).where(
                    (t.reviews.c.meeting_id == meeting_id)
                    | t.reviews.c.commitment_id.in_(made_here)
                )
            )
            conn.execute(sa.delete(t.commitments).where(t.commitments.c.meeting_id == meeting_id))
            conn.execute(sa.delete(t.advice).where(t.advice.c.round_id.in_(round_ids)))
            conn.execute(sa.delete(t.phase_log).where(t.phase_log.c.round_id.in_(round_ids)))
            conn.execute(sa.delete(t.rounds).where(t.rounds.c.meeting_id == meeting_id))
            conn.execute(sa.delete(t.parking).where(t.parking.c.meeting_id == meeting_id))
            conn.execute(sa.delete(t.attendance).where(t.attendance.c.meeting_id == meeting_id))
            conn.execute(sa.delete(t.ground_rules).where(t.ground_rules.c.meeting_id == meeting_id))
            conn.execute(
                sa.update(t.screens)
                .where(t.screens.c.meeting_id == meeting_id)
                .values(meeting_id=None, round_id=None)
            )
            conn.execute(sa.delete(t.meetings).where(t.meetings.c.id == meeting_id))
        return Purge(meeting, removed, self._forget(), files)

    def _same_cohort(self, member_id: int, meeting_id: int) -> Member:
        member, meeting = self.member(member_id), self.meeting(meeting_id)
        if member.cohort_id != meeting.cohort_id:
            raise PeerkitError(f"{member.name} is not a member of this meeting's cohort.")
        return member
