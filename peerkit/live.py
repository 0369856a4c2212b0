"""What the live screens show, read from the store: the hot seat, its phase, the queue; and the
screen rule, which meeting and round the room sees (:func:`on_screen`), kept by its one writer
(:func:`put_on_screen`)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from peerkit.formats import get_format, load_formats
from peerkit.meeting import Budget, RoundState, Status, budget_of, format_plan, replay
from peerkit.model import (
    COMMITMENT_CAP,
    Advice,
    Attendance,
    Commitment,
    Format,
    Meeting,
    Member,
    MemberStatus,
    ParkingItem,
    PeerkitError,
    PhaseEvent,
    Round,
)
from peerkit.participation import HotSeatRequest, Update, request_order
from peerkit.store import GroundRules, Screen, Store

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
        return "Thank you: the round is over."

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
    def shows_commitments(self) -> bool:
        """The room sees the round's commitments from its first commitment phase on, and once
        the round is finished (as they are made, and after)."""
        if self.status is Status.FINISHED:
            return True
        if self.status is Status.READY:
            return False
        first = next((i for i, p in enumerate(self.format.phases) if p.commitments), None)
        return first is not None and self.state.phase >= first

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
    events = store.phase_events(rnd.id)
    return view_of(rnd, store.member(rnd.presenter_id).name, formats, events, now)


def view_of(
    rnd: Round, presenter: str, formats: dict[str, Format], events: Sequence[PhaseEvent], now: float
) -> RoundView:
    """The :class:`RoundView` of ``rnd`` from its phase log (``events``), read already."""
    fmt = formats.get(rnd.format_name) or get_format(rnd.format_name, formats)
    state = replay(format_plan(fmt), events)
    return RoundView(rnd, presenter, fmt, state, now, seen=len(events))


def round_status(store: Store, rnd: Round, formats: dict[str, Format]) -> Status:
    fmt = formats.get(rnd.format_name)
    if fmt is None:
        return Status.READY
    return replay(format_plan(fmt), store.phase_events(rnd.id)).status


def present_members(store: Store, meeting: Meeting) -> list[Member]:
    """Who is in the room: marked present, or everyone active when attendance is not taken yet."""
    return present_of(store.members(meeting.cohort_id), store.attendance(meeting.id))


def present_of(members: Sequence[Member], attendance: Mapping[int, Attendance]) -> list[Member]:
    """:func:`present_members` from the cohort's members and the meeting's marks, read already."""
    active = [m for m in members if m.status is MemberStatus.ACTIVE]
    if not attendance:
        return active
    return [m for m in active if attendance.get(m.id) is Attendance.PRESENT]


def last_presented(store: Store, cohort_id: int, before: dt.date) -> dict[int, dt.date]:
    """When each member last sat on the hot seat, before ``before`` (one query)."""
    return store.last_presented(cohort_id, before)


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
    rounds = store.rounds(meeting.id)
    if last is None:
        last = last_presented(store, meeting.cohort_id, meeting.date)
    if present is None:
        present = present_members(store, meeting)
    return queue_of(present, rounds, last, store.hot_seat_requests(meeting.id))


def queue_of(
    present: Sequence[Member],
    rounds: Sequence[Round],
    last: Mapping[int, dt.date],
    requests: Mapping[int, HotSeatRequest] | None = None,
) -> list[tuple[Member, dt.date | None]]:
    """:func:`suggested_queue` from who is present, the meeting's rounds, when each member
    last presented and who asked for the hot seat, read already: those who asked first, by
    urgency (A, B, C), then everyone else; each group by who presented least recently
    (peerkit.participation.request_order)."""
    queued = {r.presenter_id for r in rounds}
    asked = requests or {}
    candidates = [m for m in present if m.id not in queued]
    candidates.sort(key=lambda m: (*request_order(asked.get(m.id), last.get(m.id)), m.name))
    return [(m, last.get(m.id)) for m in candidates]


def open_count(store: Store, cohort_id: int) -> dict[int, int]:
    """How many open commitments each member carries (one query, bounded by the cohort)."""
    counts: dict[int, int] = {}
    for commitment, _ in store.open_commitments(cohort_id):
        counts[commitment.owner_id] = counts.get(commitment.owner_id, 0) + 1
    return counts


def commitment_warning(store: Store, cohort_id: int, owner: Member) -> str:
    """A gentle warning when a member takes on more than the cap of open commitments."""
    return warning_for(owner, open_count(store, cohort_id).get(owner.id, 0))


def warning_for(owner: Member, count: int) -> str:
    """:func:`commitment_warning` for a member who carries ``count`` open commitments."""
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


# -- what the room's screen shows: the one rule, and the one way to change it -----------------

#: A round whose clock is under way: the room's screen does not leave it by navigation.
LIVE = frozenset({Status.RUNNING, Status.PAUSED})


@dataclass(frozen=True)
class OnScreen:
    """What a cohort's screens show, read in one place. A meeting or a round that is no longer
    in the store (purged from another window or by the CLI, deleted) reads as None here, never
    as a "No round with id N" error further on."""

    screen: Screen
    meetings: tuple[Meeting, ...]  # the cohort's meetings, oldest first
    meeting: Meeting | None  # the meeting shown: the screen's, else the one asked for
    rounds: tuple[Round, ...]  # its rounds, in queue order
    round: Round | None  # the round on screen by the rule of :func:`on_screen`
    missing: int | None = None  # the id of the meeting asked for, when it is not in the store
    statuses: dict[int, Status] = field(default_factory=dict)  # each of its rounds' status

    def find_round(self, round_id: int | None) -> Round | None:
        return next((r for r in self.rounds if r.id == round_id), None)

    @property
    def shown(self) -> bool:
        """Whether :attr:`meeting` is the meeting on the room's screen (not a console's peek)."""
        return self.meeting is not None and self.meeting.id == self.screen.meeting_id

    @property
    def live(self) -> tuple[Round, ...]:
        """The rounds of :attr:`meeting` that are running or paused."""
        return tuple(r for r in self.rounds if self.statuses.get(r.id) in LIVE)


def on_screen(
    store: Store,
    cohort_id: int,
    meeting_id: int | None = None,
    *,
    formats: dict[str, Format] | None = None,
    peek: bool = False,
) -> OnScreen:
    """What the screens of ``cohort_id`` show now: the meeting on screen (else ``meeting_id``,
    the one a console has open; with ``peek``, ``meeting_id`` itself: a console looking at
    another meeting than the room's), its rounds and the round on screen.

    **The screen rule.** What the room sees is what the store's ``screens`` row says, read
    through this function by the projector and the console alike:

    - The meeting on screen is the one the facilitator last *put* on screen: by "Open today's
      meeting" (always), by choosing it in a console's Meeting box (unless the meeting on
      screen has a round running or paused: then that choice is only the console's view, a
      *peek*, and the room's screen stays), or by any action on one of its rounds.
    - Within that meeting, the round on screen is, in this order:

      1. a round that is **running** (the one last put on screen if it runs, else the one
         whose clock changed last);
      2. else the round the facilitator last **put on screen** (its "On screen" box, or any
         action on it: Start, Pause, Resume, +1 min, Previous, Next, Finish);
      3. else a round that is **paused** (the one whose clock changed last);
      4. else the **next queued** round (the first not started);
      5. else none: the projector waits for the next round.

    So no navigation (switching meetings and back, opening today's meeting again, reloading
    either page, a restarted kernel, a second console) leaves the room's screen without the
    round that runs in the meeting on screen: the rule is applied on every read, from the
    rounds' own phase logs, not kept as a copy that a navigation could clear. Every action on
    a round makes that round, and its meeting, the one on screen (written before the action,
    both before any redraw); a round that is not running cannot be put on screen while another
    round of its meeting runs. :func:`put_on_screen` is the only writer of the row.

    Only lists are read (the cohort's meetings, the meeting's rounds, each round's phase log),
    and a list simply lacks what was deleted, so a purge between two reads cannot raise; a
    database that went away still raises its PeerkitError.
    """
    return _read_screen(store, cohort_id, meeting_id, formats, peek)[0]


def _read_screen(
    store: Store,
    cohort_id: int,
    meeting_id: int | None,
    formats: dict[str, Format] | None,
    peek: bool,
) -> tuple[OnScreen, dict[int, list[PhaseEvent]]]:
    """:func:`on_screen`, and the phase log of each round of its meeting (four queries)."""
    formats = load_formats() if formats is None else formats
    screen = store.screen(cohort_id)
    meetings = tuple(store.meetings(cohort_id))
    wanted = (meeting_id if peek else None) or screen.meeting_id or meeting_id
    meeting = next((m for m in meetings if m.id == wanted), None)
    if meeting is None:
        return OnScreen(screen, meetings, None, (), None, wanted), {}
    rounds = tuple(store.rounds(meeting.id))
    events = store.meeting_phase_events(meeting.id)
    statuses, changed = _clocks(rounds, events, formats)
    shown = screen_round(rounds, statuses, changed, screen.round_id)
    return OnScreen(screen, meetings, meeting, rounds, shown, statuses=statuses), events


def screen_round(
    rounds: Sequence[Round],
    statuses: Mapping[int, Status],
    changed: Mapping[int, float],
    chosen: int | None,
) -> Round | None:
    """The round on screen among ``rounds`` (one meeting's, in queue order), by the rule of
    :func:`on_screen`: running, else ``chosen`` (the round last put on screen), else paused,
    else the next queued, else None. ``changed``: when each round's clock last changed."""

    def latest(status: Status) -> Round | None:
        found = [r for r in rounds if statuses.get(r.id) is status]
        mine = next((r for r in found if r.id == chosen), None)
        return mine or max(found, key=lambda r: changed.get(r.id, -math.inf), default=None)

    running = latest(Status.RUNNING)
    if running is not None:
        return running
    picked = next((r for r in rounds if r.id == chosen), None)
    if picked is not None:
        return picked
    paused = latest(Status.PAUSED)
    if paused is not None:
        return paused
    return next((r for r in rounds if statuses.get(r.id) is Status.READY), None)


def _clocks(
    rounds: Sequence[Round],
    logs: Mapping[int, Sequence[PhaseEvent]],
    formats: dict[str, Format],
) -> tuple[dict[int, Status], dict[int, float]]:
    """Each round's status (as :func:`round_status` has it) and when its clock last changed,
    from each round's phase log (``logs``, by round id)."""
    statuses: dict[int, Status] = {}
    changed: dict[int, float] = {}
    for rnd in rounds:
        events = logs.get(rnd.id, ())
        fmt = formats.get(rnd.format_name)
        statuses[rnd.id] = replay(format_plan(fmt), events).status if fmt else Status.READY
        if events:
            changed[rnd.id] = events[-1].at
    return statuses, changed


def put_on_screen(
    store: Store,
    cohort_id: int,
    *,
    meeting_id: int | None = None,
    round_id: int | None = None,
    chatham_house: bool | None = None,
    formats: dict[str, Format] | None = None,
    keep_live: bool = False,
) -> Screen:
    """The one way anything changes what a cohort's screens show (nothing else calls
    ``Store.set_screen``); it keeps the screen rule of :func:`on_screen`.

    - ``round_id``: that round and its meeting go on screen (an action on the round, or the
      console's "On screen" box). Refused, changing nothing, when the round is not running
      and another round of its meeting is.
    - ``meeting_id``: that meeting goes on screen. The round last put on screen is kept when
      it belongs to that meeting and forgotten when not (the rule then finds the round that
      runs, else the next queued). With ``keep_live`` (a console's Meeting box) nothing
      moves while the meeting on screen has a round running or paused: the console peeks.
    - ``chatham_house``: the screens' Chatham House mode.

    Returns the screen as it is afterwards: a caller compares its ``meeting_id`` with the one
    it asked for to know whether the room's screen moved.
    """
    formats = load_formats() if formats is None else formats
    screen = store.screen(cohort_id)
    new_round: int | None = None  # Store.set_screen: None keeps it, 0 forgets it
    if round_id is not None:
        rnd = store.round(round_id)
        if meeting_id is not None and meeting_id != rnd.meeting_id:
            raise ValueError(f"round {round_id} is not in meeting {meeting_id}")
        if (screen.meeting_id, screen.round_id) == (rnd.meeting_id, rnd.id):
            meeting_id = None  # already there (each click on a round's buttons): no write
        else:
            _refuse_beside_a_running_round(store, cohort_id, rnd, formats)
            meeting_id, new_round = rnd.meeting_id, rnd.id
    elif meeting_id is not None:
        if meeting_id == screen.meeting_id:
            meeting_id = None  # already there: nothing to write
        elif keep_live and screen.meeting_id is not None:
            here = on_screen(store, cohort_id, formats=formats)
            if here.live:
                meeting_id = None  # the room's screen stays with its live round
        if meeting_id is not None:
            kept = {r.id for r in store.rounds(meeting_id)}
            new_round = None if screen.round_id in kept else 0
    if meeting_id is None and new_round is None and chatham_house is None:
        return screen
    return store.set_screen(
        cohort_id, meeting_id=meeting_id, round_id=new_round, chatham_house=chatham_house
    )


def _refuse_beside_a_running_round(
    store: Store, cohort_id: int, rnd: Round, formats: dict[str, Format]
) -> None:
    """A round that is not running is not put on screen while another round of its meeting
    runs (the rule would show the running one): say which, change nothing."""
    there = on_screen(store, cohort_id, rnd.meeting_id, formats=formats, peek=True)
    running = [r for r in there.rounds if there.statuses.get(r.id) is Status.RUNNING]
    if running and rnd.id not in {r.id for r in running}:
        other = running[-1]
        number = 1 + there.rounds.index(other)
        raise PeerkitError(
            f"Round {number} ({store.member(other.presenter_id).name}) is running: pause or "
            "finish it before putting another round on screen."
        )


def current_round(
    store: Store, cohort_id: int, *, formats: dict[str, Format] | None = None
) -> Round | None:
    """The round on the cohort's screens, or None (none, or no longer in the store)."""
    return on_screen(store, cohort_id, formats=formats).round


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
    now = on_screen(store, cohort_id, formats=formats)
    if now.meeting is not None and now.live:
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


# -- one read per refresh: everything a screen draws, from one view of the store -------------


@dataclass(frozen=True)
class Snapshot:
    """Everything the console (and the projector, and the minutes' header) draws of a meeting
    at one moment, read by :func:`snapshot` in one transaction.

    With no meeting (none open, or the one asked for is gone: :attr:`missing`), only
    :attr:`where`, :attr:`members` and :attr:`open_counts` hold anything.
    """

    where: OnScreen  # the screen rule: screen, meetings, meeting, rounds, round on screen
    now: float
    members: dict[int, Member]  # every member of the cohort by id, left ones too, by name
    view: RoundView | None = None  # the round on screen, drawn
    events: dict[int, tuple[PhaseEvent, ...]] = field(default_factory=dict)  # by round id
    attendance: dict[int, Attendance] = field(default_factory=dict)  # the meeting's marks
    present: tuple[Member, ...] = ()  # who is in the room (present_members)
    advice: tuple[Advice, ...] = ()  # of the round on screen
    commitments: tuple[Commitment, ...] = ()  # made at the meeting, in id order
    parking: tuple[ParkingItem, ...] = ()
    ground_rules: GroundRules | None = None
    last_presented: dict[int, dt.date] = field(default_factory=dict)  # before the meeting
    suggestions: tuple[tuple[Member, dt.date | None], ...] = ()  # suggested_queue
    # What members filed from their own page for this meeting, by member id.
    updates: dict[int, Update] = field(default_factory=dict)
    requests: dict[int, HotSeatRequest] = field(default_factory=dict)
    open_counts: dict[int, int] = field(default_factory=dict)  # open commitments per member
    budget: Budget | None = None

    # The screen rule's answers, as OnScreen has them.
    @property
    def screen(self) -> Screen:
        return self.where.screen

    @property
    def meetings(self) -> tuple[Meeting, ...]:
        return self.where.meetings

    @property
    def meeting(self) -> Meeting | None:
        return self.where.meeting

    @property
    def rounds(self) -> tuple[Round, ...]:
        return self.where.rounds

    @property
    def round(self) -> Round | None:
        return self.where.round

    @property
    def statuses(self) -> dict[int, Status]:
        return self.where.statuses

    @property
    def active(self) -> tuple[Member, ...]:
        """The members who have not left, by name (the attendance list)."""
        return tuple(m for m in self.members.values() if m.status is MemberStatus.ACTIVE)

    @property
    def names(self) -> dict[int, str]:
        return {mid: m.name for mid, m in self.members.items()}

    def round_commitments(self, round_id: int | None) -> tuple[Commitment, ...]:
        """The commitments made in one round of the meeting."""
        return tuple(c for c in self.commitments if c.round_id == round_id)

    def commitment_warning(self, owner_id: int) -> str:
        """:func:`commitment_warning` for a member of the cohort ("" for anyone else)."""
        owner = self.members.get(owner_id)
        return warning_for(owner, self.open_counts.get(owner_id, 0)) if owner else ""


def snapshot(
    store: Store,
    cohort_id: int,
    meeting_id: int | None = None,
    *,
    formats: dict[str, Format] | None = None,
    now: float,
    peek: bool = False,
) -> Snapshot:
    """What the screens of ``cohort_id`` draw now (``meeting_id`` and ``peek`` as for
    :func:`on_screen`), read in one transaction: no window's commit lands half-way through.

    The reads are bounded by the meeting and its cohort, never by the whole store: the screen
    row, the cohort's meetings and members, the meeting's rounds, phase logs, attendance,
    commitments, parking lot and ground rules, the advice of the round on screen, who presented
    when before it, the cohort's open commitments per member, and the updates and hot-seat
    requests members filed for the meeting: at most 15 statements (a BEGIN and 14 queries),
    however many cohorts, meetings and reviews the store holds.
    """
    formats = load_formats() if formats is None else formats
    with store.reading():
        where, logs = _read_screen(store, cohort_id, meeting_id, formats, peek)
        members = {m.id: m for m in store.members(cohort_id)}
        counts = open_count(store, cohort_id)
        meeting = where.meeting
        if meeting is None:
            return Snapshot(where, now, members, open_counts=counts)
        attendance = store.attendance(meeting.id)
        rnd = where.round
        advice = tuple(store.advice(rnd.id)) if rnd is not None else ()
        commitments = tuple(store.commitments(meeting_id=meeting.id))
        parking = tuple(store.parking(meeting.id))
        rules = store.ground_rules(meeting.id)
        last = store.last_presented(cohort_id, meeting.date)
        updates = store.updates(meeting.id)
        requests = store.hot_seat_requests(meeting.id)
    present = present_of(list(members.values()), attendance)
    view = None
    if rnd is not None:
        presenter = members[rnd.presenter_id].name
        view = view_of(rnd, presenter, formats, logs.get(rnd.id, ()), now)
    return Snapshot(
        where,
        now,
        members,
        view=view,
        events={rid: tuple(log) for rid, log in logs.items()},
        attendance=attendance,
        present=tuple(present),
        advice=advice,
        commitments=commitments,
        parking=parking,
        ground_rules=rules,
        last_presented=last,
        suggestions=tuple(queue_of(present, where.rounds, last, requests)),
        updates=updates,
        requests=requests,
        open_counts=counts,
        budget=budget_of(
            meeting.planned_minutes,
            where.rounds,
            logs,
            formats,
            now,
            started_at=meeting.started_at,
        ),
    )
