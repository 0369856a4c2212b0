"""Small parts every panel of the console builds with: escaped text, buttons whose label is never
cut, dropdowns that keep their choice, date pickers that read the date back unambiguously, and
layouts and styles shared by the many widgets that look alike.

Every ipywidget carries a layout and most a style, each a model of its own in the page: left to
ipywidgets, a console of 100 widgets is 280 models, each created, sent and rendered before the
console answers a click. ipywidgets lets many widgets share one layout or one style, so the parts
here hand out one shared, frozen instance per look (:func:`shared`). A widget whose layout
changes while the console runs (shown and hidden, say) gets its own (:func:`own_layout`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from html import escape as _escape
from typing import Any

import ipywidgets as w
import traitlets
from ipywidgets.widgets.widget_button import ButtonStyle
from ipywidgets.widgets.widget_selection import ToggleButtonsStyle
from ipywidgets.widgets.widget_string import HTMLStyle


def escape(text: object) -> str:
    """User text as text, never markup."""
    return _escape(str(text), quote=True)


class _Frozen(traitlets.HasTraits):
    """A layout or style shared by many widgets: changing it would change all of them, so once
    shared it refuses (give that widget its own: :func:`own_layout`)."""

    _shared = False

    def __setattr__(self, name: str, value: Any) -> None:
        if self._shared and self.has_trait(name) and self.trait_metadata(name, "sync"):
            raise AttributeError(
                f"This {type(self).__name__} is shared by many widgets; give the widget its "
                f"own (parts.own_layout) to change {name!r}."
            )
        super().__setattr__(name, value)


class SharedLayout(_Frozen, w.Layout):
    """A :class:`ipywidgets.Layout` many widgets share."""


class SharedHTMLStyle(_Frozen, HTMLStyle):
    """An :class:`ipywidgets.HTMLStyle` many widgets share."""


class SharedButtonStyle(_Frozen, ButtonStyle):
    """A :class:`ipywidgets.ButtonStyle` many widgets share."""


class SharedToggleButtonsStyle(_Frozen, ToggleButtonsStyle):
    """A :class:`ipywidgets.ToggleButtonsStyle` many widgets share."""


_SHARED: dict[tuple[Any, ...], Any] = {}

_Shared = SharedLayout | SharedHTMLStyle | SharedButtonStyle | SharedToggleButtonsStyle


def shared(kind: type[_Shared], **traits: Any) -> Any:
    """The one ``kind`` (a Shared… class above) with these ``traits`` that widgets of this
    kernel share; a fresh one when it was closed."""
    key = (kind, tuple(sorted(traits.items())))
    found = _SHARED.get(key)
    if found is None or found.comm is None:
        found = kind(**traits)
        found._shared = True
        _SHARED[key] = found
    return found


class SharesLayout(traitlets.HasTraits):
    """Mixed into a widget class: its widgets share one layout unless given their own."""

    @traitlets.default("layout")
    def _shared_layout(self) -> w.Layout:
        return shared(SharedLayout)


def own_layout(widget: w.DOMWidget) -> w.Layout:
    """``widget``'s layout, made its own first if it was shared: the one to change."""
    if isinstance(widget.layout, SharedLayout):
        widget.layout = w.Layout(
            **{
                name: getattr(widget.layout, name)
                for name in widget.layout.trait_names(sync=True)
                if not name.startswith("_") and getattr(widget.layout, name) is not None
            }
        )
    return widget.layout


def html(value: str = "", *classes: str) -> w.HTML:
    """An HTML widget (``value`` is markup: escape user text) with the shared look."""
    widget = w.HTML(value, layout=shared(SharedLayout), style=shared(SharedHTMLStyle))
    for name in classes:
        widget.add_class(name)
    return widget


def row(children: Sequence[w.Widget] = (), *classes: str, **layout: Any) -> w.HBox:
    """A row of widgets, sharing its layout with the rows that look alike."""
    box = w.HBox(list(children), layout=shared(SharedLayout, **layout))
    for name in classes:
        box.add_class(name)
    return box


def column(children: Sequence[w.Widget] = (), *classes: str, **layout: Any) -> w.VBox:
    """A column of widgets, sharing its layout with the columns that look alike."""
    box = w.VBox(list(children), layout=shared(SharedLayout, **layout))
    for name in classes:
        box.add_class(name)
    return box


def replace_children(box: w.Box, children: Sequence[w.Widget]) -> None:
    """Swap a box's children and close the old ones (no widget piles up in the kernel; the
    layouts and styles they shared stay open for the others)."""
    old = [c for c in box.children if c not in children]
    box.children = tuple(children)
    for child in old:
        for grandchild in getattr(child, "children", ()):
            grandchild.close()
        child.close()


def make_button(description: str, style: str = "", icon: str = "") -> w.Button:
    """A button as wide as its label (ipywidgets' fixed width cuts "Save next meeting d…"), not
    stretched across a column either; its layout and style shared with the other buttons."""
    button = w.Button(
        description=description,
        tooltip=description,
        button_style=style,
        icon=icon,
        layout=shared(SharedLayout, width="max-content", max_width="100%"),
        style=shared(SharedButtonStyle),
    )
    button.add_class("peerkit-button")
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
    readback = html(spelled(picker.value), "peerkit-date-readback")
    picker.observe(lambda change: setattr(readback, "value", spelled(change["new"])), "value")
    return row([picker, readback], "peerkit-dated")


class Deferred(SharesLayout, w.VBox):
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


class Fold(SharesLayout, w.Accordion):
    """A closed fold titled ``title`` whose content ``build`` makes the first time it is opened
    (or when its :attr:`content` is asked to build it). ``on_open``, if given, is called each
    time it is opened, once the content is built: a panel drawn from the console's redraw asks
    for one there."""

    def __init__(
        self,
        title: str,
        build: Callable[[], w.Widget],
        on_open: Callable[[], object] | None = None,
    ) -> None:
        self.content = Deferred(build)
        self._on_open = on_open
        super().__init__(children=[self.content], titles=(title,))
        self.selected_index = None
        self.observe(self._open, "selected_index")

    def _open(self, change: dict[str, Any]) -> None:
        if change["new"] == 0:
            self.content.build()
            if self._on_open is not None:
                self._on_open()
