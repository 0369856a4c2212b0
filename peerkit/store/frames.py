"""Reading the scoring frames and the phase timing frame out of the store, fast.

:meth:`peerkit.store.Store.frames` and :meth:`~peerkit.store.Store.phase_frame` delegate here.
The frames follow the contract written at the top of :mod:`peerkit.scoring`.

Why it is written this way: a million reviews fetched as Python rows cost seconds (a tuple and a
dozen Python objects per row, then pandas parsing dates and strings). On SQLite the reviews are
instead read as a handful of text columns, each the whole column joined by commas in SQL
(``group_concat``), and parsed by numpy in C. Small values share one integer (ids in two 32-bit
halves; owner, outcome code, GAS level and the levels flag in another; the two dates as day
numbers in a third), so there are five numbers per review to format and parse instead of eleven.
Any other database, or a SQLite store whose values do not fit that packing, takes the portable
path: the same query through SQLAlchemy, row by row.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import sqlalchemy as sa

from peerkit.model import (
    Format,
    Outcome,
    PeerkitError,
    PhaseEvent,
    PhaseEventKind,
    judged_targets,
)
from peerkit.phases import Status, format_plan, replay
from peerkit.store import schema as t

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy.engine import Connection

#: Outcome text -> code (the index in Outcome order, which is OUTCOME_DTYPE's category order).
OUTCOME_CODES = {o.value: i for i, o in enumerate(Outcome)}
_NO_OUTCOME = 7  # an outcome text the store should never hold: becomes a missing category
_NO_LEVEL = 7  # level + 2 when the reviewer gave no level
_ID_LIMIT = 1 << 31  # ids that fit the packed path
_DAY_BIAS = 1 << 23  # new target day + bias > 0, so 0 can mean "no new target date"
_CHUNK_IDS = 1 << 22  # reviews per packed query: stays far below SQLite's 1e9-byte text limit


def _outcome_case(column: str) -> str:
    whens = " ".join(f"WHEN '{text}' THEN {code}" for text, code in OUTCOME_CODES.items())
    return f"CASE {column} {whens} ELSE {_NO_OUTCOME} END"


def _days(column: str) -> str:
    """Days since 1970-01-01 of a SQLite date text, as an integer (NULL stays NULL)."""
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


# The five packed columns, each one integer (or a weight) per review. Decoding is in
# _decode_packed; ``?`` placeholders are the id range (and the cohort).
_PACKED = (
    "(r.id << 32) | r.commitment_id",
    "(r.meeting_id << 32) | c.meeting_id",
    f"(c.owner_id << 7) | ({_outcome_case('r.outcome')} << 4)"
    f" | (coalesce(r.level + 2, {_NO_LEVEL}) << 1) | (c.levels IS NOT NULL)",
    f"({_days('c.target_date')} << 24) | coalesce({_days('r.new_target_date')} + {_DAY_BIAS}, 0)",
    "CASE WHEN c.weight = 1 THEN 1 ELSE c.weight END",  # "1" is cheaper to write than "1.0"
)
#: Commitments that count: neither private nor made in a private round (the minutes, the check-in
#: and every score leave the others out). ``c`` is the commitments table.
SHOWN_COMMITMENT = (
    "NOT c.private"
    " AND (c.round_id IS NULL OR c.round_id NOT IN (SELECT id FROM rounds WHERE private))"
)
#: Reviews that are in the record: neither the review nor its commitment deleted (a deletion
#: waiting for Undo or for the meeting's close counts nowhere). ``r`` is the reviews table.
IN_RECORD = "r.deleted_at IS NULL AND c.deleted_at IS NULL"
_PACKED_SQL = (
    "SELECT count(*), "
    + ", ".join(f"group_concat({expr})" for expr in _PACKED)
    + " FROM reviews AS r JOIN commitments AS c ON c.id = r.commitment_id"
    + " WHERE r.id > ? AND r.id <= ? AND "
    + SHOWN_COMMITMENT
    + " AND "
    + IN_RECORD
)
_IN_COHORT = " AND c.meeting_id IN (SELECT id FROM meetings WHERE cohort_id = ?)"


class _NotPackable(Exception):
    """The packed path cannot read this store exactly: use the portable one."""


# --------------------------------------------------------------------------------------------
# Reading the raw columns


def _packed_reviews(conn: Connection, cohort_id: int | None) -> dict[str, np.ndarray]:
    """The reviews' raw columns through group_concat (SQLite only)."""
    tables = ("reviews", "commitments", "meetings", "members")
    limits = conn.exec_driver_sql(
        "SELECT "
        + ", ".join(f"(SELECT min(id) FROM {x}), (SELECT max(id) FROM {x})" for x in tables)
    ).one()
    if any((x or 0) < 0 or (x or 0) >= _ID_LIMIT for x in limits):
        raise _NotPackable
    sql = _PACKED_SQL + (_IN_COHORT if cohort_id is not None else "")
    parts: list[list[np.ndarray]] = []
    last = limits[1] or 0
    for lo in range(-1, last, _CHUNK_IDS):
        params: tuple[Any, ...] = (lo, lo + _CHUNK_IDS)
        if cohort_id is not None:
            params += (int(cohort_id),)
        row = conn.exec_driver_sql(sql, params).one()
        count = int(row[0])
        if not count:
            continue
        columns = []
        for i, text in enumerate(row[1:]):
            dtype = np.float64 if i == len(_PACKED) - 1 else np.int64
            try:
                values = np.fromstring(text or "", sep=",", dtype=dtype)
            except ValueError:
                raise _NotPackable from None
            if len(values) != count:  # a NULL (group_concat skips it) or an odd value
                raise _NotPackable
            columns.append(values)
        parts.append(columns)
    if not parts:
        empty_i, empty_f = np.zeros(0, np.int64), np.zeros(0, np.float64)
        parts = [[empty_i, empty_i, empty_i, empty_i, empty_f]]
    ids, meetings, small, days, weight = (
        np.concatenate([p[i] for p in parts]) for i in range(len(_PACKED))
    )
    low32 = np.int64(0xFFFFFFFF)
    new_day = (days & np.int64((1 << 24) - 1)) - _DAY_BIAS
    level = (small >> 1) & 7
    return {
        "review_id": ids >> 32,
        "commitment_id": ids & low32,
        "review_meeting_id": meetings >> 32,
        "made_meeting_id": meetings & low32,
        "owner_id": small >> 7,
        "outcome": (small >> 4) & 7,
        "level": level - 2,
        "level_given": level != _NO_LEVEL,
        "levels_defined": (small & 1).astype(bool),
        "target_day": days >> 24,  # arithmetic shift: days before 1970 stay negative
        "new_day": new_day,
        "new_given": new_day > -_DAY_BIAS,
        "weight": weight,
    }


def _portable_reviews(conn: Connection, cohort_id: int | None) -> dict[str, np.ndarray]:
    """The reviews' raw columns through SQLAlchemy, row by row (any database)."""
    import pandas as pd

    r, c = t.reviews, t.commitments.alias("c")
    outcome = sa.case(
        *[(r.c.outcome == text, code) for text, code in OUTCOME_CODES.items()],
        else_=_NO_OUTCOME,
    )
    query = sa.select(
        r.c.id,
        r.c.commitment_id,
        r.c.meeting_id,
        c.c.meeting_id,
        c.c.owner_id,
        outcome,
        r.c.level,
        c.c.levels.is_not(None),
        c.c.target_date,
        r.c.new_target_date,
        c.c.weight,
    ).join(c, c.c.id == r.c.commitment_id)
    query = query.where(
        sa.text(SHOWN_COMMITMENT), r.c.deleted_at.is_(None), c.c.deleted_at.is_(None)
    )
    if cohort_id is not None:
        query = query.where(
            c.c.meeting_id.in_(
                sa.select(t.meetings.c.id).where(t.meetings.c.cohort_id == cohort_id)
            )
        )
    rows = conn.execute(query.order_by(r.c.id)).all()
    cols = list(zip(*rows, strict=True)) if rows else [()] * 11

    def ints(values: Iterable[Any]) -> np.ndarray:
        return np.asarray(list(values), dtype=np.int64)

    def days(values: Iterable[Any]) -> np.ndarray:
        stamps = pd.to_datetime(pd.Series(list(values), dtype=object))
        return stamps.to_numpy(dtype="datetime64[D]").astype(np.int64)

    level = pd.array(list(cols[6]), dtype="Int64")
    new_dates = days(cols[9])
    new_given = np.asarray([v is not None for v in cols[9]], dtype=bool)
    return {
        "review_id": ints(cols[0]),
        "commitment_id": ints(cols[1]),
        "review_meeting_id": ints(cols[2]),
        "made_meeting_id": ints(cols[3]),
        "owner_id": ints(cols[4]),
        "outcome": ints(cols[5]),
        "level": level.to_numpy(dtype=np.int64, na_value=0),
        "level_given": ~level.isna(),
        "levels_defined": np.asarray([bool(v) for v in cols[7]], dtype=bool),
        "target_day": days(cols[8]),
        "new_day": np.where(new_given, new_dates, 0),
        "new_given": new_given,
        "weight": np.asarray(list(cols[10]), dtype=np.float64),
    }


def _dates(values: Iterable[Any]) -> np.ndarray:
    """Dates (as stored: date objects or 'YYYY-MM-DD' texts) as datetime64[s]; None as NaT."""
    import pandas as pd

    stamps = pd.to_datetime(pd.Series(list(values), dtype=object))
    return stamps.to_numpy(dtype="datetime64[s]")


def _meeting_days(
    conn: Connection, is_sqlite: bool, where: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Meeting ids (sorted), cohorts and dates as day numbers, of the meetings ``where`` picks."""
    mt = t.meetings.c
    if is_sqlite:  # day numbers computed by SQLite: no date objects for thousands of rows
        query = sa.select(mt.id, mt.cohort_id, sa.literal_column(_days("meetings.date")))
    else:
        query = sa.select(mt.id, mt.cohort_id, mt.date)
    if where is not None:
        query = query.where(where)
    rows = conn.execute(query.order_by(mt.id)).all()
    ids = np.asarray([r[0] for r in rows], dtype=np.int64)
    cohorts = np.asarray([r[1] for r in rows], dtype=np.int64)
    days = [r[2] for r in rows]
    if not is_sqlite:
        return ids, cohorts, _dates(days).astype("datetime64[D]").astype(np.int64)
    if None in days:  # a date SQLite cannot read: let SQLAlchemy and pandas try
        return _meeting_days(conn, False, where)
    return ids, cohorts, np.asarray(days, dtype=np.int64)


def _day_stamps(days: np.ndarray, given: np.ndarray | None = None) -> np.ndarray:
    out = days.astype("datetime64[D]").astype("datetime64[s]")
    if given is not None:
        out[~given] = np.datetime64("NaT")
    return out


def _judged_targets(raw: Mapping[str, np.ndarray], reviewed: np.ndarray) -> np.ndarray:
    """The target date each review judged, as days (peerkit.model.judged_targets' rule)."""
    return judged_targets(
        raw["commitment_id"],
        reviewed,
        raw["review_id"],
        raw["target_day"],
        raw["new_day"],
        raw["new_given"],
    )


# --------------------------------------------------------------------------------------------
# The frames


def read_frames(
    conn: Connection, is_sqlite: bool, cohort_id: int | None, *, packed: bool | None = None
) -> dict[str, pd.DataFrame]:
    """The reviews, members and meetings frames (see :mod:`peerkit.scoring`).

    ``packed`` forces (True) or avoids (False) the SQLite fast path; by default it is used on
    SQLite whenever the store's values fit it.
    """
    import pandas as pd

    if is_sqlite and not getattr(conn.connection.dbapi_connection, "in_transaction", True):
        # One read transaction, so every read below sees the same snapshot of the store (the
        # caller's connection ends it; nothing is written).
        conn.exec_driver_sql("BEGIN")
    mine = None if cohort_id is None else t.meetings.c.cohort_id == cohort_id
    m_id, m_cohort, m_day = _meeting_days(conn, is_sqlite, mine)
    meetings = pd.DataFrame({"meeting_id": m_id, "cohort_id": m_cohort})
    meetings["date"] = _day_stamps(m_day)

    m = t.members.c
    member_q = sa.select(m.id, m.cohort_id, m.name, m.status, m.redacted).order_by(m.id)
    if cohort_id is not None:
        member_q = member_q.where(m.cohort_id == cohort_id)
    member_rows = conn.execute(member_q).all()
    members = pd.DataFrame(
        {
            "member_id": np.asarray([r[0] for r in member_rows], dtype=np.int64),
            "cohort_id": np.asarray([r[1] for r in member_rows], dtype=np.int64),
            "name": pd.array([r[2] for r in member_rows], dtype="str"),
            "status": pd.array([r[3] for r in member_rows], dtype="str"),
            "redacted": np.asarray([bool(r[4]) for r in member_rows], dtype=bool),
        }
    )

    raw = None
    if is_sqlite and packed is not False:
        try:
            raw = _packed_reviews(conn, cohort_id)
        except _NotPackable:
            if packed:
                raise PeerkitError("This store cannot be read on the packed path.") from None
    if raw is None:
        raw = _portable_reviews(conn, cohort_id)

    # Each review's meetings, looked up by id: their cohort and date. A review held at another
    # cohort's meeting (which scoring refuses) needs that meeting read too.
    def find(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        at = np.minimum(np.searchsorted(m_id, ids), max(len(m_id) - 1, 0))
        return at, m_id[at] == ids if len(m_id) else np.zeros(len(ids), dtype=bool)

    (seen, seen_ok), (made, made_ok) = find(raw["review_meeting_id"]), find(raw["made_meeting_id"])
    if not (seen_ok.all() and made_ok.all()):
        missing = np.concatenate(
            [raw["review_meeting_id"][~seen_ok], raw["made_meeting_id"][~made_ok]]
        )
        more = _meeting_days(conn, is_sqlite, t.meetings.c.id.in_(np.unique(missing).tolist()))
        order = np.argsort(np.concatenate([m_id, more[0]]), kind="stable")
        m_id, m_cohort, m_day = (
            np.concatenate([a, b])[order]
            for a, b in zip((m_id, m_cohort, m_day), more, strict=True)
        )
        (seen, seen_ok), (made, made_ok) = (
            find(raw["review_meeting_id"]),
            find(raw["made_meeting_id"]),
        )
        if not (seen_ok.all() and made_ok.all()):
            raise PeerkitError("A review refers to a meeting that is not in the store.")
    reviewed_day = m_day[seen]
    target = _judged_targets(raw, reviewed_day)

    codes = raw["outcome"].astype(np.int8)
    codes[
        codes >= len(OUTCOME_CODES)
    ] = -1  # unknown text: a missing outcome, which scoring refuses
    reviews = pd.DataFrame(
        {
            "review_id": raw["review_id"],
            "commitment_id": raw["commitment_id"],
            "owner_id": raw["owner_id"],
            "cohort_id": m_cohort[made],
            "made_meeting_id": raw["made_meeting_id"],
            "target_date": _day_stamps(target),
            "weight": raw["weight"],
            "levels_defined": raw["levels_defined"],
            "review_meeting_id": raw["review_meeting_id"],
            "reviewed_on": _day_stamps(reviewed_day),
            # The categories in Outcome order: scoring.OUTCOME_DTYPE, built from the model.
            "outcome": pd.Categorical.from_codes(codes, categories=list(OUTCOME_CODES)),
            "level": pd.arrays.IntegerArray(raw["level"], ~raw["level_given"]),
            "new_target_date": _day_stamps(raw["new_day"], raw["new_given"]),
        }
    )
    if len(reviews) > 1 and not (np.diff(raw["review_id"]) > 0).all():
        reviews = reviews.sort_values("review_id", kind="stable", ignore_index=True)
    return {"reviews": reviews, "members": members, "meetings": meetings}


# --------------------------------------------------------------------------------------------
# Phase timing


PHASE_COLUMNS = (
    "round_id",
    "phase",
    "position",
    "planned_s",
    "used_s",
    "meeting_id",
    "format_name",
    "round",
    "presenter",
)


def read_phase_frame(
    conn: Connection,
    *,
    meeting_id: int | None,
    cohort_id: int | None,
    formats: Mapping[str, Format],
    include_private: bool,
    now: float | None,
) -> pd.DataFrame:
    """One row per phase of each round that has started, in meeting, round and phase order.

    Besides what ``charts.phase_timing`` reads, each row has the round's meeting_id and
    format_name. round is the round's number in its meeting, from 1, among the rounds shown (as
    the minutes number them: private rounds count only when they are included); presenter is the
    presenter's name (a chart under the Chatham House Rule leaves it out).
    """
    import pandas as pd

    rounds_q = (
        sa.select(
            t.rounds.c.id,
            t.rounds.c.meeting_id,
            t.rounds.c.format_name,
            t.rounds.c.private,
            t.members.c.name.label("presenter"),
        )
        .join(t.meetings, t.meetings.c.id == t.rounds.c.meeting_id)
        .join(t.members, t.members.c.id == t.rounds.c.presenter_id)
        .order_by(t.meetings.c.date, t.meetings.c.id, t.rounds.c.position, t.rounds.c.id)
    )
    if meeting_id is not None:
        rounds_q = rounds_q.where(t.rounds.c.meeting_id == meeting_id)
    if cohort_id is not None:
        rounds_q = rounds_q.where(t.meetings.c.cohort_id == cohort_id)
    if not include_private:
        rounds_q = rounds_q.where(t.rounds.c.private.is_(False))
    rounds_q = rounds_q.where(t.rounds.c.deleted_at.is_(None))  # a removed round never ran
    rounds = conn.execute(rounds_q).all()
    by_name = {name.casefold(): fmt for name, fmt in formats.items()}
    known = {
        r.id: by_name[r.format_name.casefold()]
        for r in rounds
        if r.format_name.casefold() in by_name
    }
    events: dict[int, list[PhaseEvent]] = {}
    if known:
        log_q = (
            sa.select(t.phase_log)
            .where(t.phase_log.c.round_id.in_(list(known)))
            .order_by(t.phase_log.c.round_id, t.phase_log.c.seq)
        )
        import json

        for e in conn.execute(log_q).all():
            events.setdefault(e.round_id, []).append(
                PhaseEvent(
                    e.round_id,
                    PhaseEventKind(e.kind),
                    e.at,
                    e.value,
                    tuple(json.loads(e.plan)) if e.plan else None,
                )
            )
    # Rounds are numbered within their meeting among the rounds shown (as the minutes number
    # them: private ones not counted unless included), started or not.
    numbers: dict[int, int] = {}
    counted: dict[int, int] = {}
    for r in rounds:
        counted[r.meeting_id] = numbers[r.id] = counted.get(r.meeting_id, 0) + 1
    clock = time.time() if now is None else float(now)
    records: list[tuple[Any, ...]] = []
    for r in rounds:
        fmt = known.get(r.id)
        log = events.get(r.id)
        if fmt is None or not log:
            continue  # an unknown format (no phase names), or a round not started
        try:
            state = replay(format_plan(fmt), log)
        except PeerkitError:
            continue  # a log this format cannot replay (the coach changed the format)
        if state.status is Status.READY:
            continue
        used = state.used_at(clock)
        for i, phase in enumerate(fmt.phases):
            reached = i <= state.phase or used[i] > 0
            records.append(
                (
                    r.id,
                    phase.name,
                    i,
                    float(state.plan[i]),
                    float(used[i]) if reached else math.nan,
                    r.meeting_id,
                    fmt.name,
                    numbers[r.id],
                    r.presenter,
                )
            )
    frame = pd.DataFrame.from_records(records, columns=list(PHASE_COLUMNS))
    return frame.astype(
        {
            "round_id": "int64",
            "phase": "str",
            "position": "int64",
            "planned_s": "float64",
            "used_s": "float64",
            "meeting_id": "int64",
            "format_name": "str",
            "round": "int64",
            "presenter": "str",
        }
    )
