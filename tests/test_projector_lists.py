"""What the room's lists hold: the advice (every starred piece, then the newest others that fit)
and the commitments (as they are saved, named or not), from the pure functions to the projector
widget on a real store (no browser: tests/ui/test_projector_room.py has the screen)."""

from __future__ import annotations

import datetime as dt

from peerkit import live
from peerkit.formats import built_in
from peerkit.meeting import RoundClock
from peerkit.model import Advice, AdviceKind, Commitment, Member
from peerkit.widgets.projector import (
    advice_for_the_room,
    advice_summary,
    commitments_for_the_room,
)

MASTERMIND = built_in()["mastermind hot seat"]


def advice(n: int, *, starred: bool = False, words: int = 4) -> tuple[Advice, str]:
    text = f"advice {n} " + "word " * words
    return Advice(n, 1, None, AdviceKind.SUGGESTION, text, 0.0, starred=starred), "Anonymous"


def numbers(shown: list[tuple[int, Advice, str]]) -> list[int]:
    return [n for n, _, _ in shown]


def test_every_starred_piece_is_shown_however_many() -> None:
    items = [advice(i, starred=i % 2 == 0, words=30) for i in range(1, 41)]
    shown = advice_for_the_room(items)
    starred = [i for i in range(1, 41) if i % 2 == 0]
    assert set(starred) <= set(numbers(shown))
    assert numbers(shown)[-1] == 40  # and the newest
    assert numbers(shown) == sorted(numbers(shown))  # in the console's order, its numbers


def test_the_newest_others_fill_the_room_left_and_the_newest_is_always_there() -> None:
    items = [advice(i) for i in range(1, 31)]
    shown = numbers(advice_for_the_room(items))
    assert shown == list(range(31 - len(shown), 31))  # the newest run, none skipped
    assert 1 < len(shown) < 30
    assert numbers(advice_for_the_room([advice(1, words=500)])) == [1]  # too long: still shown
    starred_fill = [advice(i, starred=True, words=60) for i in range(1, 6)] + [advice(6)]
    assert numbers(advice_for_the_room(starred_fill)) == [1, 2, 3, 4, 5, 6]


def test_the_summary_says_what_is_left_off() -> None:
    items = [advice(i, starred=i in (3, 7)) for i in range(1, 31)]
    shown = advice_for_the_room(items)
    others = len(shown) - 2
    assert advice_summary(items, shown) == (
        f"★ 2 starred, all shown · the newest {others} of 28 others"
    )
    few = [advice(1), advice(2, starred=True)]
    assert advice_summary(few, advice_for_the_room(few)) == "★ 1 starred"
    assert advice_summary(few[:1], advice_for_the_room(few[:1])) == ""


def test_commitments_named_or_not_and_never_private() -> None:
    ana = Member(1, 1, "Ana Lima", email="ana@example.org")
    ben = Member(2, 1, "Ben Ode")
    made = [
        Commitment(1, 1, 1, 7, "Call Ben Ode and ana@example.org", dt.date(2026, 4, 1)),
        Commitment(2, 2, 1, 7, "Kept for the facilitator", dt.date(2026, 4, 2), private=True),
        Commitment(3, 2, 1, 8, "Another round's", dt.date(2026, 4, 3)),
        Commitment(4, 2, 1, 7, "Ask Ana about pricing", dt.date(2026, 4, 4)),
    ]
    assert commitments_for_the_room(made, 7, [ana, ben], chatham_house=False) == [
        ("Ana Lima", "Call Ben Ode and ana@example.org", "2026-04-01"),
        ("Ben Ode", "Ask Ana about pricing", "2026-04-04"),
    ]
    assert commitments_for_the_room(made, 7, [ana, ben], chatham_house=True) == [
        ("A member", "Call a member and a member", "2026-04-01"),
        ("A member", "Ask a member about pricing", "2026-04-04"),
    ]


def test_the_projector_lists_commitments_from_the_commitment_phase_on(
    projector, store, cohort, clock
) -> None:
    c, (ana, ben, *_), meeting = cohort
    rnd = store.add_round(meeting.id, ana.id, MASTERMIND.name, issue="Pricing")
    round_clock = RoundClock(store, rnd.id, MASTERMIND, clock=clock)
    round_clock.start()
    live.put_on_screen(store, c.id, round_id=rnd.id)
    store.add_commitment(ana.id, meeting.id, "Call three customers", "2026-04-01", round_id=rnd.id)
    for phase in ("Present", "Clarifying questions", "Advice"):
        projector.refresh()
        assert projector.timer.phase == phase
        assert projector.commitments.value == ""  # not yet: the room is not there yet
        round_clock.next()
    projector.refresh()
    assert projector.timer.phase == "Commitments"
    assert "Ana</span>: Call three customers" in projector.commitments.value
    assert "2026-04-01" in projector.commitments.value
    assert "peerkit-projector-lists" in projector._dom_classes
    store.add_commitment(ben.id, meeting.id, "Share the deck", "2026-04-15", round_id=rnd.id)
    projector.refresh()
    assert "Commitments (2)" in projector.commitments.value
    live.put_on_screen(store, c.id, chatham_house=True)
    projector.refresh()
    assert "Ana" not in projector.commitments.value and "Ben" not in projector.commitments.value
    assert "A member" in projector.commitments.value
    round_clock.finish()
    projector.refresh()
    assert "Share the deck" in projector.commitments.value  # and after the round


def test_when_the_starred_fill_the_room_the_summary_says_how_many_others_are_left_off() -> None:
    items = [advice(i, starred=i != 2, words=80) for i in range(1, 9)] + [advice(9, starred=True)]
    shown = advice_for_the_room(items)
    assert all(a.starred for _, a, _ in shown)  # no room for the one other piece
    assert advice_summary(items, shown) == "★ 8 starred, all shown · 1 other not shown"
