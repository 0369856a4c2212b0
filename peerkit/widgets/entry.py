"""A text box for live capture: Enter saves, and the text stays until the store has it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from peerkit.widgets.parts import SharesLayout

_HERE = Path(__file__).resolve().parent


class EntryBox(SharesLayout, anywidget.AnyWidget):
    """One line (or a few) of text that is submitted with Enter (Shift+Enter for a new line).

    The browser keeps the text until the kernel answers that it was saved; if saving failed, the
    text stays in the box and the error is shown next to it, so nothing typed is ever lost.
    ``on_submit(callback)``: ``callback(text)`` saves it and returns nothing, or raises
    :class:`peerkit.model.PeerkitError` with the message to show.
    """

    _esm = _HERE / "entry.js"
    _css = _HERE / "entry.css"

    value = traitlets.Unicode("").tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)  # the accessible name (visible as a label)
    placeholder = traitlets.Unicode("").tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    rows = traitlets.Int(2, min=1).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._callbacks: list[Callable[[str], object]] = []
        self.on_msg(self._on_custom_msg)

    def on_submit(self, callback: Callable[[str], object]) -> None:
        self._callbacks.append(callback)

    def submit(self, text: str | None = None) -> bool:
        """Save ``text`` (default: what is in the box); clear the box only when it was saved."""
        from peerkit.model import PeerkitError

        text = self.value if text is None else text
        try:
            for callback in self._callbacks:
                callback(text)
        except PeerkitError as exc:
            self.error = str(exc)
            return False
        with self.hold_sync():
            self.error = ""
            self.value = ""
        self.send({"type": "saved"})
        return True

    def _on_custom_msg(self, _widget: Any, content: Any, _buffers: Sequence[Any]) -> None:
        if isinstance(content, dict) and content.get("type") == "submit":
            self.value = str(content.get("text", ""))
            self.submit()
