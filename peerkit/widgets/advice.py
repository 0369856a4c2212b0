"""The advice captured in the live round, each piece with its star, drawn by one widget.

The kernel sends the rows as data (:attr:`AdviceRows.rows`); the browser draws them, user text
only ever as text, and sends back the one intent a row has: star or unstar this piece. A round
of twenty pieces of advice is one widget, not a button, a label and a box per piece.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from peerkit import live
from peerkit.widgets.parts import SharesLayout

__all__ = ["AdviceRows"]

_HERE = Path(__file__).resolve().parent

NO_ADVICE = "No advice captured yet."


class AdviceRows(SharesLayout, anywidget.AnyWidget):
    """``rows``: one dict per piece of advice (``id``, ``kind``, ``text``, ``giver``,
    ``starred``), oldest first. :meth:`on_star` registers ``callback(advice_id, starred)``,
    called when a star is pressed in the browser (or :meth:`star` is called)."""

    _esm = _HERE / "advice.js"

    rows = traitlets.List(traitlets.Dict()).tag(sync=True)
    empty = traitlets.Unicode(NO_ADVICE).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._callbacks: list[Callable[[int, bool], object]] = []
        self.on_msg(self._on_custom_msg)

    def on_star(self, callback: Callable[[int, bool], object]) -> None:
        self._callbacks.append(callback)

    def star(self, advice_id: int, starred: bool = True) -> None:
        """What pressing a star does: star (or unstar) the piece of advice ``advice_id``."""
        for callback in self._callbacks:
            callback(advice_id, starred)

    def show(self, advice: Iterable[Any], names: dict[int, str]) -> None:
        """Draw ``advice`` (the store's pieces, oldest first), givers named from ``names``."""
        rows = [
            {
                "id": item.id,
                "kind": item.kind.value,
                "text": item.text,
                "giver": live.giver_name(item, names),
                "starred": bool(item.starred),
            }
            for item in advice
        ]
        if rows != self.rows:
            self.rows = rows

    def _on_custom_msg(self, _widget: Any, content: Any, _buffers: Sequence[Any]) -> None:
        if isinstance(content, dict) and content.get("type") == "star":
            advice_id = content.get("id")
            if isinstance(advice_id, int) and any(row["id"] == advice_id for row in self.rows):
                self.star(advice_id, bool(content.get("starred")))  # only a piece shown here
