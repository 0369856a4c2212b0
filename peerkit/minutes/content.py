"""What goes into a meeting's minutes, read from the store with the confidentiality rules applied.

This is the one place that decides what may appear (docs/confidentiality.md is the rule); the
renderers show what :func:`gather` returns and decide nothing:

- everything flagged private (a round, an advice, a commitment, a parking-lot item) is left out
  here, before anything is rendered, and so is every commitment made in a private round and
  every review of a private commitment;
- Chatham House mode names nobody: rounds are numbered, every owner is "a member", the advice
  has no giver, attendance is a head count, the follow-through is the group's figures only, and
  every member's name or e-mail address (and any e-mail address) found in the free text is
  replaced with "a member" and counted;
- member mode keeps that member's commitments, reviews and the advice they received, and nobody
  else's commitments; the other members appear as "a member" (givers, and their names in the
  text) unless ``name_others`` says the group agreed to be named (and Chatham House mode is off).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from peerkit.confidentiality import A_MEMBER, Mentions, mentions_of
from peerkit.meeting import Status, format_plan, replay
from peerkit.minutes.follow import FollowThrough, follow_through, group_rate
from peerkit.model import (
    Advice,
    AdviceKind,
    Attendance,
    Commitment,
    Format,
    Meeting,
    Member,
    Outcome,
    PeerkitError,
    PhaseEvent,
    PhaseEventKind,
    Review,
    Round,
    targets_now,
)

if TYPE_CHECKING:
    from peerkit.store import Store

#: The order advice kinds are listed in, and their headings.
KIND_TITLES: dict[AdviceKind, str] = {
    AdviceKind.SUGGESTION: "Suggestions",
    AdviceKind.EXPERIENCE: "Experience",
    AdviceKind.QUESTION: "Questions",
    AdviceKind.RESOURCE: "Resources",
}


@dataclass(frozen=True)
class PhaseTime:
    """One phase of a round: the plan in force (after any budget scaling) and the time used."""

    name: str
    planned: float  # seconds
    extended: float  # seconds added during the round
    used: float  # seconds
    reached: bool

    @property
    def allowed(self) -> float:
        return self.planned + self.extended

    @property
    def over(self) -> float:
        """Seconds over the plan (negative: under)."""
        return self.used - self.planned


@dataclass(frozen=True)
class AdviceItem:
    kind: AdviceKind
    text: str
    giver: str | None  # None: given anonymously, or withheld under the Chatham House Rule;
    # A_MEMBER: given by another member, in a member's summary that does not name the others
    starred: bool


@dataclass(frozen=True)
class CommitmentItem:
    id: int
    owner_id: int
    owner: str  # A_MEMBER where the minutes name nobody (Chatham House)
    text: str
    target: dt.date  # the target in force (after any renegotiation known to these minutes)
    made_on: dt.date
    weight: float = 1.0
    levels: tuple[str, ...] | None = None


_ItemFn = Callable[[Commitment], CommitmentItem]


@dataclass(frozen=True)
class ReviewItem:
    commitment: CommitmentItem
    outcome: Outcome
    level: int | None
    note: str
    new_target: dt.date | None


@dataclass(frozen=True)
class RoundItem:
    number: int  # 1-based among the meeting's rounds that are not private
    presenter_id: int
    presenter: str | None  # None: not named (Chatham House)
    issue: str
    format_name: str
    format_known: bool
    status: Status
    phases: tuple[PhaseTime, ...]
    used: float  # seconds, the whole round
    planned: float  # seconds, the whole round
    advice: tuple[AdviceItem, ...]  # grouped by kind (KIND_TITLES order), starred first
    commitments: tuple[CommitmentItem, ...]


@dataclass(frozen=True)
class Headcount:
    """Attendance as numbers only (Chatham House minutes)."""

    present: int
    apologies: int
    absent: int


@dataclass(frozen=True)
class Minutes:
    cohort: str
    meeting: Meeting  # its place as shown (names replaced where the minutes hide them)
    chatham_house: bool = False
    member: str | None = None  # member mode: whose personal summary this is
    # Whether the free text went through the replacement of members' names (Chatham House, or
    # a member's summary that does not name the others), and how many mentions it replaced.
    names_hidden: bool = False
    names_replaced: int = 0
    present: tuple[str, ...] = ()
    apologies: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    headcount: Headcount | None = None  # Chatham House: attendance counted, nobody listed
    checkin: tuple[ReviewItem, ...] = ()
    rounds: tuple[RoundItem, ...] = ()
    other_commitments: tuple[CommitmentItem, ...] = ()  # made here, outside any round shown
    still_open: tuple[CommitmentItem, ...] = ()  # member mode: made earlier, still open
    parking: tuple[str, ...] = ()
    next_meeting: dt.date | None = None
    follow_through: FollowThrough | None = None
    generated: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def commitments(self) -> tuple[CommitmentItem, ...]:
        """Every commitment made at this meeting that these minutes show."""
        made = [c for r in self.rounds for c in r.commitments]
        return (*made, *self.other_commitments)


def gather(
    store: Store,
    meeting_id: int,
    *,
    chatham_house: bool = False,
    member: str | None = None,
    formats: dict[str, Format] | None = None,
    scores: bool = True,
    now: float | None = None,
    name_others: bool = False,
) -> Minutes:
    """Read everything the minutes of ``meeting_id`` show, private segments left out.

    ``chatham_house`` names nobody (see the module docstring). ``member`` (a name or id) makes a
    personal action summary, in which the other members appear as "a member" unless
    ``name_others`` (the cohort's ``name_others_in_member_minutes``; Chatham House mode wins
    over it). ``formats`` are the formats the rounds may use (the built-in ones by default).
    ``scores=False`` leaves the follow-through summary out (peerkit.scoring, see
    peerkit.minutes.follow). ``now`` times a round that is still running.
    """
    meeting = store.meeting(meeting_id)
    cohort = store.cohort(meeting.cohort_id)
    everyone = store.members(cohort.id)  # those who left and the redacted too
    people = {m.id: m for m in everyone}
    names = {i: m.name for i, m in people.items()}
    me: Member | None = store.find_member(cohort.id, member) if member is not None else None
    group = chatham_house and me is None  # minutes for the group that name nobody
    words = _Words(_mentions(everyone, me, chatham_house=chatham_house, name_others=name_others))

    def label(member_id: int) -> str:
        """How the minutes call a member: by name, or "a member"."""
        if me is not None and member_id == me.id:
            return me.name
        if chatham_house or (me is not None and not name_others):
            return A_MEMBER
        return names.get(member_id, f"Member {member_id}")

    if formats is None:
        from peerkit.formats import built_in

        formats = built_in()
    by_name = {name.casefold(): fmt for name, fmt in formats.items()}
    meetings = store.meetings(cohort.id)
    dates = {m.id: m.date for m in meetings}

    rounds = store.rounds(meeting.id)
    private_rounds = {r.id for r in rounds if r.private}
    made_here = [c for c in store.commitments(meeting_id=meeting.id) if _shown(c, private_rounds)]
    if me is not None:
        made_here = [c for c in made_here if c.owner_id == me.id]
    # Every review up to this meeting, fetched meeting by meeting: reviews are held at the
    # cohort's own meetings, and this stays fast in a store that holds many cohorts.
    reviews = held_up_to(store, meeting)
    target_now = targets_now(
        (r.commitment_id, dates[r.meeting_id], r.id, r.new_target_date) for r in reviews
    )

    items: dict[int, CommitmentItem] = {}

    def item(c: Commitment) -> CommitmentItem:
        if c.id not in items:  # each commitment's text is replaced (and counted) once
            items[c.id] = CommitmentItem(
                c.id,
                c.owner_id,
                label(c.owner_id),
                words(c.text),
                target_now.get(c.id, c.target_date),
                dates.get(c.meeting_id, meeting.date),
                c.weight,
                None if c.levels is None else tuple(words(level) for level in c.levels),
            )
        return items[c.id]

    shown_rounds: list[RoundItem] = []
    in_rounds: set[int] = set()
    number = 0  # rounds are numbered as in the group's minutes, private ones not counted
    for rnd in rounds:
        if rnd.private:
            continue
        number += 1
        if me is not None and rnd.presenter_id != me.id:
            continue
        commitments = [item(c) for c in made_here if c.round_id == rnd.id]
        in_rounds.update(c.id for c in commitments)
        advice = [a for a in store.advice(rnd.id) if not a.private]
        shown_rounds.append(
            _round_item(
                rnd,
                number,
                None if group else label(rnd.presenter_id),
                words(rnd.issue),
                by_name.get(rnd.format_name.casefold()),
                store.phase_events(rnd.id),
                [(a, _giver(a, label, chatham_house), words(a.text)) for a in advice],
                commitments,
                now=time.time() if now is None else now,
            )
        )
    other = tuple(item(c) for c in made_here if c.id not in in_rounds)

    private = _private_commitments(store, cohort.id)
    checkin = _checkin(store, meeting, private, item, me, words, by_id=group)

    attendance = store.attendance(meeting.id)

    def who(status: Attendance) -> tuple[str, ...]:
        if me is not None or chatham_house:
            return ()
        return tuple(sorted(names[i] for i, s in attendance.items() if s is status and i in names))

    def count(status: Attendance) -> int:
        return sum(1 for i, s in attendance.items() if s is status and i in names)

    headcount = None
    if group:
        headcount = Headcount(
            count(Attendance.PRESENT), count(Attendance.APOLOGIES), count(Attendance.ABSENT)
        )

    still_open: tuple[CommitmentItem, ...] = ()
    if me is not None:
        still_open = _still_open(store, meeting, me, reviews, dates, private, item)

    later = [m for m in meetings if m.date > meeting.date]
    next_meeting = meeting.next_date or (later[0].date if later else None)

    follow = None
    if scores:
        scored = set(attendance) or {i for i, m in people.items() if m.status == "active"}
        if group:
            scored = set(people)  # the whole cohort's rate, shown without any member's row
        follow = follow_through(
            store,
            meeting,
            {me.id} if me is not None else scored,
            here_ids={me.id} if me is not None else None,
        )
        if group:  # the group's figures only
            follow = replace(follow, rows=(), group=group_rate(follow.rows))

    parking: tuple[str, ...] = ()
    if me is None:
        parking = tuple(words(p.text) for p in store.parking(meeting.id) if not p.private)
    shown_meeting = replace(meeting, place=words(meeting.place))
    cohort_name = words(cohort.name)

    return Minutes(
        cohort=cohort_name,
        meeting=shown_meeting,
        chatham_house=chatham_house,
        member=me.name if me else None,
        names_hidden=words.mentions is not None,
        names_replaced=words.count,
        present=who(Attendance.PRESENT),
        apologies=who(Attendance.APOLOGIES),
        absent=who(Attendance.ABSENT),
        headcount=headcount,
        checkin=checkin,
        rounds=tuple(shown_rounds),
        other_commitments=other,
        still_open=still_open,
        parking=parking,
        next_meeting=next_meeting,
        follow_through=follow,
    )


class _Words:
    """The one replacement step every piece of free text in the minutes goes through: members'
    names and e-mails become "a member" (when ``mentions`` is None, text passes unchanged), and
    the mentions replaced are counted."""

    def __init__(self, mentions: Mentions | None) -> None:
        self.mentions = mentions
        self.count = 0

    def __call__(self, text: str) -> str:
        if self.mentions is None or not text:
            return text
        new, found = self.mentions.replace(text, A_MEMBER)
        self.count += found
        return new


def _mentions(
    everyone: list[Member], me: Member | None, *, chatham_house: bool, name_others: bool
) -> Mentions | None:
    """Whose names the free text must not hold: nobody's in group minutes; everyone's (and any
    e-mail address) under the Chatham House Rule; in a member's summary, the others' (their
    full names and e-mails, and the first and last names they do not share with the member),
    unless the group agreed to be named there. Chatham House wins over that agreement."""
    if me is None:
        return mentions_of(everyone, any_email=True) if chatham_house else None
    if name_others and not chatham_house:
        return None
    others = [m for m in everyone if m.id != me.id]
    return mentions_of(others, others=[me], any_email=chatham_house)


def _giver(advice: Advice, label: Callable[[int], str], chatham_house: bool) -> str | None:
    if chatham_house or advice.giver_id is None:
        return None
    return label(advice.giver_id)


def _shown(c: Commitment, private_rounds: set[int]) -> bool:
    return not c.private and c.round_id not in private_rounds


def _private_commitments(store: Store, cohort_id: int) -> set[int]:
    """Ids of the cohort's commitments that must not appear: private, or in a private round."""
    private_rounds = {
        r.id for m in store.meetings(cohort_id) for r in store.rounds(m.id) if r.private
    }
    return {c.id for c in store.commitments(cohort_id=cohort_id) if not _shown(c, private_rounds)}


def held_up_to(store: Store, meeting: Meeting) -> list[Review]:
    """The reviews held at the cohort's meetings up to and including ``meeting``."""
    return [
        r
        for m in store.meetings(meeting.cohort_id)
        if m.date <= meeting.date
        for r in store.reviews(meeting_id=m.id)
    ]


def _checkin(
    store: Store,
    meeting: Meeting,
    private: set[int],
    item: _ItemFn,
    me: Member | None,
    words: Callable[[str], str],
    *,
    by_id: bool,
) -> tuple[ReviewItem, ...]:
    """The reviews held at ``meeting``, by owner (``by_id``: by commitment, an order that
    tells nothing about who), private commitments left out."""
    result = []
    for review in store.reviews(meeting_id=meeting.id):
        if review.commitment_id in private:
            continue
        commitment = store.commitment(review.commitment_id)
        if me is not None and commitment.owner_id != me.id:
            continue
        result.append(
            ReviewItem(
                item(commitment),
                review.outcome,
                review.level,
                words(review.note),
                review.new_target_date,
            )
        )
    if by_id:
        result.sort(key=lambda r: r.commitment.id)
    else:
        result.sort(key=lambda r: (r.commitment.owner.casefold(), r.commitment.id))
    return tuple(result)


def _still_open(
    store: Store,
    meeting: Meeting,
    me: Member,
    reviews: list[Review],
    dates: dict[int, dt.date],
    private: set[int],
    item: _ItemFn,
) -> tuple[CommitmentItem, ...]:
    """The member's commitments made before ``meeting`` and still open after it."""
    closed = {Outcome.DONE, Outcome.PARTIAL, Outcome.NOT_DONE, Outcome.DROPPED}
    ended = {r.commitment_id for r in reviews if r.outcome in closed}
    result = [
        item(c)
        for c in store.commitments(owner_id=me.id)
        if c.id not in ended
        and c.id not in private
        and dates.get(c.meeting_id, dt.date.max) < meeting.date
    ]
    return tuple(sorted(result, key=lambda c: (c.target, c.id)))


def _round_item(
    rnd: Round,
    number: int,
    presenter: str | None,
    issue: str,
    fmt: Format | None,
    events: list[PhaseEvent],
    advice: Iterable[tuple[Advice, str | None, str]],  # each with its giver and text as shown
    commitments: list[CommitmentItem],
    *,
    now: float,
) -> RoundItem:
    phases: tuple[PhaseTime, ...] = ()
    status = Status.READY
    used_total = planned_total = 0.0
    if fmt is not None:
        try:
            state = replay(format_plan(fmt), events)
        except PeerkitError:
            state = None
        if state is not None:
            status = state.status
            used = state.used_at(now)
            reached = state.phase if status is not Status.FINISHED else len(state.plan) - 1
            phases = tuple(
                PhaseTime(
                    phase.name,
                    state.plan[i],
                    state.extended[i],
                    used[i],
                    status is not Status.READY and (i <= reached or used[i] > 0),
                )
                for i, phase in enumerate(fmt.phases)
            )
            used_total = sum(used)
            planned_total = sum(state.plan)
    else:
        status, used_total = _fold_unknown(events, now)

    order = list(KIND_TITLES)
    items = sorted(
        advice, key=lambda x: (order.index(x[0].kind), not x[0].starred, x[0].at, x[0].id)
    )
    return RoundItem(
        number=number,
        presenter_id=rnd.presenter_id,
        presenter=presenter,
        issue=issue,
        format_name=rnd.format_name,
        format_known=fmt is not None,
        status=status,
        phases=phases,
        used=used_total,
        planned=planned_total,
        advice=tuple(AdviceItem(a.kind, text, giver, a.starred) for a, giver, text in items),
        commitments=tuple(commitments),
    )


def _fold_unknown(events: list[PhaseEvent], now: float) -> tuple[Status, float]:
    """Status and seconds used of a round whose format is not known here (no phase names)."""
    status, used, since = Status.READY, 0.0, None
    for e in events:
        if e.kind is PhaseEventKind.START and status is Status.READY:
            status, since = Status.RUNNING, e.at
        elif e.kind is PhaseEventKind.PAUSE and since is not None:
            used, since, status = used + e.at - since, None, Status.PAUSED
        elif e.kind is PhaseEventKind.RESUME and since is None and status is Status.PAUSED:
            status, since = Status.RUNNING, e.at
        elif e.kind is PhaseEventKind.FINISH or (
            e.kind is PhaseEventKind.NEXT and status is not Status.READY
        ):
            if since is not None:
                used, since = used + e.at - since, e.at
            if e.kind is PhaseEventKind.FINISH:
                status, since = Status.FINISHED, None
    if since is not None:
        used += now - since
    return status, used
