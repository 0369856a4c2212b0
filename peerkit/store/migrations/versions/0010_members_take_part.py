"""Members take part from their own page: personal links (stored as hashes), updates, hot-seat
requests, progress on commitments, and anonymous answers (ratings, live polls) with a separate
record of who has answered.

Each new table counts its changes for its cohort like the others (SQLite triggers as in 0008;
on PostgreSQL the NOTIFY function of 0005 learns the new tables), so the console sees what a
member files within a second.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"

_BY_MEETING = "(SELECT cohort_id FROM meetings WHERE id = r.meeting_id)"

#: How each new table's row finds its cohort (``r`` is the row).
COHORT_OF = {
    "member_links": "(SELECT cohort_id FROM members WHERE id = r.member_id)",
    "member_updates": _BY_MEETING,
    "hot_seat_requests": _BY_MEETING,
    "progress": (
        "(SELECT m.cohort_id FROM commitments x JOIN meetings m ON m.id = x.meeting_id"
        " WHERE x.id = r.commitment_id)"
    ),
    "polls": _BY_MEETING,
    "answers": _BY_MEETING,
    "answered": _BY_MEETING,
}

#: Every table's way to its cohort as of this revision (0005's and 0008's, and the new ones),
#: for PostgreSQL's NOTIFY function.
_EARLIER = {
    "cohorts": "r.id",
    "members": "r.cohort_id",
    "meetings": "r.cohort_id",
    "screens": "r.cohort_id",
    "attendance": _BY_MEETING,
    "rounds": _BY_MEETING,
    "parking": _BY_MEETING,
    "ground_rules": _BY_MEETING,
    "commitments": _BY_MEETING,
    "reviews": _BY_MEETING,
    "advice": (
        "(SELECT m.cohort_id FROM rounds x JOIN meetings m ON m.id = x.meeting_id"
        " WHERE x.id = r.round_id)"
    ),
    "phase_log": (
        "(SELECT m.cohort_id FROM rounds x JOIN meetings m ON m.id = x.meeting_id"
        " WHERE x.id = r.round_id)"
    ),
}


def _member_and_meeting() -> list[sa.Column]:
    return [
        sa.Column(
            "meeting_id",
            sa.Integer,
            sa.ForeignKey("meetings.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        ),
        sa.Column(
            "member_id",
            sa.Integer,
            sa.ForeignKey("members.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "member_links",
        sa.Column(
            "member_id",
            sa.Integer,
            sa.ForeignKey("members.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("issued_at", sa.Float, nullable=False),
        sa.Column("revoked_at", sa.Float),
    )
    op.create_table(
        "member_updates",
        *_member_and_meeting(),
        sa.Column("scores", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("filed_at", sa.Float, nullable=False),
        sa.Column("shared", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "hot_seat_requests",
        *_member_and_meeting(),
        sa.Column("issue", sa.Text, nullable=False),
        sa.Column("urgency", sa.String(1), nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("filed_at", sa.Float, nullable=False),
    )
    op.create_table(
        "progress",
        sa.Column(
            "commitment_id",
            sa.Integer,
            sa.ForeignKey("commitments.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_table(
        "polls",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "meeting_id",
            sa.Integer,
            sa.ForeignKey("meetings.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("subject", sa.String(32), nullable=False),
        sa.Column("high", sa.Integer, nullable=False),
        sa.Column("opened_at", sa.Float, nullable=False),
        sa.Column("closed_at", sa.Float),
    )
    op.create_table(
        "answers",
        sa.Column("key", sa.String(32), primary_key=True),
        sa.Column(
            "meeting_id",
            sa.Integer,
            sa.ForeignKey("meetings.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("subject", sa.String(32), nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("line", sa.Text, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "answered",
        sa.Column(
            "meeting_id",
            sa.Integer,
            sa.ForeignKey("meetings.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("subject", sa.String(32), primary_key=True),
        sa.Column(
            "member_id",
            sa.Integer,
            sa.ForeignKey("members.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        ),
        sqlite_with_rowid=False,
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table, cohort in COHORT_OF.items():
            for operation, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
                op.execute(
                    f"CREATE TRIGGER peerkit_count_{table}_{operation.lower()} AFTER "
                    f"{operation} ON {table} FOR EACH ROW BEGIN INSERT INTO cohort_changes "
                    f"(cohort_id, version) VALUES (COALESCE({cohort.replace('r.', row + '.')}, 0),"
                    " 1) ON CONFLICT (cohort_id) DO UPDATE SET version = version + 1; END"
                )
    elif dialect == "postgresql":
        _notify_function({**_EARLIER, **COHORT_OF})
        for table in COHORT_OF:
            op.execute(
                f"CREATE TRIGGER peerkit_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION peerkit_notify()"
            )


def _notify_function(cohort_of: dict[str, str]) -> None:
    branches = "\n".join(
        f"  {'IF' if i == 0 else 'ELSIF'} TG_TABLE_NAME = '{table}' THEN cohort := {expr};"
        for i, (table, expr) in enumerate(cohort_of.items())
    )
    op.execute(
        f"""
CREATE OR REPLACE FUNCTION peerkit_notify() RETURNS trigger LANGUAGE plpgsql AS $$
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


def downgrade() -> None:
    tables = ("answered", "answers", "polls", "progress", "hot_seat_requests", "member_updates")
    for table in tables:
        op.drop_table(table)
    op.drop_table("member_links")
    if op.get_bind().dialect.name == "postgresql":
        _notify_function(_EARLIER)
