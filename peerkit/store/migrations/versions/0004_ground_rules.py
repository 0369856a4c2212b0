"""The ground rules read at the start of a meeting, and who was there when the group accepted them.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "ground_rules",
        sa.Column(
            "meeting_id",
            sa.Integer,
            sa.ForeignKey("meetings.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("accepted_at", sa.Float, nullable=False),
        sa.Column("present", sa.Text, nullable=False),  # JSON list of member ids
    )
