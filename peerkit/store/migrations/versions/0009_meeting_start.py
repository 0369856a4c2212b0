"""A meeting records when it started (``started_at``: the first attendance mark, ground rules,
review or round start at it), so its time budget counts from there, check-in included. Meetings
stored before this revision keep NULL: their budget counts from their first round's start.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    # A plain ADD COLUMN (SQLite has it): a batch copy of the table would drop its triggers.
    op.add_column("meetings", sa.Column("started_at", sa.Float, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("started_at")
