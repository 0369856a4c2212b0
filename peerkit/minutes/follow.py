"""The follow-through summary of the minutes: :mod:`peerkit.scoring` on one cohort's frames.

The rules are peerkit.scoring's, and so is the record they read: ``store.frames`` leaves out
private commitments, those made in a private round, and deleted reviews, for the minutes as for
``peerkit score`` and the accountability view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from peerkit.model import Meeting

if TYPE_CHECKING:
    import pandas as pd

    from peerkit.store import Store


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
    *,
    here_ids: Iterable[int] | None = None,
    frames: dict[str, pd.DataFrame] | None = None,
) -> FollowThrough:
    """Scores of ``member_ids`` over the cohort's meetings up to and including ``meeting``, and
    the completion at its check-in of ``here_ids`` (everyone when None). ``frames`` are
    ``store.frames(meeting.cohort_id)`` when the caller has them already."""
    import pandas as pd

    from peerkit import scoring

    frames = store.frames(meeting.cohort_id) if frames is None else frames
    meetings = frames["meetings"]
    meetings = meetings[meetings["date"] <= pd.Timestamp(meeting.date)]
    members = frames["members"]
    reviews = frames["reviews"]
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
        reviewed_here, rate_here = int(here["reviewed"].iat[0]), str(here["rate_text"].iat[0])
    else:
        reviewed_here, rate_here = 0, scoring.NOTHING_DUE
    since = meetings["date"].min() if len(meetings) else None
    return FollowThrough(
        reviewed_here,
        rate_here,
        tuple(sorted(rows, key=lambda r: (r.name.casefold(), r.member_id))),
        None if since is None or pd.isna(since) else since.date(),
    )


def group_rate(rows: Iterable[ScoreRow]) -> tuple[int, str]:
    """The reviews counted over ``rows`` and their completion, as one figure for the group
    (formatted by peerkit.scoring.rate_text: each row's credit is a whole number of halves)."""
    from peerkit.scoring import rate_text

    reviewed = halves = 0
    for row in rows:
        if row.rate is not None and row.reviewed:
            reviewed += row.reviewed
            halves += round(row.rate * row.reviewed * 2)
    return reviewed, str(rate_text([halves / 2], [reviewed])[0])
