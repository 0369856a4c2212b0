"""Backup and restore: the whole store as one versioned, documented JSON file.

The file (format ``peerkit-backup``, version 1) is a JSON object::

    {
      "format": "peerkit-backup",
      "version": 1,
      "schema": "0003",            # the store's Alembic revision when it was written
      "tables": {
        "<table>": {"columns": ["id", ...], "rows": [[1, ...], ...]},
        ...
      }
    }

Tables appear in dependency order, rows sorted by their key, dates as ``YYYY-MM-DD``, booleans as
``true``/``false``, texts as UTF-8. Nothing in it depends on when or where it was written, so
backup → restore → backup gives a byte-identical file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from peerkit.model import PeerkitError
from peerkit.store import KNOWN_REVISIONS, Store
from peerkit.store import schema as t

FORMAT = "peerkit-backup"
VERSION = 1


def _value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def dump(store: Store) -> dict[str, Any]:
    """The whole store as a plain, JSON-ready dictionary."""
    tables: dict[str, Any] = {}
    with store.reading():  # every table as it was at one moment
        for table in t.metadata.sorted_tables:
            if table is t.exports or table is t.cohort_changes:
                continue  # which files this machine holds, change counters: not the record
            tables[table.name] = {
                "columns": [c.name for c in table.columns],
                "rows": [[_value(v) for v in row] for row in store.table_rows(table)],
            }
    return {"format": FORMAT, "version": VERSION, "schema": store.revision(), "tables": tables}


def backup(store: Store, path: Path | str) -> dict[str, int]:
    """Write the store to ``path`` atomically: a crash or an error leaves the old file or the new
    one, and never a stray copy of the store (it holds private text) beside it."""
    path = Path(path)
    if path.is_dir():
        raise PeerkitError(f"{path} is a folder: give a file name.")
    if not path.parent.is_dir():
        raise PeerkitError(f"Folder {path.parent} does not exist: create it first.")
    data = dump(store)
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
    # mkstemp makes the file readable by its owner only (0o600), with a name no one else holds.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    # A later purge names this file (it holds the purged meeting). A read-only store can still
    # be backed up; its backup is then not named.
    with contextlib.suppress(PeerkitError):
        store.record_export("backup", path)
    return {name: len(table["rows"]) for name, table in data["tables"].items()}


def private_items(store: Store) -> int:
    """How many private rounds, advice, commitments and parking-lot items kept for the
    facilitator a backup of ``store`` holds (every table with a ``private`` column)."""
    return store.private_items()


def load(path: Path | str) -> dict[str, Any]:
    """Read and check a backup file; every problem is one plain message."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PeerkitError(f"No backup file at {path}.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PeerkitError(f"{path} is not a readable peerkit backup ({exc}).") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PeerkitError(f"{path} is not a peerkit backup (no 'format: {FORMAT}').")
    if not isinstance(data.get("version"), int) or data["version"] > VERSION:
        raise PeerkitError(
            f"{path} is backup format version {data.get('version')}; this peerkit reads up to "
            f"{VERSION}. Upgrade peerkit to restore it."
        )
    if data.get("schema") not in KNOWN_REVISIONS:
        raise PeerkitError(
            f"{path} comes from a store at schema {data.get('schema')}, which this peerkit does "
            "not know. Upgrade peerkit to restore it."
        )
    tables = data.get("tables")
    known = {table.name: table for table in t.metadata.sorted_tables}
    if not isinstance(tables, dict) or set(tables) - set(known):
        raise PeerkitError(f"{path} has tables this peerkit does not know.")
    for name, table in tables.items():
        columns = table.get("columns") if isinstance(table, dict) else None
        if not isinstance(columns, list) or set(columns) - {c.name for c in known[name].columns}:
            raise PeerkitError(f"{path}: table {name} has columns this peerkit does not know.")
        rows = table.get("rows", [])
        if not isinstance(rows, list) or any(
            not isinstance(row, list) or len(row) != len(columns) for row in rows
        ):
            raise PeerkitError(f"{path}: table {name} has a row of the wrong length.")
        for column in columns:
            if isinstance(known[name].c[column].type, sa.Date):
                at = columns.index(column)
                for number, row in enumerate(rows, 1):
                    _check_day(path, name, column, number, row[at])
    return data


def _check_day(path: Path, table: str, column: str, number: int, value: Any) -> None:
    if value is None:
        return
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise PeerkitError(
            f"{path}: row {number} of table {table} has {value!r} as its {column}, which is "
            "not a day of the calendar (YYYY-MM-DD). Nothing was restored."
        ) from None


def restore(path: Path | str, store: Store) -> dict[str, int]:
    """Load a backup into an empty store, keeping every id; all or nothing. When it fails, a
    store file the restore made is taken back (nothing is left where there was nothing)."""
    data = load(path)
    if any(store.counts().values()):
        raise PeerkitError(
            f"The store at {store.where} is not empty: restore into a new file, so nothing is "
            "overwritten."
        )
    rows: dict[sa.Table, list[dict[str, Any]]] = {}
    for table in t.metadata.sorted_tables:
        if table.name not in data["tables"]:
            continue
        entry = data["tables"][table.name]
        rows[table] = [
            {
                col: _parse(table, col, value)
                for col, value in zip(entry["columns"], row, strict=True)
            }
            for row in entry["rows"]
        ]
        if table.name == "phase_log" and "seq" not in entry["columns"]:
            _number_phase_changes(rows[table])  # a backup from before schema 0005
    try:
        store.restore_rows(rows)
    except PeerkitError:
        store.discard_new_file()
        raise
    return {table.name: len(table_rows) for table, table_rows in rows.items()}


def _number_phase_changes(rows: list[dict[str, Any]]) -> None:
    """Give each phase change its place in its round's log, in id order."""
    seen: dict[int, int] = {}
    for row in sorted(rows, key=lambda r: r["id"]):
        row["seq"] = seen.get(row["round_id"], 0)
        seen[row["round_id"]] = row["seq"] + 1


def _parse(table: sa.Table, column: str, value: Any) -> Any:
    if value is not None and isinstance(table.c[column].type, sa.Date):
        return dt.date.fromisoformat(value)
    return value
