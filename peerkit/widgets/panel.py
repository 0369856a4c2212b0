"""A panel of the room's screen that pages through its list by itself when the list is longer
than the panel (nobody touches a projector).

The kernel sends the panel's HTML (escaped there, as an ``ipywidgets.HTML`` would take it); the
browser measures it. When the list inside (the element marked ``data-peerkit-scroll``) is taller
than its box, the panel shows it a page at a time: it stands still for ``dwell_s`` seconds, then
scrolls to the next page, whose first item is the first one the page before did not show whole,
and after the last page back to the first. A new item shows the last page first (the newest is
at the bottom). "Page 2 of 3" says so in words. Still pages rather than a continuous crawl: text
that moves cannot be read from the back of a room, text that stands still for a few seconds can.
Hovering or focusing the panel holds the page (WCAG 2.2.2); with reduced motion the pages turn
without the smooth scroll.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

from peerkit.widgets.parts import SharesLayout

__all__ = ["ScrollPanel"]

_HERE = Path(__file__).resolve().parent

#: Seconds a page of the room's lists stands still before the next one.
DWELL_S = 8.0


class ScrollPanel(SharesLayout, anywidget.AnyWidget):
    """``value``: the panel's HTML (escaped by the caller); ``dwell_s``: seconds per page."""

    _esm = _HERE / "panel.js"
    _css = _HERE / "panel.css"

    value = traitlets.Unicode("").tag(sync=True)
    dwell_s = traitlets.Float(DWELL_S, min=1.0).tag(sync=True)
