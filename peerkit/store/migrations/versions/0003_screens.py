"""What each cohort's screens show: the live meeting and round, and Chatham House mode.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "screens",
        sa.Column(
            "cohort_id",
            sa.Integer,
            sa.ForeignKey("cohorts.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meetings.id", ondelete="SET NULL")),
        sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id", ondelete="SET NULL")),
        sa.Column("chatham_house", sa.Boolean, nullable=False, server_default=sa.false()),
    )
