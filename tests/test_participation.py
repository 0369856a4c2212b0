"""What members file from their own page, as the store keeps it (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from peerkit.model import PeerkitError
from peerkit.participation import (
    MIN_ANSWERS,
    ProgressStatus,
    Urgency,
    check_request,
    check_scores,
    new_link_key,
    request_order,
    token_hash,
)
from peerkit.store import Store
from peerkit.store import schema as t

AREAS = ("business", "family", "personal")
KEY = new_link_key()


def test_a_link_opens_its_member_only_and_stops_when_revoked_or_reissued(store: Store, cohort):
    _, (ana, ben, *_), _ = cohort
    token = store.issue_link(ana.id, KEY)
    assert len(token) >= 32  # 192 bits, URL-safe
    assert store.member_for_token(token).id == ana.id
    assert store.member_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    # The store holds the hash only.
    with store.engine.connect() as conn:
        stored = [tuple(r) for r in conn.execute(sa.select(t.member_links))]
    assert token not in repr(stored) and token_hash(token) in repr(stored)
    # Made again from the key, for the facilitator.
    assert store.link_token(ana.id, KEY) == token
    assert store.link_token(ana.id, new_link_key()) is None
    assert store.link_token(ben.id, KEY) is None
    # Re-issued: the old one stops, the new one works.
    newer = store.issue_link(ana.id, KEY)
    assert newer != token and store.member_for_token(token) is None
    assert store.member_for_token(newer).id == ana.id
    assert store.revoke_link(ana.id) is True
    assert store.member_for_token(newer) is None and store.link_token(ana.id, KEY) is None
    assert store.revoke_link(ana.id) is False


def test_a_member_who_left_has_no_working_link(store: Store, cohort):
    _, (ana, *_), _ = cohort
    token = store.issue_link(ana.id, KEY)
    store.member_leaves(ana.id, "2026-03-04")
    assert store.member_for_token(token) is None
    with pytest.raises(PeerkitError, match="has left"):
        store.issue_link(ana.id, KEY)


def test_an_update_filed_twice_is_one_update_the_later(store: Store, cohort):
    _, (ana, ben, *_), meeting = cohort
    store.file_update(
        ana.id, meeting.id, {"business": "7", "family": 8, "personal": "6"}, "ok", areas=AREAS
    )
    store.file_update(
        ana.id, meeting.id, {"business": 4, "family": 8, "personal": 6}, "worse", areas=AREAS
    )
    updates = store.updates(meeting.id)
    assert list(updates) == [ana.id]
    assert updates[ana.id].scores == {"business": 4, "family": 8, "personal": 6}
    assert updates[ana.id].text == "worse"
    with pytest.raises(PeerkitError, match="from 1 to 10 for business, personal"):
        store.file_update(ben.id, meeting.id, {"business": "11", "family": 3}, "", areas=AREAS)
    assert ben.id not in store.updates(meeting.id)


def test_a_hot_seat_request_is_checked_replaced_and_withdrawn(store: Store, cohort):
    _, (ana, *_), meeting = cohort
    with pytest.raises(PeerkitError, match="urgency"):
        store.request_hot_seat(ana.id, meeting.id, "Hiring a CTO", "D", 20)
    with pytest.raises(PeerkitError, match="minutes"):
        store.request_hot_seat(ana.id, meeting.id, "Hiring a CTO", "a", "lots")
    with pytest.raises(PeerkitError, match="empty"):
        store.request_hot_seat(ana.id, meeting.id, "  ", "A", 20)
    store.request_hot_seat(ana.id, meeting.id, "Hiring a CTO", "b", 20)
    store.request_hot_seat(ana.id, meeting.id, "Hiring a CTO, fast", "a", "25")
    request = store.hot_seat_requests(meeting.id)[ana.id]
    assert (request.issue, request.urgency, request.minutes) == (
        "Hiring a CTO, fast",
        Urgency.A,
        25,
    )
    store.withdraw_request(ana.id, meeting.id)
    assert store.hot_seat_requests(meeting.id) == {}


def test_progress_reaches_only_the_members_own_open_commitments(store: Store, cohort):
    c, (ana, ben, *_), meeting = cohort
    rnd = store.add_round(meeting.id, ana.id, "mastermind hot seat", issue="x")
    mine = store.add_commitment(
        ana.id, meeting.id, "Call three candidates", "2026-04-01", round_id=rnd.id
    )
    theirs = store.add_commitment(ben.id, meeting.id, "Ben's secret plan", "2026-04-01")
    store.mark_progress(ana.id, mine.id, "Partial", "two of three")
    with pytest.raises(PeerkitError, match="No such commitment of yours"):
        store.mark_progress(ana.id, theirs.id, "done")
    with pytest.raises(PeerkitError, match="progress"):
        store.mark_progress(ana.id, mine.id, "finished")
    store.make_private(rnd.id)
    with pytest.raises(PeerkitError, match="No such commitment of yours"):
        store.mark_progress(ana.id, mine.id, "done")
    progress = store.progress([mine.id, theirs.id])
    assert list(progress) == [mine.id]
    assert (
        progress[mine.id].status is ProgressStatus.PARTIAL
        and progress[mine.id].note == "two of three"
    )


def test_answers_cannot_be_tied_to_a_member_in_the_store(store: Store, cohort):
    """A rating row holds no member, no time, and a random key: neither its columns nor its
    place in the table says who gave it; who answered is kept apart, without the answer."""
    _, people, meeting = cohort
    scores = [9, 3, 7, 5]
    for member, score in zip(people, scores, strict=True):
        store.answer(member.id, meeting.id, "meeting", score, f"line {score}")
    assert {c.name for c in t.answers.columns} == {"key", "meeting_id", "subject", "score", "line"}
    assert {c.name for c in t.answered.columns} == {"meeting_id", "subject", "member_id"}
    with store.engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(sa.select(t.answers).order_by(t.answers.c.key))]
        if store.is_sqlite:  # no hidden insertion order either
            with pytest.raises(sa.exc.OperationalError):
                conn.exec_driver_sql("SELECT rowid FROM answers")
    assert sorted(r[3] for r in rows) == sorted(scores)
    assert all(len(r[0]) == 32 for r in rows)
    member_ids = {str(m.id) for m in people}
    assert not any(str(v) in member_ids for r in rows for v in (r[0],))
    # A second answer is refused; the first stands.
    with pytest.raises(PeerkitError, match="already answered"):
        store.answer(people[0].id, meeting.id, "meeting", 1)
    assert store.answered(people[0].id, meeting.id) == {"meeting"}
    aggregate = store.answer_aggregates(meeting.id)["meeting"]
    assert (aggregate.count, aggregate.mean) == (4, 6.0)


def test_an_aggregate_is_shown_only_once_three_have_answered(store: Store, cohort):
    _, people, meeting = cohort
    for i, member in enumerate(people[: MIN_ANSWERS - 1]):
        store.answer(member.id, meeting.id, "round:1", 8 + i, "great")
    few = store.answer_aggregates(meeting.id)["round:1"]
    assert (few.count, few.mean, few.shown, few.lines) == (2, None, False, ())
    store.answer(people[MIN_ANSWERS - 1].id, meeting.id, "round:1", 4)
    enough = store.answer_aggregates(meeting.id)["round:1"]
    assert enough.shown and enough.mean == pytest.approx((8 + 9 + 4) / 3, abs=0.05)
    assert enough.lines == ("great", "great")


def test_a_member_of_another_cohort_cannot_file_for_this_meeting(store: Store, cohort):
    _, _, meeting = cohort
    other = store.add_cohort("Other Circle")
    outsider = store.add_member(other.id, "Zed")
    with pytest.raises(PeerkitError):
        store.file_update(outsider.id, meeting.id, dict.fromkeys(AREAS, 5), "", areas=AREAS)
    with pytest.raises(PeerkitError):
        store.answer(outsider.id, meeting.id, "meeting", 5)
    assert store.updates(meeting.id) == {} and store.answer_aggregates(meeting.id) == {}


def test_the_next_meeting_is_made_from_the_date_the_last_one_set(store: Store, cohort):
    c, _, meeting = cohort
    store.update_meeting(meeting.id, next_date="2026-04-07")
    shown = store.next_meeting_on(c.id, dt.date(2026, 3, 20))
    assert shown is not None and (shown.id, shown.date) == (0, dt.date(2026, 4, 7))
    made = store.next_meeting_on(c.id, dt.date(2026, 3, 20), create=True)
    assert made.id and made.date == dt.date(2026, 4, 7) and made.place == "Room 1"
    assert store.next_meeting_on(c.id, dt.date(2026, 3, 20)) == made
    assert store.next_meeting_on(c.id, dt.date(2026, 5, 1)) is None


def test_checks_and_queue_order_are_plain_rules():
    assert check_scores(AREAS, {"business": " 10", "family": "1", "personal": 5}) == {
        "business": 10,
        "family": 1,
        "personal": 5,
    }
    assert check_request("Pricing", "c", "15")[1:] == (Urgency.C, 15)
    from peerkit.participation import HotSeatRequest

    urgent = HotSeatRequest(1, 1, "x", Urgency.A, 20, 5.0)
    later = HotSeatRequest(1, 2, "y", Urgency.B, 20, 1.0)
    keys = sorted(
        [
            ("no request, never presented", request_order(None, None)),
            ("B", request_order(later, None)),
            ("A, presented last month", request_order(urgent, dt.date(2026, 2, 3))),
        ],
        key=lambda pair: pair[1],
    )
    assert [k for k, _ in keys] == ["A, presented last month", "B", "no request, never presented"]


def test_the_console_lists_who_filed_and_queues_requests_first_with_their_issue(
    store: Store, cohort, console
):
    _, (ana, ben, chloe, dev), meeting = cohort
    store.file_update(
        ben.id,
        meeting.id,
        {"business": 3, "family": 9, "personal": 7},
        "Tough quarter",
        areas=AREAS,
    )
    store.request_hot_seat(chloe.id, meeting.id, "Whether to sell the company", "B", 30)
    store.request_hot_seat(dev.id, meeting.id, "My co-founder is leaving", "A", 45)
    console.refresh()
    # Nobody chosen yet: the first suggestion, now the urgent request, with its issue.
    assert console.queue_presenter.value == dev.id
    assert console.queue_issue.value == "My co-founder is leaving"
    labels = [label for label, _ in console.queue_presenter.options]
    assert labels[:2] == ["Dev — asked: A, 45 min", "Chloe — asked: B, 30 min"]
    assert labels[2].startswith("Ana — last presented never")
    console.queue_presenter.value = chloe.id
    assert console.queue_issue.value == "Whether to sell the company"
    console.queue_presenter.value = dev.id  # the next pick replaces what was filled in
    assert console.queue_issue.value == "My co-founder is leaving"
    console.queue_issue.value = "Typed by the facilitator"
    console.queue_presenter.value = chloe.id  # never over what the facilitator typed
    assert console.queue_issue.value == "Typed by the facilitator"
    # A presenter the facilitator chose stays chosen when a new request comes in.
    store.request_hot_seat(ana.id, meeting.id, "Board seat", "A", 10)
    console.refresh()
    assert console.queue_presenter.value == chloe.id
    console.show_moment("checkin")
    console.refresh()
    table = console.filings.value
    assert "1 of 4 updates, 3 hot-seat requests" in table
    assert "business 3, family 9, personal 7" in table and "Tough quarter" in table
    assert "My co-founder is leaving" in table


def test_a_poll_the_facilitator_opens_reaches_the_projector_as_an_aggregate_only(
    store: Store, cohort, console, projector
):
    _, people, meeting = cohort
    console.polls.more_time.click()
    poll = store.open_poll(meeting.id)
    assert poll is not None and (poll.question, poll.high) == ("Need more time on this?", 5)
    for member, score in zip(people[:2], (5, 4), strict=True):
        store.answer(member.id, meeting.id, poll.subject, score)
    with pytest.raises(PeerkitError, match="from 1 to 5"):
        store.answer(people[2].id, meeting.id, poll.subject, 9)
    projector.refresh()
    assert (
        "Poll: Need more time on this? — 2 answered · the average shows once 3 have answered"
        in projector.heading.value
    )
    store.answer(people[2].id, meeting.id, poll.subject, 3)
    projector.refresh()
    console.refresh()
    assert "3 answered · average <strong>4</strong> of 5" in projector.heading.value
    assert "average <strong>4</strong> of 5" in console.polls.status.value
    for member in people:
        assert member.name not in projector.heading.value.replace("Test Circle", "")
    console.polls.close_button.click()
    assert store.open_poll(meeting.id) is None
    with pytest.raises(PeerkitError, match="closed"):
        store.answer(people[3].id, meeting.id, poll.subject, 2)
    projector.refresh()
    assert "Poll:" not in projector.heading.value


def test_rating_the_round_on_screen_is_a_poll_on_the_rounds_own_rating(
    store: Store, cohort, console
):
    _, (ana, ben, *_), meeting = cohort
    with pytest.raises(PeerkitError):
        console.polls._rate_round()
    rnd = store.add_round(meeting.id, ana.id, "mastermind hot seat", issue="x")
    console.refresh()
    console.polls.rate_round.click()
    poll = store.open_poll(meeting.id)
    assert poll is not None and poll.subject == f"round:{rnd.id}" and poll.high == 10
    store.answer(ben.id, meeting.id, poll.subject, 9)
    assert store.answer_aggregates(meeting.id)[f"round:{rnd.id}"].count == 1


def test_the_coach_sees_group_averages_only_and_only_from_three_members(store: Store, cohort):
    from peerkit import charts
    from peerkit.accountability import ScoreboardView
    from peerkit.group_trends import group_trends, trends_frame, trends_html

    c, people, meeting = cohort
    distinct = {"business": 2, "family": 9, "personal": 4}
    store.file_update(people[0].id, meeting.id, distinct, "", areas=AREAS)
    store.file_update(
        people[1].id, meeting.id, {"business": 6, "family": 7, "personal": 8}, "", areas=AREAS
    )
    [trend] = group_trends(store, c.id, AREAS)
    assert (trend.filed, trend.members, trend.filing_rate) == (2, 4, "50%")
    assert trend.areas == dict.fromkeys(AREAS)  # two members: no average, it would tell
    table = trends_html([trend], AREAS, "Test")
    assert "too few" in table and ">2<" not in table.replace("<td>2 of 4", "")
    store.file_update(
        people[2].id, meeting.id, {"business": 7, "family": 8, "personal": 6}, "", areas=AREAS
    )
    for member in people[:3]:
        store.answer(
            member.id, meeting.id, "meeting", 8, "good pace" if member is people[0] else ""
        )
    [trend] = group_trends(store, c.id, AREAS)
    assert trend.areas == {"business": 5.0, "family": 8.0, "personal": 6.0}
    assert trend.rating is not None and trend.rating.mean == 8.0
    svg = charts.to_svg(charts.life_areas(trends_frame([trend]), theme="print"))
    assert "<svg" in svg and "Business" in svg
    view = ScoreboardView(store, c.id, defer=False)
    html = view.static_html()
    assert "From members' own pages" in html and "3 of 4 (75%)" in html and "8 (3)" in html
    assert "“good pace”" in html  # the lines given with the ratings, once three answered
    for member in people:
        assert member.name not in html.split("From members' own pages")[1]
    # A member who chooses to share their own scores with the coach is shown, by name.
    store.file_update(
        people[3].id,
        meeting.id,
        {"business": 1, "family": 2, "personal": 3},
        "",
        areas=AREAS,
        shared=True,
    )
    view.refresh()
    shown = view.static_html().split("From members' own pages")[1]
    assert "Scores members chose to share with you" in shown
    assert people[3].name in shown and "<td>1</td><td>2</td><td>3</td>" in shown
    assert all(m.name not in shown for m in people[:3])
