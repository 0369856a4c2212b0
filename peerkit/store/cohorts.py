"""Cohorts, and the one rule of which of them this store may open (``allowed_cohorts``)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

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

    def _check_rows(self, ids: dict[sa.Table, set[int]]) -> None:
        """Refuse when any of these rows (by table) belongs to a cohort outside
        ``allowed_cohorts``: one query finds their cohorts. Rows that do not exist pass (the
        method then says so in its own words)."""
        if t.cohorts in ids:
            for cohort_id in sorted(ids[t.cohorts]):
                self._check_cohort(cohort_id)
        parts = []
        for table, row_ids in ids.items():
            if table is not t.cohorts:
                owner = t.cohort_of(table).subquery()
                parts.append(sa.select(owner.c.cohort_id).where(owner.c.id.in_(sorted(row_ids))))
        if parts:
            for row in self._rows(sa.union(*parts)):
                if row.cohort_id is not None:
                    self._check_cohort(row.cohort_id)

    def _cohort_ids(self, cohort_id: int | None) -> list[int] | None:
        """The cohorts a listing covers: the one asked for (the scope rule has checked it), else
        the allowed ones (None: all)."""
        if cohort_id is not None:
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


#: The arguments of the store's methods that name a row by id, and the table the row is in.
BY_ID = {
    "cohort_id": t.cohorts,
    "member_id": t.members,
    "presenter_id": t.members,
    "owner_id": t.members,
    "giver_id": t.members,
    "meeting_id": t.meetings,
    "before_meeting": t.meetings,
    "round_id": t.rounds,
    "commitment_id": t.commitments,
    "review_id": t.reviews,
    "advice_id": t.advice,
    "item_id": t.parking,
}
#: The arguments that name several rows by id.
MANY_BY_ID = {"round_ids": t.rounds, "commitment_ids": t.commitments}

Method = TypeVar("Method", bound=Callable[..., Any])
Kind = TypeVar("Kind", bound=type)


def scoped(cls: Kind) -> Kind:
    """The one cohort-scope rule, applied to a store class: every public method that names a
    row by id (an argument in :data:`BY_ID` or :data:`MANY_BY_ID`, also among ``**changes``)
    checks, before it runs, that the row's cohort is one ``allowed_cohorts`` lets this store
    open; otherwise it raises a PeerkitError saying so, and nothing is read or written.

    Ids a method finds by itself (``find_meeting("12")``) are checked when it calls the
    method that reads them. Within one call, an id checked once is not looked up again.
    """
    for name, member in inspect.getmembers(cls, inspect.isfunction):
        if name.startswith("_"):
            continue
        signature = inspect.signature(member)
        names = set(signature.parameters)
        keywords = any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values())
        if keywords or names & (BY_ID.keys() | MANY_BY_ID.keys()):
            setattr(cls, name, _guarded(member, signature))
    return cls


def _guarded(method: Method, signature: inspect.Signature) -> Method:
    @functools.wraps(method)
    def guarded(self: CohortsStore, *args: Any, **kwargs: Any) -> Any:
        if self.allowed_cohorts is None:
            return method(self, *args, **kwargs)
        bound = signature.bind(self, *args, **kwargs)
        named: dict[str, Any] = {}
        for name, value in bound.arguments.items():
            if signature.parameters[name].kind is inspect.Parameter.VAR_KEYWORD:
                named.update(value)
            elif name in MANY_BY_ID and value is not None:
                bound.arguments[name] = value = list(value)  # read an iterator only once
                named[name] = value
            else:
                named[name] = value
        outermost = getattr(self._local, "checked", None) is None
        checked: set[tuple[str, int]] = set() if outermost else self._local.checked
        ids: dict[sa.Table, set[int]] = {}
        for name, value in named.items():
            table = BY_ID[name] if name in BY_ID else MANY_BY_ID.get(name)
            if table is None or value is None:
                continue
            for row_id in value if name in MANY_BY_ID else [value]:
                if isinstance(row_id, int) and (table.name, row_id) not in checked:
                    ids.setdefault(table, set()).add(row_id)
        if outermost:
            self._local.checked = checked
        try:
            if ids:
                self._check_rows(ids)
                checked.update((table.name, row_id) for table, got in ids.items() for row_id in got)
            return method(*bound.args, **bound.kwargs)
        finally:
            if outermost:
                self._local.checked = None

    return guarded  # type: ignore[return-value]
