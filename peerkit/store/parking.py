"""The parking lot: items set aside at a meeting."""

from __future__ import annotations

import sqlalchemy as sa

from peerkit.model import (
    ParkingItem,
    PeerkitError,
    check_text,
)
from peerkit.store import schema as t
from peerkit.store.deletions import Deletion, DeletionsStore


class ParkingStore(DeletionsStore):
    """The parking lot."""

    def add_parking(self, meeting_id: int, text: str, *, private: bool = False) -> ParkingItem:
        text = check_text(text, "The parking-lot item")
        self.meeting(meeting_id)
        result = self._write(
            sa.insert(t.parking).values(meeting_id=meeting_id, text=text, private=private),
            "The parking-lot item",
        )
        return ParkingItem(result.inserted_primary_key[0], meeting_id, text, private)

    def parking(self, meeting_id: int) -> list[ParkingItem]:
        rows = self._rows(
            sa.select(t.parking)
            .where(t.parking.c.meeting_id == meeting_id, t.parking.c.deleted_at.is_(None))
            .order_by(t.parking.c.id)
        )
        return [ParkingItem(r.id, r.meeting_id, r.text, bool(r.private)) for r in rows]

    def parking_item(self, item_id: int) -> ParkingItem:
        rows = self._rows(
            sa.select(t.parking).where(t.parking.c.id == item_id, t.parking.c.deleted_at.is_(None))
        )
        if not rows:
            raise PeerkitError(
                f"No parking-lot item with id {item_id} in this store (it may have been deleted)."
            )
        r = rows[0]
        return ParkingItem(r.id, r.meeting_id, r.text, bool(r.private))

    def edit_parking(self, item_id: int, text: str) -> ParkingItem:
        text = check_text(text, "The parking-lot item")
        self.parking_item(item_id)
        self._write(
            sa.update(t.parking).where(t.parking.c.id == item_id).values(text=text),
            "The parking-lot item",
        )
        return self.parking_item(item_id)

    def delete_parking(self, item_id: int) -> Deletion:
        """Delete a parking-lot item (undone by :meth:`undo_delete` until the meeting is
        closed)."""
        item = self.parking_item(item_id)
        return self._soft_delete(item.meeting_id, "The parking-lot item", (t.parking, item_id))
