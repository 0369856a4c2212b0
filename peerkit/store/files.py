"""The files peerkit wrote (minutes, calendars, backups), noted so a purge can name them."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from peerkit.store import schema as t
from peerkit.store.cohorts import CohortsStore


@dataclass(frozen=True)
class Export:
    """A file peerkit wrote: minutes, a calendar or a backup."""

    id: int
    kind: str
    path: Path
    meeting_id: int | None


class FilesStore(CohortsStore):
    """The notes of the files peerkit wrote."""

    def record_export(
        self,
        kind: str,
        path: str | Path,
        *,
        cohort_id: int | None = None,
        meeting_id: int | None = None,
    ) -> None:
        """Note a file peerkit wrote (``minutes``, ``calendar``, ``backup``), so that a purge
        or a redaction can say which files still hold what it removed."""
        values = {
            "cohort_id": cohort_id,
            "meeting_id": meeting_id,
            "kind": kind,
            "path": str(Path(path).resolve()),
            "written_at": time.time(),
        }
        self._write(sa.insert(t.exports).values(**values), "The note of the file written")

    def exports(self, cohort_id: int | None = None) -> list[Export]:
        """Files peerkit wrote that are still on disk: the cohort's, and every backup."""
        query = sa.select(t.exports).order_by(t.exports.c.written_at, t.exports.c.id)
        cohort_ids = self._cohort_ids(cohort_id)
        if cohort_ids is not None:
            query = query.where(
                t.exports.c.cohort_id.in_(cohort_ids) | t.exports.c.cohort_id.is_(None)
            )
        found = [Export(r.id, r.kind, Path(r.path), r.meeting_id) for r in self._rows(query)]
        return [e for e in found if e.path.exists()]

    def forget_export(self, export_id: int) -> None:
        """Drop the note of a file (after it was deleted)."""
        self._write(sa.delete(t.exports).where(t.exports.c.id == export_id), "The file note")
