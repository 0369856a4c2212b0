"""Member names that look the same are the same member: Unicode's composed and decomposed
forms, a non-breaking space, a zero-width space or doubled spaces make no new member, whether
typed in the console or imported from a roster."""

from __future__ import annotations

import pytest

from peerkit.model import PeerkitError, normal_name
from peerkit.roster import import_roster

ZOE_COMPOSED = "Zo\u00eb Martin"  # ë as one character
ZOE_DECOMPOSED = "Zoe\u0308 Martin"  # e, then a combining diaeresis: looks the same


@pytest.mark.parametrize(
    "twin",
    [
        ZOE_DECOMPOSED,
        "Zo\u00eb\u00a0Martin",  # a non-breaking space, as pasted from a web page
        "Zo\u00eb\u200b Martin",  # a zero-width space
        "Zo\u00eb  Martin ",
        "\ufeffzo\u00eb martin",  # a byte-order mark, another case
    ],
    ids=["decomposed", "nbsp", "zero-width", "spaces", "bom-and-case"],
)
def test_a_name_that_only_looks_different_is_refused(store, cohort, twin):
    c, _, _ = cohort
    store.add_member(c.id, ZOE_COMPOSED)
    with pytest.raises(PeerkitError, match=r"is already a member of this cohort"):
        store.add_member(c.id, twin)
    assert store.find_member(c.id, twin).name == ZOE_COMPOSED
    assert [m.name for m in store.members(c.id)].count(ZOE_COMPOSED) == 1


def test_a_name_is_stored_in_its_plain_form(store, cohort):
    c, (ana, *_), _ = cohort
    added = store.add_member(c.id, " Bea\u00a0\u00a0Di\u200baz\u00ad ")
    assert added.name == "Bea Diaz"
    assert store.update_member(added.id, name=ZOE_DECOMPOSED).name == ZOE_COMPOSED
    with pytest.raises(PeerkitError, match="^ana is already a member of this cohort"):
        store.update_member(added.id, name="ana")
    with pytest.raises(PeerkitError, match="The member's name is empty"):
        store.add_member(c.id, "\u200b\u00a0")
    assert normal_name(ZOE_DECOMPOSED) == ZOE_COMPOSED


def test_a_roster_matches_names_the_same_way(store, cohort, tmp_path):
    c, _, _ = cohort
    store.add_member(c.id, ZOE_COMPOSED)
    path = tmp_path / "roster.csv"
    path.write_text(
        "name,email,role,joined\n"
        f"{ZOE_DECOMPOSED},zoe@example.org,,\n"
        "Ana\u00a0Lopez,,,\n"
        "Ana Lopez\u200b,,,\n",
        encoding="utf-8",
    )
    report = import_roster(store, c.id, path)
    assert report.changed == [ZOE_COMPOSED]
    assert report.added == ["Ana Lopez"]
    assert report.rejected == [(4, "Ana Lopez appears twice (first on line 3)")]
    names = [m.name for m in store.members(c.id)]
    assert names.count(ZOE_COMPOSED) == 1 and names.count("Ana Lopez") == 1
    assert store.find_member(c.id, "Zoë Martin").email == "zoe@example.org"
