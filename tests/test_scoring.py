"""Follow-through scoring, told as a facilitator would tell it.

The CTO circle meets on the second Tuesday of the month. Ana, Ben, Chloé (who has left), Dev and a
former member whose name was redacted bring their commitments back to the check-in.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import pytest

from peerkit.model import OUTCOME_LEVEL, REVIEW_COLUMNS, Outcome, PeerkitError
from peerkit.scoring import (
    NOTHING_DUE,
    OUTCOME_DTYPE,
    cohort_summary,
    completion_by_meeting,
    completion_rolling,
    gas_tscore,
    rate_text,
    review_credit,
    review_level,
    scoreboard,
    streaks,
)

# --------------------------------------------------------------------------------------------
# A small world to tell stories in

ANA, BEN, CHLOE, DEV, FORMER, EVE = 1, 2, 3, 4, 5, 6
JAN, FEB, MAR, APR = 101, 102, 103, 104  # the CTO circle's meetings
OTHER_1, OTHER_2 = 201, 202  # meetings of another cohort (Eve's)

MEETING_DATES = {
    JAN: "2024-01-09",
    FEB: "2024-02-13",
    MAR: "2024-03-12",
    APR: "2024-04-09",
    OTHER_1: "2024-01-20",
    OTHER_2: "2024-02-20",
}


def members_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "member_id": [ANA, BEN, CHLOE, DEV, FORMER, EVE],
            "cohort_id": [1, 1, 1, 1, 1, 2],
            "name": ["Ana", "Ben", "Chloé", "Dev", "Former member", "Eve"],
            "status": ["active", "active", "left", "active", "left", "active"],
            "redacted": [False, False, False, False, True, False],
        }
    )


def meetings_frame() -> pd.DataFrame:
    ids = list(MEETING_DATES)
    return pd.DataFrame(
        {
            "meeting_id": ids,
            "cohort_id": [1 if i < 200 else 2 for i in ids],
            "date": pd.to_datetime([MEETING_DATES[i] for i in ids]),
        }
    )


def review(
    owner: int,
    at: int,
    outcome: str,
    due: str,
    *,
    level: int | None = None,
    weight: float = 1.0,
    commitment: int | None = None,
    new_due: str | None = None,
) -> dict[str, Any]:
    """One review of one of ``owner``'s commitments, due on ``due``, held at meeting ``at``."""
    return {
        "commitment_id": commitment,
        "owner_id": owner,
        "cohort_id": 2 if owner == EVE else 1,
        "made_meeting_id": at,
        "target_date": pd.Timestamp(due),
        "weight": weight,
        "levels_defined": level is not None,
        "review_meeting_id": at,
        "reviewed_on": pd.Timestamp(MEETING_DATES[at]),
        "outcome": outcome,
        "level": level,
        "new_target_date": pd.Timestamp(new_due) if new_due else pd.NaT,
    }


def reviews_frame(*rows: dict[str, Any]) -> pd.DataFrame:
    # The store's columns but review_id (scoring does not need it).
    columns = [c for c in REVIEW_COLUMNS if c != "review_id"]
    frame = pd.DataFrame(list(rows), columns=columns)
    frame.insert(0, "review_id", np.arange(1, len(frame) + 1, dtype=np.int64))
    given = frame["commitment_id"]
    frame["commitment_id"] = given.where(given.notna(), frame["review_id"] + 1000).astype("int64")
    for col in ("owner_id", "cohort_id", "made_meeting_id", "review_meeting_id"):
        frame[col] = frame[col].astype("int64")
    frame["weight"] = frame["weight"].astype("float64")
    frame["levels_defined"] = frame["levels_defined"].astype(bool)
    frame["level"] = pd.array(frame["level"].tolist(), dtype="Int64")
    for col in ("target_date", "reviewed_on", "new_target_date"):
        frame[col] = pd.to_datetime(frame[col])
    frame["outcome"] = frame["outcome"].astype("str")
    return frame


def board(*rows: dict[str, Any], **kwargs: Any) -> pd.DataFrame:
    """The scoreboard of the story, indexed by member id."""
    frame = scoreboard(reviews_frame(*rows), members_frame(), meetings_frame(), **kwargs)
    return frame.set_index("member_id")


def cell(frame: pd.DataFrame, member: int, meeting: int) -> pd.Series:
    rows = frame[(frame["member_id"] == member) & (frame["meeting_id"] == meeting)]
    assert len(rows) == 1
    return rows.iloc[0]


# --------------------------------------------------------------------------------------------
# Goal Attainment Scaling


@pytest.mark.parametrize(
    ("levels", "weights", "rho", "expected"),
    [
        # Equal weights: Σx = 0+1-1+2 = 2, Σw² = 4, (Σw)² = 16,
        # √(0.7·4 + 0.3·16) = √7.6 = 2.756810, T = 50 + 20/2.756810 = 57.2548.
        pytest.param([0, 1, -1, 2], None, 0.3, 57.2548, id="equal-weights"),
        # Unequal weights: Σwx = 3·2 + 1·(-1) = 5, Σw² = 9+1 = 10, (Σw)² = 16,
        # √(0.7·10 + 0.3·16) = √11.8 = 3.435113, T = 50 + 50/3.435113 = 64.5555.
        pytest.param([2, -1], [3, 1], 0.3, 64.5555, id="unequal-weights"),
        # rho = 0: the denominator is √Σw². Four goals one level above expected:
        # T = 50 + 10·4/√4 = 70.
        pytest.param([1, 1, 1, 1], None, 0.0, 70.0, id="rho-0"),
        # rho = 0, weighted: Σwx = 2 + 0 - 1 = 1, Σw² = 1+4+1 = 6, T = 50 + 10/√6 = 54.0825.
        pytest.param([2, 0, -1], [1, 2, 1], 0.0, 54.0825, id="rho-0-weighted"),
        # One goal: the denominator is its own weight whatever rho, so T = 50 + 10x.
        pytest.param([2], [5], 0.3, 70.0, id="one-goal-best"),
        pytest.param([-2], None, 0.9, 30.0, id="one-goal-worst"),
        # Everything as expected is 50, whatever the weights.
        pytest.param([0, 0, 0], None, 0.3, 50.0, id="all-expected"),
        pytest.param([0, 0], [1, 4], 0.0, 50.0, id="all-expected-weighted"),
    ],
)
def test_gas_tscore_worked_by_hand(
    levels: list[int], weights: list[float] | None, rho: float, expected: float
) -> None:
    assert gas_tscore(levels, weights, rho=rho) == pytest.approx(expected, abs=1e-4)


def test_gas_tscore_default_rho_is_point_three() -> None:
    assert gas_tscore([0, 1, -1, 2]) == pytest.approx(50 + 20 / math.sqrt(7.6))


@pytest.mark.parametrize(
    ("levels", "weights", "rho", "message"),
    [
        ([], None, 0.3, "at least one goal"),
        ([3], None, 0.3, "out of range"),
        ([0, -3], None, 0.3, "out of range"),
        ([0.5], None, 0.3, "out of range"),
        ([float("nan")], None, 0.3, "out of range"),
        (["done"], None, 0.3, "whole numbers"),
        ([1, 2], [1], 0.3, "one weight per goal"),
        ([1], [0], 0.3, "positive"),
        ([1], [-2], 0.3, "positive"),
        ([1], [float("inf")], 0.3, "positive"),
        ([1], None, 1.0, "rho"),
        ([1], None, -0.1, "rho"),
        ([1], None, float("nan"), "rho"),
    ],
)
def test_gas_tscore_refuses_bad_input(
    levels: list[Any], weights: list[float] | None, rho: float, message: str
) -> None:
    with pytest.raises(PeerkitError, match=message):
        gas_tscore(levels, weights, rho=rho)


# --------------------------------------------------------------------------------------------
# Credit and level of one review


@pytest.mark.parametrize(
    ("outcome", "due", "credit"),
    [
        ("done", "2024-02-01", 1.0),
        ("partial", "2024-02-01", 0.5),
        ("not done", "2024-02-01", 0.0),
        ("dropped", "2024-02-01", 0.0),
        # Renegotiated at the February meeting (13th) for something due later: not counted.
        ("renegotiated", "2024-03-01", math.nan),
        # ... or due that very day: still on time, not counted.
        ("renegotiated", "2024-02-13", math.nan),
        # ... but renegotiating what was due on 1 February is a miss.
        ("renegotiated", "2024-02-01", 0.0),
    ],
)
def test_review_credit(outcome: str, due: str, credit: float) -> None:
    got = review_credit(reviews_frame(review(ANA, FEB, outcome, due)))
    assert got.name == "credit"
    if math.isnan(credit):
        assert math.isnan(got.iloc[0])
    else:
        assert got.iloc[0] == credit


def test_review_level_uses_the_members_own_levels_first() -> None:
    frame = reviews_frame(
        review(ANA, FEB, "done", "2024-02-01"),  # no own levels: done is the expected 0
        review(ANA, FEB, "done", "2024-02-01", level=2),  # beyond expectations
        review(ANA, FEB, "partial", "2024-02-01"),  # -1
        review(ANA, FEB, "not done", "2024-02-01"),  # -2
        review(ANA, FEB, "renegotiated", "2024-03-01"),  # -1
        review(ANA, FEB, "dropped", "2024-02-01", level=0),  # dropped but judged as expected
    )
    assert review_level(frame).tolist() == [0, 2, -1, -2, -1, 0]
    assert str(review_level(frame).dtype) == "Int64"


def test_review_level_refuses_a_level_off_the_scale() -> None:
    frame = reviews_frame(review(ANA, FEB, "done", "2024-02-01", level=3))
    with pytest.raises(PeerkitError, match="Review 1 has GAS level 3"):
        review_level(frame)


@pytest.mark.parametrize(
    ("credit", "reviewed", "text"),
    [
        (0.0, 0, NOTHING_DUE),
        (0.0, 3, "0%"),
        (4.0, 4, "100%"),
        (3.0, 4, "75%"),
        (5.0, 6, "83%"),
        (5.0, 8, "63%"),  # 62.5%: half a percent rounds up
        (11.5, 20, "58%"),  # 57.5% exactly, though 11.5 / 20 * 100 is 57.4999... in floats
        (1.0, 1000, "1%"),  # something done never reads 0%
        (999.0, 1000, "99%"),  # something missed never reads 100%
    ],
)
def test_rate_text(credit: float, reviewed: int, text: str) -> None:
    assert rate_text([credit], [reviewed]).tolist() == [text]


def exact_percent(halves: int, reviewed: int) -> str:
    """The rule in the docs, on fractions: half-percents up, never 0%/100% in between."""
    if reviewed == 0:
        return NOTHING_DUE
    pct = math.floor(Fraction(halves, 2 * reviewed) * 100 + Fraction(1, 2))
    if 0 < halves < 2 * reviewed:
        pct = min(max(pct, 1), 99)
    return f"{pct}%"


def test_rate_text_matches_exact_arithmetic_for_every_score_up_to_200_reviews() -> None:
    reviewed = np.concatenate([np.full(2 * n + 1, n) for n in range(201)])
    halves = np.concatenate([np.arange(2 * n + 1) for n in range(201)])
    got = rate_text(halves / 2, reviewed).tolist()
    expected = [exact_percent(int(h), int(n)) for h, n in zip(halves, reviewed, strict=True)]
    assert got == expected
    # Rounding the float rate instead gets some of these wrong (the sweep has teeth).
    rate = halves / 2 / np.maximum(reviewed, 1)
    floats = np.floor(rate * 100.0 + 0.5)
    inner = (halves > 0) & (halves < 2 * reviewed)
    floats = np.where(inner, np.clip(floats, 1, 99), floats).astype(int)
    wrong = [
        (h, n)
        for h, n, f in zip(halves, reviewed, floats, strict=True)
        if n and f"{f}%" != exact_percent(int(h), int(n))
    ]
    assert (23, 20) in wrong  # 11.5 of 20


# --------------------------------------------------------------------------------------------
# Completion


def test_partial_counts_half() -> None:
    # Ana did one thing and half of another: 1.5 of 2 reviewed.
    frame = board(
        review(ANA, FEB, "done", "2024-02-01"),
        review(ANA, FEB, "partial", "2024-02-01"),
    )
    ana = frame.loc[ANA]
    assert (ana["reviewed"], ana["done"], ana["partial"]) == (2, 1, 1)
    assert ana["rate"] == 0.75
    assert ana["rate_text"] == "75%"


def test_renegotiating_before_due_is_not_a_failure_after_due_is_a_miss() -> None:
    frame = board(
        # February: Ben did one thing, and moved another (due in March) to April.
        review(BEN, FEB, "done", "2024-02-01"),
        review(BEN, FEB, "renegotiated", "2024-03-01", new_due="2024-04-01"),
        # March: Ben renegotiates something that was due on 1 March: too late, a miss.
        review(BEN, MAR, "renegotiated", "2024-03-01", new_due="2024-05-01"),
    )
    ben = frame.loc[BEN]
    assert ben["renegotiated"] == 2  # both renegotiations are listed ...
    assert ben["reviewed"] == 2  # ... but only the late one is reviewed
    assert ben["rate"] == 0.5
    by_meeting = completion_by_meeting(
        reviews_frame(
            review(BEN, FEB, "done", "2024-02-01"),
            review(BEN, FEB, "renegotiated", "2024-03-01"),
            review(BEN, MAR, "renegotiated", "2024-03-01"),
        ),
        members_frame(),
        meetings_frame(),
    )
    assert cell(by_meeting, BEN, FEB)["status"] == "100%"
    assert cell(by_meeting, BEN, MAR)["status"] == "0%"


def test_a_commitment_renegotiated_twice_then_done() -> None:
    # Ana's hiring plan was due 20 Feb. At the February meeting (13th) she moves it to 20 March;
    # at the March meeting (12th) to 30 April; in April she reports it done. One success.
    frame = board(
        review(ANA, FEB, "renegotiated", "2024-02-20", commitment=7, new_due="2024-03-20"),
        review(ANA, MAR, "renegotiated", "2024-03-20", commitment=7, new_due="2024-04-30"),
        review(ANA, APR, "done", "2024-04-30", commitment=7),
    )
    ana = frame.loc[ANA]
    assert (ana["reviewed"], ana["done"], ana["renegotiated"]) == (1, 1, 2)
    assert ana["rate"] == 1.0
    # GAS scores the goal once, when it is finally reviewed: done as expected is 50.
    assert ana["gas_t"] == pytest.approx(50.0)
    assert (ana["current_streak"], ana["best_streak"]) == (1, 1)


def test_nothing_due_reads_nothing_due_never_zero_percent() -> None:
    frame = board(review(ANA, FEB, "done", "2024-02-01"))
    dev = frame.loc[DEV]
    assert dev["reviewed"] == 0
    assert pd.isna(dev["rate"])
    assert dev["rate_text"] == NOTHING_DUE
    assert pd.isna(dev["gas_t"])
    assert (dev["current_streak"], dev["best_streak"]) == (0, 0)

    by_meeting = completion_by_meeting(
        reviews_frame(review(ANA, FEB, "done", "2024-02-01")), members_frame(), meetings_frame()
    )
    devs = by_meeting[by_meeting["member_id"] == DEV]
    assert devs["status"].tolist() == [NOTHING_DUE] * 4
    assert not by_meeting["status"].eq("0%").any()
    assert cell(by_meeting, ANA, JAN)["status"] == NOTHING_DUE
    assert cell(by_meeting, ANA, FEB)["status"] == "100%"


def test_only_renegotiated_on_time_is_nothing_due() -> None:
    frame = board(review(ANA, FEB, "renegotiated", "2024-03-01"))
    assert frame.loc[ANA, "rate_text"] == NOTHING_DUE
    assert frame.loc[ANA, "renegotiated"] == 1


def test_everything_dropped_is_zero_percent() -> None:
    frame = board(
        review(CHLOE, JAN, "dropped", "2024-01-05"),
        review(CHLOE, FEB, "dropped", "2024-02-01"),
    )
    chloe = frame.loc[CHLOE]
    assert chloe["rate"] == 0.0
    assert chloe["rate_text"] == "0%"
    assert chloe["dropped"] == 2
    assert chloe["gas_t"] == pytest.approx(50 + 10 * -4 / math.sqrt(0.7 * 2 + 0.3 * 4))


def test_a_member_who_left_still_appears() -> None:
    frame = board(review(CHLOE, JAN, "done", "2024-01-05"))
    assert frame.loc[CHLOE, "status"] == "left"
    assert frame.loc[CHLOE, "name"] == "Chloé"
    assert frame.loc[CHLOE, "rate_text"] == "100%"


def test_a_redacted_member_keeps_the_replacement_name() -> None:
    frame = board(review(FORMER, JAN, "not done", "2024-01-05"))
    assert frame.loc[FORMER, "name"] == "Former member"
    assert frame.loc[FORMER, "status"] == "left"
    assert frame.loc[FORMER, "rate_text"] == "0%"


def test_scoreboard_has_every_member_and_the_promised_columns() -> None:
    frame = scoreboard(reviews_frame(), members_frame(), meetings_frame())
    assert list(frame.columns) == [
        "member_id",
        "cohort_id",
        "name",
        "status",
        "reviewed",
        "done",
        "partial",
        "not_done",
        "dropped",
        "renegotiated",
        "rate",
        "rate_text",
        "gas_t",
        "current_streak",
        "best_streak",
    ]
    assert frame["member_id"].tolist() == [ANA, BEN, CHLOE, DEV, FORMER, EVE]
    assert frame["rate_text"].eq(NOTHING_DUE).all()


def test_gas_uses_commitment_weights_and_own_levels() -> None:
    # Ana's big commitment (weight 3) went beyond expectations (+2); a small one (weight 1) was
    # not done (-2): Σwx = 6 - 2 = 4, Σw² = 10, (Σw)² = 16, T = 50 + 40/√11.8 = 61.6444.
    frame = board(
        review(ANA, FEB, "done", "2024-02-01", level=2, weight=3.0),
        review(ANA, FEB, "not done", "2024-02-01", weight=1.0),
    )
    assert frame.loc[ANA, "gas_t"] == pytest.approx(61.6444, abs=1e-4)
    assert frame.loc[ANA, "gas_t"] == pytest.approx(gas_tscore([2, -2], [3, 1]))
    assert board(
        review(ANA, FEB, "done", "2024-02-01", level=2, weight=3.0),
        review(ANA, FEB, "not done", "2024-02-01", weight=1.0),
        rho=0.0,
    ).loc[ANA, "gas_t"] == pytest.approx(50 + 40 / math.sqrt(10))


def test_equal_weights_other_than_one_score_like_one() -> None:
    rows = [
        review(ANA, FEB, "done", "2024-02-01", level=1, weight=2.0),
        review(ANA, FEB, "partial", "2024-02-01", weight=2.0),
        review(ANA, MAR, "not done", "2024-03-01", weight=2.0),
    ]
    assert board(*rows).loc[ANA, "gas_t"] == pytest.approx(gas_tscore([1, -1, -2]))


def test_since_leaves_out_earlier_meetings() -> None:
    rows = [
        review(ANA, JAN, "not done", "2024-01-05"),
        review(ANA, MAR, "done", "2024-03-01"),
    ]
    assert board(*rows).loc[ANA, "rate"] == 0.5
    recent = board(*rows, since="2024-02-01")
    assert recent.loc[ANA, "rate"] == 1.0
    assert recent.loc[ANA, "reviewed"] == 1


# --------------------------------------------------------------------------------------------
# Streaks


def test_streak_broken_by_a_partial_not_by_a_meeting_with_nothing_due() -> None:
    rows = [
        review(ANA, JAN, "done", "2024-01-05"),
        review(ANA, FEB, "done", "2024-02-01"),
        review(ANA, FEB, "partial", "2024-02-01"),  # February is not a clean sweep: broken
        review(ANA, MAR, "done", "2024-03-01"),
        # April: nothing due for Ana; the streak of one carries on.
        review(BEN, JAN, "done", "2024-01-05"),
        # February: nothing due for Ben; the streak neither breaks nor grows.
        review(BEN, MAR, "done", "2024-03-01"),
        review(BEN, APR, "done", "2024-04-01"),
    ]
    got = streaks(reviews_frame(*rows), members_frame(), meetings_frame()).set_index("member_id")
    assert (got.loc[ANA, "current_streak"], got.loc[ANA, "best_streak"]) == (1, 1)
    assert (got.loc[BEN, "current_streak"], got.loc[BEN, "best_streak"]) == (3, 3)
    assert (got.loc[DEV, "current_streak"], got.loc[DEV, "best_streak"]) == (0, 0)
    frame = board(*rows)
    assert (frame.loc[BEN, "current_streak"], frame.loc[BEN, "best_streak"]) == (3, 3)


def test_best_streak_survives_a_later_miss() -> None:
    rows = [
        review(ANA, JAN, "done", "2024-01-05"),
        review(ANA, FEB, "done", "2024-02-01"),
        review(ANA, MAR, "done", "2024-03-01"),
        review(ANA, APR, "dropped", "2024-04-01"),
    ]
    frame = board(*rows)
    assert (frame.loc[ANA, "current_streak"], frame.loc[ANA, "best_streak"]) == (0, 3)


def test_renegotiating_on_time_does_not_break_a_streak() -> None:
    rows = [
        review(ANA, JAN, "done", "2024-01-05"),
        review(ANA, FEB, "renegotiated", "2024-03-01"),
        review(ANA, MAR, "done", "2024-03-01"),
    ]
    frame = board(*rows)
    assert frame.loc[ANA, "current_streak"] == 2


# --------------------------------------------------------------------------------------------
# Per meeting, rolling, and per cohort


def test_completion_by_meeting_is_the_full_member_by_meeting_grid() -> None:
    frame = completion_by_meeting(
        reviews_frame(
            review(ANA, FEB, "done", "2024-02-01"),
            review(ANA, FEB, "partial", "2024-02-01"),
            review(ANA, FEB, "not done", "2024-02-01"),
            review(ANA, FEB, "done", "2024-02-01"),
            review(EVE, OTHER_2, "done", "2024-02-01"),
        ),
        members_frame(),
        meetings_frame(),
    )
    # five members × four meetings in the circle, one member × two meetings in Eve's cohort
    assert len(frame) == 5 * 4 + 2
    for col in ("member_id", "name", "meeting_id", "date", "reviewed", "credit", "rate"):
        assert col in frame.columns
    ana = cell(frame, ANA, FEB)
    assert (ana["reviewed"], ana["credit"], ana["rate"], ana["status"]) == (4, 2.5, 0.625, "63%")
    assert ana["name"] == "Ana"
    assert ana["date"] == pd.Timestamp("2024-02-13")
    assert cell(frame, EVE, OTHER_2)["status"] == "100%"
    # each member's meetings run in date order
    anas = frame[frame["member_id"] == ANA]
    assert anas["meeting_id"].tolist() == [JAN, FEB, MAR, APR]


def test_completion_rolling_over_three_meetings() -> None:
    rows = [
        review(ANA, JAN, "done", "2024-01-05"),
        review(ANA, FEB, "not done", "2024-02-01"),
        review(ANA, MAR, "partial", "2024-03-01"),
        review(ANA, APR, "done", "2024-04-01"),
    ]
    frame = completion_rolling(reviews_frame(*rows), members_frame(), meetings_frame())
    anas = frame[frame["member_id"] == ANA].set_index("meeting_id")
    # Jan: 1/1; Feb: (1+0)/2; Mar: (1+0+.5)/3; Apr: Feb..Apr = (0+.5+1)/3
    assert anas["rate"].tolist() == pytest.approx([1.0, 0.5, 0.5, 0.5])
    assert anas["reviewed"].tolist() == [1, 2, 3, 3]
    two = completion_rolling(reviews_frame(*rows), members_frame(), meetings_frame(), window=2)
    anas = two[two["member_id"] == ANA]
    assert anas["rate"].tolist() == pytest.approx([1.0, 0.5, 0.25, 0.75])
    devs = frame[frame["member_id"] == DEV]
    assert devs["status"].eq(NOTHING_DUE).all()


@pytest.mark.parametrize("window", [0, -1, 1.5, "3", True])
def test_completion_rolling_refuses_a_silly_window(window: Any) -> None:
    with pytest.raises(PeerkitError, match="window"):
        completion_rolling(reviews_frame(), members_frame(), meetings_frame(), window=window)


def test_cohort_summary() -> None:
    rows = [
        review(ANA, FEB, "done", "2024-02-01"),
        review(ANA, FEB, "done", "2024-02-01"),
        review(BEN, FEB, "partial", "2024-02-01"),
        review(CHLOE, FEB, "not done", "2024-02-01", level=-1),
        review(EVE, OTHER_1, "done", "2024-01-10", level=1),
    ]
    frame = cohort_summary(reviews_frame(*rows), members_frame(), meetings_frame())
    assert len(frame) == 6
    feb = frame.set_index("meeting_id").loc[FEB]
    assert feb["members_reviewed"] == 3
    assert feb["reviewed"] == 4
    assert feb["rate"] == pytest.approx(2.5 / 4)
    assert feb["median_member_rate"] == pytest.approx(0.5)  # Ana 1, Ben .5, Chloé 0
    # Ana T=50 (two goals as expected), Ben T=40, Chloé T=40 (her own level -1).
    assert feb["mean_gas_t"] == pytest.approx((50 + 40 + 40) / 3)
    jan = frame.set_index("meeting_id").loc[JAN]
    assert jan["members_reviewed"] == 0
    assert jan["rate_text"] == NOTHING_DUE
    assert pd.isna(jan["mean_gas_t"])
    other = frame.set_index("meeting_id").loc[OTHER_1]
    assert (other["cohort_id"], other["mean_gas_t"]) == (2, pytest.approx(60.0))


# --------------------------------------------------------------------------------------------
# Input handling


@pytest.mark.parametrize(
    "as_outcome",
    [
        pytest.param(lambda s: s.astype(OUTCOME_DTYPE), id="categorical"),
        pytest.param(lambda s: s.map(Outcome), id="enum"),
        pytest.param(lambda s: s.astype(object), id="object"),
    ],
)
def test_outcome_column_can_be_text_categorical_or_enum(as_outcome: Any) -> None:
    rows = [
        review(ANA, JAN, "done", "2024-01-05"),
        review(ANA, FEB, "partial", "2024-02-01"),
        review(BEN, FEB, "renegotiated", "2024-03-01"),
        review(BEN, MAR, "renegotiated", "2024-03-01"),
        review(CHLOE, MAR, "dropped", "2024-03-01"),
        review(CHLOE, MAR, "not done", "2024-03-01"),
    ]
    plain = reviews_frame(*rows)
    other = plain.assign(outcome=as_outcome(plain["outcome"]))
    expected = scoreboard(plain, members_frame(), meetings_frame())
    pd.testing.assert_frame_equal(scoreboard(other, members_frame(), meetings_frame()), expected)


def test_unknown_outcome_is_refused() -> None:
    frame = reviews_frame(review(ANA, FEB, "sort of", "2024-02-01"))
    with pytest.raises(PeerkitError, match="Unknown review outcome 'sort of'"):
        scoreboard(frame, members_frame(), meetings_frame())


def test_review_at_another_cohorts_meeting_is_refused() -> None:
    frame = reviews_frame(review(ANA, OTHER_1, "done", "2024-01-05"))
    with pytest.raises(PeerkitError, match="not a meeting of its owner's cohort 1"):
        scoreboard(frame, members_frame(), meetings_frame())


def test_reviews_outside_the_members_and_meetings_given_are_left_out() -> None:
    frame = reviews_frame(
        review(ANA, FEB, "done", "2024-02-01"),
        review(EVE, OTHER_1, "not done", "2024-01-05"),
    )
    circle = members_frame().query("cohort_id == 1")
    got = scoreboard(frame, circle, meetings_frame())
    assert EVE not in got["member_id"].tolist()
    assert got.set_index("member_id").loc[ANA, "rate"] == 1.0


def test_non_positive_weight_is_refused() -> None:
    frame = reviews_frame(
        review(ANA, FEB, "done", "2024-02-01"),
        review(ANA, FEB, "done", "2024-02-01", weight=0.0, commitment=9),
    )
    with pytest.raises(PeerkitError, match="Commitment 9 has weight 0"):
        scoreboard(frame, members_frame(), meetings_frame())


def test_missing_column_and_duplicate_ids_are_refused() -> None:
    frame = reviews_frame(review(ANA, FEB, "done", "2024-02-01"))
    with pytest.raises(PeerkitError, match="lacks the column"):
        scoreboard(frame.drop(columns="weight"), members_frame(), meetings_frame())
    twice = pd.concat([members_frame(), members_frame().head(1)])
    with pytest.raises(PeerkitError, match="same id twice"):
        scoreboard(frame, twice, meetings_frame())
    with pytest.raises(PeerkitError, match="rho"):
        scoreboard(frame, members_frame(), meetings_frame(), rho=1.5)


def test_empty_everything() -> None:
    empty_members = members_frame().head(0)
    empty_meetings = meetings_frame().head(0)
    assert scoreboard(reviews_frame(), empty_members, empty_meetings).empty
    assert completion_by_meeting(reviews_frame(), members_frame(), empty_meetings).empty
    assert cohort_summary(reviews_frame(), members_frame(), empty_meetings).empty
    frame = scoreboard(
        reviews_frame(review(ANA, FEB, "done", "2024-02-01")), members_frame(), empty_meetings
    )
    assert frame["reviewed"].eq(0).all()


# --------------------------------------------------------------------------------------------
# The vectorised code against a plain one on random cohorts


def random_world(seed: int, equal_weights: bool) -> tuple[pd.DataFrame, ...]:
    rng = np.random.default_rng(seed)
    n_cohorts, per, n_meet = 3, 4, 6
    members = pd.DataFrame(
        {
            "member_id": rng.permutation(np.arange(10, 10 + n_cohorts * per)) * 7,
            "cohort_id": np.repeat(np.arange(1, n_cohorts + 1), per),
            "name": [f"M{i}" for i in range(n_cohorts * per)],
            "status": rng.choice(["active", "left"], n_cohorts * per),
            "redacted": False,
        }
    )
    meeting_ids = rng.permutation(np.arange(1, n_cohorts * n_meet + 1)) * 1000
    offsets = rng.permutation(n_cohorts * n_meet)  # dates not in id order
    meetings = pd.DataFrame(
        {
            "meeting_id": meeting_ids,
            "cohort_id": np.repeat(np.arange(1, n_cohorts + 1), n_meet),
            "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(offsets * 9, unit="D"),
        }
    )
    n = 250
    who = rng.integers(0, len(members), n)
    owner = members["member_id"].to_numpy()[who]
    coh = members["cohort_id"].to_numpy()[who]
    at = np.array([rng.choice(meetings.index[meetings["cohort_id"] == c]) for c in coh])
    reviewed_on = meetings["date"].to_numpy()[at]
    levels = rng.choice([-2, -1, 0, 1, 2], n).astype(object)
    levels[rng.random(n) < 0.7] = None
    reviews = pd.DataFrame(
        {
            "review_id": np.arange(n),
            "commitment_id": np.arange(n) + 500,
            "owner_id": owner,
            "cohort_id": coh,
            "made_meeting_id": meetings["meeting_id"].to_numpy()[at],
            "target_date": reviewed_on + rng.integers(-15, 15, n).astype("timedelta64[D]"),
            "weight": np.full(n, 2.0) if equal_weights else rng.choice([0.5, 1.0, 3.0], n),
            "levels_defined": False,
            "review_meeting_id": meetings["meeting_id"].to_numpy()[at],
            "reviewed_on": reviewed_on,
            "outcome": rng.choice([o.value for o in Outcome], n, p=[0.4, 0.2, 0.15, 0.1, 0.15]),
            "level": pd.array(levels, dtype="Int64"),
            "new_target_date": pd.NaT,
        }
    )
    return reviews, members, meetings


def plain_scoreboard(
    reviews: pd.DataFrame, members: pd.DataFrame, meetings: pd.DataFrame, rho: float
) -> pd.DataFrame:
    """The rules written out one review at a time."""
    records: list[dict[Any, Any]] = reviews.to_dict("records")
    rows = []
    for m in members.to_dict("records"):
        dates = meetings[meetings["cohort_id"] == m["cohort_id"]].sort_values("date")
        mine = [r for r in records if r["owner_id"] == m["member_id"]]
        counted = [
            r
            for r in mine
            if not (r["outcome"] == "renegotiated" and r["reviewed_on"] <= r["target_date"])
        ]
        credit = sum({"done": 1.0, "partial": 0.5}.get(r["outcome"], 0.0) for r in counted)
        levels = [
            OUTCOME_LEVEL[Outcome(r["outcome"])] if pd.isna(r["level"]) else r["level"]
            for r in counted
        ]
        current = best = 0
        for meeting_id in dates["meeting_id"]:
            due = [r for r in counted if r["review_meeting_id"] == meeting_id]
            if not due:
                continue
            current = current + 1 if all(r["outcome"] == "done" for r in due) else 0
            best = max(best, current)
        rows.append(
            {
                "member_id": m["member_id"],
                "reviewed": len(counted),
                "done": sum(r["outcome"] == "done" for r in counted),
                "renegotiated": sum(r["outcome"] == "renegotiated" for r in mine),
                "rate": credit / len(counted) if counted else math.nan,
                "gas_t": gas_tscore(levels, [r["weight"] for r in counted], rho)
                if counted
                else math.nan,
                "current_streak": current,
                "best_streak": best,
            }
        )
    return pd.DataFrame(rows).set_index("member_id").sort_index()


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("equal_weights", [True, False])
def test_scoreboard_matches_the_rules_written_out(seed: int, equal_weights: bool) -> None:
    reviews, members, meetings = random_world(seed, equal_weights)
    rho = 0.3 if seed % 2 else 0.1
    got = scoreboard(reviews, members, meetings, rho=rho).set_index("member_id").sort_index()
    expected = plain_scoreboard(reviews, members, meetings, rho)
    for col in expected.columns:
        np.testing.assert_allclose(
            got[col].to_numpy(dtype=float), expected[col].to_numpy(dtype=float), err_msg=col
        )
    by_meeting = completion_by_meeting(reviews, members, meetings)
    counted = reviews[~review_credit(reviews).isna()]
    sums = counted.groupby(["owner_id", "review_meeting_id"]).size()
    nonzero = by_meeting[by_meeting["reviewed"] > 0].set_index(["member_id", "meeting_id"])
    assert nonzero["reviewed"].sort_index().tolist() == sums.sort_index().tolist()
