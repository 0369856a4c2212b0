"""Follow-through scores: pure functions from reviews to pandas DataFrames.

Nothing here reads or writes anything: the store builds the three input frames below and these
functions turn them into completion rates, Goal Attainment Scaling (GAS) T-scores and streaks.

Input frames
============

``reviews``: one row per review of a commitment.

===================  ================  ======================================================
column               dtype             meaning
===================  ================  ======================================================
review_id            int               the review
commitment_id        int               the commitment reviewed
owner_id             int               the member who made the commitment
cohort_id            int               the owner's cohort (informational)
made_meeting_id      int               the meeting where the commitment was made
target_date          datetime64        the target date *at the time of this review*, i.e. after
                                       any earlier renegotiation
weight               float             the commitment's GAS weight (> 0)
levels_defined       bool              the member described their own five GAS levels
                                       (informational: a given ``level`` is used either way)
review_meeting_id    int               the meeting where the review happened
reviewed_on          datetime64        the date of that meeting
outcome              str or category   one of the :class:`~peerkit.model.Outcome` values:
                                       "done", "partial", "not done", "dropped",
                                       "renegotiated"
level                Int64 (nullable)  the GAS level −2 … +2 the reviewer gave, or NA
new_target_date      datetime64        the new target date, NaT unless renegotiated
===================  ================  ======================================================

A categorical ``outcome`` column (:data:`OUTCOME_DTYPE`) is the fastest input: reading a
million plain strings costs about 40 ms more. Plain strings and ``Outcome`` members work too.

``members``: member_id:int, cohort_id:int, name:str, status:str ("active"/"left"), redacted:bool.
Names of redacted members are expected to be replaced already; they are shown as given.

``meetings``: meeting_id:int, cohort_id:int, date:datetime64.

The rows of ``members`` and ``meetings`` choose what is scored: a review whose owner is not in
``members``, or whose review meeting is not in ``meetings`` (or is before ``since``), is left out.
A review held at a meeting of another cohort than its owner's is an error.

Rules
=====

Completion credit per review: done 1, partial ½, not done 0, dropped 0. A renegotiation
made on or before the target date is not counted at all (neither reviewed nor failed); one made
after the target date counts as a miss (0). The *rate* is credit ÷ reviews counted; with
nothing counted it is NaN and reads "nothing due", never "0%".

GAS (Kiresuk & Sherman, 1968): each counted review gives a level x (the reviewer's level when
given, else :data:`~peerkit.model.OUTCOME_LEVEL` of the outcome) and the commitment's weight w;
T = 50 + 10·Σwᵢxᵢ / √((1−ρ)·Σwᵢ² + ρ·(Σwᵢ)²). Renegotiations before the due date are left out of
GAS as well: the commitment is scored when it is finally reviewed.

A streak counts consecutive meetings of the member's cohort at which every counted review was
"done"; meetings where the member had nothing counted neither break nor extend it.

Everything is computed with numpy on integer ids over a member × meeting grid (one cell per
member per meeting of the member's cohort), and names are joined at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from peerkit.model import GAS_LEVELS, OUTCOME_LEVEL, REVIEW_COLUMNS, Outcome, PeerkitError

__all__ = [
    "NOTHING_DUE",
    "OUTCOME_DTYPE",
    "cohort_summary",
    "completion_by_meeting",
    "completion_rolling",
    "gas_tscore",
    "rate_text",
    "review_credit",
    "review_level",
    "scoreboard",
    "streaks",
]

#: The text shown for a member (or meeting) with nothing counted: never "0%".
NOTHING_DUE = "nothing due"
DEFAULT_RHO = 0.3
#: The fastest dtype for the reviews' outcome column, e.g.
#: ``pd.Categorical.from_codes(codes, dtype=OUTCOME_DTYPE)`` with codes in Outcome order.
OUTCOME_DTYPE = pd.CategoricalDtype([o.value for o in Outcome])

MEMBER_COLUMNS = ("member_id", "cohort_id", "name", "status", "redacted")
MEETING_COLUMNS = ("meeting_id", "cohort_id", "date")

# Review classes: the five outcomes in Outcome order, then renegotiations made before the due
# date, which are counted as renegotiations but neither reviewed nor failed.
_OUTCOMES: tuple[Outcome, ...] = tuple(Outcome)
_DONE, _PARTIAL, _NOT_DONE, _DROPPED, _RENEG_LATE = range(5)
_RENEG_EARLY = 5
_N_CLASSES = 6
_CLASS_CREDIT = np.array([1.0, 0.5, 0.0, 0.0, 0.0, np.nan])
_CLASS_LEVEL = np.array([OUTCOME_LEVEL[o] for o in _OUTCOMES], dtype=np.float64)
_LEVEL_MIN, _LEVEL_MAX = min(GAS_LEVELS), max(GAS_LEVELS)
_PERCENT = np.array([f"{i}%" for i in range(101)], dtype=object)


# --------------------------------------------------------------------------------------------
# GAS on plain numbers


def _check_rho(rho: float) -> float:
    try:
        value = float(rho)
    except (TypeError, ValueError):
        raise PeerkitError(
            f"rho must be a number from 0 up to (not including) 1, not {rho!r}."
        ) from None
    if not 0.0 <= value < 1.0:  # also false for NaN
        raise PeerkitError(f"rho must be from 0 up to (not including) 1, not {rho!r}.")
    return value


_Sums = tuple[np.ndarray, np.ndarray, np.ndarray]  # Σwx, Σw², Σw


def _tscores(sums: _Sums, rho: float) -> np.ndarray:
    """T = 50 + 10·Σwx / √((1−ρ)Σw² + ρ(Σw)²) elementwise; NaN where Σw is 0."""
    swx, sw2, sw = sums
    denom = np.sqrt((1.0 - rho) * sw2 + rho * sw * sw)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = 50.0 + 10.0 * swx / denom
    return np.where(sw > 0, t, np.nan)


def gas_tscore(
    levels: Iterable[float], weights: Iterable[float] | None = None, rho: float = DEFAULT_RHO
) -> float:
    """The Goal Attainment Scaling T-score of some goals.

    ``levels`` are the attained levels (−2 … +2, 0 the expected outcome), ``weights`` one
    positive weight per goal (all 1 by default), ``rho`` the assumed correlation between goals.
    Returns T = 50 + 10·Σwᵢxᵢ / √((1−ρ)·Σwᵢ² + ρ·(Σwᵢ)²). Raises PeerkitError on empty input,
    a level outside −2 … +2, a weight that is not positive, mismatched lengths or a rho outside
    [0, 1).
    """
    rho = _check_rho(rho)
    try:
        x = np.asarray(list(levels), dtype=np.float64)
    except (TypeError, ValueError):
        raise PeerkitError("GAS levels must be whole numbers from -2 to +2.") from None
    if x.ndim != 1 or x.size == 0:
        raise PeerkitError("A GAS score needs at least one goal level; none was given.")
    bad = ~np.isin(x, GAS_LEVELS)
    if bad.any():
        raise PeerkitError(
            f"GAS level {x[bad][0]:g} is out of range: use a whole number from -2 to +2."
        )
    if weights is None:
        w = np.ones_like(x)
    else:
        try:
            w = np.asarray(list(weights), dtype=np.float64)
        except (TypeError, ValueError):
            raise PeerkitError("GAS weights must be positive numbers.") from None
        if w.shape != x.shape:
            raise PeerkitError(
                f"{x.size} GAS levels were given with {w.size} weights: give one weight per goal."
            )
        bad = ~((w > 0) & np.isfinite(w))
        if bad.any():
            raise PeerkitError(
                f"GAS weight {w[bad][0]:g} is not allowed: weights must be positive."
            )
    swx, sw2, sw = (np.atleast_1d(np.sum(v)) for v in (w * x, w * w, w))
    return float(_tscores((swx, sw2, sw), rho)[0])


# --------------------------------------------------------------------------------------------
# Reading the input frames


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise PeerkitError(f"The {what} table lacks the column(s) {', '.join(missing)}.")


def _ints(frame: pd.DataFrame, column: str, what: str) -> np.ndarray:
    col = frame[column]
    if col.hasnans:
        raise PeerkitError(f"The {what} table has an empty {column}.")
    try:
        return col.to_numpy(dtype=np.int64)
    except (TypeError, ValueError):
        raise PeerkitError(f"The {what} table's {column} must hold whole numbers.") from None


def _dates(col: pd.Series) -> np.ndarray:
    if not pd.api.types.is_datetime64_any_dtype(col.dtype):
        col = pd.to_datetime(col)
    if isinstance(col.dtype, pd.DatetimeTZDtype):
        col = col.dt.tz_localize(None)
    return col.to_numpy()


def _outcome_codes(col: pd.Series) -> np.ndarray:
    """Index into Outcome order (int8) of each outcome; PeerkitError on anything else."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy()
        uniques: Any = col.cat.categories
    else:
        # Factorizing the object array behind a python-backed string column is about twice as
        # fast as factorizing the column itself; pyarrow-backed columns factorize natively.
        storage = getattr(col.dtype, "storage", "python")
        values: Any = col if storage == "pyarrow" else col.to_numpy(dtype=object)
        codes, uniques = pd.factorize(values)
    table = np.empty(len(uniques), dtype=np.int8)
    for i, value in enumerate(uniques):
        try:
            table[i] = _OUTCOMES.index(Outcome(value))
        except ValueError:
            allowed = ", ".join(o.value for o in _OUTCOMES)
            raise PeerkitError(f"Unknown review outcome {value!r}: use one of {allowed}.") from None
    if len(codes) and codes.min() < 0:
        raise PeerkitError("A review has no outcome: record done, partial, not done, ... first.")
    return table[codes]


def _classes(frame: pd.DataFrame) -> np.ndarray:
    """The review class of each row (outcome, with early renegotiations set apart), int8."""
    cls = _outcome_codes(frame["outcome"])
    cls += (cls == _RENEG_LATE) & (_dates(frame["reviewed_on"]) <= _dates(frame["target_date"]))
    return cls


_LEVEL_BY_CLASS = np.append(_CLASS_LEVEL, _CLASS_LEVEL[_RENEG_LATE])


def _given_levels(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the reviews whose reviewer gave a level, and those levels (checked)."""
    col = frame["level"]
    rows = np.flatnonzero(~col.isna().to_numpy())
    if not len(rows):
        return rows, np.zeros(0)
    try:
        given = np.asarray(col.array.take(rows).to_numpy(dtype=np.float64), dtype=np.float64)
    except (TypeError, ValueError):
        raise PeerkitError("GAS levels must be whole numbers from -2 to +2.") from None
    bad = ~np.isin(given, GAS_LEVELS)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        row = int(rows[first])
        rid = frame["review_id"].iloc[row] if "review_id" in frame.columns else row
        raise PeerkitError(
            f"Review {rid} has GAS level {given[first]:g}: use a whole number from -2 to +2."
        )
    return rows, given


def _levels(frame: pd.DataFrame, cls: np.ndarray) -> np.ndarray:
    """The GAS level of each row as float: the reviewer's level if given, else the outcome's."""
    x = np.take(_LEVEL_BY_CLASS, cls)
    rows, given = _given_levels(frame)
    x[rows] = given
    return x


def review_credit(frame: pd.DataFrame) -> pd.Series:
    """Completion credit of each review (NaN for renegotiations made on or before the due date).

    ``frame`` needs the columns outcome, reviewed_on and target_date.
    """
    _require(frame, ("outcome", "reviewed_on", "target_date"), "reviews")
    credit = np.take(_CLASS_CREDIT, _classes(frame))
    return pd.Series(credit, index=frame.index, name="credit", dtype="float64")


def review_level(frame: pd.DataFrame) -> pd.Series:
    """GAS level of each review: the reviewer's level where given, else the outcome's level.

    ``frame`` needs the columns outcome and level.
    """
    _require(frame, ("outcome", "level"), "reviews")
    levels = _levels(frame, _outcome_codes(frame["outcome"]))
    return pd.Series(levels, index=frame.index, name="level").astype("Int64")


def rate_text(credit: Any, reviewed: Any) -> np.ndarray:
    """ "83%" for each completion (``credit`` of ``reviewed``), "nothing due" where ``reviewed``
    is 0, as an object array: the one place a follow-through percentage is written.

    Half-percents round up, on exact integers: credit is a whole number of halves, so
    credit ÷ reviewed × 100 + ½ = (100·halves + reviewed) ÷ (2·reviewed), floored (in floating
    point 11.5 ÷ 20 × 100 is 57.4999…, which would read 57%). Something done never reads "0%",
    something missed never "100%".
    """
    halves = np.rint(np.asarray(credit, dtype=np.float64) * 2.0).astype(np.int64)
    n = np.asarray(reviewed, dtype=np.int64)
    due = n > 0
    safe = np.where(due, n, 1)
    pct = (100 * halves + safe) // (2 * safe)
    inner = (halves > 0) & (halves < 2 * n)
    pct = np.where(inner, np.clip(pct, 1, 99), np.clip(pct, 0, 100))
    return np.where(due, np.take(_PERCENT, np.where(due, pct, 0)), NOTHING_DUE)


def _rates(credit: np.ndarray, reviewed: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(reviewed > 0, credit / reviewed, np.nan)


# --------------------------------------------------------------------------------------------
# The member × meeting grid


def _lookup(keys: np.ndarray, values: np.ndarray, query: np.ndarray, missing: int) -> np.ndarray:
    """``values[i]`` for each query equal to ``keys[i]`` (unique ints), ``missing`` elsewhere."""
    n = len(keys)
    if n == 0 or len(query) == 0:
        return np.full(len(query), missing, dtype=np.int64)
    lo, hi = int(keys.min()), int(keys.max())
    if lo >= 0 and hi <= 8 * n + 4096:  # dense ids: a lookup table beats hashing
        table = np.full(hi + 1, missing, dtype=np.int64)
        table[keys] = values
        if int(query.min()) >= 0 and int(query.max()) <= hi:
            return table[query]
        inside = (query >= 0) & (query <= hi)
        return np.where(inside, table[np.where(inside, query, 0)], missing)
    at = np.asarray(pd.Index(keys).get_indexer(query), dtype=np.intp)
    return np.where(at >= 0, values[at], missing)


def _unique_ids(ids: np.ndarray, what: str) -> None:
    if not pd.Index(ids).is_unique:
        raise PeerkitError(f"The {what} table lists the same id twice.")


@dataclass
class _Grid:
    """Reviews summed per cell; cells are ordered by member, then meeting date."""

    members: pd.DataFrame  # sorted by cohort_id, member_id; default index
    meetings: pd.DataFrame  # sorted by cohort_id, date, meeting_id; default index
    m_id: np.ndarray  # members' ids, cohorts, meetings' ids, cohorts and dates, in that order
    m_coh: np.ndarray
    t_id: np.ndarray
    t_coh: np.ndarray
    t_date: np.ndarray
    cell_member: np.ndarray  # row of ``members`` of each cell
    cell_meeting: np.ndarray  # row of ``meetings`` of each cell
    start: np.ndarray  # first cell of each member
    ncells: np.ndarray  # cells of each member
    counts: np.ndarray  # (6, cells): reviews of each class per cell
    # per review, for the GAS sums (computed only when asked for)
    reviews: pd.DataFrame
    cls: np.ndarray  # review class
    cell: np.ndarray  # cell of each review in scope, else the spare cell ``len(cells)``
    owner: np.ndarray  # row of ``members`` of each review's owner, else ``len(members)``
    weights: np.ndarray | None  # None when all weights are equal (then they count as 1)

    @cached_property
    def reviewed(self) -> np.ndarray:
        return self.counts[:_RENEG_EARLY].sum(axis=0)

    @property
    def done(self) -> np.ndarray:
        return self.counts[_DONE]

    @cached_property
    def credit(self) -> np.ndarray:
        return self.counts[_DONE] + 0.5 * self.counts[_PARTIAL]

    def per_member(self, values: np.ndarray) -> np.ndarray:
        """Sums of per-cell values (last axis) over each member's cells."""
        out = np.zeros((*values.shape[:-1], len(self.start)), dtype=values.dtype)
        some = self.ncells > 0
        if some.any():
            out[..., some] = np.add.reduceat(values, self.start[some], axis=-1)
        return out

    def _gas(self, bins: Callable[[Any], np.ndarray], size: int, reduce: Any) -> _Sums:
        """(Σwx, Σw², Σw) over counted reviews per bin; ``bins(rows)`` gives the rows' bins."""
        if self.weights is None:
            # T does not change when every weight is multiplied by the same number, so equal
            # weights count as 1 and the sums come from the counts, plus a correction for the
            # reviews whose level was given rather than mapped from the outcome.
            sw = reduce(self.reviewed).astype(np.float64)
            swx = reduce(np.asarray(_CLASS_LEVEL @ self.counts[:_RENEG_EARLY], np.float64))
            rows, given = _given_levels(self.reviews)
            if len(rows):
                delta = given - np.take(_LEVEL_BY_CLASS, self.cls[rows])
                swx += np.bincount(bins(rows), weights=delta, minlength=size + 1)[:size]
            return swx, sw, sw
        w, x, index = self.weights, _levels(self.reviews, self.cls), bins(slice(None))
        swx, sw2, sw = (
            np.bincount(index, weights=v, minlength=size + 1)[:size] for v in (w * x, w * w, w)
        )
        return swx, sw2, sw

    @cached_property
    def gas_cells(self) -> _Sums:
        """(Σwx, Σw², Σw) per cell."""
        total = len(self.cell_member)

        def bins(rows: Any) -> np.ndarray:
            return np.where(self.cls[rows] == _RENEG_EARLY, total, self.cell[rows])

        return self._gas(bins, total, lambda v: v)

    @cached_property
    def gas_members(self) -> _Sums:
        """(Σwx, Σw², Σw) per member."""
        n, total = len(self.m_id), len(self.cell_member)

        def bins(rows: Any) -> np.ndarray:
            counted = (self.cls[rows] != _RENEG_EARLY) & (self.cell[rows] < total)
            return np.where(counted, self.owner[rows], n)

        return self._gas(bins, n, self.per_member)


_MISSING = 1 << 52  # far from any cell key: marks an owner or meeting out of scope


def _build(
    reviews: pd.DataFrame,
    members: pd.DataFrame,
    meetings: pd.DataFrame,
    since: Any = None,
) -> _Grid:
    _require(reviews, REVIEW_COLUMNS, "reviews")
    _require(members, MEMBER_COLUMNS, "members")
    _require(meetings, MEETING_COLUMNS, "meetings")

    # Members by cohort then id; meetings by cohort then date.
    m_id = _ints(members, "member_id", "members")
    m_coh = _ints(members, "cohort_id", "members")
    _unique_ids(m_id, "members")
    order = np.lexsort((m_id, m_coh))
    mem = members.iloc[order].reset_index(drop=True)
    m_id, m_coh = m_id[order], m_coh[order]

    meet = meetings
    if since is not None:
        meet = meet[_dates(meet["date"]) >= np.datetime64(pd.Timestamp(since))]
    t_id = _ints(meet, "meeting_id", "meetings")
    t_coh = _ints(meet, "cohort_id", "meetings")
    t_date = _dates(meet["date"])
    _unique_ids(t_id, "meetings")
    order = np.lexsort((t_id, t_date, t_coh))
    meet = meet.iloc[order].reset_index(drop=True)
    t_id, t_coh, t_date = t_id[order], t_coh[order], t_date[order]

    # Ragged grid: member i owns the cells start[i] … start[i] + ncells[i] - 1, one per
    # meeting of its cohort in date order.
    cohorts, first_meeting, per_cohort = np.unique(t_coh, return_index=True, return_counts=True)
    m_at = np.searchsorted(cohorts, m_coh)
    m_at[~np.isin(m_coh, cohorts)] = len(cohorts)  # a spare cohort without meetings
    ncells = np.append(per_cohort, 0)[m_at].astype(np.intp)
    start = (np.cumsum(ncells) - ncells).astype(np.intp)
    total = int(ncells.sum())
    cell_member = np.repeat(np.arange(len(m_id), dtype=np.intp), ncells)
    in_block = np.arange(total, dtype=np.intp) - np.repeat(start, ncells)
    cell_meeting = np.repeat(np.append(first_meeting, 0)[m_at].astype(np.intp), ncells) + in_block

    # Each review's cell in one subtraction: meeting key - owner key = start + position when
    # owner and meeting share a cohort, and far outside [0, span) when they do not.
    span = 2 * total + 1
    t_at = np.repeat(np.arange(len(cohorts), dtype=np.int64), per_cohort)
    meeting_key = t_at * span + (np.arange(len(t_id)) - np.repeat(first_meeting, per_cohort))
    owner_key = m_at.astype(np.int64) * span - start
    n_members = len(m_id)
    owner = _lookup(m_id, np.arange(n_members), _ints(reviews, "owner_id", "reviews"), n_members)
    d = _lookup(t_id, meeting_key, _ints(reviews, "review_meeting_id", "reviews"), -_MISSING)
    d -= np.append(owner_key, _MISSING)[owner]
    scoped = d.view(np.uint64) < np.uint64(span)
    outside = d < -(_MISSING // 2)
    if np.count_nonzero(scoped) + np.count_nonzero(outside) != len(d):
        row = int(np.flatnonzero(~scoped & ~outside)[0])
        owner = reviews["owner_id"].iloc[row]
        cohort = m_coh[m_id == owner][0]
        raise PeerkitError(
            f"Review {reviews['review_id'].iloc[row]} was held at meeting "
            f"{reviews['review_meeting_id'].iloc[row]}, which is not a meeting of its owner's "
            f"cohort {cohort} (member {owner})."
        )
    cell = np.where(scoped, d, total)  # reviews out of scope go to a spare cell, dropped below

    cls = _classes(reviews)
    size = total + 1
    counts = np.bincount(cls * np.int64(size) + cell, minlength=_N_CLASSES * size)
    counts = counts.reshape(_N_CLASSES, size)[:, :total]

    w = reviews["weight"].to_numpy(dtype=np.float64, na_value=np.nan)
    w_min, w_max = (w.min(), w.max()) if len(w) else (1.0, 1.0)
    if not (w_min > 0 and np.isfinite(w_max)):
        bad = ~((w > 0) & np.isfinite(w)) & (cls != _RENEG_EARLY) & (cell < total)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise PeerkitError(
                f"Commitment {reviews['commitment_id'].iloc[row]} has weight {w[row]:g}: "
                "weights must be positive."
            )
    return _Grid(
        members=mem,
        meetings=meet,
        m_id=m_id,
        m_coh=m_coh,
        t_id=t_id,
        t_coh=t_coh,
        t_date=t_date,
        cell_member=cell_member,
        cell_meeting=cell_meeting,
        start=start,
        ncells=ncells,
        counts=counts,
        reviews=reviews,
        cls=cls,
        cell=cell,
        owner=owner,
        weights=None if w_min == w_max else w,
    )


def _cell_frame(g: _Grid, reviewed: np.ndarray, credit: np.ndarray) -> pd.DataFrame:
    rate = _rates(credit, reviewed)
    names = g.members["name"].to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "cohort_id": g.m_coh[g.cell_member],
            "member_id": g.m_id[g.cell_member],
            "name": names[g.cell_member],
            "meeting_id": g.t_id[g.cell_meeting],
            "date": g.t_date[g.cell_meeting],
            "reviewed": reviewed.astype(np.int64),
            "credit": credit.astype(np.float64),
            "rate": rate,
            "status": rate_text(credit, reviewed),
        }
    )


def completion_by_meeting(
    reviews: pd.DataFrame, members: pd.DataFrame, meetings: pd.DataFrame, since: Any = None
) -> pd.DataFrame:
    """Completion per member per meeting of the member's cohort.

    Columns: cohort_id, member_id, name, meeting_id, date, reviewed (reviews counted), done,
    credit (done + ½ partial), rate (credit ÷ reviewed, NaN when nothing was counted) and status
    ("nothing due" or e.g. "75%"). Rows are ordered by cohort, member id, then meeting date.
    """
    g = _build(reviews, members, meetings, since)
    frame = _cell_frame(g, g.reviewed, g.credit)
    frame.insert(list(frame.columns).index("reviewed") + 1, "done", g.done.astype(np.int64))
    return frame


def completion_rolling(
    reviews: pd.DataFrame,
    members: pd.DataFrame,
    meetings: pd.DataFrame,
    window: int = 3,
    since: Any = None,
) -> pd.DataFrame:
    """Completion of each member over the last ``window`` meetings of the cohort, at each meeting.

    Same rows and columns as :func:`completion_by_meeting` (without done), where reviewed and
    credit are summed over the window (the meeting and the ``window - 1`` before it; fewer at
    the start) and rate = credit ÷ reviewed over the window.
    """
    if isinstance(window, bool) or not isinstance(window, int | np.integer) or window < 1:
        raise PeerkitError(
            f"The rolling window must be a whole number of meetings, not {window!r}."
        )
    g = _build(reviews, members, meetings, since)
    cells = np.arange(len(g.cell_member), dtype=np.intp)
    lo = np.maximum(cells - (int(window) - 1), np.repeat(g.start, g.ncells))
    sums = np.cumsum(np.stack([g.reviewed, g.counts[_DONE], g.counts[_PARTIAL]]), axis=1)
    sums = np.concatenate([np.zeros((3, 1), dtype=sums.dtype), sums], axis=1)
    reviewed, done, partial = sums[:, cells + 1] - sums[:, lo]  # exact: integer counts
    return _cell_frame(g, reviewed, done + 0.5 * partial)


def _streaks(g: _Grid) -> tuple[np.ndarray, np.ndarray]:
    """(current, best) streak of each member, in grid member order."""
    current = np.zeros(len(g.m_id), dtype=np.int64)
    best = np.zeros(len(g.m_id), dtype=np.int64)
    reviewed = g.reviewed
    due = np.flatnonzero(reviewed > 0)  # cells that extend or break a streak, member/date order
    if not len(due):
        return current, best
    member = g.cell_member[due]
    success = (g.done[due] == reviewed[due]).astype(np.int64)
    new = np.ones(len(due), dtype=bool)
    new[1:] = member[1:] != member[:-1]
    # Successes so far, minus those before the latest reset (a failure or a new member).
    done_so_far = np.cumsum(success)
    reset = new | (success == 0)
    base = np.maximum.accumulate(np.where(reset, done_so_far - success, 0))
    run = done_so_far - base
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], len(due)) - 1
    best[member[starts]] = np.maximum.reduceat(run, starts)
    current[member[starts]] = run[ends]
    return current, best


def streaks(
    reviews: pd.DataFrame, members: pd.DataFrame, meetings: pd.DataFrame, since: Any = None
) -> pd.DataFrame:
    """Current and best streak of each member.

    A streak is a run of consecutive meetings at which every counted review of the member was
    "done"; meetings where the member had nothing counted neither break nor extend it.
    Columns: cohort_id, member_id, name, current_streak, best_streak.
    """
    g = _build(reviews, members, meetings, since)
    current, best = _streaks(g)
    return pd.DataFrame(
        {
            "cohort_id": g.m_coh,
            "member_id": g.m_id,
            "name": g.members["name"].to_numpy(dtype=object),
            "current_streak": current,
            "best_streak": best,
        }
    )


def scoreboard(
    reviews: pd.DataFrame,
    members: pd.DataFrame,
    meetings: pd.DataFrame,
    since: Any = None,
    rho: float = DEFAULT_RHO,
) -> pd.DataFrame:
    """One row per member: counts, completion rate, GAS T-score and streaks.

    Only meetings on or after ``since`` (a date, when given) and the reviews held at them count.
    Columns: member_id, cohort_id, name, status, reviewed (counted reviews), done, partial,
    not_done, dropped, renegotiated (every renegotiation, also those made before the due date,
    which are not in reviewed), rate (NaN if nothing counted), rate_text ("nothing due" or
    "83%"), gas_t (over the counted reviews, weighted by commitment weight; NaN if none),
    current_streak, best_streak. Members who left keep their row with status "left". Rows are
    ordered by cohort, then member id.
    """
    rho = _check_rho(rho)
    g = _build(reviews, members, meetings, since)
    per = g.per_member(g.counts)
    reviewed = per[:_RENEG_EARLY].sum(axis=0)
    credit = per[_DONE] + 0.5 * per[_PARTIAL]
    rate = _rates(credit, reviewed)
    gas = _tscores(g.gas_members, rho)
    current, best = _streaks(g)
    return pd.DataFrame(
        {
            "member_id": g.m_id,
            "cohort_id": g.m_coh,
            "name": g.members["name"].to_numpy(dtype=object),
            "status": g.members["status"].to_numpy(dtype=object),
            "reviewed": reviewed,
            "done": per[_DONE],
            "partial": per[_PARTIAL],
            "not_done": per[_NOT_DONE],
            "dropped": per[_DROPPED],
            "renegotiated": per[_RENEG_LATE] + per[_RENEG_EARLY],
            "rate": rate,
            "rate_text": rate_text(credit, reviewed),
            "gas_t": gas,
            "current_streak": current,
            "best_streak": best,
        }
    )


def cohort_summary(
    reviews: pd.DataFrame,
    members: pd.DataFrame,
    meetings: pd.DataFrame,
    since: Any = None,
    rho: float = DEFAULT_RHO,
) -> pd.DataFrame:
    """One row per meeting of each cohort: how the cohort followed through.

    Columns: cohort_id, meeting_id, date, members_reviewed (members with at least one counted
    review), reviewed, credit, rate (the cohort's credit ÷ reviewed), rate_text,
    median_member_rate (median of the rates of members_reviewed), mean_gas_t (mean of those
    members' GAS T-scores at that meeting). Rows are ordered by cohort, then date.
    """
    rho = _check_rho(rho)
    g = _build(reviews, members, meetings, since)
    n = len(g.t_id)
    reviewed, credit = g.reviewed, g.credit
    due = reviewed > 0
    at = g.cell_meeting
    members_reviewed = np.bincount(at, weights=due, minlength=n).astype(np.int64)
    total_reviewed = np.rint(np.bincount(at, weights=reviewed, minlength=n)).astype(np.int64)
    total_credit = np.bincount(at, weights=credit, minlength=n)
    rate = _rates(total_credit, total_reviewed)
    cell_rate = _rates(credit[due], reviewed[due])
    median = pd.Series(cell_rate).groupby(at[due]).median().reindex(np.arange(n)).to_numpy()
    swx, sw2, sw = g.gas_cells
    cell_t = _tscores((swx[due], sw2[due], sw[due]), rho)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_t = np.bincount(at[due], weights=cell_t, minlength=n) / members_reviewed
    return pd.DataFrame(
        {
            "cohort_id": g.t_coh,
            "meeting_id": g.t_id,
            "date": g.t_date,
            "members_reviewed": members_reviewed,
            "reviewed": total_reviewed,
            "credit": total_credit,
            "rate": rate,
            "rate_text": rate_text(total_credit, total_reviewed),
            "median_member_rate": median,
            "mean_gas_t": np.where(members_reviewed > 0, mean_t, np.nan),
        }
    )
