"""What a redraw reads is bounded by the meeting and its cohort, never by the whole store.

An index on a cohort's meetings by date (the Meeting box; who presented when before a
meeting: every foreign key column has had its own index since 0001); and, on SQLite, a change
counter per cohort (``cohort_changes``) kept by triggers, so a follower that notices a commit
(``PRAGMA data_version``) redraws only when the commit touched its own cohort. PostgreSQL's
triggers of 0005 already NOTIFY per cohort; there the table stays empty.

A later batch migration on SQLite rebuilds a table and so drops its triggers: it must create
them again (:func:`sqlite_triggers`; tests/test_snapshot.py checks every table has them).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"

INDEXES = {"ix_meetings_cohort_date": ("meetings", ["cohort_id", "date"])}

#: How each table's row finds its cohort (as in 0005; ``r`` is the row).
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


def sqlite_triggers(table: str) -> list[str]:
    """The statements that make ``table``'s changes count for its cohort (SQLite)."""
    statements = []
    for operation, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        cohort = COHORT_OF[table].replace("r.", f"{row}.")
        statements.append(
            f"CREATE TRIGGER peerkit_count_{table}_{operation.lower()} AFTER {operation} "
            f"ON {table} FOR EACH ROW BEGIN "
            f"INSERT INTO cohort_changes (cohort_id, version) VALUES (COALESCE({cohort}, 0), 1) "
            "ON CONFLICT (cohort_id) DO UPDATE SET version = version + 1; END"
        )
    return statements


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)
    op.create_table(
        "cohort_changes",
        sa.Column("cohort_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        for table in COHORT_OF:
            for statement in sqlite_triggers(table):
                op.execute(statement)
