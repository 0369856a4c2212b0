"""Cohorts, and the one rule of which of them this store may open (``allowed_cohorts``)."""

from __future__ import annotations

import sqlalchemy as sa

from peerkit.model import (
    MAX_NAME,
    Cohort,
    PeerkitError,
    check_text,
)
from peerkit.store import schema as t
from peerkit.store.connection import Database


class CohortsStore(Database):
    """Cohorts, and the cohort scope every read and write by id goes through."""

    def add_cohort(self, name: str) -> Cohort:
        name = check_text(name, "The cohort name", limit=MAX_NAME)
        if self.allowed_cohorts is not None and name not in self.allowed_cohorts:
            raise PeerkitError(self._not_allowed(name))
        if self._rows(sa.select(t.cohorts.c.id).where(t.cohorts.c.name == name)):
            raise PeerkitError(f"A cohort named {name!r} already exists: choose another name.")
        result = self._write(sa.insert(t.cohorts).values(name=name), "The cohort")
        return Cohort(result.inserted_primary_key[0], name)

    def cohorts(self) -> list[Cohort]:
        """The cohorts this store may open (all of them, unless ``allowed_cohorts`` is set)."""
        rows = self._rows(sa.select(t.cohorts).order_by(t.cohorts.c.name))
        every = [Cohort(r.id, r.name) for r in rows]
        if self.allowed_cohorts is None:
            return every
        return [c for c in every if c.name in self.allowed_cohorts]

    def _not_allowed(self, name: str) -> str:
        names = ", ".join(sorted(self.allowed_cohorts or ())) or "none"
        return (
            f"You may not open the cohort {name!r}: your peerkit settings allow only {names}. "
            "Ask whoever runs peerkit for your organization to add it."
        )

    def _check_cohort(self, cohort_id: int) -> None:
        """Refuse what belongs to a cohort outside ``allowed_cohorts``."""
        if self.allowed_cohorts is None or cohort_id in self._allowed_ids:
            return
        self._allowed_ids = {c.id for c in self.cohorts()}  # looked up again only on a miss
        if cohort_id not in self._allowed_ids:
            rows = self._rows(sa.select(t.cohorts.c.name).where(t.cohorts.c.id == cohort_id))
            raise PeerkitError(self._not_allowed(rows[0].name if rows else str(cohort_id)))

    def _cohort_ids(self, cohort_id: int | None) -> list[int] | None:
        """The cohorts a listing covers: the one asked for (if allowed), else the allowed."""
        if cohort_id is not None:
            self._check_cohort(cohort_id)
            return [cohort_id]
        if self.allowed_cohorts is None:
            return None
        return [c.id for c in self.cohorts()]

    def cohort(self, name_or_id: str | int | None = None) -> Cohort:
        """A cohort by name or id; with None, the only cohort (or an error naming the choices)."""
        every = self.cohorts()
        if name_or_id is None or name_or_id == "":
            if len(every) == 1:
                return every[0]
            if not every:
                raise PeerkitError("This store has no cohort yet: run `peerkit demo` to make one.")
            names = ", ".join(c.name for c in every)
            raise PeerkitError(f"This store has several cohorts ({names}): choose one.")
        for c in every:
            if c.name == name_or_id or str(c.id) == str(name_or_id):
                return c
        if self.allowed_cohorts is not None:
            rows = self._rows(
                sa.select(t.cohorts.c.name).where(
                    (t.cohorts.c.name == str(name_or_id))
                    | (sa.cast(t.cohorts.c.id, sa.String) == str(name_or_id))
                )
            )
            if rows:
                raise PeerkitError(self._not_allowed(rows[0].name))
        raise PeerkitError(f"No cohort named {name_or_id!r} in this store.")
