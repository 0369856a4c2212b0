"""Two windows on one meeting: numbered phase changes, and change notices on PostgreSQL.

Each phase change gets its place in its round's log (``seq``, unique per round), so when a
facilitator and a scribe both click at the same moment, one click wins and the other is refused
rather than applied twice. On PostgreSQL, a trigger on every table sends a NOTIFY on the
channel of the cohort the row belongs to (``peerkit_<cohort id>``; ``peerkit_unknown`` when the
row's meeting is already gone), and on ``peerkit_all``, so a follower wakes only for its cohort.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"

#: How each table's row finds its cohort.
COHORT_OF = {
    "cohorts": "r.id",
    "members": "r.cohort_id",
    "meetings": "r.cohort_id",
    "screens": "r.cohort_id",
    "attendance": "(SELECT cohort_id FROM meetings WHERE id = r.meeting_id)",
    "rounds": "(SELECT cohort_id FROM meetings WHERE id = r.meeting_id)",
    "parking": "(SELECT cohort_id FROM meetings WHERE id = r.meeting_id)",
    "ground_rules": "(SELECT cohort_id FROM meetings WHERE id = r.meeting_id)",
    "commitments": "(SELECT cohort_id FROM meetings WHERE id = r.meeting_id)",
    "reviews": "(SELECT cohort_id FROM meetings WHERE id = r.meeting_id)",
    "advice": (
        "(SELECT m.cohort_id FROM rounds x JOIN meetings m ON m.id = x.meeting_id"
        " WHERE x.id = r.round_id)"
    ),
    "phase_log": (
        "(SELECT m.cohort_id FROM rounds x JOIN meetings m ON m.id = x.meeting_id"
        " WHERE x.id = r.round_id)"
    ),
}


def upgrade() -> None:
    with op.batch_alter_table("phase_log") as batch:
        batch.add_column(sa.Column("seq", sa.Integer, nullable=True))
    op.execute(
        "UPDATE phase_log SET seq = (SELECT count(*) FROM phase_log AS p "
        "WHERE p.round_id = phase_log.round_id AND p.id < phase_log.id)"
    )
    with op.batch_alter_table("phase_log") as batch:
        batch.alter_column("seq", existing_type=sa.Integer, nullable=False)
        batch.create_unique_constraint("uq_phase_log_round_seq", ["round_id", "seq"])
    if op.get_bind().dialect.name == "postgresql":
        _notify_triggers()


def _notify_triggers() -> None:
    branches = "\n".join(
        f"  {'IF' if i == 0 else 'ELSIF'} TG_TABLE_NAME = '{table}' THEN cohort := {expr};"
        for i, (table, expr) in enumerate(COHORT_OF.items())
    )
    op.execute(
        f"""
CREATE FUNCTION peerkit_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
  cohort integer;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
{branches}
  END IF;
  PERFORM pg_notify(COALESCE('peerkit_' || cohort, 'peerkit_unknown'), '');
  PERFORM pg_notify('peerkit_all', '');
  RETURN NULL;
END $$;
"""
    )
    for table in COHORT_OF:
        op.execute(
            f"CREATE TRIGGER peerkit_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION peerkit_notify()"
        )
