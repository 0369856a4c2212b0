"""A round's phases as pure rules: its clock folded from its phase log, with nothing stored.

The store reads phase logs through these rules (the phase timing frame), and the meeting's
services drive rounds with them, so they sit below both.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from peerkit.model import Format, PeerkitError, PhaseEvent, PhaseEventKind


class Status(StrEnum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"


@dataclass(frozen=True)
class RoundState:
    """Where a round's clock stands, folded from its phase log."""

    plan: tuple[float, ...]  # planned seconds of each phase
    status: Status = Status.READY
    phase: int = 0
    extended: tuple[float, ...] = ()  # seconds added to each phase
    used: tuple[float, ...] = ()  # seconds spent in each phase, up to ``since``
    since: float | None = None  # when the clock last started running

    @property
    def running(self) -> bool:
        return self.status is Status.RUNNING

    def allowed(self, phase: int) -> float:
        return self.plan[phase] + self.extended[phase]

    def elapsed(self, now: float) -> float:
        """Seconds spent in the current phase."""
        extra = now - self.since if self.running and self.since is not None else 0.0
        return self.used[self.phase] + extra

    def remaining(self, now: float) -> float:
        """Seconds left in the current phase; negative in overtime."""
        return self.allowed(self.phase) - self.elapsed(now)

    def overtime(self, now: float) -> bool:
        return self.status in (Status.RUNNING, Status.PAUSED) and self.remaining(now) < 0

    @property
    def deadline(self) -> float | None:
        """When the current phase runs out (epoch seconds), while the clock runs."""
        if not self.running or self.since is None:
            return None
        return self.since + self.allowed(self.phase) - self.used[self.phase]

    def used_at(self, now: float) -> tuple[float, ...]:
        """Seconds spent in every phase so far."""
        used = list(self.used)
        if self.running and self.since is not None:
            used[self.phase] += now - self.since
        return tuple(used)

    def left_in_round(self, now: float) -> float:
        """Planned seconds still ahead in this round (the current phase counts what is left)."""
        if self.status is Status.FINISHED:
            return 0.0
        if self.status is Status.READY:
            return sum(self.allowed(i) for i in range(len(self.plan)))
        later = sum(self.allowed(i) for i in range(self.phase + 1, len(self.plan)))
        return max(self.remaining(now), 0.0) + later


def initial_state(plan: Sequence[float]) -> RoundState:
    if not plan:
        raise PeerkitError("A round needs a format with at least one phase.")
    n = len(plan)
    return RoundState(tuple(float(p) for p in plan), extended=(0.0,) * n, used=(0.0,) * n)


def apply(state: RoundState, event: PhaseEvent) -> RoundState:
    """The state after one event; events that make no sense in the state raise PeerkitError."""
    kind, at = event.kind, event.at
    status = state.status

    def bank() -> tuple[float, ...]:
        return state.used_at(at)

    if kind is PhaseEventKind.PLAN:
        if event.plan is None or len(event.plan) != len(state.plan):
            raise PeerkitError("A new plan must give every phase a length.")
        return replace(state, plan=tuple(event.plan))
    if status is Status.FINISHED:
        raise PeerkitError("This round is finished: start the next round instead.")
    if kind is PhaseEventKind.START:
        if status is not Status.READY:
            raise PeerkitError("This round has already started.")
        return replace(state, status=Status.RUNNING, phase=0, since=at)
    if status is Status.READY:
        raise PeerkitError("Press Start first: this round has not started.")
    if kind is PhaseEventKind.PAUSE:
        if status is Status.PAUSED:
            raise PeerkitError("The round is already paused.")
        return replace(state, status=Status.PAUSED, used=bank(), since=None)
    if kind is PhaseEventKind.RESUME:
        if status is Status.RUNNING:
            raise PeerkitError("The round is already running.")
        return replace(state, status=Status.RUNNING, since=at)
    if kind is PhaseEventKind.EXTEND:
        seconds = float(event.value or 0)
        if seconds == 0 or not math.isfinite(seconds):
            raise PeerkitError("Extend by a number of minutes, such as 1.")
        extended = list(state.extended)
        extended[state.phase] = max(extended[state.phase] + seconds, -state.plan[state.phase])
        return replace(state, extended=tuple(extended))
    if kind is PhaseEventKind.NEXT:
        if state.phase + 1 >= len(state.plan):
            return replace(state, status=Status.FINISHED, used=bank(), since=None)
        return replace(state, status=Status.RUNNING, phase=state.phase + 1, used=bank(), since=at)
    if kind is PhaseEventKind.PREVIOUS:
        if state.phase == 0:
            raise PeerkitError("This is the first phase: there is no previous one.")
        return replace(state, status=Status.RUNNING, phase=state.phase - 1, used=bank(), since=at)
    if kind is PhaseEventKind.FINISH:
        return replace(state, status=Status.FINISHED, used=bank(), since=None)
    raise PeerkitError(f"Unknown phase event {kind!r}.")


def replay(plan: Sequence[float], events: Sequence[PhaseEvent]) -> RoundState:
    """Rebuild a round's state from its phase log."""
    state = initial_state(plan)
    for event in events:
        state = apply(state, event)
    return state


def format_plan(fmt: Format) -> tuple[float, ...]:
    return tuple(p.minutes * 60.0 for p in fmt.phases)
