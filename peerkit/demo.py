"""A realistic demo cohort: a year and more of monthly meetings, the same for the same seed."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from peerkit.formats import BUILT_IN
from peerkit.meeting import format_plan
from peerkit.model import AdviceKind, Attendance, Outcome
from peerkit.store import Store

PEOPLE = (
    ("Priya Raman", "CTO"),
    ("Marcus Webb", "VP Engineering"),
    ("Elena Sokolova", "Founder & CEO"),
    ("David Okafor", "Head of Product"),
    ("Sofia Lindqvist", "COO"),
    ("James Whitfield", "CEO"),
    ("Aiko Tanaka", "Director of Data"),
    ("Rafael Mendes", "CPO"),
    ("Hannah Berg", "Co-founder"),
    ("Omar Haddad", "Engineering Manager"),
    ("Claire Dubois", "CFO"),
    ("Tom Keller", "Head of Design"),
)
#: The member who leaves the group part-way through the demo year.
LEAVER = "Tom Keller"

ISSUES = (
    "My best engineer asked to go part-time, and two others are watching what I do.",
    "The board wants us to double headcount this year; I am not sure we can absorb it.",
    "My co-founder and I disagree about raising prices for existing customers.",
    "A large customer wants a custom feature that would take a quarter to build.",
    "I inherited a team that does not trust the product roadmap.",
    "We missed our last three release dates and morale is slipping.",
    "I need to let go of a long-time friend who no longer fits the role.",
    "Should we build our data platform in-house or buy one?",
    "My calendar is full of meetings and I have stopped doing deep work.",
    "Our sales team promises features that engineering has never heard of.",
    "I have been offered a bigger role at a competitor.",
    "Two senior managers are in open conflict and the teams are taking sides.",
    "We are moving from a founder-led sale to a sales team and it is not working.",
    "On-call is burning people out; attrition is rising in the platform team.",
    "How do I give honest feedback to a CEO who does not want to hear it?",
    "Our remote-first policy is being questioned by new investors.",
)

ADVICE = {
    AdviceKind.EXPERIENCE: (
        "When I faced this, I waited too long; the team already knew before I acted.",
        "I tried a part-time arrangement once: it worked because we wrote down the scope.",
        "In my last company we split the roadmap into commitments and bets; trust came back.",
        "I had the same conflict with my co-founder; an outside mediator saved us months.",
        "I said yes to a custom feature once and maintained it for five years.",
        "We moved on-call to a follow-the-sun rota and sick days halved within a quarter.",
    ),
    AdviceKind.SUGGESTION: (
        "Ask them what would make them stay, before you offer anything.",
        "Put a price on the custom work and see whether the customer still wants it.",
        "Block two mornings a week for deep work and defend them like a board meeting.",
        "Write the decision down with its reasons and share it before the all-hands.",
        "Hire one senior person before five juniors.",
        "Run a pre-mortem on the next release with the whole team.",
        "Pair each sales lead with a product manager for the next three deals.",
    ),
    AdviceKind.QUESTION: (
        "What would you advise if this were someone else's company?",
        "What are you not saying to your co-founder?",
        "Which of these options can you undo later?",
        "What does success look like in ninety days?",
    ),
    AdviceKind.RESOURCE: (
        "Read 'The Hard Thing About Hard Things', the chapter on firing friends.",
        "Try the RACI template I use; I will send it after the meeting.",
        "The 'Shape Up' book has a good model for bets and appetite.",
        "Talk to my former COO: she ran exactly this transition.",
    ),
}

COMMITMENTS = (
    "Have a one-to-one with each senior engineer about their plans",
    "Send the board a hiring plan with two scenarios",
    "Agree a pricing experiment with my co-founder",
    "Quote the custom feature at full cost and send it",
    "Publish the roadmap with confidence levels",
    "Run a pre-mortem before the next release",
    "Talk to HR about a fair exit package and a date",
    "Get two vendor demos and a build estimate",
    "Block Tuesday and Thursday mornings for deep work",
    "Set up a weekly sales and product sync",
    "Decide on the competitor offer and tell them",
    "Meet both managers together with a facilitator",
    "Hire a first sales lead",
    "Redesign the on-call rota with the platform team",
    "Give the CEO written feedback on the strategy",
    "Write our remote-work principles and share them with the investors",
)

PARKING = (
    "Next meeting's venue: can we rotate to Elena's office?",
    "Share a list of recruiters we trust",
    "Invite a guest speaker on board relations",
    "Revisit the ground rules for phones during rounds",
    "Book the annual retreat",
)

PLACES = ("Harbour Room, 5th floor", "Elena's office", "The Library Club", "Online")


#: The notes a demo review may carry, fitting its outcome (five each: one draw per review).
REVIEW_NOTES: dict[Outcome, tuple[str, ...]] = {
    Outcome.DONE: ("", "", "Done early.", "Shared it with the team.", "Easier than feared."),
    Outcome.PARTIAL: ("", "", "Half of it; the rest next month.", "Blocked by a re-org.", ""),
    Outcome.NOT_DONE: ("", "", "Blocked by a re-org.", "Needs help.", "Other fires first."),
    Outcome.RENEGOTIATED: ("", "", "Blocked by a re-org.", "Needs help.", "Waiting on legal."),
    Outcome.DROPPED: ("", "", "No longer matters.", "Overtaken by events.", ""),
}


@dataclass(frozen=True)
class DemoSummary:
    cohort: str
    members: int
    meetings: int
    rounds: int
    advice: int
    commitments: int
    reviews: int


def first_tuesday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(1 - first.weekday()) % 7)


def next_meeting_day(today: dt.date) -> dt.date:
    """The cohort's next meeting as the demo sets it: the first Tuesday of a month, on or after
    ``today`` (so members' pages have a meeting to file for)."""
    day = first_tuesday(today.year, today.month)
    if day >= today:
        return day
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return first_tuesday(year, month)


def meeting_dates(today: dt.date, count: int) -> list[dt.date]:
    """The first Tuesday of each of the ``count`` months before ``today``'s month."""
    dates = []
    year, month = today.year, today.month
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        dates.append(first_tuesday(year, month))
    return sorted(dates)


def build_demo(
    store: Store,
    *,
    seed: int = 7,
    cohort_name: str = "Northstar CTO Circle",
    meetings: int = 14,
    today: dt.date | None = None,
) -> DemoSummary:
    """Fill ``store`` with a demo cohort: same seed and same ``today``, same data."""
    rng = random.Random(seed)
    today = today or dt.date.today()
    dates = meeting_dates(today, meetings)
    cohort = store.add_cohort(cohort_name)
    members = [
        store.add_member(
            cohort.id,
            name,
            role=role,
            email=f"{name.split()[0].lower()}@example.org",
            joined=dates[0] - dt.timedelta(days=rng.randint(30, 400)),
        )
        for name, role in PEOPLE
    ]
    # Some members follow through, some do not: reliability is the chance of "done".
    reliability = {
        m.id: r
        for m, r in zip(
            members,
            rng.sample(
                [0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6, 0.55, 0.45, 0.4, 0.3, 0.25], k=len(members)
            ),
            strict=True,
        )
    }
    leaver = next(m for m in members if m.name == LEAVER)
    leave_after = meetings * 2 // 3
    last_presented = {m.id: dt.date.min for m in members}
    formats = [f for f in BUILT_IN if f.name != "troika consulting"]
    counts = dict(rounds=0, advice=0, commitments=0, reviews=0)

    for index, day in enumerate(dates):
        next_day = dates[index + 1] if index + 1 < len(dates) else None
        meeting = store.add_meeting(
            cohort.id,
            day,
            place=rng.choice(PLACES),
            planned_minutes=rng.choice((180, 240)),
            next_date=next_day or next_meeting_day(today),
        )
        active = [m for m in members if not (m.id == leaver.id and index > leave_after)]
        present = []
        for m in active:
            here = rng.random() < 0.88
            store.set_attendance(
                meeting.id, m.id, Attendance.PRESENT if here else Attendance.APOLOGIES
            )
            if here:
                present.append(m)
        if index == leave_after + 1:
            store.member_leaves(leaver.id, day)

        # Check-in: review what is due.
        for commitment, target in store.open_commitments(cohort.id):
            if commitment.meeting_id == meeting.id or target > day:
                continue
            if commitment.owner_id == leaver.id and index > leave_after:
                outcome = Outcome.DROPPED
            elif commitment.owner_id not in {m.id for m in present}:
                continue  # reviewed when they are back
            else:
                outcome = _outcome(rng, reliability[commitment.owner_id])
            new_target = None
            if outcome is Outcome.RENEGOTIATED:
                new_target = (next_day or day + dt.timedelta(days=28)) - dt.timedelta(
                    days=rng.randint(1, 5)
                )
            store.record_review(
                commitment.id,
                meeting.id,
                outcome,
                note=rng.choice(REVIEW_NOTES[outcome]),
                new_target_date=new_target,
                level=rng.choice((None, None, 1)) if outcome is Outcome.DONE else None,
            )
            counts["reviews"] += 1

        # Hot seats: who presented least recently goes first.
        queue = sorted(present, key=lambda m: (last_presented[m.id], rng.random()))
        clock = dt.datetime.combine(day, dt.time(9, 30), tzinfo=dt.UTC).timestamp()
        for position, presenter in enumerate(queue[: rng.choice((2, 3, 3))]):
            fmt = rng.choice(formats)
            private = rng.random() < 0.08
            issue = "Personal update (5%)" if private else rng.choice(ISSUES)
            rnd = store.add_round(
                meeting.id,
                presenter.id,
                fmt.name,
                issue=issue,
                position=position,
                private=private,
            )
            counts["rounds"] += 1
            last_presented[presenter.id] = day
            clock = _play_round(store, rng, rnd.id, format_plan(fmt), clock)
            if private:
                continue
            givers = [m for m in present if m.id != presenter.id]
            for _ in range(rng.randint(4, 8)):
                kind = rng.choice(list(AdviceKind))
                giver = rng.choice(givers) if rng.random() < 0.9 else None
                advice = store.add_advice(
                    rnd.id,
                    rng.choice(ADVICE[kind]),
                    giver_id=giver.id if giver else None,
                    kind=kind,
                    at=clock - rng.randint(60, 900),
                )
                if rng.random() < 0.25:
                    store.edit_advice(advice.id, starred=True)
                counts["advice"] += 1
            for _ in range(rng.choice((1, 1, 2, 2, 3))):
                target = (next_day or day + dt.timedelta(days=28)) - dt.timedelta(
                    days=rng.randint(0, 6)
                )
                if rng.random() < 0.2 and next_day:
                    target = day + dt.timedelta(days=rng.randint(40, 70))  # a longer goal
                levels = None
                if rng.random() < 0.15:
                    levels = (
                        "Not started",
                        "Started, stalled",
                        "Done as planned",
                        "Done early",
                        "Done and shared with the team",
                    )
                store.add_commitment(
                    presenter.id,
                    meeting.id,
                    rng.choice(COMMITMENTS),
                    target,
                    round_id=rnd.id,
                    weight=rng.choice((1.0, 1.0, 1.0, 2.0)),
                    levels=levels,
                )
                counts["commitments"] += 1
        for text in rng.sample(PARKING, k=rng.randint(0, 2)):
            store.add_parking(meeting.id, text)

    return DemoSummary(cohort.name, len(members), len(dates), **counts)


def _outcome(rng: random.Random, reliability: float) -> Outcome:
    roll = rng.random()
    if roll < reliability:
        return Outcome.DONE
    rest = (roll - reliability) / (1 - reliability)
    if rest < 0.3:
        return Outcome.PARTIAL
    if rest < 0.55:
        return Outcome.RENEGOTIATED
    if rest < 0.85:
        return Outcome.NOT_DONE
    return Outcome.DROPPED


def _play_round(
    store: Store, rng: random.Random, round_id: int, plan: tuple[float, ...], at: float
) -> float:
    """Log a plausible run of a round's phases starting at ``at``; return when it ended."""
    store.log_phase_event(round_id, "start", at)
    for index, seconds in enumerate(plan):
        used = seconds * rng.uniform(0.75, 1.35)
        if rng.random() < 0.1:
            store.log_phase_event(round_id, "extend", at + used * 0.8, value=60.0)
        at += used
        store.log_phase_event(round_id, "next" if index + 1 < len(plan) else "finish", at)
    return at + rng.randint(120, 600)
