"""The follow-through charts build, render offline, carry text besides colour, and take a theme."""

from __future__ import annotations

import re
import struct
import subprocess
import sys
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pytest

from peerkit import charts
from peerkit.model import PeerkitError
from peerkit.scoring import completion_by_meeting, completion_rolling, scoreboard

THEMES = ["projector", "print"]
NAMES = ["Ana", "Ben", "Chloé", "Dev"]


def circle(names: list[str] = NAMES) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A cohort of four over four meetings: Dev never has anything due, Chloé left."""
    members = pd.DataFrame(
        {
            "member_id": [1, 2, 3, 4],
            "cohort_id": 1,
            "name": names,
            "status": ["active", "active", "left", "active"],
            "redacted": False,
        }
    )
    dates = pd.to_datetime(["2024-01-09", "2024-02-13", "2024-03-12", "2024-04-09"])
    meetings = pd.DataFrame({"meeting_id": [11, 12, 13, 14], "cohort_id": 1, "date": dates})
    owner = [1, 1, 1, 2, 2, 3]
    at = [11, 12, 13, 11, 13, 11]
    outcome = ["done", "partial", "done", "not done", "done", "dropped"]
    when = dates[[m - 11 for m in at]]
    reviews = pd.DataFrame(
        {
            "review_id": range(1, 7),
            "commitment_id": range(101, 107),
            "owner_id": owner,
            "cohort_id": 1,
            "made_meeting_id": at,
            "target_date": when - pd.Timedelta(days=3),
            "weight": 1.0,
            "levels_defined": False,
            "review_meeting_id": at,
            "reviewed_on": when,
            "outcome": outcome,
            "level": pd.array([None] * 6, dtype="Int64"),
            "new_target_date": pd.NaT,
        }
    )
    return reviews, members, meetings


def phase_times() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "round_id": [1, 1, 1, 1, 2, 2, 2, 2],
            "phase": ["present", "clarifying questions", "advice", "commitments"] * 2,
            "position": [0, 1, 2, 3] * 2,
            "planned_s": [300.0, 600.0, 900.0, 300.0] * 2,
            "used_s": [290.0, 720.0, 880.0, np.nan, 300.0, 600.0, 1000.0, 200.0],
        }
    )


def build(kind: str, theme: str, names: list[str] = NAMES) -> Any:
    reviews, members, meetings = circle(names)
    if kind == "heatmap":
        return charts.follow_through_heatmap(
            completion_by_meeting(reviews, members, meetings), theme=theme
        )
    if kind == "trend":
        return charts.trend(completion_rolling(reviews, members, meetings), theme=theme)
    if kind == "distribution":
        return charts.cohort_distribution(scoreboard(reviews, members, meetings), theme=theme)
    return charts.phase_timing(phase_times(), theme=theme)


KINDS = ["heatmap", "trend", "distribution", "phases"]


def remote_urls(svg: str) -> list[str]:
    """Every http(s) URL in the SVG apart from XML namespace declarations."""
    without_namespaces = re.sub(r'xmlns(:\w+)?="[^"]*"', "", svg)
    return re.findall(r"https?://[^\s\"'<>)]+", without_namespaces)


@pytest.fixture(scope="module")
def svgs() -> dict[tuple[str, str], str]:
    return {(k, t): charts.to_svg(build(k, t)) for k in KINDS for t in THEMES}


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("kind", KINDS)
def test_each_chart_renders_to_svg_without_remote_urls(
    svgs: dict[tuple[str, str], str], kind: str, theme: str
) -> None:
    svg = svgs[(kind, theme)]
    assert svg.lstrip().startswith("<svg")
    assert svg.rstrip().endswith("</svg>")
    assert remote_urls(svg) == []


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("kind", ["heatmap", "trend", "distribution"])
def test_member_charts_name_the_members(
    svgs: dict[tuple[str, str], str], kind: str, theme: str
) -> None:
    svg = svgs[(kind, theme)]
    for name in ["Ana", "Ben", "Chloé"]:
        assert name in svg


def test_heatmap_writes_rates_and_marks_nothing_due(svgs: dict[tuple[str, str], str]) -> None:
    svg = svgs[("heatmap", "print")]
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "100%" in texts  # Ana in January
    assert "50%" in texts  # Ana's partial in February
    assert "0%" in texts  # Ben's miss in January
    assert charts.NOTHING_DUE_MARK in texts  # Dev, every meeting
    assert "Dev" in svg
    # the grey of "nothing due" is drawn, not left as background
    assert charts.THEMES["print"].nothing_due in svg


def test_distribution_lists_nothing_due_in_words(svgs: dict[tuple[str, str], str]) -> None:
    svg = svgs[("distribution", "projector")]
    assert "nothing due" in svg
    assert "Chloé (left)" in svg
    assert "median" in svg


def test_phase_timing_labels_minutes_overtime_and_skips(svgs: dict[tuple[str, str], str]) -> None:
    svg = svgs[("phases", "print")]
    for text in ["clarifying questions", "Round 1", "Round 2", "12 min (+2)", "skipped", "5 min"]:
        assert text in svg


def test_phase_timing_of_one_round_has_no_panels() -> None:
    chart = charts.phase_timing(phase_times().query("round_id == 1"), theme="print")
    assert isinstance(chart, alt.LayerChart)
    assert "Round 1" not in charts.to_svg(chart)


@pytest.mark.parametrize("kind", KINDS)
def test_themes_differ(svgs: dict[tuple[str, str], str], kind: str) -> None:
    projector, paper = svgs[(kind, "projector")], svgs[(kind, "print")]
    assert projector != paper
    assert charts.THEMES["projector"].background in projector
    assert charts.THEMES["print"].background in paper
    config = build(kind, "projector").to_dict()["config"]
    assert config["axis"]["labelFontSize"] >= 18
    assert config["title"]["fontSize"] >= 18
    assert build(kind, "print").to_dict()["config"]["background"] == "#ffffff"


def test_a_theme_touches_only_its_own_chart() -> None:
    plain = alt.Chart(pd.DataFrame({"a": [1, 2]})).mark_point().encode(x="a:Q")
    before = plain.to_dict()
    active = alt.theme.active
    build("heatmap", "projector")
    build("trend", "print")
    assert plain.to_dict() == before
    assert alt.theme.active == active


def test_names_are_text_not_markup() -> None:
    names = ["<script>alert(1)</script>", "Ben & Jerry", "Chloé", "Dev"]
    for kind in ["heatmap", "trend", "distribution"]:
        svg = charts.to_svg(build(kind, "print", names))
        assert "<script>" not in svg
        assert "&lt;script&gt;" in svg
        assert "Ben &amp; Jerry" in svg


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_to_png_scales() -> None:
    chart = build("distribution", "print")
    one = png_size(charts.to_png(chart, scale=1))
    two = png_size(charts.to_png(chart))  # scale 2 by default
    assert two[0] == pytest.approx(2 * one[0], abs=2)
    assert two[1] == pytest.approx(2 * one[1], abs=2)
    with pytest.raises(PeerkitError, match="scale"):
        charts.to_png(chart, scale=0)


def test_rendering_never_fetches_remote_data() -> None:
    chart = alt.Chart(alt.UrlData("https://example.com/data.csv")).mark_point().encode(x="a:Q")
    with pytest.raises(ValueError, match="not allowed"):
        charts.to_svg(chart)


def test_empty_frames_still_draw() -> None:
    reviews, members, meetings = circle()
    by_meeting = completion_by_meeting(reviews.head(0), members, meetings.head(0))
    assert charts.to_svg(charts.follow_through_heatmap(by_meeting, theme="print")).startswith(
        "<svg"
    )
    board = scoreboard(reviews.head(0), members, meetings)
    svg = charts.to_svg(charts.cohort_distribution(board, theme="print"))
    assert svg.count(">nothing due</text>") == 4


def test_bad_input_is_refused_plainly() -> None:
    reviews, members, meetings = circle()
    by_meeting = completion_by_meeting(reviews, members, meetings)
    with pytest.raises(PeerkitError, match="Unknown chart theme 'neon'"):
        charts.follow_through_heatmap(by_meeting, theme="neon")
    with pytest.raises(PeerkitError, match="needs the column"):
        charts.follow_through_heatmap(by_meeting.drop(columns="status"))
    two_cohorts = pd.concat([by_meeting, by_meeting.assign(cohort_id=2)])
    with pytest.raises(PeerkitError, match="one cohort at a time"):
        charts.follow_through_heatmap(two_cohorts)
    with pytest.raises(PeerkitError, match="needs the column"):
        charts.phase_timing(phase_times().drop(columns="used_s"))


def test_importing_scoring_does_not_import_altair() -> None:
    code = "import sys, peerkit.scoring; print('altair' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
