"""Which target date is in force after renegotiations: one rule, read the same by the check-in
list, the minutes and every score."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from peerkit import minutes
from peerkit.model import judged_targets, targets_now

D = dt.date.toordinal


def test_a_review_judges_the_date_set_by_the_latest_renegotiation_held_before_it():
    # Commitment 7 (due 1 Mar) renegotiated on 5 Mar to 1 Apr and on 9 Apr to 1 May, then done
    # on 7 May; the reviews were recorded out of order (ids 3, 1, 2). Commitment 8 never moved.
    commitment = [7, 7, 7, 8]
    held = [D(dt.date(2026, 3, 5)), D(dt.date(2026, 4, 9)), D(dt.date(2026, 5, 7)), 10]
    review = [3, 1, 2, 4]
    own = [D(dt.date(2026, 3, 1))] * 3 + [5]
    new = [D(dt.date(2026, 4, 1)), D(dt.date(2026, 5, 1)), 0, 0]
    given = [True, True, False, False]
    judged = judged_targets(commitment, held, review, own, new, given)
    assert [dt.date.fromordinal(int(d)) for d in judged[:3]] == [
        dt.date(2026, 3, 1),
        dt.date(2026, 4, 1),
        dt.date(2026, 5, 1),
    ]
    assert judged[3] == 5
    now = targets_now(
        [
            (7, dt.date(2026, 4, 9), 1, dt.date(2026, 5, 1)),
            (7, dt.date(2026, 3, 5), 3, dt.date(2026, 4, 1)),  # held first, recorded last
            (8, dt.date(2026, 3, 5), 4, None),
        ]
    )
    assert now == {7: dt.date(2026, 5, 1)}


def test_check_in_minutes_and_scores_agree_when_reviews_were_recorded_out_of_order(store, cohort):
    """A correction recorded the April renegotiation after the May one: the May one, held
    later, sets the date in force, for the check-in list, the minutes and the scores alike."""
    c, (ana, *_), first = cohort
    april = store.add_meeting(c.id, "2026-04-07")
    may = store.add_meeting(c.id, "2026-05-12")
    call = store.add_commitment(ana.id, first.id, "Call HR", "2026-04-30")
    store.record_review(call.id, may.id, "renegotiated", new_target_date="2026-06-09")
    store.record_review(call.id, april.id, "renegotiated", new_target_date="2026-05-05")

    [(_, target)] = store.open_commitments(c.id)
    assert target == dt.date(2026, 6, 9)
    gathered = minutes.gather(store, may.id)
    [item] = [r.commitment for r in gathered.checkin]
    assert item.target == dt.date(2026, 6, 9)
    reviews = store.frames(c.id)["reviews"].set_index("review_meeting_id")
    # April's renegotiation judged the own date (on time); May's judged April's new date,
    # 5 May, and came after it: a miss.
    assert reviews.loc[april.id, "target_date"] == pd.Timestamp("2026-04-30")
    assert reviews.loc[may.id, "target_date"] == pd.Timestamp("2026-05-05")
    assert gathered.follow_through is not None
    [ana_row] = [r for r in gathered.follow_through.rows if r.member_id == ana.id]
    assert (ana_row.reviewed, ana_row.rate_text) == (1, "0%")
