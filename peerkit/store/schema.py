"""The store's tables, in portable SQLAlchemy Core (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

cohorts = Table(
    "cohorts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False, unique=True),
)

members = Table(
    "members",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cohort_id", Integer, ForeignKey("cohorts.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(120), nullable=False),
    Column("email", String(254)),
    Column("role", String(120)),
    Column("joined", Date),
    Column("status", String(16), nullable=False, default="active"),
    Column("left_on", Date),
    Column("redacted", Boolean, nullable=False, default=False),
    UniqueConstraint("cohort_id", "name", name="uq_member_name"),
)

meetings = Table(
    "meetings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cohort_id", Integer, ForeignKey("cohorts.id", ondelete="CASCADE"), nullable=False),
    Column("date", Date, nullable=False, index=True),
    Column("place", String(120), nullable=False, default=""),
    Column("planned_minutes", Integer, nullable=False, default=180),
    Column("next_date", Date),
)

attendance = Table(
    "attendance",
    metadata,
    Column("meeting_id", Integer, ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", Integer, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("status", String(16), nullable=False),
)

rounds = Table(
    "rounds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
    Column("presenter_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("format_name", String(120), nullable=False),
    Column("issue", Text, nullable=False, default=""),
    Column("position", Integer, nullable=False, default=0),
    Column("private", Boolean, nullable=False, default=False),
)

phase_log = Table(
    "phase_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", Integer, ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("at", Float, nullable=False),
    Column("value", Float),
    Column("plan", Text),  # JSON list of planned seconds per phase
    # Its place in the round's log: two windows cannot both write the same step.
    Column("seq", Integer, nullable=False),
    UniqueConstraint("round_id", "seq", name="uq_phase_log_round_seq"),
)

advice = Table(
    "advice",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", Integer, ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    Column("giver_id", Integer, ForeignKey("members.id")),
    Column("kind", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("at", Float, nullable=False),
    Column("starred", Boolean, nullable=False, default=False),
    Column("private", Boolean, nullable=False, default=False),
)

commitments = Table(
    "commitments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("owner_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("meeting_id", Integer, ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
    Column("round_id", Integer, ForeignKey("rounds.id", ondelete="SET NULL")),
    Column("text", Text, nullable=False),
    Column("target_date", Date, nullable=False),
    Column("weight", Float, nullable=False, default=1.0),
    Column("levels", Text),  # JSON list of five level descriptions, −2 … +2
    Column("private", Boolean, nullable=False, default=False),
)

reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "commitment_id", Integer, ForeignKey("commitments.id", ondelete="CASCADE"), nullable=False
    ),
    Column("meeting_id", Integer, ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("level", Integer),
    Column("note", Text, nullable=False, default=""),
    Column("new_target_date", Date),
    UniqueConstraint("commitment_id", "meeting_id", name="uq_review_per_meeting"),
)

parking = Table(
    "parking",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("private", Boolean, nullable=False, default=False),
)

screens = Table(
    "screens",
    metadata,
    Column("cohort_id", Integer, ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id", ondelete="SET NULL")),
    Column("round_id", Integer, ForeignKey("rounds.id", ondelete="SET NULL")),
    Column("chatham_house", Boolean, nullable=False, default=False),
)

ground_rules = Table(
    "ground_rules",
    metadata,
    Column("meeting_id", Integer, ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("text", Text, nullable=False),
    Column("accepted_at", Float, nullable=False),
    Column("present", Text, nullable=False),
)
