"""What members' own pages tell a coach, for the group only: per meeting, how many members
filed an update, how the room rated the meeting, and the group's average on each life area.

An average is shown only when at least :data:`peerkit.participation.MIN_ANSWERS` members gave
it: with fewer, the "average" would be one member's own score. No member's scores appear.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from peerkit.model import Member, MemberStatus
from peerkit.participation import MEETING_SUBJECT, MIN_ANSWERS, Aggregate

if TYPE_CHECKING:
    import pandas as pd

    from peerkit.store import Store


@dataclass(frozen=True)
class MeetingTrend:
    meeting_id: int
    date: dt.date
    members: int  # members of the group on that day
    filed: int  # updates filed for the meeting
    rating: Aggregate | None  # the meeting's own rating
    areas: dict[str, float | None]  # the group's average per life area (None: too few)

    @property
    def filing_rate(self) -> str:
        return f"{round(100 * self.filed / self.members)}%" if self.members else "—"


def _members_on(members: Sequence[Member], day: dt.date) -> int:
    return sum(
        1
        for m in members
        if (m.joined is None or m.joined <= day)
        and (m.status is MemberStatus.ACTIVE or (m.left_on is not None and m.left_on > day))
    )


def group_trends(store: Store, cohort_id: int, areas: Sequence[str]) -> list[MeetingTrend]:
    """One line per meeting of the cohort, oldest first (three queries and the meetings)."""
    meetings = store.meetings(cohort_id)
    members = store.members(cohort_id)
    updates = store.cohort_updates(cohort_id)
    answers = store.cohort_answer_aggregates(cohort_id)
    by_meeting: dict[int, list[dict[str, int]]] = {}
    for update in updates:
        by_meeting.setdefault(update.meeting_id, []).append(update.scores)
    trends = []
    for meeting in meetings:
        scores = by_meeting.get(meeting.id, [])
        averages: dict[str, float | None] = {}
        for area in areas:
            given = [s[area] for s in scores if area in s]
            averages[area] = (
                round(sum(given) / len(given), 1) if len(given) >= MIN_ANSWERS else None
            )
        trends.append(
            MeetingTrend(
                meeting.id,
                meeting.date,
                _members_on(members, meeting.date),
                len(scores),
                answers.get(meeting.id, {}).get(MEETING_SUBJECT),
                averages,
            )
        )
    return trends


def shared_scores(store: Store, cohort_id: int) -> list[tuple[dt.date, str, dict[str, int]]]:
    """The updates members chose to share with the coach as theirs: (meeting day, member,
    scores), newest meeting first, by name."""
    names = {m.id: m.name for m in store.members(cohort_id)}
    days = {m.id: m.date for m in store.meetings(cohort_id)}
    shared = [
        (days[u.meeting_id], names[u.member_id], u.scores)
        for u in store.cohort_updates(cohort_id)
        if u.shared and u.meeting_id in days and u.member_id in names
    ]
    return sorted(shared, key=lambda row: (-row[0].toordinal(), row[1]))


def shared_html(rows: Sequence[tuple[dt.date, str, dict[str, int]]], areas: Sequence[str]) -> str:
    """The shared updates as a table (nothing when nobody shared)."""
    if not rows:
        return ""
    head = "".join(f"<th scope='col'>{escape(a.capitalize())}</th>" for a in areas)
    body = "".join(
        f"<tr><td>{day.isoformat()}</td><th scope='row'>{escape(name)}</th>"
        + "".join(f"<td>{scores.get(a, '—')}</td>" for a in areas)
        + "</tr>"
        for day, name, scores in rows
    )
    return (
        "<table class='peerkit-scoreboard'><caption>Scores members chose to share with you"
        f"</caption><thead><tr><th scope='col'>Meeting</th><th scope='col'>Member</th>{head}"
        f"</tr></thead><tbody>{body}</tbody></table>"
    )


def trends_html(trends: Sequence[MeetingTrend], areas: Sequence[str], caption: str) -> str:
    """The trends as a table (meetings members filed for or rated; others left out)."""
    shown = [t for t in trends if t.filed or t.rating is not None]
    if not shown:
        return (
            "<p class='peerkit-note'>No member has filed an update or rated a meeting from their "
            "own page yet (peerkit links gives each member theirs).</p>"
        )
    head = "".join(f"<th scope='col'>{escape(a.capitalize())} (group)</th>" for a in areas)
    rows = []
    for t in shown:
        rating = "—"
        if t.rating is not None:
            rating = (
                f"{t.rating.mean:g} ({t.rating.count})"
                if t.rating.mean is not None
                else f"{t.rating.count} rated: too few"
            )
            said = "".join(f"<br>“{escape(line)}”" for line in t.rating.lines)
            rating += f"<span class='peerkit-note'>{said}</span>" if said else ""
        cells = "".join(f"<td>{_average(t.areas[a], t.filed)}</td>" for a in areas)
        rows.append(
            f"<tr><th scope='row'>{t.date.isoformat()}</th><td>{t.filed} of {t.members} "
            f"({t.filing_rate})</td><td>{rating}</td>{cells}</tr>"
        )
    return (
        f"<table class='peerkit-scoreboard'><caption>{escape(caption)}</caption><thead><tr>"
        "<th scope='col'>Meeting</th><th scope='col'>Updates filed</th>"
        f"<th scope='col'>Rating (answers)</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        f"<p class='peerkit-note'>Group averages only, each from at least {MIN_ANSWERS} members; "
        "no member's own scores.</p>"
    )


def _average(value: float | None, filed: int) -> str:
    if value is not None:
        return f"{value:g}"
    return "too few" if filed else "—"


def trends_frame(trends: Sequence[MeetingTrend]) -> pd.DataFrame:
    """Long form for the chart: date, area, average (only the averages that are shown)."""
    import pandas as pd

    rows: list[dict[str, Any]] = [
        {"date": t.date, "area": area, "average": value}
        for t in trends
        for area, value in t.areas.items()
        if value is not None
    ]
    return pd.DataFrame(rows, columns=["date", "area", "average"])
