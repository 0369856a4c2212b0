"""The minutes as a notebook: one Markdown cell per section, charts as static SVG outputs.

Nothing in it needs a kernel: the cells are Markdown (every piece of user text escaped with
:func:`peerkit.minutes.text.md`) and the optional charts are ``display_data`` outputs of empty,
hidden code cells, so the notebook reads the same in JupyterLab, through ``jupyter nbconvert
--to peerkit-minutes`` and in peerkit's own exports.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from peerkit.confidentiality import A_MEMBER
from peerkit.meeting import Status
from peerkit.minutes.content import (
    KIND_TITLES,
    CommitmentItem,
    Minutes,
    ReviewItem,
    RoundItem,
)
from peerkit.minutes.text import (
    clock,
    long_date,
    md,
    minutes_text,
    plural,
    short_date,
    signed_clock,
    then,
)
from peerkit.model import Outcome

#: Cell tags: a coach's template can style or drop a section by its tag.
TAG_PREFIX = "peerkit-"
GENERATOR = "peerkit minutes"


def to_notebook(minutes: Minutes, charts: Sequence[Chart] = ()) -> dict[str, Any]:
    """The notebook of ``minutes`` as a plain nbformat-4 dict (``nbformat.from_dict`` makes a
    NotebookNode of it); ``charts`` go after the section each names in ``after``.

    Building a dict rather than calling ``nbformat.v4.new_*`` keeps nbformat (and the
    jsonschema it imports, about 0.15 s) out of a ``peerkit minutes`` run, and gives every cell
    a stable id, so the same record always makes the same notebook.
    """
    cells: list[dict[str, Any]] = []

    def add(tag: str, lines: Iterable[str]) -> None:
        cells.append(
            {
                "cell_type": "markdown",
                "id": tag,
                "metadata": {"tags": [TAG_PREFIX + tag]},
                "source": "\n".join(lines).strip("\n"),
            }
        )

    def add_charts(after: str) -> None:
        for i, chart in enumerate(c for c in charts if c.after == after):
            cells.append(_chart_cell(chart, f"chart-{after}-{i + 1}"))

    add("header", _header(minutes))
    if minutes.member is None:
        add("attendance", _attendance(minutes))
    add("checkin", _checkin(minutes))
    if minutes.member is not None:
        add("advice-received" if minutes.rounds else "rounds", _member_rounds_intro(minutes))
    for rnd in minutes.rounds:
        add(f"round-{rnd.number}", _round(rnd, minutes))
        add_charts(f"round-{rnd.number}")
    if minutes.other_commitments:
        add("other-commitments", _other_commitments(minutes))
    if minutes.member is not None:
        add("still-open", _still_open(minutes))
    else:
        add("parking", _parking(minutes))
    add("next-meeting", _next_meeting(minutes))
    if minutes.follow_through is not None:
        add("follow-through", _follow_through(minutes))
        add_charts("follow-through")

    meeting = minutes.meeting
    metadata = {
        "title": title(minutes),
        "peerkit": {
            "kind": "minutes",
            "cohort": minutes.cohort,
            "meeting_id": meeting.id,
            "date": meeting.date.isoformat(),
            "date_text": long_date(meeting.date),
            "place": meeting.place,
            "chatham_house": minutes.chatham_house,
            "member": minutes.member,
            "generated": minutes.generated.isoformat(timespec="seconds"),
            "generator": GENERATOR,
        },
    }
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": metadata, "cells": cells}


@dataclass(frozen=True)
class Chart:
    """A static chart: SVG markup, a text description (its alt text and caption), and the
    section it follows (a cell id such as ``round-1`` or ``follow-through``)."""

    svg: str
    description: str
    after: str


def _chart_cell(chart: Chart, cell_id: str) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": cell_id,
        "metadata": {"tags": [TAG_PREFIX + "chart"], "jupyter": {"source_hidden": True}},
        "outputs": [
            {
                "output_type": "display_data",
                "data": {"image/svg+xml": chart.svg, "text/plain": chart.description},
                "metadata": {},
            }
        ],
        "source": "",
    }


def title(minutes: Minutes) -> str:
    day = short_date(minutes.meeting.date)
    if minutes.member is not None:
        return f"Actions for {minutes.member}: {minutes.cohort}, {day}"
    return f"Minutes: {minutes.cohort}, {day}"


def _header(minutes: Minutes) -> list[str]:
    meeting = minutes.meeting
    if minutes.member is not None:
        heading = f"# Actions for {md(minutes.member)}"
        lines = [heading, "", f"{md(minutes.cohort)}: personal summary of the meeting of "]
        lines[-1] += f"**{long_date(meeting.date)}**"
    else:
        lines = [f"# Minutes: {md(minutes.cohort)}", "", f"**{long_date(meeting.date)}**"]
    if meeting.place:
        lines[-1] += f" · {md(meeting.place)}"
    if minutes.chatham_house:
        rule = "Chatham House Rule: what was said is recorded, not who said it."
        lines += ["", f"*{rule} {_replaced(minutes)}*"]
    elif minutes.names_hidden:
        lines += ["", f"*The other members are not named in this summary. {_replaced(minutes)}*"]
    return lines


def _replaced(minutes: Minutes) -> str:
    """The sentence that says how many names the free text held, and what became of them."""
    n = minutes.names_replaced
    who = "member" if minutes.member is None else "other member"
    if not n:
        return f"No {who} was named in the text."
    return (
        f"{plural(n, 'mention')} of {who}s' names or e-mail addresses "
        f'{"was" if n == 1 else "were"} replaced with "{A_MEMBER}".'
    )


def _who(name: str) -> str:
    """A member's name as the start of a line ("A member" rather than "a member")."""
    if name == A_MEMBER:
        name = name[:1].upper() + name[1:]
    return md(name)


def _names(names: Sequence[str]) -> str:
    return ", ".join(md(n) for n in names)


def _attendance(minutes: Minutes) -> list[str]:
    lines = ["## Attendance", ""]
    rows = [
        ("Present", minutes.present),
        ("Apologies", minutes.apologies),
        ("Absent", minutes.absent),
    ]
    if minutes.headcount is not None:
        count = minutes.headcount
        if not (count.present or count.apologies or count.absent):
            return [*lines, "Attendance was not recorded."]
        return [
            *lines,
            f"Present: {plural(count.present, 'member')} · apologies: {count.apologies} · "
            f"absent: {count.absent}",
        ]
    recorded = [(label, names) for label, names in rows if names]
    if not recorded:
        return [*lines, "Attendance was not recorded."]
    for label, names in recorded:
        lines.append(f"- **{label} ({len(names)}):** {_names(names)}")
    return lines


_OUTCOME_MARK = {
    Outcome.DONE: "done",
    Outcome.PARTIAL: "partly done",
    Outcome.NOT_DONE: "not done",
    Outcome.DROPPED: "dropped",
    Outcome.RENEGOTIATED: "renegotiated",
}


def _review_line(review: ReviewItem, *, owner: bool = True) -> str:
    c = review.commitment
    who = f"**{_who(c.owner)}**: " if owner else ""
    outcome = _OUTCOME_MARK[review.outcome]
    text = f"- {who}{md(c.text)} (from {short_date(c.made_on)}): **{outcome}**"
    if review.new_target is not None:
        text += f", new target {short_date(review.new_target)}"
    if review.level is not None:
        text += f", GAS level {review.level:+d}"
    if review.note:
        text += f". *{md(review.note)}*"
    return text


def _checkin(minutes: Minutes) -> list[str]:
    lines = ["## Check-in", ""]
    if not minutes.checkin:
        return [*lines, "No commitments were reviewed at this meeting."]
    counts: dict[Outcome, int] = {}
    for review in minutes.checkin:
        counts[review.outcome] = counts.get(review.outcome, 0) + 1
    summary = ", ".join(f"{n} {_OUTCOME_MARK[o]}" for o, n in counts.items())
    lines += [
        f"{plural(len(minutes.checkin), 'commitment')} reviewed: {summary}.",
        "",
    ]
    owner = minutes.member is None
    lines += [_review_line(r, owner=owner) for r in minutes.checkin]
    return lines


def _member_rounds_intro(minutes: Minutes) -> list[str]:
    if minutes.rounds:
        return [
            "## Advice you received",
            "",
            f"You presented in {plural(len(minutes.rounds), 'round')} at this meeting.",
        ]
    return ["## Rounds", "", "You did not present at this meeting."]


def _commitment_line(c: CommitmentItem, *, owner: bool = True) -> str:
    who = f"**{_who(c.owner)}**: " if owner else ""
    line = f"- {who}{md(then(c.text, ','))} by **{short_date(c.target)}**"
    if c.weight != 1:
        line += f" (weight {c.weight:g})"
    if c.levels:
        levels = " · ".join(
            f"{level:+d} {md(text)}"
            for level, text in zip((-2, -1, 0, 1, 2), c.levels, strict=False)
        )
        line += f"\n  - Levels: {levels}"
    return line


def _round(rnd: RoundItem, minutes: Minutes) -> list[str]:
    level = "###" if minutes.member is not None else "##"
    sub = level + "#"
    heading = f"{level} Round {rnd.number}"
    if rnd.presenter is not None:
        heading += f": {md(rnd.presenter)}"
    lines = [heading, ""]
    if rnd.issue:
        lines.append(f"**Issue:** {md(rnd.issue)}")
        lines.append("")
    lines.append(f"**Format:** {md(rnd.format_name)}")
    lines += ["", f"{sub} Time used", ""]
    lines += _times(rnd)
    lines += ["", f"{sub} Advice", ""]
    if not rnd.advice:
        lines.append("No advice was recorded.")
    for kind, title in KIND_TITLES.items():
        items = [a for a in rnd.advice if a.kind is kind]
        if not items:
            continue
        lines += [f"**{title}**", ""]
        for a in items:
            star = "★ " if a.starred else ""
            giver = f" *({md(a.giver)})*" if a.giver else ""
            lines.append(f"- {star}{md(a.text)}{giver}")
        lines.append("")
    if lines[-1]:
        lines.append("")
    if minutes.member is None:
        lines += [f"{sub} Commitments", ""]
        if not rnd.commitments:
            lines.append("No commitments were made in this round.")
        lines += [_commitment_line(c) for c in rnd.commitments]
    else:
        lines += [f"{sub} Your commitments", ""]
        if not rnd.commitments:
            lines.append("You made no commitments in this round.")
        lines += [_commitment_line(c, owner=False) for c in rnd.commitments]
    return lines


def _times(rnd: RoundItem) -> list[str]:
    if not rnd.format_known:
        return [
            f"Format {md(rnd.format_name)} is not known here, so its phases cannot be shown; "
            f"the round took {clock(rnd.used)}."
        ]
    if rnd.status is Status.READY:
        return ["This round did not start."]
    lines = []
    for phase in rnd.phases:
        if not phase.reached:
            lines.append(f"- {md(phase.name)}: {minutes_text(phase.planned)} planned, not reached")
            continue
        line = (
            f"- {md(phase.name)}: {clock(phase.used)} of {minutes_text(phase.planned)} "
            f"({signed_clock(phase.over)})"
        )
        if phase.extended:
            line += f", extended by {minutes_text(phase.extended)}"
        lines.append(line)
    total = (
        f"**Total:** {clock(rnd.used)} of {minutes_text(rnd.planned)} planned "
        f"({signed_clock(rnd.used - rnd.planned)})"
    )
    if rnd.status is not Status.FINISHED:
        total += f"; the round was still {rnd.status.value} when these minutes were made"
    return [*lines, "", total + "."]


def _other_commitments(minutes: Minutes) -> list[str]:
    title = "## Other commitments" if minutes.member is None else "## Your other commitments"
    owner = minutes.member is None
    return [title, "", *(_commitment_line(c, owner=owner) for c in minutes.other_commitments)]


def _still_open(minutes: Minutes) -> list[str]:
    lines = ["## Still open from earlier meetings", ""]
    if not minutes.still_open:
        return [*lines, "Nothing else is open."]
    lines += [
        f"- {md(c.text)} (from {short_date(c.made_on)}), due **{short_date(c.target)}**"
        for c in minutes.still_open
    ]
    return lines


def _parking(minutes: Minutes) -> list[str]:
    lines = ["## Parking lot", ""]
    if not minutes.parking:
        return [*lines, "Nothing was parked."]
    return [*lines, *(f"- {md(text)}" for text in minutes.parking)]


def _next_meeting(minutes: Minutes) -> list[str]:
    lines = ["## Next meeting", ""]
    if minutes.next_meeting is None:
        return [*lines, "Not set yet."]
    return [*lines, f"**{long_date(minutes.next_meeting)}**"]


def _follow_through(minutes: Minutes) -> list[str]:
    follow = minutes.follow_through
    assert follow is not None
    lines = ["## Follow-through", ""]
    if follow.reviewed_here:
        lines.append(
            f"At this check-in: {follow.rate_here} done over "
            f"{plural(follow.reviewed_here, 'commitment')} reviewed (partly done counts half; "
            "a renegotiation before the due date is not counted)."
        )
    else:
        lines.append("Nothing was due at this check-in.")
    since = f" since {short_date(follow.since)}" if follow.since else ""
    if follow.group is not None:
        reviewed, rate = follow.group
        if reviewed:
            lines += ["", f"The group{since}: {rate} done over {plural(reviewed, 'review')}."]
        return lines
    lines += ["", f"Each member{since}:" if minutes.member is None else f"Your record{since}:", ""]
    for row in follow.rows:
        who = f"**{md(row.name)}**: " if minutes.member is None else ""
        if row.reviewed == 0:
            lines.append(f"- {who}nothing due yet")
            continue
        gas = f", GAS T-score {row.gas_t:.0f}" if row.gas_t is not None else ""
        streak = ""
        if row.current_streak:
            streak = f", streak of {plural(row.current_streak, 'meeting')}"
            if row.best_streak > row.current_streak:
                streak += f" (best {row.best_streak})"
        elif row.best_streak:
            streak = f", best streak {row.best_streak}"
        lines.append(
            f"- {who}{row.rate_text} done over {plural(row.reviewed, 'review')}{gas}{streak}"
        )
    return lines
