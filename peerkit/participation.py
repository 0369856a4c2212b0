"""What members file from their own page, as plain records and the rules that check them.

A member files, before a meeting, an update (a 1–10 score per life area and a few lines), a
request for the hot seat (the issue in a sentence, an urgency A/B/C, the minutes it needs) and
progress on their open commitments (done, partial, stuck, with a note); during and after it,
anonymous answers (a 1–10 rating of the meeting or of a round). The store keeps them
(:mod:`peerkit.store.participation`); member pages (:mod:`peerkit.portal`) and the console show
them. Nothing here reads or writes the store.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from peerkit.model import Meeting, PeerkitError, check_text

#: The life areas an update scores unless the cohort chooses others (setting ``life_areas``).
DEFAULT_LIFE_AREAS = ("business", "family", "personal")
SCORE_RANGE = (1, 10)
#: An aggregate of anonymous answers is shown only once this many members have answered: with
#: fewer, the room could tell who gave which answer.
MIN_ANSWERS = 3
MAX_ISSUE = 300
MINUTES_RANGE = (5, 90)
#: Bytes of randomness in a member's token: 192 bits (the issue asks for at least 128).
TOKEN_BYTES = 24


class Urgency(Enum):
    A = "A"
    B = "B"
    C = "C"


URGENCY_MEANINGS = {
    Urgency.A: "urgent: I need the group this month",
    Urgency.B: "important: it can wait a meeting if it must",
    Urgency.C: "when there is time: I would value input",
}


class ProgressStatus(Enum):
    DONE = "done"
    PARTIAL = "partial"
    STUCK = "stuck"


@dataclass(frozen=True)
class Update:
    meeting_id: int
    member_id: int
    scores: dict[str, int]
    text: str
    filed_at: float
    shared: bool = False  # the member lets the coach see these scores as theirs


@dataclass(frozen=True)
class HotSeatRequest:
    meeting_id: int
    member_id: int
    issue: str
    urgency: Urgency
    minutes: int
    filed_at: float


@dataclass(frozen=True)
class Progress:
    commitment_id: int
    status: ProgressStatus
    note: str
    at: float


@dataclass(frozen=True)
class Link:
    """A member's personal link as the store knows it: never the token, only when."""

    member_id: int
    version: int
    issued_at: float
    revoked_at: float | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class Aggregate:
    """What the room may see of the answers on one subject: their count, and their mean and
    the lines given with them only once at least :data:`MIN_ANSWERS` members have answered."""

    subject: str
    count: int
    mean: float | None
    lines: tuple[str, ...] = ()

    @property
    def shown(self) -> bool:
        return self.mean is not None


def link_token(key: bytes, member_id: int, version: int) -> str:
    """A member's token: HMAC-SHA256 of their id and the link's version under the facilitator's
    link key, TOKEN_BYTES of it in URL-safe base64. Unguessable without the key; made again
    from it whenever the facilitator needs the link (the store keeps only its hash)."""
    digest = hmac.new(key, f"peerkit-link:{member_id}:{version}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:TOKEN_BYTES]).decode("ascii")


@dataclass(frozen=True)
class Poll:
    """A question the facilitator put to the room: answered from 1 to ``high``."""

    id: int
    meeting_id: int
    question: str
    subject: str
    high: int
    opened_at: float
    closed_at: float | None


#: The polls the console offers: (question, answers from 1 to …); a round's rating is its own.
MORE_TIME = ("Need more time on this?", 5)
WORTH_IT = "Was this round worth the time?"


def new_link_key() -> bytes:
    return secrets.token_bytes(32)


def token_hash(token: str) -> str:
    """What the store keeps of a token (SHA-256, hex): enough to recognise it, not to make it."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def round_subject(round_id: int) -> str:
    return f"round:{round_id}"


MEETING_SUBJECT = "meeting"


def _whole(raw: str | int | None, low: int, high: int) -> int | None:
    """``raw`` as a whole number from ``low`` to ``high``, or None."""
    try:
        value = int(str(raw).strip())
    except ValueError:
        return None
    return value if low <= value <= high else None


def check_scores(areas: Sequence[str], given: Mapping[str, str | int | None]) -> dict[str, int]:
    """The update's scores, one whole number from 1 to 10 for each life area; a PeerkitError
    naming every area that is missing or out of range."""
    low, high = SCORE_RANGE
    scores = {area: _whole(given.get(area), low, high) for area in areas}
    wrong = [area for area, value in scores.items() if value is None]
    if wrong:
        raise PeerkitError(f"Give a score from {low} to {high} for {', '.join(wrong)}.")
    return {area: value for area, value in scores.items() if value is not None}


def check_request(
    issue: str | None, urgency: str | None, minutes: str | int | None
) -> tuple[str, Urgency, int]:
    """A hot-seat request's issue, urgency and minutes, checked; a PeerkitError otherwise."""
    text = check_text(issue or "", "The issue", limit=MAX_ISSUE)
    try:
        level = Urgency(str(urgency or "").strip().upper())
    except ValueError:
        raise PeerkitError("Choose an urgency: A, B or C.") from None
    low, high = MINUTES_RANGE
    needed = _whole(minutes, low, high)
    if needed is None:
        raise PeerkitError(f"Give the minutes you need as a number from {low} to {high}.")
    return text, level, needed


def check_score(score: str | int | None, high: int = SCORE_RANGE[1]) -> int:
    """An answer's score, from 1 to ``high``; a PeerkitError otherwise."""
    value = _whole(score, SCORE_RANGE[0], high)
    if value is None:
        raise PeerkitError(f"Choose a rating from {SCORE_RANGE[0]} to {high}.")
    return value


def aggregate(subject: str, answers: Iterable[tuple[int, str]]) -> Aggregate:
    """The aggregate of (score, line) answers on ``subject``; the lines in the order given
    (the store gives them in random key order), empty ones left out."""
    given = list(answers)
    if len(given) < MIN_ANSWERS:
        return Aggregate(subject, len(given), None)
    mean = round(sum(score for score, _ in given) / len(given), 1)
    return Aggregate(subject, len(given), mean, tuple(line for _, line in given if line))


def upcoming(meetings: Sequence[Meeting], day: dt.date) -> Meeting | None:
    """The meeting members file for on ``day``, from the cohort's meetings by date: the first on
    or after it; else the one the latest meeting set as its next date, if not past, with id 0
    (not made yet: peerkit.store's next_meeting_on makes it when a member files). None when
    neither is known."""
    for meeting in meetings:
        if meeting.date >= day:
            return meeting
    latest = meetings[-1] if meetings else None
    if latest is None or latest.next_date is None or latest.next_date < day:
        return None
    return Meeting(0, latest.cohort_id, latest.next_date, latest.place, latest.planned_minutes)


def latest_held(meetings: Sequence[Meeting], day: dt.date) -> Meeting | None:
    """The latest of the cohort's meetings (by date) held on or before ``day``."""
    held = [m for m in meetings if m.date <= day]
    return held[-1] if held else None


def request_order(
    request: HotSeatRequest | None, last: dt.date | None
) -> tuple[int, dt.date, float]:
    """Where a member goes in the suggested queue: those who asked first, by urgency (A, B, C),
    then by who presented least recently (never: first), then by who asked first."""
    if request is None:
        return (3, last or dt.date.min, 0.0)
    rank = {Urgency.A: 0, Urgency.B: 1, Urgency.C: 2}[request.urgency]
    return (rank, last or dt.date.min, request.filed_at)
