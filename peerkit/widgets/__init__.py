"""The dashboard's widgets: the anywidget countdown here, ipywidgets panels beside it."""

from peerkit.widgets.timer import SIZES, Timer

__all__ = ["SIZES", "Timer"]
