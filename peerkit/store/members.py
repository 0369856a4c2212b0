"""A cohort's members: joining, changes, leaving and redaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from peerkit.confidentiality import mentions_of
from peerkit.model import Member, MemberStatus, PeerkitError, check_name, name_key, parse_day
from peerkit.store import schema as t
from peerkit.store.files import Export, FilesStore
from peerkit.store.rows import _member


@dataclass(frozen=True)
class Redaction:
    """What a redaction changed (or, dry, would change): mentions replaced per table."""

    member: Member
    mentions: dict[str, int]
    still_held: tuple[str, ...]  # what in the database still holds copies
    files: tuple[Export, ...]  # files written earlier that may still name the member


class MembersStore(FilesStore):
    """Members of the cohorts."""

    def add_member(
        self,
        cohort_id: int,
        name: str,
        *,
        email: str | None = None,
        role: str | None = None,
        joined: dt.date | str | None = None,
    ) -> Member:
        name = check_name(name, "The member's name")
        self._refuse_taken(cohort_id, name)
        values = {
            "cohort_id": cohort_id,
            "name": name,
            "email": email or None,
            "role": role or None,
            "joined": parse_day(joined, "The joining date"),
            "status": MemberStatus.ACTIVE.value,
            "redacted": False,
        }
        result = self._write(sa.insert(t.members).values(**values), f"Member {name}")
        return self.member(result.inserted_primary_key[0])

    def update_member(self, member_id: int, **changes: Any) -> Member:
        allowed = {"email", "role", "joined", "name"}
        unknown = set(changes) - allowed
        if unknown:
            raise PeerkitError(f"Cannot change {', '.join(sorted(unknown))} of a member.")
        current = self.member(member_id)
        if "name" in changes:
            changes["name"] = check_name(changes["name"], "The member's name")
            self._refuse_taken(current.cohort_id, changes["name"], but=member_id)
        if "joined" in changes:
            changes["joined"] = parse_day(changes["joined"], "The joining date")
        self._write(
            sa.update(t.members).where(t.members.c.id == member_id).values(**changes), "Member"
        )
        return self.member(member_id)

    def member(self, member_id: int) -> Member:
        rows = self._rows(sa.select(t.members).where(t.members.c.id == member_id))
        if not rows:
            raise PeerkitError(f"No member with id {member_id} in this store.")
        return _member(rows[0])

    def members(self, cohort_id: int | None = None, *, include_left: bool = True) -> list[Member]:
        query = sa.select(t.members).order_by(t.members.c.name)
        cohort_ids = self._cohort_ids(cohort_id)
        if cohort_ids is not None:
            query = query.where(t.members.c.cohort_id.in_(cohort_ids))
        if not include_left:
            query = query.where(t.members.c.status == MemberStatus.ACTIVE.value)
        return [_member(r) for r in self._rows(query)]

    def find_member(self, cohort_id: int, name: str) -> Member:
        for m in self.members(cohort_id):
            if name_key(m.name) == name_key(name) or str(m.id) == name.strip():
                return m
        raise PeerkitError(f"No member named {name!r} in this cohort.")

    def _refuse_taken(self, cohort_id: int, name: str, *, but: int | None = None) -> None:
        """Refuse a name another member of the cohort has, in any case or Unicode spelling."""
        if any(name_key(m.name) == name_key(name) for m in self.members(cohort_id) if m.id != but):
            raise PeerkitError(
                f"{name} is already a member of this cohort: use another spelling "
                "(for instance with a last initial)."
            )

    def save_roster(
        self,
        cohort_id: int,
        added: Sequence[dict[str, Any]],
        changed: Sequence[tuple[int, dict[str, Any]]],
    ) -> None:
        """Add members (name, email, role, joined) and change others' email, role or joining
        day, all in one transaction: a roster import is applied whole or not at all. The names
        are normalised as :meth:`add_member` does; the caller has checked them."""
        rows = [
            {
                "cohort_id": cohort_id,
                "name": check_name(row["name"], "The member's name"),
                "email": row.get("email") or None,
                "role": row.get("role") or None,
                "joined": parse_day(row.get("joined"), "The joining date"),
                "status": MemberStatus.ACTIVE.value,
                "redacted": False,
            }
            for row in added
        ]
        fields = ("email", "role", "joined")
        with self._begin("The roster") as conn:
            if rows:
                conn.execute(sa.insert(t.members), rows)
            for member_id, values in changed:
                conn.execute(
                    sa.update(t.members)
                    .where(t.members.c.id == member_id, t.members.c.cohort_id == cohort_id)
                    .values(**{k: values[k] for k in fields if k in values})
                )

    def member_leaves(self, member_id: int, on: dt.date | str | None = None) -> Member:
        day = parse_day(on, "The leaving date") or dt.date.today()
        self.member(member_id)
        self._write(
            sa.update(t.members)
            .where(t.members.c.id == member_id)
            .values(status=MemberStatus.LEFT.value, left_on=day),
            "The member's leaving",
        )
        return self.member(member_id)

    def redact_member(self, member_id: int, *, dry_run: bool = False) -> Redaction:
        """Replace a member's name, e-mail and role with ``Former member N`` everywhere: their
        own record and every mention in every free-text column of their cohort (found from the
        schema). Another member's name is never touched; their history stays.

        ``dry_run`` counts the mentions per table and changes nothing.
        """
        member = self.member(member_id)
        alias = f"Former member {member.id}"
        others = [m for m in self.members(member.cohort_id) if m.id != member.id]
        mentions = mentions_of([member], others=others)
        found: dict[str, int] = {}
        with self._begin("The redaction") as conn:
            for table in t.metadata.sorted_tables:
                columns = t.free_text_columns(table)
                if not columns:
                    continue
                keys = list(table.primary_key.columns)
                query = sa.select(*keys, *columns).where(t.in_cohort(table, member.cohort_id))
                for row in conn.execute(query).mappings():
                    if table is t.members and row["id"] == member.id:
                        continue  # their own record is rewritten whole below
                    new: dict[str, str] = {}
                    for column in columns:
                        if column.info.get("identity") or row[column.name] is None:
                            continue
                        text, count = mentions.replace(row[column.name], alias)
                        if count:
                            new[column.name] = text
                            found[table.name] = found.get(table.name, 0) + count
                    if new and not dry_run:
                        where = [key == row[key.name] for key in keys]
                        conn.execute(sa.update(table).where(*where).values(**new))
            if not dry_run and not member.redacted:
                conn.execute(
                    sa.update(t.members)
                    .where(t.members.c.id == member_id)
                    .values(name=alias, email=None, role=None, redacted=True)
                )
        if dry_run:
            return Redaction(member, found, (), ())
        held = self._forget()
        return Redaction(self.member(member_id), found, held, tuple(self.exports(member.cohort_id)))
