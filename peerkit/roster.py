"""A cohort's roster in and out of CSV: name, email, role, joined; every rejected row says why."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from peerkit.model import MAX_NAME, PeerkitError, name_key, normal_name
from peerkit.spreadsheet import csv_text, from_text_cell
from peerkit.store import Store

COLUMNS = ("name", "email", "role", "joined")
#: Separators a roster may come with: Excel writes ";" where the decimal mark is a comma.
DELIMITERS = (",", ";", "\t")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class RosterReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)

    def lines(self) -> list[str]:
        out = [
            f"added {len(self.added)}: {', '.join(self.added) or '-'}",
            f"changed {len(self.changed)}: {', '.join(self.changed) or '-'}",
            f"unchanged {len(self.unchanged)}",
            f"rejected {len(self.rejected)}",
        ]
        out += [f"  line {line}: {reason}" for line, reason in self.rejected]
        return out


def _read(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PeerkitError(f"No roster file at {path}.") from None
    except UnicodeDecodeError:
        raise PeerkitError(f"{path} is not UTF-8 text: save it as CSV UTF-8 and retry.") from None
    try:
        reader = csv.DictReader(
            io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True
        )
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        if "name" not in header:
            raise PeerkitError(
                f"{path} has no 'name' column: the first line must name the columns "
                f"({', '.join(COLUMNS)}). Nothing was imported."
            )
        unknown = set(header) - set(COLUMNS)
        if unknown:
            raise PeerkitError(
                f"{path} has unknown columns ({', '.join(sorted(unknown))}): use "
                f"{', '.join(COLUMNS)}. Nothing was imported."
            )
        reader.fieldnames = header
        rows = []
        for row in reader:
            if None in row:
                raise PeerkitError(
                    f"{path} line {reader.line_num} has more fields than the header. "
                    "Nothing was imported."
                )
            cells = {k: from_text_cell((v or "").strip()) for k, v in row.items()}
            rows.append((reader.line_num, cells))
        return rows
    except csv.Error as exc:
        raise PeerkitError(f"{path} is not valid CSV ({exc}). Nothing was imported.") from None


def _delimiter(text: str) -> str:
    """The separator that makes the first line name a 'name' column (a comma when none does,
    so the message about the missing column stands)."""
    first = text.splitlines()[0] if text else ""
    for delimiter in DELIMITERS:
        try:
            header = next(csv.reader([first], delimiter=delimiter), [])
        except csv.Error:
            continue
        if "name" in (h.strip().lower() for h in header):
            return delimiter
    return ","


def import_roster(store: Store, cohort_id: int, path: Path | str) -> RosterReport:
    """Add new members and update known ones (by name, any case); reject bad rows, with reasons.

    A file that cannot be read as a roster changes nothing; otherwise the good rows are applied
    together in one transaction and the rejected ones are reported.
    """
    rows = _read(Path(path))
    report = RosterReport()
    existing = {name_key(m.name): m for m in store.members(cohort_id)}
    seen: dict[str, int] = {}
    inserts, updates = [], []
    for line, row in rows:
        name = normal_name(row.get("name", ""))
        if not any(row.values()):
            continue  # a blank line
        if not name:
            report.rejected.append((line, "the name is empty"))
            continue
        if len(name) > MAX_NAME:
            report.rejected.append((line, f"the name is longer than {MAX_NAME} characters"))
            continue
        key = name_key(name)
        if key in seen:
            report.rejected.append((line, f"{name} appears twice (first on line {seen[key]})"))
            continue
        seen[key] = line
        email = row.get("email") or None
        if email and not EMAIL.match(email):
            report.rejected.append((line, f"{email!r} is not an email address"))
            continue
        joined = None
        if row.get("joined"):
            try:
                joined = dt.date.fromisoformat(row["joined"])
            except ValueError:
                report.rejected.append((line, f"joined {row['joined']!r} is not YYYY-MM-DD"))
                continue
        values = {"email": email, "role": row.get("role") or None, "joined": joined}
        member = existing.get(key)
        if member is None:
            inserts.append({"name": name, **values})
            report.added.append(name)
        elif (member.email, member.role, member.joined) != tuple(values.values()):
            updates.append((member.id, values))
            report.changed.append(member.name)
        else:
            report.unchanged.append(member.name)
    store.save_roster(cohort_id, inserts, updates)
    return report


def export_roster(store: Store, cohort_id: int, path: Path | str | None = None) -> str:
    """The roster as CSV text (written to ``path`` when given); members who left are included.
    A cell a spreadsheet would run as a formula is written as text."""
    target = None if path is None else Path(path)
    if target is not None and target.is_dir():
        raise PeerkitError(f"{target} is a folder: give a file name.")
    if target is not None and not target.parent.is_dir():
        raise PeerkitError(f"Folder {target.parent} does not exist: create it first.")
    text = csv_text(
        COLUMNS,
        (
            [m.name, m.email or "", m.role or "", m.joined.isoformat() if m.joined else ""]
            for m in store.members(cohort_id)
        ),
    )
    if target is not None:
        try:
            target.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise PeerkitError(f"Cannot write {target}: {exc.strerror or exc}.") from None
    return text
