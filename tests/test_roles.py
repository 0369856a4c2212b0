"""docs/postgres-roles.sql, run for real: a facilitator's own PostgreSQL role sees and writes
only their cohorts, whatever their kernel runs (what allowed_cohorts alone cannot promise)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from peerkit.model import PeerkitError
from peerkit.store import Store

pytestmark = pytest.mark.postgres
ROLES_SQL = Path(__file__).parents[1] / "docs" / "postgres-roles.sql"


def test_a_facilitator_role_sees_and_writes_only_its_cohorts(pg_url):
    with Store(pg_url) as owner:
        mine, theirs = owner.add_cohort("Leaders A"), owner.add_cohort("Leaders B")
        ana = owner.add_member(mine.id, "Ana")
        zoe = owner.add_member(theirs.id, "Zoe")
        meeting = owner.add_meeting(mine.id, "2026-03-03")
        their_meeting = owner.add_meeting(theirs.id, "2026-03-03")
        their_round = owner.add_round(their_meeting.id, zoe.id, "troika consulting")
        owner.add_advice(their_round.id, "Their secret advice")
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(ROLES_SQL.read_text())  # type: ignore[call-overload]
        conn.execute("CREATE ROLE fac_ana LOGIN IN ROLE peerkit_facilitator")
        conn.execute("INSERT INTO peerkit_access VALUES ('fac_ana', %s)", (mine.id,))

    as_ana = pg_url.replace("postgresql://peerkit@", "postgresql://fac_ana@")
    with Store(as_ana) as store:  # no allowed_cohorts: the database itself draws the line
        assert store.cohorts() == [mine]
        with pytest.raises(PeerkitError, match="No cohort named 'Leaders B'"):
            store.cohort("Leaders B")
        assert [m.name for m in store.members()] == ["Ana"]
        with pytest.raises(PeerkitError, match="row-level security"):
            store.add_member(theirs.id, "Sneaky")
        with pytest.raises(PeerkitError, match="No round with id"):  # invisible, not refused
            store.round(their_round.id)
        assert store.counts()["advice"] == 0  # their advice is not even counted
        rnd = store.add_round(meeting.id, ana.id, "troika consulting")
        store.add_advice(rnd.id, "Ana's own advice")
        store.watcher(mine.id)()  # following works under the role too
    with Store(pg_url) as owner:
        assert owner.counts()["advice"] == 2
        assert owner.counts()["members"] == 2
