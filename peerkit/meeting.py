"""The round and phase state machine, and the meeting's time budget; every step is stored first."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from peerkit.model import ANOTHER_WINDOW, Format, PeerkitError, PhaseEvent, PhaseEventKind, Round
from peerkit.phases import RoundState, Status, apply, format_plan, initial_state, replay

if TYPE_CHECKING:
    from peerkit.store import Store

Clock = Callable[[], float]
#: No phase is shortened below this many seconds by budget scaling.
FLOOR_SECONDS = 60.0
#: Rounding slack: an agenda over by less than this still fits.
SLACK = 1.0

# The pure phase rules live in peerkit.phases (the store reads logs with them too); they are
# named here as well because a round's clock is where a facilitator's code looks for them.
__all__ = [
    "FLOOR_SECONDS",
    "Budget",
    "RoundClock",
    "RoundState",
    "Status",
    "apply",
    "budget_of",
    "fit_agenda",
    "format_plan",
    "initial_state",
    "meeting_budget",
    "replay",
    "scaled",
]


class RoundClock:
    """Drives one round: each command is written to the store, then applied.

    A fresh RoundClock on the same store and round rebuilds the same state, so a reload, a
    second window or a crashed kernel all recover the same way.
    """

    def __init__(
        self,
        store: Store,
        round_id: int,
        fmt: Format,
        clock: Clock = time.time,
        *,
        expected: int | None = None,
    ) -> None:
        self.store, self.round_id, self.format, self.clock = store, round_id, fmt, clock
        #: How many phase changes the clicking window had on screen: a command is refused
        #: when the log has moved on since (another window's click got there first).
        self.expected = expected
        self.refresh()

    def refresh(self) -> RoundState:
        events = self.store.phase_events(self.round_id)
        self.state = replay(format_plan(self.format), events)
        self.seen = len(events)
        return self.state

    def _do(
        self, kind: PhaseEventKind, value: float | None = None, plan: Sequence[float] | None = None
    ) -> RoundState:
        self.refresh()  # another window may have moved the round on
        if self.expected is not None and self.seen != self.expected:
            raise PeerkitError(ANOTHER_WINDOW)
        at = self.clock()
        event = PhaseEvent(self.round_id, kind, at, value, tuple(plan) if plan else None)
        new_state = apply(self.state, event)  # refuse before writing anything
        # seq: refused if another window wrote a change since the refresh above.
        self.store.log_phase_event(self.round_id, kind, at, value=value, plan=plan, seq=self.seen)
        self.seen += 1
        self.expected = None if self.expected is None else self.seen
        self.state = new_state
        return new_state

    def start(self) -> RoundState:
        return self._do(PhaseEventKind.START)

    def pause(self) -> RoundState:
        return self._do(PhaseEventKind.PAUSE)

    def resume(self) -> RoundState:
        return self._do(PhaseEventKind.RESUME)

    def extend(self, minutes: float = 1.0) -> RoundState:
        return self._do(PhaseEventKind.EXTEND, value=float(minutes) * 60.0)

    def next(self) -> RoundState:
        return self._do(PhaseEventKind.NEXT)

    def previous(self) -> RoundState:
        return self._do(PhaseEventKind.PREVIOUS)

    def finish(self) -> RoundState:
        return self._do(PhaseEventKind.FINISH)

    def fit(self, scale: float, floor: float = FLOOR_SECONDS) -> RoundState:
        """Scale the phases not yet reached by ``scale`` (never below ``floor`` seconds)."""
        first = 0 if self.state.status is Status.READY else self.state.phase + 1
        return self._do(PhaseEventKind.PLAN, plan=scaled(self.state.plan, scale, floor, first))

    @property
    def phase(self) -> int:
        return self.state.phase


def scaled(plan: Sequence[float], scale: float, floor: float, first: int = 0) -> tuple[float, ...]:
    """``plan`` with phases from ``first`` on scaled, each kept at least ``floor`` (or as planned,
    when it was planned shorter than the floor)."""
    return tuple(p if i < first else max(p * scale, min(p, floor)) for i, p in enumerate(plan))


@dataclass(frozen=True)
class Budget:
    """Whether what is left of the agenda fits the time left, and how to make it fit."""

    time_left: float  # seconds
    planned: float  # seconds the remaining phases need as planned
    minimum: float  # seconds they need with every phase at its floor
    scale: float  # factor for the remaining phases (1.0 when it fits as planned)
    fits: bool  # True unless even the floors do not fit
    running: float = 0.0  # seconds left in the phase running now (not counted above)

    @property
    def message(self) -> str:
        """What the facilitator reads. The time is the meeting's own (it only goes down, even
        when a phase ends early); the agenda counts the phase running now."""
        left = f"{_minutes(self.time_left + self.running)} of the meeting left"
        agenda = _minutes(self.planned + self.running)
        if self.planned <= self.time_left + SLACK:
            spare = _minutes(self.time_left - self.planned)
            return f"{left}; the agenda fits with {spare} to spare."
        if self.fits:
            return (
                f"{left} for {agenda} of agenda: shorten the remaining phases to "
                f"{self.scale:.0%} to fit."
            )
        return (
            f"{left}, but the agenda needs at least {_minutes(self.minimum + self.running)} even "
            "with every phase shortened to its floor: drop a round or extend the meeting."
        )


def _minutes(seconds: float) -> str:
    minutes = max(seconds, 0.0) / 60.0
    return f"{minutes:.0f} min" if minutes >= 1 else "under a minute"


def fit_agenda(
    time_left: float,
    plans: Sequence[Sequence[float]],
    floor: float = FLOOR_SECONDS,
    running: float = 0.0,
) -> Budget:
    """Find the one scale factor that fits the remaining phases of ``plans`` into ``time_left``.

    Each phase is scaled by the same factor but never below ``floor`` seconds (phases planned
    shorter than the floor stay as planned). ``running``: what is left of the phase running
    now, already taken off ``time_left``; it only changes how the budget reads.
    """
    phases = [float(p) for plan in plans for p in plan]
    planned = sum(phases)
    minimum = sum(min(p, floor) for p in phases)
    time_left = max(float(time_left), 0.0)
    if planned <= time_left + SLACK:
        return Budget(time_left, planned, minimum, 1.0, True, running)
    if minimum > time_left or planned == 0:
        return Budget(time_left, planned, minimum, minimum and time_left / planned, False, running)
    # Phases pinned at their floor take fixed time; the rest share what is left pro rata.
    # Pinning one phase can only lower the factor for others, so iterate until stable.
    pinned: set[int] = set()
    scale = 1.0
    while True:
        fixed = sum(min(phases[i], floor) for i in pinned)
        free = sum(p for i, p in enumerate(phases) if i not in pinned)
        scale = (time_left - fixed) / free if free else 1.0
        newly = {i for i, p in enumerate(phases) if i not in pinned and p * scale < min(p, floor)}
        if not newly:
            break
        pinned |= newly
    return Budget(time_left, planned, minimum, min(scale, 1.0), True, running)


def meeting_budget(
    store: Store,
    meeting_id: int,
    formats: dict[str, Format],
    now: float,
    floor: float = FLOOR_SECONDS,
) -> Budget:
    """The budget of a meeting (:func:`budget_of`), read from the store in three queries."""
    meeting = store.meeting(meeting_id)
    return budget_of(
        meeting.planned_minutes,
        store.rounds(meeting_id),
        store.meeting_phase_events(meeting_id),
        formats,
        now,
        floor,
        started_at=meeting.started_at,
    )


def budget_of(
    planned_minutes: int,
    rounds: Sequence[Round],
    events: Mapping[int, Sequence[PhaseEvent]],
    formats: dict[str, Format],
    now: float,
    floor: float = FLOOR_SECONDS,
    *,
    started_at: float | None = None,
) -> Budget:
    """The budget of a meeting of ``planned_minutes``: its planned length from its start
    (``started_at``: the first thing recorded at it; for a meeting stored before starts were
    recorded, its first round's start; from now, when nothing has started), against the phases
    not yet reached in every round. ``events``: each round's phase log, by round id."""
    started: list[float] = []
    current_left = 0.0
    plans: list[tuple[float, ...]] = []
    for rnd in rounds:
        fmt = formats.get(rnd.format_name)
        if fmt is None:
            continue
        log = events.get(rnd.id, ())
        state = replay(format_plan(fmt), log)
        started += [e.at for e in log if e.kind is PhaseEventKind.START]
        if state.status is Status.READY:
            plans.append(state.plan)
        elif state.status is not Status.FINISHED:
            current_left += max(state.remaining(now), 0.0)
            plans.append(state.plan[state.phase + 1 :])
    began = started_at or (min(started) if started else now)
    time_left = began + planned_minutes * 60.0 - now - current_left
    return fit_agenda(time_left, plans, floor, running=current_left)
