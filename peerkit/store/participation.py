"""What members file from their own page: personal links, updates, hot-seat requests, progress
on commitments, and anonymous answers.

Each filing is one row per member and meeting (or per commitment), written by an upsert: a form
sent twice, or from two tabs, leaves one row, the later one. An answer (a rating) is written with
a random key and no member, and who has answered goes to a separate table in the same
transaction, so a second answer is refused and no row ties an answer to its member.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from peerkit.model import Meeting, Member, MemberStatus, PeerkitError, check_text
from peerkit.participation import (
    SCORE_RANGE,
    Aggregate,
    HotSeatRequest,
    Link,
    Poll,
    Progress,
    ProgressStatus,
    Update,
    Urgency,
    aggregate,
    check_request,
    check_score,
    check_scores,
    link_token,
    round_subject,
    token_hash,
    upcoming,
)
from peerkit.store import schema as t
from peerkit.store.commitments import CommitmentsStore
from peerkit.store.errors import _Conflict
from peerkit.store.rows import _enum, _member


class ParticipationStore(CommitmentsStore):
    """Members' own filings."""

    # -- links ------------------------------------------------------------------------------

    def issue_link(self, member_id: int, key: bytes) -> str:
        """A new link for the member (any earlier one stops working): its token, made from the
        facilitator's link ``key`` (peerkit.participation.link_token). Only its hash is stored."""
        member = self.member(member_id)
        if member.status is not MemberStatus.ACTIVE or member.redacted:
            raise PeerkitError(f"{member.name} has left the group: no link is issued.")
        current = self.links(member.cohort_id).get(member_id)
        version = current.version + 1 if current else 1
        token = link_token(key, member_id, version)
        values = {
            "member_id": member_id,
            "token_hash": token_hash(token),
            "version": version,
            "issued_at": time.time(),
            "revoked_at": None,
        }
        self._write(self._upsert(t.member_links, values), f"{member.name}'s link")
        return token

    def link_token(self, member_id: int, key: bytes) -> str | None:
        """The member's working token, made again from ``key``; None when they have no working
        link, or when ``key`` is not the key it was made with."""
        member = self.member(member_id)
        link = self.links(member.cohort_id).get(member_id)
        if link is None or not link.active:
            return None
        token = link_token(key, member_id, link.version)
        rows = self._rows(
            sa.select(t.member_links.c.member_id).where(
                t.member_links.c.member_id == member_id,
                t.member_links.c.token_hash == token_hash(token),
            )
        )
        return token if rows else None

    def revoke_link(self, member_id: int) -> bool:
        """Stop the member's link from working; False when there was no working link."""
        result = self._write(
            sa.update(t.member_links)
            .where(t.member_links.c.member_id == member_id, t.member_links.c.revoked_at.is_(None))
            .values(revoked_at=time.time()),
            "The revocation",
        )
        return bool(result.rowcount)

    def links(self, cohort_id: int) -> dict[int, Link]:
        """The cohort's members' links by member id (members never given one are absent)."""
        self._check_cohort(cohort_id)
        rows = self._rows(sa.select(t.member_links).where(t.in_cohort(t.member_links, cohort_id)))
        return {r.member_id: Link(r.member_id, r.version, r.issued_at, r.revoked_at) for r in rows}

    def member_for_token(self, token: str) -> Member | None:
        """The member a token opens the page of: None for a token that was never issued, was
        revoked or re-issued, or whose member has left or was redacted (one query)."""
        if not token or len(token) > 128:
            return None
        m = t.members
        rows = self._rows(
            sa.select(m)
            .join(t.member_links, t.member_links.c.member_id == m.c.id)
            .where(
                t.member_links.c.token_hash == token_hash(token),
                t.member_links.c.revoked_at.is_(None),
                m.c.status == MemberStatus.ACTIVE.value,
                m.c.redacted.is_(False),
            )
        )
        if not rows:
            return None
        member = _member(rows[0])
        if self.allowed_cohorts is not None:
            self._check_cohort(member.cohort_id)
        return member

    # -- before the meeting -----------------------------------------------------------------

    def file_update(
        self,
        member_id: int,
        meeting_id: int,
        scores: dict[str, str | int | None],
        text: str,
        *,
        areas: Iterable[str],
        shared: bool = False,
    ) -> Update:
        """The member's update for the meeting (a second one replaces the first); ``shared``:
        the member lets the coach see their own scores."""
        member = self._same_cohort(member_id, meeting_id)
        [update] = self.file_updates(
            [(member, self.meeting(meeting_id), scores, text, shared)], areas=areas
        )
        return update

    def file_updates(
        self,
        filings: Sequence[tuple[Member, Meeting, dict[str, str | int | None], str, bool]],
        *,
        areas: Iterable[str],
    ) -> list[Update]:
        """Several members' updates, each (member, meeting, scores, text, shared), checked first and
        then written in one transaction: all or none (a server with many members filing at
        once writes those waiting together). Refused whole if one is wrong."""
        wanted = list(areas)
        now = time.time()
        made = []
        for member, meeting, scores, text, shared in filings:
            if member.cohort_id != meeting.cohort_id:
                raise PeerkitError(f"{member.name} is not a member of this meeting's cohort.")
            made.append(
                Update(
                    meeting.id,
                    member.id,
                    check_scores(wanted, scores),
                    check_text(text or "", "Your update", allow_empty=True),
                    now,
                    bool(shared),
                )
            )
        if made:
            columns = ["meeting_id", "member_id", "scores", "text", "filed_at", "shared"]
            rows = [
                {
                    "meeting_id": u.meeting_id,
                    "member_id": u.member_id,
                    "scores": json.dumps(u.scores),
                    "text": u.text,
                    "filed_at": u.filed_at,
                    "shared": u.shared,
                }
                for u in made
            ]
            with self._begin("Your update") as conn:
                conn.execute(self._upsert_rows(t.member_updates, columns), rows)
        return made

    def updates(self, meeting_id: int) -> dict[int, Update]:
        """The updates filed for the meeting, by member id."""
        rows = self._rows(
            sa.select(t.member_updates).where(t.member_updates.c.meeting_id == meeting_id)
        )
        return {r.member_id: _update(r) for r in rows}

    def cohort_updates(self, cohort_id: int) -> list[Update]:
        """Every update filed in the cohort (the coach's trends), by meeting then member."""
        self._check_cohort(cohort_id)
        u = t.member_updates
        rows = self._rows(
            sa.select(u).where(t.in_cohort(u, cohort_id)).order_by(u.c.meeting_id, u.c.member_id)
        )
        return [_update(r) for r in rows]

    def request_hot_seat(
        self, member_id: int, meeting_id: int, issue: str, urgency: str, minutes: str | int
    ) -> HotSeatRequest:
        """The member asks for the hot seat at the meeting (a second request replaces the
        first)."""
        text, level, needed = check_request(issue, urgency, minutes)
        self._same_cohort(member_id, meeting_id)
        values = {
            "meeting_id": meeting_id,
            "member_id": member_id,
            "issue": text,
            "urgency": level.value,
            "minutes": needed,
            "filed_at": (now := time.time()),
        }
        self._write(self._upsert(t.hot_seat_requests, values), "Your request")
        return HotSeatRequest(meeting_id, member_id, text, level, needed, now)

    def withdraw_request(self, member_id: int, meeting_id: int) -> None:
        r = t.hot_seat_requests.c
        self._write(
            sa.delete(t.hot_seat_requests).where(
                r.member_id == member_id, r.meeting_id == meeting_id
            ),
            "The withdrawal",
        )

    def hot_seat_requests(self, meeting_id: int) -> dict[int, HotSeatRequest]:
        """The requests for the meeting's hot seat, by member id."""
        rows = self._rows(
            sa.select(t.hot_seat_requests).where(t.hot_seat_requests.c.meeting_id == meeting_id)
        )
        return {r.member_id: _request(r) for r in rows}

    def mark_progress(
        self, member_id: int, commitment_id: int, status: str, note: str = ""
    ) -> Progress:
        """The member's progress on one of their own commitments (the latest replaces the one
        before). Another member's commitment, or a private one, is refused as if unknown."""
        state = _enum(ProgressStatus, (status or "").strip().lower(), "progress")
        words = check_text(note or "", "The note", allow_empty=True)
        try:
            commitment = self.commitment(commitment_id)
        except PeerkitError:
            commitment = None
        if (
            commitment is None
            or commitment.owner_id != member_id
            or not self.shown_commitment_ids([commitment])
        ):
            raise PeerkitError("No such commitment of yours.")
        values = {
            "commitment_id": commitment_id,
            "status": state.value,
            "note": words,
            "at": (now := time.time()),
        }
        self._write(self._upsert(t.progress, values), "Your progress")
        return Progress(commitment_id, state, words, now)

    def progress(self, commitment_ids: Iterable[int]) -> dict[int, Progress]:
        """The latest progress members reported on these commitments, by commitment id."""
        ids = sorted(set(commitment_ids))
        if not ids:
            return {}
        rows = self._rows(sa.select(t.progress).where(t.progress.c.commitment_id.in_(ids)))
        return {
            r.commitment_id: Progress(r.commitment_id, ProgressStatus(r.status), r.note, r.at)
            for r in rows
        }

    # -- anonymous answers ------------------------------------------------------------------

    def answer(
        self, member_id: int, meeting_id: int, subject: str, score: str | int, line: str = ""
    ) -> None:
        """An anonymous answer on ``subject`` ("meeting", "round:N") at the meeting. The answer
        is stored without the member; that they answered is stored apart, without the answer
        (a second answer is refused)."""
        self._same_cohort(member_id, meeting_id)
        high = SCORE_RANGE[1]
        if subject.startswith("poll:"):
            poll = self.open_poll(meeting_id)
            if poll is None or poll.subject != subject:
                raise PeerkitError("This poll is closed: thank you all the same.")
            high = poll.high
        value = check_score(score, high)
        words = check_text(line or "", "The line", limit=280, allow_empty=True)
        try:
            with self._begin("Your answer") as conn:
                conn.execute(
                    sa.insert(t.answered).values(
                        meeting_id=meeting_id, subject=subject, member_id=member_id
                    )
                )
                conn.execute(
                    sa.insert(t.answers).values(
                        key=secrets.token_hex(16),
                        meeting_id=meeting_id,
                        subject=subject,
                        score=value,
                        line=words,
                    )
                )
        except _Conflict:
            raise PeerkitError("You have already answered this one: thank you.") from None

    def answered(self, member_id: int, meeting_id: int) -> set[str]:
        """The subjects the member has answered at the meeting (not what they answered)."""
        a = t.answered.c
        rows = self._rows(
            sa.select(a.subject).where(a.member_id == member_id, a.meeting_id == meeting_id)
        )
        return {r.subject for r in rows}

    def answer_aggregates(self, meeting_id: int) -> dict[str, Aggregate]:
        """The meeting's answers by subject: the count, and the mean and lines once enough
        have answered (peerkit.participation.MIN_ANSWERS)."""
        return self._aggregates(t.answers.c.meeting_id == meeting_id).get(meeting_id, {})

    def cohort_answer_aggregates(self, cohort_id: int) -> dict[int, dict[str, Aggregate]]:
        """:meth:`answer_aggregates` for every meeting of the cohort, by meeting id (one
        query)."""
        self._check_cohort(cohort_id)
        return self._aggregates(t.in_cohort(t.answers, cohort_id))

    def _aggregates(self, condition: Any) -> dict[int, dict[str, Aggregate]]:
        """The answers that meet ``condition``, aggregated by meeting and subject (one query;
        in key order, which is random: the lines come in no order that says who wrote them)."""
        a = t.answers.c
        rows = self._rows(
            sa.select(a.meeting_id, a.subject, a.score, a.line).where(condition).order_by(a.key)
        )
        by: dict[int, dict[str, list[tuple[int, str]]]] = {}
        for r in rows:
            by.setdefault(r.meeting_id, {}).setdefault(r.subject, []).append((int(r.score), r.line))
        return {
            meeting_id: {subject: aggregate(subject, given) for subject, given in subjects.items()}
            for meeting_id, subjects in by.items()
        }

    # -- live polls -------------------------------------------------------------------------

    def start_poll(
        self, meeting_id: int, question: str, *, high: int = 5, round_id: int | None = None
    ) -> Poll:
        """Put a question to the room (closing any poll still open at the meeting). With
        ``round_id``, it asks members to rate that round (1–10): their answers are the round's
        rating."""
        words = check_text(question, "The question", limit=200)
        if not 2 <= int(high) <= 10:
            raise PeerkitError("A poll's answers run from 1 to a number between 2 and 10.")
        now = time.time()
        with self._begin("The poll") as conn:
            conn.execute(_closing(meeting_id, now))
            values = {
                "meeting_id": meeting_id,
                "question": words,
                "subject": "",
                "high": int(high),
                "opened_at": now,
            }
            inserted = conn.execute(sa.insert(t.polls).values(**values)).inserted_primary_key
            assert inserted is not None
            poll_id = inserted[0]
            subject = round_subject(round_id) if round_id is not None else f"poll:{poll_id}"
            conn.execute(sa.update(t.polls).where(t.polls.c.id == poll_id).values(subject=subject))
        poll = self.open_poll(meeting_id)
        assert poll is not None
        return poll

    def close_poll(self, meeting_id: int) -> None:
        self._write(_closing(meeting_id, time.time()), "Closing the poll")

    def open_poll(self, meeting_id: int) -> Poll | None:
        """The meeting's open poll, if any."""
        rows = self._rows(
            sa.select(t.polls).where(
                t.polls.c.meeting_id == meeting_id, t.polls.c.closed_at.is_(None)
            )
        )
        return _poll(rows[0]) if rows else None

    def poll_answers(self, meeting_id: int) -> tuple[Poll | None, Aggregate | None]:
        """The meeting's open poll and what the room may see of its answers (the console's
        fold and the projector show these)."""
        poll = self.open_poll(meeting_id)
        if poll is None:
            return None, None
        return poll, self.answer_aggregates(meeting_id).get(poll.subject)

    # -- which meeting ----------------------------------------------------------------------

    def next_meeting_on(
        self, cohort_id: int, day: dt.date, *, create: bool = False
    ) -> Meeting | None:
        """The meeting members file for on ``day`` (peerkit.participation.upcoming); with
        ``create``, one known only as the latest meeting's next date is added (with its place
        and length), so a filing has a meeting to belong to."""
        meeting = upcoming(self.meetings(cohort_id), day)
        if meeting is None or meeting.id or not create:
            return meeting
        return self.add_meeting(
            cohort_id, meeting.date, place=meeting.place, planned_minutes=meeting.planned_minutes
        )


def _closing(meeting_id: int, now: float) -> Any:
    """The statement that closes the meeting's open poll."""
    return (
        sa.update(t.polls)
        .where(t.polls.c.meeting_id == meeting_id, t.polls.c.closed_at.is_(None))
        .values(closed_at=now)
    )


def _update(r: Any) -> Update:
    return Update(
        r.meeting_id, r.member_id, json.loads(r.scores), r.text, r.filed_at, bool(r.shared)
    )


def _poll(r: Any) -> Poll:
    return Poll(r.id, r.meeting_id, r.question, r.subject, r.high, r.opened_at, r.closed_at)


def _request(r: Any) -> HotSeatRequest:
    return HotSeatRequest(
        r.meeting_id, r.member_id, r.issue, Urgency(r.urgency), r.minutes, r.filed_at
    )
