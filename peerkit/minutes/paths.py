"""Where peerkit's nbconvert templates are (shared by the nbconvert exporters and the lean
renderer, without importing either)."""

from __future__ import annotations

from pathlib import Path

HTML_TEMPLATE = "peerkit-minutes"
MARKDOWN_TEMPLATE = "peerkit-minutes-md"
CHECKOUT_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "nbconvert" / "templates"


def template_basedirs() -> list[str]:
    """peerkit's template base folder when running from a checkout, first so that edits are live
    (an editable install holds a copy made at install time); otherwise nothing, and nbconvert
    finds the copy the wheel installed under share/jupyter/nbconvert/templates."""
    if (CHECKOUT_TEMPLATES / HTML_TEMPLATE / "conf.json").is_file():
        return [str(CHECKOUT_TEMPLATES)]
    return []
