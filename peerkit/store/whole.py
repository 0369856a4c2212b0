"""The store read or written whole: the scoring frames, every table's rows, row counts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from peerkit.model import PeerkitError
from peerkit.store import schema as t
from peerkit.store.cohorts import CohortsStore
from peerkit.store.errors import _integrity_message

if TYPE_CHECKING:
    import pandas as pd


class WholeStore(CohortsStore):
    """Whole-store reads and writes."""

    def frames(self, cohort_id: int | None = None) -> dict[str, pd.DataFrame]:
        """The reviews, members and meetings frames that ``peerkit.scoring`` reads.

        The columns are those of the contract at the top of :mod:`peerkit.scoring`; ``outcome``
        is a Categorical of ``scoring.OUTCOME_DTYPE`` and each review's ``target_date`` is the
        one it judged (the commitment's own, or the date the latest earlier renegotiation set).
        Reviews come in review id order. With ``cohort_id``, only that cohort's members,
        meetings and the reviews of commitments made at its meetings. A million reviews load
        in about a second on SQLite (see ``peerkit.store.frames`` for how).
        """
        from peerkit.store.frames import read_frames  # numpy and pandas: only when asked

        if self.allowed_cohorts is not None and cohort_id is None:
            cohort_id = self.cohort().id  # the only allowed one, or a message naming them
        with self._connect() as conn:
            return read_frames(conn, self.is_sqlite, cohort_id)

    def phase_frame(
        self,
        meeting_id: int | None = None,
        cohort_id: int | None = None,
        *,
        formats: dict[str, Any] | None = None,
        include_private: bool = False,
        now: float | None = None,
    ) -> pd.DataFrame:
        """Planned and used seconds of each phase of the rounds that have started.

        One row per phase, in meeting date, round and phase order, with the columns
        ``charts.phase_timing`` reads (round_id, phase, position, planned_s, used_s) plus
        meeting_id and format_name. planned_s is the plan in force (after any budget scaling);
        used_s is the time spent, NaN for a phase never reached. The rounds are those of
        ``meeting_id``, else of ``cohort_id``, else all. Rounds of formats not in ``formats``
        (default: the built-in ones) are skipped, as are private rounds unless
        ``include_private``. A running round counts its time up to ``now`` (default: now).
        """
        from peerkit.formats import built_in  # YAML, numpy and pandas: only when asked
        from peerkit.store.frames import read_phase_frame

        if self.allowed_cohorts is not None and meeting_id is None and cohort_id is None:
            cohort_id = self.cohort().id  # the only allowed one, or a message naming them

        with self._connect() as conn:
            return read_phase_frame(
                conn,
                meeting_id=meeting_id,
                cohort_id=cohort_id,
                formats=built_in() if formats is None else formats,
                include_private=include_private,
                now=now,
            )

    def counts(self) -> dict[str, int]:
        """How many rows each table holds (for reports and tests)."""
        with self._connect() as conn:
            return {
                table.name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
                or 0
                for table in t.metadata.sorted_tables
            }

    def table_rows(self, table: sa.Table) -> list[tuple[Any, ...]]:
        """Every row of ``table`` in key order (a backup reads them inside :meth:`reading`, so
        all the tables come from one moment). Refused when the store holds a cohort outside
        ``allowed_cohorts``: a table holds every cohort's rows."""
        if self.allowed_cohorts is not None and not {
            r.name for r in self._rows(sa.select(t.cohorts.c.name))
        } <= set(self.allowed_cohorts):
            raise PeerkitError(
                "A backup holds every cohort in the store, and your peerkit settings allow only "
                "some: ask whoever runs peerkit for your organization to make it."
            )
        query = sa.select(table).order_by(*table.primary_key.columns)
        return [tuple(row) for row in self._rows(query)]

    def private_items(self) -> int:
        """How many private rounds, advice, commitments and parking-lot items kept for the
        facilitator the store holds (every table with a ``private`` column)."""
        parts = [
            sa.select(sa.func.count()).select_from(table).where(table.c.private.is_(True))
            for table in t.metadata.sorted_tables
            if "private" in table.c
        ]
        return sum(int(row[0]) for row in self._rows(sa.union_all(*parts)))

    def restore_rows(self, tables: dict[sa.Table, list[dict[str, Any]]]) -> None:
        """Insert rows keeping their ids, all tables in one transaction: all or nothing. Rows
        that contradict each other (an id twice, a reference to nothing) are refused."""
        with self._begin("The restore") as conn:
            try:
                for table, rows in tables.items():
                    if rows:
                        conn.execute(sa.insert(table), rows)
            except sa.exc.IntegrityError as exc:
                raise PeerkitError(
                    f"The backup is inconsistent and was not restored: {_integrity_message(exc)}."
                ) from None
            if not self.is_sqlite:  # the next id of each table follows the restored ones
                for table, rows in tables.items():
                    if "id" in table.c and rows:
                        conn.exec_driver_sql(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"(SELECT max(id) FROM {table.name}))"
                        )

    def bulk_insert(self, table: str, rows: Iterable[dict[str, Any]]) -> None:
        """Insert many rows in one transaction (demo and benchmark generators)."""
        rows = list(rows)
        if rows:
            with self._begin(f"The {table} rows") as conn:
                conn.execute(sa.insert(t.metadata.tables[table]), rows)
