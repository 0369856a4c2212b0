"""Table rows turned into the model's records, and the small checks every room of the store
shares."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import sqlalchemy as sa

from peerkit.model import (
    Advice,
    AdviceKind,
    Commitment,
    Meeting,
    Member,
    MemberStatus,
    Outcome,
    PeerkitError,
    PhaseEvent,
    PhaseEventKind,
    Review,
    Round,
    parse_day,
)
from peerkit.store import schema as t


def _required_day(value: dt.date | str | None, what: str) -> dt.date:
    day = parse_day(value, what)
    if day is None:
        raise PeerkitError(f"{what} is missing: write it as YYYY-MM-DD.")
    return day


def _refuse_if_keeps_nothing(the_round: Round, what: str) -> None:
    if the_round.keeps_nothing:
        raise PeerkitError(
            f"The {what} was not saved: this private round keeps nothing written. "
            "Mark it 'keep for me only' to write things down."
        )


def _enum(kind: Any, value: Any, what: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(k.value for k in kind)
        raise PeerkitError(f"Unknown {what} {value!r}: use one of {choices}.") from None


def _member(r: Any) -> Member:
    return Member(
        r.id,
        r.cohort_id,
        r.name,
        r.email,
        r.role,
        r.joined,
        MemberStatus(r.status),
        r.left_on,
        bool(r.redacted),
    )


def _started(meeting_id: Any, at: float | None = None) -> Any:
    """The meeting starts with the first thing recorded at it (attendance, ground rules, a review,
    a round's start): its time budget counts from there. Later writes leave the start as it is."""
    meetings = t.meetings.c
    return (
        sa.update(t.meetings)
        .where(meetings.id == meeting_id, meetings.started_at.is_(None))
        .values(started_at=time.time() if at is None else at)
    )


#: The outcomes that close a commitment (a renegotiation carries it forward).
CLOSING_OUTCOMES = ("done", "partial", "not done", "dropped")


def _day(value: Any) -> Any:
    """A date read through an aggregate or a subquery (SQLite returns it as text there)."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _phase_event(r: Any) -> PhaseEvent:
    return PhaseEvent(
        r.round_id,
        PhaseEventKind(r.kind),
        r.at,
        r.value,
        tuple(json.loads(r.plan)) if r.plan else None,
    )


def _meeting(r: Any) -> Meeting:
    return Meeting(r.id, r.cohort_id, r.date, r.place, r.planned_minutes, r.next_date, r.started_at)


def _round(r: Any) -> Round:
    return Round(
        r.id,
        r.meeting_id,
        r.presenter_id,
        r.format_name,
        r.issue,
        r.position,
        bool(r.private),
        bool(r.keeps_text),
    )


def _advice(r: Any) -> Advice:
    return Advice(
        r.id,
        r.round_id,
        r.giver_id,
        AdviceKind(r.kind),
        r.text,
        r.at,
        bool(r.starred),
        bool(r.private),
    )


def _commitment(r: Any) -> Commitment:
    levels = tuple(json.loads(r.levels)) if r.levels else None
    return Commitment(
        r.id,
        r.owner_id,
        r.meeting_id,
        r.round_id,
        r.text,
        r.target_date,
        r.weight,
        levels,
        bool(r.private),
    )


def _review(r: Any) -> Review:
    return Review(
        r.id,
        r.commitment_id,
        r.meeting_id,
        Outcome(r.outcome),
        r.level,
        r.note,
        r.new_target_date,
    )


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
