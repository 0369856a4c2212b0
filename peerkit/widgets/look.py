"""peerkit's look, carried by each view: the same under `peerkit serve`, in JupyterLab and in Lab's
Voila preview, and nothing else on the page restyled (look.css scopes every rule)."""

from __future__ import annotations

import html
from functools import cache
from importlib.resources import files

import ipywidgets as w

LOOK = "peerkit-look"


@cache
def _sheet() -> str:
    return (files("peerkit.widgets") / "look.css").read_text(encoding="utf-8")


def style_sheet() -> w.HTML:
    """The sheet as a widget that takes no room (a <style> applies wherever it sits)."""
    sheet = w.HTML(f"<style>{_sheet()}</style>", layout=w.Layout(display="none"))
    sheet.add_class("peerkit-style")
    return sheet


def dress(view: w.Box) -> w.Box:
    """``view`` in peerkit's look: the class on its root, the sheet as its first child."""
    view.add_class(LOOK)
    view.children = (style_sheet(), *view.children)
    return view


def refusal(title: str, message: str) -> w.HTML:
    """A plain message in place of a view that cannot open (never a traceback), in the look."""
    shown = w.HTML(
        f"<style>{_sheet()}</style><div role='alert' class='peerkit-error'>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></div>"
    )
    shown.add_class(LOOK)
    return shown
