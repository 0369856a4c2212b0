"""Redacting a member who left: every mention of them goes, and nobody else's name is touched."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from helpers import sqlite_bytes

from peerkit import minutes
from peerkit.confidentiality import mentions_of, normalise
from peerkit.store import schema as t


@pytest.fixture
def circle(store):
    """Priya Raman leaves; Tom Hardy stays and shares a first name with Tom Baker, who stays."""
    c = store.add_cohort("North Circle")
    priya = store.add_member(c.id, "Priya Raman", email="priya.raman@example.org")
    tom = store.add_member(c.id, "Tom Hardy", email="tom@example.org")
    baker = store.add_member(c.id, "Tom Baker")
    al = store.add_member(c.id, "Al Brandt")
    meeting = store.add_meeting(c.id, "2026-03-03", place="Priya's office, 4th floor")
    rnd = store.add_round(meeting.id, tom.id, "troika consulting", issue="Hiring a COO")
    store.member_leaves(priya.id, "2026-04-01")
    return store, c, meeting, rnd, {"priya": priya, "tom": tom, "baker": baker, "al": al}


def _advice(store, rnd, text, giver=None):
    return store.add_advice(rnd.id, text, giver_id=giver)


CASES = {
    "full name": ("As Priya Raman said last month", "As Former member {id} said last month"),
    "last name only": ("Raman's idea was better", "Former member {id}'s idea was better"),
    "lower-case first name": ("ask priya about it", "ask Former member {id} about it"),
    "e-mail": ("write to priya.raman@example.org", "write to Former member {id}"),
    "next to markup": ("<b>Priya</b> knows", "<b>Former member {id}</b> knows"),
    "zero-width space": ("Pri\u200bya agreed", "Former member {id} agreed"),
    "a chat handle": ("ping @priya on Slack", "ping @Former member {id} on Slack"),
    "after a stop with no space": (
        "we agreed.Raman did not",
        "we agreed.Former member {id} did not",
    ),
    "another address of hers": ("or priya@gmail.com", "or Former member {id}"),
    # Composed before matching; "Ramán" is another word than "Raman", her first name still goes.
    "decomposed accent": ("Priya Rama\u0301n", "Former member {id} Ramán"),
}


@pytest.mark.parametrize("case", CASES)
def test_every_way_of_writing_her_name_is_replaced(circle, case):
    store, c, meeting, rnd, who = circle
    text, expected = CASES[case]
    item = _advice(store, rnd, text)
    store.redact_member(who["priya"].id)
    assert store.advice_item(item.id).text == expected.format(id=who["priya"].id)


def test_a_shared_first_name_is_left_alone_and_the_other_tom_keeps_his_words(circle):
    store, c, meeting, rnd, who = circle
    # Tom Baker leaves; Tom Hardy stays: "Tom" alone could be either of them.
    said = _advice(store, rnd, "Tom Hardy disagreed; Tom said no; Baker agreed")
    store.member_leaves(who["baker"].id, "2026-04-01")
    store.redact_member(who["baker"].id)
    baker = who["baker"].id
    assert store.advice_item(said.id).text == (
        f"Tom Hardy disagreed; Tom said no; Former member {baker} agreed"
    )
    assert store.member(who["tom"].id).name == "Tom Hardy"


def test_a_two_letter_first_name_is_redacted(circle):
    store, c, meeting, rnd, who = circle
    said = _advice(store, rnd, "Al thinks so, and so does AL")
    store.redact_member(who["al"].id)
    gone = who["al"].id
    assert store.advice_item(said.id).text == (
        f"Former member {gone} thinks so, and so does Former member {gone}"
    )


def test_place_gas_levels_ground_rules_notes_and_parking_are_redacted(circle):
    store, c, meeting, rnd, who = circle
    levels = ["no call", "one call", "Priya calls the bank", "two banks", "a loan"]
    pledge = store.add_commitment(
        who["tom"].id, meeting.id, "Ask Raman for the deck", "2026-04-01", levels=levels
    )
    later = store.add_meeting(c.id, "2026-04-07")
    store.record_review(pledge.id, later.id, "done", note="priya helped")
    store.accept_ground_rules(meeting.id, "What Priya says stays here", [who["tom"].id])
    store.add_parking(meeting.id, "PRIYA: the offsite")
    done = store.redact_member(who["priya"].id)
    alias = f"Former member {who['priya'].id}"
    assert store.meeting(meeting.id).place == f"{alias}'s office, 4th floor"
    assert store.commitment(pledge.id).levels[2] == f"{alias} calls the bank"
    assert store.commitment(pledge.id).text == f"Ask {alias} for the deck"
    assert store.reviews(meeting_id=later.id)[0].note == f"{alias} helped"
    assert store.ground_rules(meeting.id).text == f"What {alias} says stays here"
    assert store.parking(meeting.id)[0].text == f"{alias}: the offsite"
    assert done.member.name == alias and done.member.email is None and done.member.redacted
    assert sum(done.mentions.values()) == 6


def test_every_free_text_column_of_the_schema_is_covered(circle, db_url):
    """A column added later is covered by construction: put her name into every free-text
    column the schema has, for every row of her cohort, and none survives the redaction."""
    store, c, meeting, rnd, who = circle
    pledge = store.add_commitment(
        who["tom"].id, meeting.id, "x", "2026-04-01", levels=list("abcde")
    )
    store.record_review(pledge.id, store.add_meeting(c.id, "2026-04-07").id, "done")
    store.accept_ground_rules(meeting.id, "rules", [])
    store.add_parking(meeting.id, "parked")
    _advice(store, rnd, "advice")
    filled = []
    with store.engine.begin() as conn:
        for table in t.metadata.sorted_tables:
            for column in t.free_text_columns(table):
                if column.info.get("identity"):
                    continue
                scope = t.in_cohort(table, c.id)
                value = sa.func.coalesce(column, "") + " and Raman"
                if column is t.commitments.c.levels:
                    value = sa.literal(json.dumps(["Priya Raman"] * 5))
                if conn.execute(sa.update(table).where(scope).values({column: value})).rowcount:
                    filled.append(f"{table.name}.{column.name}")
    assert {"meetings.place", "rounds.issue", "advice.text", "commitments.levels"} <= set(filled)
    store.redact_member(who["priya"].id)
    with store.engine.connect() as conn:
        for table in t.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, sa.String):
                    for (value,) in conn.execute(sa.select(column)):
                        assert "raman" not in str(value).casefold(), f"{table.name}.{column.name}"
                        assert "priya" not in str(value).casefold(), f"{table.name}.{column.name}"


def test_a_dry_run_counts_and_changes_nothing(circle):
    store, c, meeting, rnd, who = circle
    said = _advice(store, rnd, "Priya and Raman")
    dry = store.redact_member(who["priya"].id, dry_run=True)
    assert dry.mentions == {"meetings": 1, "advice": 2}
    assert store.advice_item(said.id).text == "Priya and Raman"
    assert store.member(who["priya"].id).name == "Priya Raman"


def test_minutes_exported_after_the_redaction_do_not_name_her(circle, tmp_path):
    store, c, meeting, rnd, who = circle
    _advice(store, rnd, "Priya Raman's approach", giver=who["tom"].id)
    store.add_commitment(who["priya"].id, meeting.id, "Share the deck", "2026-04-01")
    store.set_attendance(meeting.id, who["priya"].id, "present")
    before = minutes.export(store, meeting.id, "md", tmp_path / "before.md")
    store.redact_member(who["priya"].id)
    after = minutes.render(store, meeting.id, "html")
    assert "Priya" in before.path.read_text()
    assert "priya" not in str(after).casefold() and "raman" not in str(after).casefold()
    # The file written before is named, so it can be deleted.
    assert [e.path for e in store.redact_member(who["priya"].id).files] == [before.path.resolve()]


def test_the_redacted_name_is_gone_from_the_sqlite_file(circle, db_path):
    store, c, meeting, rnd, who = circle
    for i in range(30):
        _advice(store, rnd, f"Priya Raman point {i}")
    store.redact_member(who["priya"].id)
    store.close()
    raw = sqlite_bytes(db_path)
    assert b"Raman" not in raw and b"priya.raman@" not in raw


def test_the_matcher_normalises_and_counts():
    from peerkit.model import Member

    found = mentions_of([Member(1, 1, "José Núñez", email="jn@x.org")], any_email=True)
    text, count = found.replace(
        "jose? No: Jose\u0301 Nu\u0301n\u0303ez, b@c.io, JN@X.ORG", "a member"
    )
    assert text == "jose? No: A member, a member, a member" and count == 3
    assert normalise("a\u200bb\u00ad") == "ab"


def test_an_address_that_names_a_member_goes_whole_another_stays():
    """Outside Chatham House mode (a member's own summary), only addresses that name someone
    searched for are replaced, whole: no "a member.raman@gmail.com" pointing at her."""
    from peerkit.model import Member

    others = mentions_of([Member(1, 1, "Priya Raman"), Member(2, 1, "Elena Sokolova")])
    text, count = others.replace(
        "Mail priya.raman@gmail.com, elena@gmail.com or outsider@corp.io; Helena stays.",
        "a member",
    )
    assert text == "Mail a member, a member or outsider@corp.io; Helena stays."
    assert count == 2
