"""What the live screens show, read from the store: the hot seat, its phase, the queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from peerkit.formats import get_format
from peerkit.meeting import RoundState, Status, format_plan, replay
from peerkit.model import (
    COMMITMENT_CAP,
    Advice,
    Attendance,
    Format,
    Meeting,
    Member,
    Round,
)
from peerkit.store import Screen, Store

#: What the room's screen calls a private round (it shows nothing else of it but the clock).
PRIVATE_SEGMENT = "Private segment"


@dataclass(frozen=True)
class RoundView:
    """Everything a screen needs to draw one round at one moment."""

    round: Round
    presenter: str
    format: Format
    state: RoundState
    now: float
    seen: int = 0  # how many phase changes the state folds (a click sends it back: RoundClock)

    @property
    def status(self) -> Status:
        return self.state.status

    @property
    def phase_name(self) -> str:
        if self.status is Status.READY:
            return "Ready to start"
        if self.status is Status.FINISHED:
            return "Round finished"
        return self.format.phases[self.state.phase].name

    @property
    def instruction(self) -> str:
        if self.status in (Status.RUNNING, Status.PAUSED):
            return self.format.phases[self.state.phase].instruction
        if self.status is Status.READY:
            return f"{self.presenter} is next on the hot seat."
        return "Thank you. Commitments are recorded."

    @property
    def next_phase(self) -> str:
        if self.status is Status.READY:
            return self.format.phases[0].name
        index = self.state.phase + 1
        if self.status is Status.FINISHED or index >= len(self.format.phases):
            return "End of round"
        return self.format.phases[index].name

    @property
    def remaining(self) -> float:
        if self.status is Status.READY:
            return self.state.allowed(0)
        if self.status is Status.FINISHED:
            return 0.0
        return self.state.remaining(self.now)

    @property
    def timer_args(self) -> dict[str, Any]:
        """What a :class:`peerkit.widgets.timer.Timer` shows for this round: ``timer.show(**…)``."""
        return {
            "remaining_s": self.remaining,
            "running": self.status is Status.RUNNING,
            "paused": self.status is Status.PAUSED,
            "phase": self.phase_name,
            "instruction": self.instruction,
            "next_phase": self.next_phase,
            "presenter": self.presenter,
            "step": f"{self.round.id}:{self.status.value}:{self.state.phase}",
        }

    @property
    def room_timer_args(self) -> dict[str, Any]:
        """What the room's timer shows: :attr:`timer_args`, except that a private round shows
        nothing of its own (no presenter, no phase name, no instruction), only the clock."""
        if not self.round.private:
            return self.timer_args
        # The same words in every phase; the timer's step still changes, so the chime sounds
        # at the end of each phase as in other rounds.
        return {
            **self.timer_args,
            "phase": PRIVATE_SEGMENT,
            "instruction": "",
            "next_phase": "",
            "presenter": "",
        }

    @property
    def private_heading(self) -> str:
        """The words the room sees for a private round: true in every state of the round."""
        if self.status is Status.READY:
            return f"{PRIVATE_SEGMENT} about to start"
        if self.status is Status.FINISHED:
            return f"{PRIVATE_SEGMENT} finished"
        return f"{PRIVATE_SEGMENT} in progress"

    @property
    def shows_advice(self) -> bool:
        """The room sees the advice list in advice and commitment phases, unless the presenter
        has turned away."""
        if self.status is Status.FINISHED:
            return True
        if self.status is Status.READY:
            return False
        phase = self.format.phases[self.state.phase]
        return (phase.advice or phase.commitments) and not phase.presenter_away

    @property
    def phase_table(self) -> list[tuple[str, float, float, str]]:
        """(phase, planned minutes, used minutes, mark) for each phase; mark is "now" or ""."""
        used = self.state.used_at(self.now)
        rows = []
        for i, phase in enumerate(self.format.phases):
            mark = ""
            if self.status in (Status.RUNNING, Status.PAUSED) and i == self.state.phase:
                mark = "now"
            elif self.status is Status.FINISHED or (
                self.status is not Status.READY and i < self.state.phase
            ):
                mark = "done"
            rows.append((phase.name, self.state.allowed(i) / 60, used[i] / 60, mark))
        return rows


def round_view(store: Store, rnd: Round, formats: dict[str, Format], now: float) -> RoundView:
    fmt = formats.get(rnd.format_name) or get_format(rnd.format_name, formats)
    events = store.phase_events(rnd.id)
    state = replay(format_plan(fmt), events)
    presenter = store.member(rnd.presenter_id).name
    return RoundView(rnd, presenter, fmt, state, now, seen=len(events))


def round_status(store: Store, rnd: Round, formats: dict[str, Format]) -> Status:
    fmt = formats.get(rnd.format_name)
    if fmt is None:
        return Status.READY
    return replay(format_plan(fmt), store.phase_events(rnd.id)).status


def present_members(store: Store, meeting: Meeting) -> list[Member]:
    """Who is in the room: marked present, or everyone active when attendance is not taken yet."""
    attendance = store.attendance(meeting.id)
    active = store.members(meeting.cohort_id, include_left=False)
    if not attendance:
        return active
    return [m for m in active if attendance.get(m.id) is Attendance.PRESENT]


def last_presented(store: Store, cohort_id: int, before: dt.date) -> dict[int, dt.date]:
    """When each member last sat on the hot seat, before ``before``."""
    last: dict[int, dt.date] = {}
    for meeting in store.meetings(cohort_id):
        if meeting.date >= before:
            continue
        for rnd in store.rounds(meeting.id):
            last[rnd.presenter_id] = max(last.get(rnd.presenter_id, meeting.date), meeting.date)
    return last


def suggested_queue(
    store: Store,
    meeting: Meeting,
    *,
    last: dict[int, dt.date] | None = None,
    present: list[Member] | None = None,
) -> list[tuple[Member, dt.date | None]]:
    """Present members not yet queued, who presented least recently first (never: first of all).

    ``last`` (from :func:`last_presented`) and ``present`` (from :func:`present_members`) save
    reading them again when the caller has them.
    """
    queued = {r.presenter_id for r in store.rounds(meeting.id)}
    if last is None:
        last = last_presented(store, meeting.cohort_id, meeting.date)
    if present is None:
        present = present_members(store, meeting)
    candidates = [m for m in present if m.id not in queued]
    candidates.sort(key=lambda m: (last.get(m.id, dt.date.min), m.name))
    return [(m, last.get(m.id)) for m in candidates]


def open_count(store: Store, cohort_id: int) -> dict[int, int]:
    """How many open commitments each member carries."""
    counts: dict[int, int] = {}
    for commitment, _ in store.open_commitments(cohort_id):
        counts[commitment.owner_id] = counts.get(commitment.owner_id, 0) + 1
    return counts


def commitment_warning(store: Store, cohort_id: int, owner: Member) -> str:
    """A gentle warning when a member takes on more than the cap of open commitments."""
    count = open_count(store, cohort_id).get(owner.id, 0)
    if count > COMMITMENT_CAP:
        return (
            f"{owner.name} now has {count} open commitments (more than {COMMITMENT_CAP}): "
            "a member who commits to everything does nothing. Consider dropping one."
        )
    return ""


def meeting_for_today(
    store: Store, cohort_id: int, today: dt.date, *, planned_minutes: int | None = None
) -> Meeting:
    """Today's meeting, created with the usual place and length when there is none yet."""
    meetings = store.meetings(cohort_id)
    for meeting in meetings:
        if meeting.date == today:
            return meeting
    previous = meetings[-1] if meetings else None
    return store.add_meeting(
        cohort_id,
        today,
        place=previous.place if previous else "",
        planned_minutes=planned_minutes or (previous.planned_minutes if previous else 180),
    )


def giver_name(advice: Advice, names: dict[int, str]) -> str:
    """Who gave the advice, or "Anonymous"."""
    return names.get(advice.giver_id, "Anonymous") if advice.giver_id else "Anonymous"


@dataclass(frozen=True)
class OnScreen:
    """What a cohort's screens show, read in one place. A meeting or a round that is no longer
    in the store (purged from another window or by the CLI, deleted) reads as None here, never
    as a "No round with id N" error further on."""

    screen: Screen
    meetings: tuple[Meeting, ...]  # the cohort's meetings, oldest first
    meeting: Meeting | None  # the meeting shown: the screen's, else the one asked for
    rounds: tuple[Round, ...]  # its rounds, in queue order
    round: Round | None  # the round on screen, when it is one of those rounds
    missing: int | None = None  # the id of the meeting asked for, when it is not in the store

    def find_round(self, round_id: int | None) -> Round | None:
        return next((r for r in self.rounds if r.id == round_id), None)


def on_screen(store: Store, cohort_id: int, meeting_id: int | None = None) -> OnScreen:
    """What the screens of ``cohort_id`` show now: the meeting on screen (else ``meeting_id``,
    the one a console has open), its rounds and the round on screen.

    Only lists are read (the cohort's meetings, the meeting's rounds), and a list simply lacks
    what was deleted, so a purge between two reads cannot raise; a database that went away
    still raises its PeerkitError.
    """
    screen = store.screen(cohort_id)
    meetings = tuple(store.meetings(cohort_id))
    wanted = screen.meeting_id or meeting_id
    meeting = next((m for m in meetings if m.id == wanted), None)
    if meeting is None:
        return OnScreen(screen, meetings, None, (), None, wanted)
    rounds = tuple(store.rounds(meeting.id))
    shown = next((r for r in rounds if r.id == screen.round_id), None)
    return OnScreen(screen, meetings, meeting, rounds, shown)


def current_round(store: Store, cohort_id: int) -> Round | None:
    """The round on the cohort's screens, or None (none, or no longer in the store)."""
    return on_screen(store, cohort_id).round


def meeting_to_open(
    store: Store,
    cohort_id: int,
    today: dt.date,
    formats: dict[str, Format],
    *,
    planned_minutes: int | None = None,
) -> int | None:
    """The meeting a console opens on (None when the cohort has none).

    The one on screen while its round is live (started and not finished: a reload, a second
    window, a meeting run past midnight); else today's: the one on screen if it is dated today,
    another dated today, or, when the last meeting set today as the next date, a new one made as
    "Open today's meeting" makes it (:func:`meeting_for_today`); else the one on screen; else
    the most recent.
    """
    now = on_screen(store, cohort_id)
    round_live = now.round is not None and round_status(store, now.round, formats) in (
        Status.RUNNING,
        Status.PAUSED,
    )
    if now.meeting is not None and round_live:
        return now.meeting.id
    todays = [m for m in now.meetings if m.date == today]
    if todays:
        return now.meeting.id if now.meeting in todays else todays[0].id
    before = [m for m in now.meetings if m.date < today]
    if before and before[-1].next_date == today:
        return meeting_for_today(store, cohort_id, today, planned_minutes=planned_minutes).id
    if now.meeting is not None:
        return now.meeting.id
    return now.meetings[-1].id if now.meetings else None
