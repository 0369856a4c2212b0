"""Small parts every panel of the console builds with: escaped text, buttons whose label is never
cut, dropdowns that keep their choice, date pickers that read the date back unambiguously."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

import ipywidgets as w


def escape(text: object) -> str:
    """User text as text, never markup."""
    return html.escape(str(text), quote=True)


def make_button(description: str, style: str = "", icon: str = "") -> w.Button:
    """A button as wide as its label (ipywidgets' fixed width cuts "Save next meeting d…")."""
    button = w.Button(description=description, tooltip=description, button_style=style, icon=icon)
    button.add_class("peerkit-button")
    button.layout.width = "max-content"  # not stretched across a column either
    button.layout.max_width = "100%"
    return button


def set_options(pick: w.Dropdown, options: list[tuple[str, Any]], *, prefer: Any = None) -> None:
    """Replace a dropdown's options, keeping its choice when it is still there, else ``prefer``,
    else the first option (none when there are no options)."""
    current = pick.value
    if list(pick.options) != options:
        pick.options = options
    values = [v for _, v in options]
    if current is not None and current in values:
        pick.value = current
    elif prefer in values:
        pick.value = prefer
    elif values:
        pick.value = values[0]
    else:
        pick.value = None


def spelled(day: dt.date | None) -> str:
    """A date no reader can take for another: "Wed 6 Jan 2027" (a picker may show 01/06/2027)."""
    return f"{day:%a} {day.day} {day:%b %Y}" if day else ""


def dated(picker: w.DatePicker) -> w.HBox:
    """The picker with its date spelled out beside it, following every change: the browser shows
    the picker in its own locale's order, the rest of the console in ISO."""
    readback = w.HTML(spelled(picker.value))
    readback.add_class("peerkit-date-readback")
    picker.observe(lambda change: setattr(readback, "value", spelled(change["new"])), "value")
    box = w.HBox([picker, readback])
    box.add_class("peerkit-dated")
    return box


class Deferred(w.VBox):
    """A panel built the first time it is needed (:meth:`build`: its moment is opened, or code
    asks for it); until then an empty box stands in its place, so a console opened mid-round
    does not create the widgets of moments nobody has looked at yet."""

    def __init__(self, build: Callable[[], w.Widget]) -> None:
        super().__init__()
        self._build = build
        self.panel: w.Widget | None = None

    def build(self) -> w.Widget:
        """The panel, built now if it was not yet."""
        if self.panel is None:
            self.panel = self._build()
            self.children = (self.panel,)
        return self.panel


class Fold(w.Accordion):
    """A closed fold titled ``title`` whose content ``build`` makes the first time it is opened
    (or when its :attr:`content` is asked to build it)."""

    def __init__(self, title: str, build: Callable[[], w.Widget]) -> None:
        self.content = Deferred(build)
        super().__init__(children=[self.content], titles=(title,))
        self.selected_index = None
        self.observe(self._open, "selected_index")

    def _open(self, change: dict[str, Any]) -> None:
        if change["new"] == 0:
            self.content.build()
