"""A deletion during a meeting can be undone until the meeting is closed: rounds, advice,
commitments, reviews and parking-lot items get ``deleted_at`` (NULL: in the record). Nothing stored
before this revision was deleted this way, so every existing row stays in the record.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"

TABLES = ("rounds", "advice", "commitments", "reviews", "parking")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("deleted_at", sa.Float, nullable=True))
