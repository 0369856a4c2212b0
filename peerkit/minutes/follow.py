"""The follow-through summary of the minutes: completion, GAS T-scores and streaks per member.

Two engines give the same numbers:

- ``peerkit.scoring`` (pandas; the reference, shared with the dashboard), used whenever pandas is
  already imported: in the dashboard's kernel, in a notebook, in tests;
- a plain-Python pass over the same rows, used otherwise, so that ``peerkit minutes`` does not
  spend about 0.3 s importing pandas to score a few dozen reviews.

The rules are peerkit.scoring's (see its module docstring): done counts 1, partial ½, not done and
dropped 0; a renegotiation made on or before the target date is not counted at all, one made
after it counts 0; GAS T = 50 + 10·Σwx / √((1−ρ)Σw² + ρ(Σw)²) over the counted reviews; a
streak is a run of the cohort's meetings at which every counted review was done, meetings with
nothing counted neither breaking nor extending it. tests/test_minutes.py checks that both engines
agree on every meeting of the demo cohort.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from peerkit.model import OUTCOME_LEVEL, Meeting, Outcome, Review

if TYPE_CHECKING:
    from peerkit.store import Store

RHO = 0.3
NOTHING_DUE = "nothing due"
_CREDIT = {
    Outcome.DONE: 1.0,
    Outcome.PARTIAL: 0.5,
    Outcome.NOT_DONE: 0.0,
    Outcome.DROPPED: 0.0,
    Outcome.RENEGOTIATED: 0.0,
}


@dataclass(frozen=True)
class ScoreRow:
    member_id: int
    name: str
    reviewed: int  # reviews counted
    done: int
    rate: float | None  # credit ÷ reviewed; None with nothing counted
    rate_text: str  # "83%" or "nothing due"
    gas_t: float | None
    current_streak: int
    best_streak: int


@dataclass(frozen=True)
class FollowThrough:
    """Follow-through up to and including one meeting."""

    reviewed_here: int  # reviews counted at this meeting's check-in
    rate_here: str  # their completion, e.g. "75%" or "nothing due"
    rows: tuple[ScoreRow, ...]  # by name
    since: dt.date | None  # the first meeting scored
    # The group's figures instead of its rows (Chatham House minutes): reviews counted over the
    # whole cohort up to this meeting, and their completion ("83%").
    group: tuple[int, str] | None = None


def follow_through(
    store: Store,
    meeting: Meeting,
    member_ids: Iterable[int],
    private: set[int],
    *,
    here_ids: Iterable[int] | None = None,
    reviews: list[Review] | None = None,
    engine: str = "auto",
) -> FollowThrough:
    """Scores of ``member_ids`` over the cohort's meetings up to and including ``meeting``, and
    the completion at its check-in of ``here_ids`` (everyone when None).

    Reviews of the commitments in ``private`` are left out of the record. ``reviews`` are the
    reviews held up to ``meeting``, when the caller has them already. ``engine`` is
    ``"scoring"`` (peerkit.scoring), ``"python"`` or ``"auto"`` (scoring when pandas is loaded).
    """
    if engine == "auto":
        engine = "scoring" if "pandas" in sys.modules else "python"
    ids = set(member_ids)
    here = None if here_ids is None else set(here_ids)
    if engine == "scoring":
        return _with_scoring(store, meeting, ids, here, private)
    if reviews is None:
        from peerkit.minutes.content import held_up_to

        reviews = held_up_to(store, meeting)
    return _with_python(store, meeting, ids, here, private, reviews)


def rate_text(credit: float, reviewed: int) -> str:
    """peerkit.scoring.rate_text for one rate: half-percents round up, never 0%/100% in between."""
    if reviewed <= 0:
        return NOTHING_DUE
    rate = credit / reviewed
    pct = math.floor(rate * 100.0 + 0.5)
    pct = min(max(pct, 1), 99) if 0 < rate < 1 else min(max(pct, 0), 100)
    return f"{pct}%"


def group_rate(rows: Iterable[ScoreRow]) -> tuple[int, str]:
    """The reviews counted over ``rows`` and their completion, as one figure for the group.

    Each row's credit is a whole number of halves (done 1, partly done ½), so it is taken back
    to exact halves and the percentage is rounded on integers (half-percents up; never "0%" or
    "100%" in between), as floats would not: 11.5 / 20 × 100 is 57.4999….
    """
    reviewed = halves = 0
    for row in rows:
        if row.rate is not None and row.reviewed:
            reviewed += row.reviewed
            halves += round(row.rate * row.reviewed * 2)
    if not reviewed:
        return 0, NOTHING_DUE
    pct = (halves * 100 + reviewed) // (2 * reviewed)  # half-percents up, on exact integers
    if 0 < halves < 2 * reviewed:
        pct = min(max(pct, 1), 99)
    return reviewed, f"{pct}%"


def gas_t(levels: list[float], weights: list[float], rho: float = RHO) -> float | None:
    if not weights:
        return None
    sw = sum(weights)
    sw2 = sum(w * w for w in weights)
    swx = sum(w * x for w, x in zip(weights, levels, strict=True))
    return 50.0 + 10.0 * swx / math.sqrt((1.0 - rho) * sw2 + rho * sw * sw)


# -- plain Python ---------------------------------------------------------------------------


@dataclass
class _Tally:
    reviewed: int = 0
    done: int = 0
    credit: float = 0.0

    def add(self, counted: bool, outcome: Outcome) -> None:
        if counted:
            self.reviewed += 1
            self.credit += _CREDIT[outcome]
            self.done += outcome is Outcome.DONE


def _with_python(
    store: Store,
    meeting: Meeting,
    member_ids: set[int],
    here_ids: set[int] | None,
    private: set[int],
    held: list[Review],
) -> FollowThrough:
    meetings = [m for m in store.meetings(meeting.cohort_id) if m.date <= meeting.date]
    order = {m.id: i for i, m in enumerate(sorted(meetings, key=lambda m: (m.date, m.id)))}
    dates = {m.id: m.date for m in meetings}
    all_dates = {m.id: m.date for m in store.meetings(meeting.cohort_id)}
    commitments = {c.id: c for c in store.commitments(cohort_id=meeting.cohort_id)}
    names = {m.id: m.name for m in store.members(meeting.cohort_id)}

    # Each review judges the target in force when it was held: the commitment's own date, or
    # the one the latest earlier renegotiation set.
    reviews = sorted(
        (r for r in held if r.commitment_id in commitments),
        key=lambda r: (all_dates.get(r.meeting_id, dt.date.max), r.id),
    )
    target = {cid: c.target_date for cid, c in commitments.items()}

    totals: dict[int, _Tally] = {}
    cells: dict[tuple[int, int], _Tally] = {}
    gas: dict[int, tuple[list[float], list[float]]] = {}
    here = _Tally()
    for r in reviews:
        c = commitments[r.commitment_id]
        judged = target[c.id]
        if r.new_target_date is not None:
            target[c.id] = r.new_target_date
        if r.meeting_id not in dates or c.id in private or c.owner_id not in names:
            continue
        early = r.outcome is Outcome.RENEGOTIATED and dates[r.meeting_id] <= judged
        if r.meeting_id == meeting.id and (here_ids is None or c.owner_id in here_ids):
            here.add(not early, r.outcome)
        if c.owner_id not in member_ids:
            continue
        totals.setdefault(c.owner_id, _Tally()).add(not early, r.outcome)
        cells.setdefault((c.owner_id, r.meeting_id), _Tally()).add(not early, r.outcome)
        if not early:
            levels, weights = gas.setdefault(c.owner_id, ([], []))
            levels.append(float(r.level if r.level is not None else OUTCOME_LEVEL[r.outcome]))
            weights.append(float(c.weight))

    rows = []
    for member_id in member_ids:
        if member_id not in names:
            continue
        tally = totals.get(member_id, _Tally())
        current = best = 0
        for meeting_id in sorted((m for o, m in cells if o == member_id), key=order.__getitem__):
            cell = cells[(member_id, meeting_id)]
            if not cell.reviewed:
                continue
            current = current + 1 if cell.done == cell.reviewed else 0
            best = max(best, current)
        levels, weights = gas.get(member_id, ([], []))
        rows.append(
            ScoreRow(
                member_id,
                names[member_id],
                tally.reviewed,
                tally.done,
                tally.credit / tally.reviewed if tally.reviewed else None,
                rate_text(tally.credit, tally.reviewed),
                gas_t(levels, weights),
                current,
                best,
            )
        )
    first = min(dates.values()) if dates else None
    return FollowThrough(
        here.reviewed,
        rate_text(here.credit, here.reviewed),
        tuple(sorted(rows, key=lambda r: (r.name.casefold(), r.member_id))),
        first,
    )


# -- peerkit.scoring ------------------------------------------------------------------------


def _with_scoring(
    store: Store,
    meeting: Meeting,
    member_ids: set[int],
    here_ids: set[int] | None,
    private: set[int],
) -> FollowThrough:
    import pandas as pd

    from peerkit import scoring

    frames = store.frames(meeting.cohort_id)
    meetings = frames["meetings"]
    meetings = meetings[meetings["date"] <= pd.Timestamp(meeting.date)]
    members = frames["members"]
    reviews = frames["reviews"]
    if private:
        reviews = reviews[~reviews["commitment_id"].isin(list(private))]
    board = scoring.scoreboard(
        reviews, members[members["member_id"].isin(list(member_ids))], meetings
    )
    records: list[dict[Any, Any]] = board.to_dict("records")
    rows = tuple(
        ScoreRow(
            int(r["member_id"]),
            str(r["name"]),
            int(r["reviewed"]),
            int(r["done"]),
            None if pd.isna(r["rate"]) else float(r["rate"]),
            str(r["rate_text"]),
            None if pd.isna(r["gas_t"]) else float(r["gas_t"]),
            int(r["current_streak"]),
            int(r["best_streak"]),
        )
        for r in records
    )
    if here_ids is not None:
        members = members[members["member_id"].isin(list(here_ids))]
    summary = scoring.cohort_summary(reviews, members, meetings)
    here = summary[summary["meeting_id"] == meeting.id]
    if len(here):
        first_row = here.iloc[0]
        reviewed_here, rate_here = int(first_row["reviewed"]), str(first_row["rate_text"])
    else:
        reviewed_here, rate_here = 0, NOTHING_DUE
    since = meetings["date"].min() if len(meetings) else None
    return FollowThrough(
        reviewed_here,
        rate_here,
        tuple(sorted(rows, key=lambda r: (r.name.casefold(), r.member_id))),
        None if since is None or pd.isna(since) else since.date(),
    )
