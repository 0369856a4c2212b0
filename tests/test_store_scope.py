"""A store opened with ``allowed_cohorts`` refuses every read and write of another cohort's rows,
by id or by cohort, in one plain sentence, and changes nothing."""

from __future__ import annotations

import inspect

import pytest

from peerkit.model import PeerkitError
from peerkit.store import Store
from peerkit.store.cohorts import BY_ID, MANY_BY_ID

REFUSED = r"^You may not open the cohort 'Leaders B': your peerkit settings allow only Leaders A\."


def _fill(store: Store, name: str) -> dict[str, int]:
    """One cohort with a member, a meeting, a round, advice, a commitment, its review and a
    parking-lot item: the ids of each, by the argument names the store's methods take."""
    cohort = store.add_cohort(name)
    ana = store.add_member(cohort.id, "Ana")
    first = store.add_meeting(cohort.id, "2026-03-03")
    later = store.add_meeting(cohort.id, "2026-04-07")
    rnd = store.add_round(first.id, ana.id, "troika consulting", issue="Pricing")
    advice = store.add_advice(rnd.id, "Ask the customers", giver_id=ana.id)
    commitment = store.add_commitment(ana.id, first.id, "Call three customers", "2026-04-01")
    review = store.record_review(commitment.id, later.id, "done")
    item = store.add_parking(first.id, "Budget for next year")
    return {
        "cohort_id": cohort.id,
        "member_id": ana.id,
        "meeting_id": first.id,
        "round_id": rnd.id,
        "advice_id": advice.id,
        "commitment_id": commitment.id,
        "review_id": review.id,
        "item_id": item.id,
    }


@pytest.fixture
def two(store):
    return _fill(store, "Leaders A"), _fill(store, "Leaders B")


@pytest.fixture
def limited(store, two):
    with Store(store.url, allowed_cohorts=["Leaders A"]) as s:
        yield s


def test_reads_by_id_of_another_cohort_are_refused(limited, two):
    mine, theirs = two
    assert limited.commitment(mine["commitment_id"]).text == "Call three customers"
    with pytest.raises(PeerkitError, match=REFUSED):
        limited.commitment(theirs["commitment_id"])
    with pytest.raises(PeerkitError, match=REFUSED):
        limited.reviews(commitment_id=theirs["commitment_id"])
    with pytest.raises(PeerkitError, match=REFUSED):
        limited.reviews(meeting_id=theirs["meeting_id"])
    with pytest.raises(PeerkitError, match=REFUSED):
        limited.reviews(commitment_ids=[mine["commitment_id"], theirs["commitment_id"]])
    with pytest.raises(PeerkitError, match=REFUSED):
        limited.rounds(theirs["meeting_id"])
    with pytest.raises(PeerkitError, match=REFUSED):
        limited.advice(theirs["round_id"])
    with pytest.raises(PeerkitError, match=REFUSED):
        limited.parking_item(theirs["item_id"])
    with pytest.raises(PeerkitError, match=REFUSED):
        limited.find_meeting(str(theirs["meeting_id"]))  # an id found from a text


def test_listings_without_an_id_hold_only_the_allowed_cohorts(limited, two):
    mine, _ = two
    assert [c.id for c in limited.commitments()] == [mine["commitment_id"]]
    assert [r.id for r in limited.reviews()] == [mine["review_id"]]


def test_every_method_that_names_a_row_refuses_another_cohorts_and_changes_nothing(
    store, limited, two
):
    _, theirs = two
    ids = {**theirs, "presenter_id": theirs["member_id"], "owner_id": theirs["member_id"]}
    ids |= {"giver_id": theirs["member_id"], "before_meeting": theirs["meeting_id"]}
    ids |= {"round_ids": [theirs["round_id"]], "commitment_ids": [theirs["commitment_id"]]}
    before = store.counts()
    tried = []
    for name, method in inspect.getmembers(limited, inspect.ismethod):
        parameters = inspect.signature(method).parameters
        named = [p for p in parameters if p in BY_ID or p in MANY_BY_ID]
        if name.startswith("_") or not named:
            continue
        # Every other argument is left empty: the scope is checked before anything else.
        args = {
            p: None
            for p, spec in parameters.items()
            if spec.default is spec.empty
            and spec.kind not in (spec.VAR_KEYWORD, spec.VAR_POSITIONAL)
        }
        for p in named:
            with pytest.raises(PeerkitError, match=REFUSED):
                method(**{**args, p: ids[p]})
            tried.append(f"{name}({p})")
    assert store.counts() == before
    assert {"commitment(commitment_id)", "reviews(commitment_id)", "rounds(meeting_id)"} <= set(
        tried
    )
    assert len(tried) > 50


def test_changes_that_point_at_another_cohort_are_refused(limited, two):
    mine, theirs = two
    with pytest.raises(PeerkitError, match=REFUSED):
        limited.edit_advice(mine["advice_id"], giver_id=theirs["member_id"])
    with pytest.raises(PeerkitError, match=REFUSED):
        limited.update_round(mine["round_id"], presenter_id=theirs["member_id"])
    assert limited.advice_item(mine["advice_id"]).giver_id == mine["member_id"]
