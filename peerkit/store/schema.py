"""The store's tables, in portable SQLAlchemy Core (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.sql import Select

metadata = MetaData()

#: Columns that hold peerkit's own vocabulary (a status, a kind, numbers as JSON), not words a
#: person typed. Every other text column is free text: redaction and the confidentiality checks
#: find those from the schema, so a column added later is covered without being listed anywhere.
VOCABULARY = {"vocabulary": True}
#: A member's own name and e-mail: redacting someone else never rewrites them.
IDENTITY = {"identity": True}


def deleted_at() -> Column[Any]:
    """When the row was deleted (seconds since the epoch), or NULL for a row in the record.

    A deletion during a meeting only sets this: Undo clears it, and closing the meeting (or a
    purge) erases the row for good. Every read of the record leaves such rows out; see
    :data:`SOFT_DELETED`.
    """
    return Column("deleted_at", Float)


def free_text_columns(table: Table) -> list[Column[Any]]:
    """The columns of ``table`` that hold words a person typed (names, advice, notes…)."""
    return [
        column
        for column in table.columns
        if isinstance(column.type, String) and not column.info.get("vocabulary")
    ]


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
    Column("name", String(120), nullable=False, info=IDENTITY),
    Column("email", String(254), info=IDENTITY),
    Column("role", String(120)),
    Column("joined", Date),
    Column("status", String(16), nullable=False, default="active", info=VOCABULARY),
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
    Column("started_at", Float),  # the first thing recorded at it (epoch seconds); NULL: not yet
)

attendance = Table(
    "attendance",
    metadata,
    Column("meeting_id", Integer, ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", Integer, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("status", String(16), nullable=False, info=VOCABULARY),
)

rounds = Table(
    "rounds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
    Column("presenter_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("format_name", String(120), nullable=False, info=VOCABULARY),
    Column("issue", Text, nullable=False, default=""),
    Column("position", Integer, nullable=False, default=0),
    Column("private", Boolean, nullable=False, default=False),
    # A private round's issue, advice and commitments: kept for the facilitator, or not at all.
    Column("keeps_text", Boolean, nullable=False, default=True),
    deleted_at(),
)

phase_log = Table(
    "phase_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", Integer, ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False, info=VOCABULARY),
    Column("at", Float, nullable=False),
    Column("value", Float),
    Column("plan", Text, info=VOCABULARY),  # JSON list of planned seconds per phase
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
    Column("kind", String(16), nullable=False, info=VOCABULARY),
    Column("text", Text, nullable=False),
    Column("at", Float, nullable=False),
    Column("starred", Boolean, nullable=False, default=False),
    Column("private", Boolean, nullable=False, default=False),
    deleted_at(),
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
    deleted_at(),
)

reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "commitment_id", Integer, ForeignKey("commitments.id", ondelete="CASCADE"), nullable=False
    ),
    Column("meeting_id", Integer, ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
    Column("outcome", String(16), nullable=False, info=VOCABULARY),
    Column("level", Integer),
    Column("note", Text, nullable=False, default=""),
    Column("new_target_date", Date),
    deleted_at(),
    UniqueConstraint("commitment_id", "meeting_id", name="uq_review_per_meeting"),
)

parking = Table(
    "parking",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("private", Boolean, nullable=False, default=False),
    deleted_at(),
)

#: The tables whose rows a deletion during a meeting only marks (``deleted_at``), in the order
#: they are erased for good (rows that point at others first).
SOFT_DELETED = (reviews, commitments, advice, parking, rounds)

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
    Column("present", Text, nullable=False, info=VOCABULARY),  # JSON list of member ids
)

exports = Table(
    "exports",
    metadata,
    Column("id", Integer, primary_key=True),
    # None: a backup, which holds every cohort.
    Column("cohort_id", Integer, ForeignKey("cohorts.id", ondelete="CASCADE")),
    Column("meeting_id", Integer),  # no foreign key: the record outlives a purged meeting
    Column("kind", String(16), nullable=False, info=VOCABULARY),
    Column("path", Text, nullable=False, info=VOCABULARY),
    Column("written_at", Float, nullable=False),
)


def member_and_meeting() -> list[Column[Any]]:
    """The key of a row a member files for a meeting: one row per member and meeting."""
    return [
        Column(
            "meeting_id",
            Integer,
            ForeignKey("meetings.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        ),
        Column(
            "member_id",
            Integer,
            ForeignKey("members.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        ),
    ]


#: What members file from their own page (peerkit.portal), one row per member and meeting: a
#: second filing replaces the first, so a form sent twice is never counted twice.
member_links = Table(
    "member_links",
    metadata,
    Column("member_id", Integer, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    # SHA-256 of the member's token. The token is never stored: it is made again from the
    # facilitator's link key (outside the store) and the link's version (peerkit.links).
    Column("token_hash", String(64), nullable=False, unique=True, info=VOCABULARY),
    Column("version", Integer, nullable=False),
    Column("issued_at", Float, nullable=False),
    Column("revoked_at", Float),
)

member_updates = Table(
    "member_updates",
    metadata,
    *member_and_meeting(),
    Column("scores", Text, nullable=False, info=VOCABULARY),  # JSON {life area: 1..10}
    Column("text", Text, nullable=False, default=""),
    Column("filed_at", Float, nullable=False),
    # The member lets the coach see their own scores (else the coach sees group averages only).
    Column("shared", Boolean, nullable=False, default=False),
)

hot_seat_requests = Table(
    "hot_seat_requests",
    metadata,
    *member_and_meeting(),
    Column("issue", Text, nullable=False),
    Column("urgency", String(1), nullable=False, info=VOCABULARY),  # A, B or C
    Column("minutes", Integer, nullable=False),
    Column("filed_at", Float, nullable=False),
)

progress = Table(
    "progress",
    metadata,
    Column(
        "commitment_id",
        Integer,
        ForeignKey("commitments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("status", String(16), nullable=False, info=VOCABULARY),  # done, partial, stuck
    Column("note", Text, nullable=False, default=""),
    Column("at", Float, nullable=False),
)

#: Live polls the facilitator opens during a meeting (one open at a time): members answer from
#: their page, anonymously, into ``answers`` under the poll's subject.
polls = Table(
    "polls",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
    Column("question", Text, nullable=False),
    Column("subject", String(32), nullable=False, info=VOCABULARY),  # poll:N, round:N
    Column("high", Integer, nullable=False),  # answers run from 1 to this
    Column("opened_at", Float, nullable=False),
    Column("closed_at", Float),
)

#: Anonymous answers (a rating of the meeting or of a round, a poll): no member, no time, and a
#: random key, so nothing in the row or in its place in the table says who gave it. Who has
#: answered (to refuse a second answer) is a separate table that says nothing of the answer.
answers = Table(
    "answers",
    metadata,
    Column("key", String(32), primary_key=True, info=VOCABULARY),
    Column(
        "meeting_id",
        Integer,
        ForeignKey("meetings.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("subject", String(32), nullable=False, info=VOCABULARY),  # meeting, round:N
    Column("score", Integer, nullable=False),
    Column("line", Text, nullable=False, default=""),
    sqlite_with_rowid=False,
)

answered = Table(
    "answered",
    metadata,
    Column("meeting_id", Integer, ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("subject", String(32), primary_key=True, info=VOCABULARY),
    Column(
        "member_id",
        Integer,
        ForeignKey("members.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    sqlite_with_rowid=False,
)

cohort_changes = Table(
    "cohort_changes",
    metadata,
    # No foreign key: a cohort's counter outlives it (0: a row whose cohort was already gone).
    Column("cohort_id", Integer, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False, default=0),
)
"""How many changes each cohort's rows have seen, counted by SQLite triggers (migration 0008):
a SQLite follower wakes only for its own cohort. PostgreSQL's triggers NOTIFY instead."""

#: The cohort's meetings by date (migration 0008): the Meeting box, and who presented when.
#: (Every foreign key column has had its own index since migration 0001.)
INDEXES = (Index("ix_meetings_cohort_date", meetings.c.cohort_id, meetings.c.date),)


def in_cohort(table: Table, cohort_id: int | Collection[int]) -> Any:
    """A condition on ``table``'s rows: those that belong to the cohort (or to any of several),
    found by following the table's foreign keys (required ones first) up to ``cohorts``."""
    if table is cohorts:
        return _is(table.c.id, cohort_id)
    if "cohort_id" in table.c:
        return _is(table.c.cohort_id, cohort_id)
    fk = _way_up(table)
    return fk.parent.in_(select(fk.column).where(in_cohort(fk.column.table, cohort_id)))


def cohort_of(table: Table) -> Select[Any]:
    """Each row of ``table`` (``id``) with the cohort it belongs to (``cohort_id``), found by
    the same foreign keys as :func:`in_cohort`."""
    if table is cohorts:
        return select(table.c.id.label("id"), table.c.id.label("cohort_id"))
    if "cohort_id" in table.c:
        return select(table.c.id.label("id"), table.c.cohort_id.label("cohort_id"))
    fk = _way_up(table)
    up = cohort_of(fk.column.table).subquery()
    return select(table.c.id.label("id"), up.c.cohort_id).join_from(table, up, up.c.id == fk.parent)


def _way_up(table: Table) -> Any:
    keys = sorted(table.foreign_keys, key=lambda fk: (fk.parent.nullable, fk.parent.name))
    if not keys:
        raise ValueError(f"table {table.name} has no way to its cohort")
    return keys[0]


def _is(column: Any, cohort_id: int | Collection[int]) -> Any:
    if isinstance(cohort_id, int):
        return column == cohort_id
    return column.in_(sorted(cohort_id))
