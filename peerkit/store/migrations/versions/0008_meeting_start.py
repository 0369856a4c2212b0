"""A meeting records when it started (``started_at``: the first attendance mark, ground rules,
review or round start at it), so its time budget counts from there, check-in included. Meetings
stored before this revision keep NULL: their budget counts from their first round's start.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("started_at", sa.Float, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("started_at")
