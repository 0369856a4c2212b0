"""Private segments (never exported) and a commitment's own five GAS level descriptions.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    for table in ("rounds", "advice", "commitments", "parking"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("private", sa.Boolean, nullable=False, server_default=sa.false())
            )
    with op.batch_alter_table("commitments") as batch:
        batch.add_column(sa.Column("levels", sa.Text))
