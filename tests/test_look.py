"""Each view carries peerkit's look, and the look styles nothing but peerkit's views: the same in
JupyterLab, in Lab's Voila preview and under `peerkit serve`."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

from peerkit import dashboard
from peerkit.accountability import scoreboard_view

SHEET = (files("peerkit.widgets") / "look.css").read_text(encoding="utf-8")


def _carries_the_look(view) -> None:
    assert "peerkit-look" in view._dom_classes
    sheet = view.children[0]
    assert sheet.layout.display == "none"  # takes no room; a <style> applies wherever it sits
    assert sheet.value == f"<style>{SHEET}</style>"


def test_the_console_and_the_projector_carry_the_look(console, projector):
    _carries_the_look(console)
    _carries_the_look(projector)


def test_the_accountability_view_carries_the_look(demo_db: Path):
    view = scoreboard_view(str(demo_db))
    _carries_the_look(view.widget)


def test_a_refusal_in_place_of_a_view_carries_the_look(tmp_path: Path, on_a_page: None):
    refused = dashboard.console(store=str(tmp_path / "none.db"))
    assert "peerkit-look" in refused._dom_classes
    assert refused.value.startswith(
        f"<style>{SHEET}</style><div role='alert' class='peerkit-error'>"
    )
    assert "peerkit cannot open this meeting" in refused.value


def _selectors(css: str) -> list[str]:
    """Every selector of a rule (not the steps of a @keyframes), comments left out."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    css = re.sub(r"@keyframes[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", css)
    found = []
    for head in re.findall(r"([^{};]+)\{", css):
        head = head.strip()
        if head.startswith("@"):
            continue
        found += [s.strip() for s in re.split(r",(?![^()]*\))", head)]  # not inside :is(…)
    return found


def test_every_rule_of_the_look_is_inside_a_peerkit_view():
    selectors = _selectors(SHEET)
    assert len(selectors) > 100
    assert [s for s in selectors if not s.startswith("div.peerkit-look")] == []


def test_the_selector_reader_sees_an_unscoped_rule():
    assert _selectors(
        "div.peerkit-look a { x: 1 }\n.jupyter-button, div.peerkit-look b { y: 2 }"
    ) == [
        "div.peerkit-look a",
        ".jupyter-button",
        "div.peerkit-look b",
    ]
