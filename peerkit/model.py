"""The meeting vocabulary as plain data: members, meetings, rounds, advice, commitments, reviews."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

#: Longest text accepted for an advice, a commitment, an issue statement or a note.
MAX_TEXT = 4000
#: Longest name accepted for a member, a cohort or a place.
MAX_NAME = 120
#: Open commitments per member above which the console warns (a member who commits to eight
#: things does none).
#: What a window hears when another window's click on the same round got there first.
ANOTHER_WINDOW = (
    "Another window changed this round at the same moment, so this click was not applied. "
    "The screen now shows where the round is; click again if it is still needed."
)
COMMITMENT_CAP = 3
#: The console's moments by name, with their tab titles, in the order a meeting runs them.
MOMENTS = {
    "attendance": "Attendance",
    "checkin": "Check-in",
    "hot_seat": "Hot seat",
    "close": "Parking lot & close",
}


class PeerkitError(ValueError):
    """A problem the user can fix; its message is one plain sentence saying what to change."""

    def _render_traceback_(self) -> list[str]:
        """What IPython shows for it in a notebook (and papermill in its error): the sentence,
        with no traceback."""
        return [str(self)]


class MemberStatus(StrEnum):
    ACTIVE = "active"
    LEFT = "left"


class Attendance(StrEnum):
    PRESENT = "present"
    APOLOGIES = "apologies"
    ABSENT = "absent"


class AdviceKind(StrEnum):
    EXPERIENCE = "experience"
    SUGGESTION = "suggestion"
    QUESTION = "question"
    RESOURCE = "resource"


class Outcome(StrEnum):
    DONE = "done"
    PARTIAL = "partial"
    NOT_DONE = "not done"
    DROPPED = "dropped"
    RENEGOTIATED = "renegotiated"


#: The Goal Attainment Scaling level a review outcome maps to when the member did not define
#: their own five levels (0 is the expected outcome).
OUTCOME_LEVEL: dict[Outcome, int] = {
    Outcome.DONE: 0,
    Outcome.PARTIAL: -1,
    Outcome.NOT_DONE: -2,
    Outcome.DROPPED: -2,
    Outcome.RENEGOTIATED: -1,
}

GAS_LEVELS = (-2, -1, 0, 1, 2)


class PhaseEventKind(StrEnum):
    """What can happen to a round's clock; the phase log is a list of these."""

    PLAN = "plan"  # the planned seconds of each phase (after budget scaling)
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    EXTEND = "extend"  # value: seconds added to the current phase
    NEXT = "next"
    PREVIOUS = "previous"
    FINISH = "finish"


@dataclass(frozen=True)
class Cohort:
    id: int
    name: str


@dataclass(frozen=True)
class Member:
    id: int
    cohort_id: int
    name: str
    email: str | None = None
    role: str | None = None
    joined: dt.date | None = None
    status: MemberStatus = MemberStatus.ACTIVE
    left_on: dt.date | None = None
    redacted: bool = False


@dataclass(frozen=True)
class Meeting:
    id: int
    cohort_id: int
    date: dt.date
    place: str = ""
    planned_minutes: int = 180
    next_date: dt.date | None = None
    #: When the first thing was recorded at it (epoch seconds): its time budget counts from here.
    started_at: float | None = None


@dataclass(frozen=True)
class Round:
    id: int
    meeting_id: int
    presenter_id: int
    format_name: str
    issue: str = ""
    position: int = 0
    private: bool = False
    keeps_text: bool = True  # a private round may keep nothing: no issue, advice or commitment

    @property
    def keeps_nothing(self) -> bool:
        return self.private and not self.keeps_text


@dataclass(frozen=True)
class PhaseEvent:
    round_id: int
    kind: PhaseEventKind
    at: float  # seconds since the epoch, UTC
    value: float | None = None
    plan: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Advice:
    id: int
    round_id: int
    giver_id: int | None  # None: anonymous
    kind: AdviceKind
    text: str
    at: float
    starred: bool = False
    private: bool = False


@dataclass(frozen=True)
class Commitment:
    id: int
    owner_id: int
    meeting_id: int
    round_id: int | None
    text: str
    target_date: dt.date
    weight: float = 1.0
    levels: tuple[str, str, str, str, str] | None = None  # descriptions of −2 … +2
    private: bool = False


@dataclass(frozen=True)
class Review:
    id: int
    commitment_id: int
    meeting_id: int
    outcome: Outcome
    level: int | None = None
    note: str = ""
    new_target_date: dt.date | None = None


@dataclass(frozen=True)
class ParkingItem:
    id: int
    meeting_id: int
    text: str
    private: bool = False


@dataclass(frozen=True)
class Phase:
    """One time-boxed step of a round, with the instruction shown to the room."""

    name: str
    minutes: float
    instruction: str = ""
    presenter_away: bool = False
    experience_only: bool = False
    advice: bool = False  # the phase in which the group's advice is captured and shown
    commitments: bool = False  # the phase in which the presenter commits to actions


@dataclass(frozen=True)
class Format:
    name: str
    phases: tuple[Phase, ...]
    description: str = ""
    rules: str = ""
    source: str = "built-in"

    @property
    def minutes(self) -> float:
        return sum(p.minutes for p in self.phases)


#: The columns of the reviews frame that the store builds and ``peerkit.scoring`` reads.
REVIEW_COLUMNS = (
    "review_id",
    "commitment_id",
    "owner_id",
    "cohort_id",
    "made_meeting_id",
    "target_date",
    "weight",
    "levels_defined",
    "review_meeting_id",
    "reviewed_on",
    "outcome",
    "level",
    "new_target_date",
)


def judged_targets(
    commitment: Any, held: Any, review: Any, target: Any, new_target: Any, renegotiated: Any
) -> np.ndarray:
    """The one rule for which target date is in force after renegotiations.

    A review judges its commitment's own target date, or the new date set by the latest
    renegotiation of the same commitment held before it; reviews are in the order they were
    held: by the day of their meeting, then by id. One item per review in each argument (any
    sequence or array): commitment id, day held, review id, the commitment's own target day,
    the new target day the review set, and whether it set one. Days are whole numbers (day
    ordinals, days since 1970: any one scale). Returns each review's judged target day (int64).
    Vectorised: the store reads a million reviews through it.
    """
    import numpy as np

    cid = np.asarray(commitment, dtype=np.int64)
    target = np.array(target, dtype=np.int64)  # a copy: filled in below
    reneg = np.asarray(renegotiated, dtype=bool)
    if not reneg.any():
        return target
    # Only commitments renegotiated at some point need a look at their history.
    rows = np.flatnonzero(np.isin(cid, np.unique(cid[reneg])))
    held_days = np.asarray(held, dtype=np.int64)[rows]
    order = rows[np.lexsort((np.asarray(review, dtype=np.int64)[rows], held_days, cid[rows]))]
    c, new, given = cid[order], np.asarray(new_target, dtype=np.int64)[order], reneg[order]
    position = np.arange(len(order))
    first = np.ones(len(order), dtype=bool)
    first[1:] = c[1:] != c[:-1]
    start = np.maximum.accumulate(np.where(first, position, 0))
    # The latest row at or before each position that set a new date ...
    latest = np.maximum.accumulate(np.where(given, position, -1))
    # ... strictly before it, and of the same commitment.
    before = np.concatenate([[-1], latest[:-1]])
    use = (before >= start) & ~first
    target[order[use]] = new[before[use]]
    return target


def targets_now(
    reviews: Iterable[tuple[int, dt.date, int, dt.date | None]],
) -> dict[int, dt.date]:
    """The target date in force after ``reviews`` (each: commitment id, day held, review id,
    new target date or None) of each commitment they renegotiated, by :func:`judged_targets`'
    rule (a review held after all of them would judge it). Commitments never renegotiated are
    left out: their own target date stands."""
    rows = list(reviews)
    ids = sorted({r[0] for r in rows})
    after = max((r[1].toordinal() for r in rows), default=0) + 1
    judged = judged_targets(
        [r[0] for r in rows] + ids,
        [r[1].toordinal() for r in rows] + [after] * len(ids),
        [r[2] for r in rows] + [0] * len(ids),
        [0] * (len(rows) + len(ids)),  # 0: "its own target", never a real day ordinal
        [r[3].toordinal() if r[3] else 0 for r in rows] + [0] * len(ids),
        [r[3] is not None for r in rows] + [False] * len(ids),
    )
    now = judged[len(rows) :]
    return {c: dt.date.fromordinal(int(day)) for c, day in zip(ids, now, strict=True) if day}


def parse_day(value: object, what: str = "The date") -> dt.date | None:
    """A date from a date, a datetime or 'YYYY-MM-DD' text; None for None or ''."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise PeerkitError(f"{what} {value!r} is not a date: write it as YYYY-MM-DD.") from None


def check_text(value: str, what: str, *, limit: int = MAX_TEXT, allow_empty: bool = False) -> str:
    """Return ``value`` stripped, or raise a PeerkitError saying what is wrong with it."""
    if not isinstance(value, str):
        raise PeerkitError(f"{what} must be text.")
    text = value.strip()
    if not text and not allow_empty:
        raise PeerkitError(f"{what} is empty: type something first.")
    if len(text) > limit:
        raise PeerkitError(f"{what} is {len(text)} characters long; keep it under {limit}.")
    return text


def normal_name(text: str) -> str:
    """A member's name as it is stored and compared: in Unicode's composed form (NFC), without
    characters that draw nothing (zero-width spaces and joiners, soft hyphens, the byte-order
    mark: Unicode's format characters), every kind of space (a non-breaking one too) a plain
    one, runs of them one, none at either end. Names pasted from a document or a web page
    then match the same name typed."""
    text = unicodedata.normalize("NFC", text)
    return " ".join("".join(c for c in text if unicodedata.category(c) != "Cf").split())


def name_key(text: str) -> str:
    """What two member names must share to be the same member: their normal form, in any case."""
    return normal_name(text).casefold()


def check_name(value: str, what: str) -> str:
    """A member's name, normalised (:func:`normal_name`) and checked as :func:`check_text`."""
    return check_text(normal_name(value) if isinstance(value, str) else value, what, limit=MAX_NAME)
