"""A private round keeps its text for the facilitator only, or keeps nothing at all; and a
record of the files peerkit wrote (minutes, backups), so a purge can say which still hold a meeting.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    # Private rounds stored before this revision kept their text: they stay "for me only".
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(
            sa.Column("keeps_text", sa.Boolean, nullable=False, server_default=sa.true())
        )

    op.create_table(
        "exports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("cohort_id", sa.Integer, sa.ForeignKey("cohorts.id", ondelete="CASCADE")),
        sa.Column("meeting_id", sa.Integer),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("written_at", sa.Float, nullable=False),
    )
