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


def override_dirs(template_dirs: list[str] | tuple[str, ...], template_name: str) -> list[str]:
    """Where a cohort's overrides are looked for, first: in each of ``template_dirs``, its
    ``<template_name>/`` subfolder (``templates/peerkit-minutes/index.html.j2``), then the folder
    itself (``templates/index.html.j2``, ``templates/cohort.css``)."""
    found: list[str] = []
    for folder in template_dirs:
        sub = Path(folder) / template_name
        found += [str(sub)] if sub.is_dir() else []
        found += [str(folder)] if Path(folder).is_dir() else []
    return found
