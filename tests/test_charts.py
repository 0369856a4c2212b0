"""The follow-through charts build, render offline, carry text besides colour, and take a theme."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import struct
import subprocess
import sys
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pytest
from helpers import SvgText, svg_texts

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
    """Two rounds of one meeting in two formats (database ids 37 and 39, numbers 1 and 2)."""
    return pd.DataFrame(
        {
            "round_id": [37, 37, 37, 37, 39, 39, 39],
            "round": [1, 1, 1, 1, 2, 2, 2],
            "presenter": ["Dana Kim"] * 4 + ["Eli Park"] * 3,
            "phase": ["present", "clarifying questions", "advice", "commitments"]
            + ["share", "clarifying questions", "consult"],
            "position": [0, 1, 2, 3, 0, 1, 2],
            "planned_s": [300.0, 600.0, 900.0, 300.0, 300.0, 600.0, 900.0],
            "used_s": [290.0, 720.0, 880.0, np.nan, 300.0, 600.0, 1000.0],
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
    for text in ["clarifying questions", "12 min (+2)", "skipped", "5 min", "16.7 min (+1.7)"]:
        assert text in svg


@pytest.mark.parametrize("theme", THEMES)
def test_phase_timing_heads_rounds_by_number_and_presenter(
    svgs: dict[tuple[str, str], str], theme: str
) -> None:
    texts = [t.text for t in svg_texts(svgs[("phases", theme)])]
    assert texts.count("Round 1 · Dana Kim") == 1
    assert texts.count("Round 2 · Eli Park") == 1
    assert not [t for t in texts if "37" in t or "39" in t]  # database ids mean nothing to anyone


@pytest.mark.parametrize("theme", THEMES)
def test_phase_timing_lists_only_each_rounds_own_phases(
    svgs: dict[tuple[str, str], str], theme: str
) -> None:
    texts = svg_texts(svgs[("phases", theme)])
    names = [t.text for t in texts]
    # No empty rows: a phase of one format is not listed in the other round's panel.
    for phase in ["present", "advice", "commitments", "share", "consult"]:
        assert names.count(phase) == 1, phase
    assert names.count("clarifying questions") == 2  # in both formats
    # ... and in its own round's panel, in the round's order.
    top = {t.text: t.y0 for t in texts}
    second = min(t.y0 for t in texts if t.text == "Round 2 · Eli Park")
    assert top["present"] < top["advice"] < top["commitments"] < second
    assert second < top["share"] < top["consult"]


def test_phase_timing_under_the_chatham_house_rule_names_nobody() -> None:
    frame = phase_times().drop(columns="presenter")
    svg = charts.to_svg(charts.phase_timing(frame, theme="print"))
    texts = [t.text for t in svg_texts(svg)]
    assert "Round 1" in texts and "Round 2" in texts
    assert not [t for t in texts if "·" in t or "Dana" in t or "Eli" in t]


def test_phase_timing_of_one_round_has_no_panels_and_names_it() -> None:
    chart = charts.phase_timing(phase_times().query("round == 2"), theme="print")
    assert isinstance(chart, alt.LayerChart)
    texts = [t.text for t in svg_texts(charts.to_svg(chart))]
    assert texts.count("Round 2 · Eli Park") == 1 and "present" not in texts


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


# --------------------------------------------------------------------------------------------
# The trend of twelve members, many of them at the same rate, reads name by name

#: Twelve members; the first six do everything they commit to, so they end tied at 100 %.
TIED = [
    "Rafael Mendes",
    "Aiko Tanaka",
    "Hannah Berg",
    "James Whitfield",
    "Claire Dubois",
    "Omar Haddad",
    "Priya Raman",
    "Marcus Webb",
    "Elena Sokolova",
    "David Okafor",
    "Sofia Lindqvist",
    "Tom Keller",
]


def tied_cohort(path: Any) -> Any:
    """A real store: twelve members over five meetings; six always done, three always not
    done (tied at 0 %), one half done, two with nothing ever due."""
    from peerkit.store import Store

    outcomes = ["done"] * 6 + ["not done"] * 3 + ["partial"]
    with Store(path) as store:
        c = store.add_cohort("Tied Circle")
        people = [store.add_member(c.id, name) for name in TIED]
        days = ["2026-01-06", "2026-02-03", "2026-03-03", "2026-04-07", "2026-05-05"]
        meetings = [store.add_meeting(c.id, day) for day in days]
        for made, due in itertools.pairwise(meetings):
            for person, outcome in zip(people, outcomes, strict=False):
                pledge = store.add_commitment(person.id, made.id, "Call the board", due.date)
                store.record_review(pledge.id, due.id, outcome)
        return store.frames(c.id)


@pytest.fixture(scope="module")
def cohorts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[list[str], Any]]:
    """The demo cohort and the tied one: (member names, scoring frames)."""
    from peerkit.demo import build_demo
    from peerkit.store import Store

    folder = tmp_path_factory.mktemp("trend")
    with Store(folder / "demo.db") as store:
        build_demo(store, seed=7, today=dt.date(2026, 11, 21))
        demo = store.frames(store.cohort().id)
    return {
        "demo": (demo["members"]["name"].tolist(), demo),
        "tied": (TIED, tied_cohort(folder / "tied.db")),
    }


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("which", ["demo", "tied"])
def test_trend_names_each_member_once_and_no_label_overlaps(
    cohorts: dict[str, tuple[list[str], Any]], which: str, theme: str
) -> None:
    names, frames = cohorts[which]
    assert len(names) == 12
    rolling = completion_rolling(frames["reviews"], frames["members"], frames["meetings"])
    if which == "tied":
        final = rolling[rolling["date"] == rolling["date"].max()]
        assert (final["rate"] == 1.0).sum() == 6 and (final["rate"] == 0.0).sum() == 3
    texts = svg_texts(charts.to_svg(charts.trend(rolling, theme=theme)))
    labels: list[SvgText] = []
    for name in names:
        found = [t for t in texts if t.text == name]
        assert len(found) == 1, f"{name!r} is written {len(found)} times"
        labels.append(found[0])
    for label in labels:
        clashes = [t.text for t in texts if t is not label and label.overlaps(t)]
        assert clashes == [], f"{label.text!r} runs into {clashes}"
    if which == "tied":  # nothing due is said in words, never drawn as 0 %
        assert [t.text for t in texts].count("nothing due") == 2


def test_a_coachs_own_chart_renders_offline_in_peerkits_theme() -> None:
    """A coach's altair chart in a kernel that imported peerkit's charts comes out as SVG drawn in
    the kernel (no script from a CDN), in the theme's colours."""
    own = alt.Chart(pd.DataFrame({"meeting": ["Jan", "Feb"], "seats": [9, 11]}))
    bundle = charts.apply_theme(own.mark_bar().encode(x="meeting", y="seats"), "print")
    shown = bundle._repr_mimebundle_()
    assert list(shown) == ["image/svg+xml"]
    svg = shown["image/svg+xml"]
    assert re.findall(r"https?://[^\"' ]+", svg) == [
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    ]
    assert charts.THEMES["print"].background.lower() in svg.lower()
    assert "Feb" in svg
