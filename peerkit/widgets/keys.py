"""Keyboard shortcuts for the live round: the browser hears the keys, the kernel acts.

The widget shows its legend where it sits. A key counts only while the widget is on screen (its
moment's tab is open) and never while the facilitator types in a text box, a list or a button
with a modifier held. The browser sends the intent ("toggle", "next", "previous", "extend",
"advice"); the console decides what it means for the round on screen, and for "advice" opens the
advice form and calls :meth:`Keys.focus` to put the cursor in it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from peerkit.widgets.parts import SharesLayout

__all__ = ["INTENTS", "KEYS", "Keys"]

_HERE = Path(__file__).resolve().parent

#: The key (KeyboardEvent.key, case-insensitive) -> the intent, and how the legend says it.
KEYS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("s",), "toggle", "start / pause"),
    (("n",), "next", "next phase"),
    (("b",), "previous", "back a phase"),
    (("+", "="), "extend", "one more minute"),
    (("a",), "advice", "type advice"),
)
INTENTS = tuple(intent for _, intent, _ in KEYS)


class Keys(SharesLayout, anywidget.AnyWidget):
    """The live round's shortcuts; ``on_intent(callback)`` hears "toggle", "next", …"""

    _esm = _HERE / "keys.js"
    shortcuts = traitlets.List(
        [{"keys": list(keys), "intent": intent, "says": says} for keys, intent, says in KEYS]
    ).tag(sync=True)
    #: The text box that :meth:`focus` moves the cursor to (a CSS selector).
    target = traitlets.Unicode(".peerkit-advice-entry textarea").tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._callbacks: list[Callable[[str], object]] = []
        self.on_msg(self._on_custom_msg)

    def on_intent(self, callback: Callable[[str], object]) -> None:
        self._callbacks.append(callback)

    def focus(self) -> None:
        """Put the cursor in the :attr:`target` box (once the browser has drawn it)."""
        self.send({"focus": True})

    def press(self, intent: str) -> None:
        """What a key press does (the browser's message): for tests and scripts."""
        if intent in INTENTS:
            for callback in self._callbacks:
                callback(intent)

    def _on_custom_msg(self, _widget: Any, content: Any, _buffers: Sequence[Any]) -> None:
        if isinstance(content, dict) and isinstance(content.get("intent"), str):
            self.press(content["intent"])
