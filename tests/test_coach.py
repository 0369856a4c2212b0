"""A coach's cell builds on peerkit.coach: it opens the cohort (store, settings, formats, frames
read on first use) as the console does, imports every part from that one place without paying
for what it does not use, and gives the projector a banner."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import subprocess
import sys
from pathlib import Path

import ipywidgets as w
import pytest

import peerkit.coach as coach
from peerkit import dashboard, live
from peerkit.folder import init_folder
from peerkit.model import PeerkitError
from peerkit.settings import CONFIG_NAME
from peerkit.store import Store
from peerkit.widgets.projector import Projector

HEAVY = ("altair", "ipywidgets", "numpy", "pandas", "sqlalchemy", "vl_convert")


@pytest.fixture
def outside_a_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No cohort folder, no settings from `peerkit serve`: only what the cell is given."""
    for name in ("PEERKIT_DB", "PEERKIT_COHORT", "PEERKIT_ALLOWED_COHORTS", dashboard.CONFIG_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_cell_in_a_cohort_folder_opens_the_folders_cohort_with_no_arguments(
    outside_a_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = outside_a_folder / "north-circle"
    init_folder(folder, "North Circle")
    (folder / "formats" / "fishbowl.yaml").write_text(
        "name: Fishbowl\nphases:\n  - name: The bowl\n    minutes: 15\n", encoding="utf-8"
    )
    monkeypatch.chdir(folder)

    north = coach.open_cohort()

    assert north.cohort.name == "North Circle"
    assert north.settings.cohort == "North Circle"
    assert north.settings.sources["cohort"] == CONFIG_NAME  # where `peerkit settings` says
    assert north.settings.file == folder.resolve() / CONFIG_NAME
    assert north.config is not None and north.config.folder == folder.resolve()
    assert "Fishbowl" in {f.name for f in north.formats.values()}  # the folder's own formats
    assert "mastermind hot seat" in north.formats  # beside peerkit's


@pytest.mark.usefixtures("outside_a_folder")
def test_the_frames_are_the_cohorts_read_on_first_use_and_once(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    north = coach.open_cohort(str(demo_copy))
    reads: list[int | None] = []
    read = north.store.frames
    monkeypatch.setattr(
        north.store, "frames", lambda cohort_id=None: reads.append(cohort_id) or read(cohort_id)
    )
    assert reads == []  # opening reads no table

    frames = north.frames
    assert north.frames is frames and reads == [north.cohort.id]
    assert set(frames) == {"reviews", "members", "meetings"}
    members = north.store.members(north.cohort.id, include_left=True)
    assert sorted(frames["members"]["name"]) == sorted(m.name for m in members)
    assert set(frames["meetings"]["cohort_id"]) == {north.cohort.id}
    assert len(frames["reviews"]) == len(north.store.reviews()) > 0


@pytest.mark.usefixtures("outside_a_folder")
def test_the_console_and_projector_take_the_cohort_a_cell_opened(demo_copy: Path) -> None:
    with Store(demo_copy, create=False) as store:
        store.add_cohort("South Circle")
    south = coach.open_cohort(str(demo_copy), "South Circle")
    assert south.cohort.name == "South Circle" and south.frames["members"].empty

    shown = coach.projector(south.store, south.cohort)  # a Cohort, not only its name
    assert isinstance(shown, Projector) and shown.cohort == south.cohort
    assert "South Circle" in shown.heading.value
    console = coach.console(south.store, south.cohort, moments=["attendance"])
    assert console.cohort == south.cohort and console.tabs.titles == ("Attendance",)
    with pytest.raises(PeerkitError, match="several cohorts"):
        coach.open_cohort(str(demo_copy))  # two cohorts: the cell must say which


def test_a_store_that_is_not_there_is_one_sentence_and_no_new_file(
    outside_a_folder: Path,
) -> None:
    missing = outside_a_folder / "nowhere.db"
    with pytest.raises(PeerkitError) as refused:
        coach.open_cohort(str(missing))
    message = str(refused.value)
    assert message.startswith("No peerkit store at") and "\n" not in message
    assert "Traceback" not in message and "Error" not in message
    assert not missing.exists()


def test_importing_peerkit_coach_loads_none_of_the_heavy_libraries() -> None:
    """`import peerkit.coach` in a fresh interpreter; each part loads its room when used."""
    probe = (
        "import sys, json, peerkit.coach as c\n"
        f"heavy = {HEAVY!r}\n"
        "before = sorted(h for h in heavy if h in sys.modules)\n"
        "c.apply_theme\n"
        "after = sorted(h for h in heavy if h in sys.modules)\n"
        "import altair\n"
        "print(json.dumps([before, after, altair.renderers.active]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    before, after, renderer = json.loads(out)
    assert before == []
    assert {"altair", "pandas"} <= set(after)  # the chart room, on first use
    assert renderer == "svg"  # and every altair chart of the notebook draws offline


@pytest.mark.parametrize("name", coach.__all__)
def test_every_part_is_the_one_of_its_own_room(name: str) -> None:
    part = getattr(coach, name)
    assert name in dir(coach)
    if name in coach._LAZY:
        room, there = coach._LAZY[name]
        assert part is getattr(importlib.import_module(room), there)
    elif name == "MOMENTS":
        assert part is dashboard.MOMENTS  # the console's own names
    else:
        assert name in ("open_cohort", "OpenCohort") and part.__module__ == "peerkit.coach"


def test_a_name_that_is_not_a_part_is_a_plain_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'scoreboard_vew'"):
        coach.scoreboard_vew  # noqa: B018


# -- the projector's banner ---------------------------------------------------------------------


@pytest.mark.usefixtures("outside_a_folder")
def test_a_widget_banner_is_shown_as_it_is_above_the_heading(demo_copy: Path) -> None:
    agenda = w.HTML("<ol><li>18:45 two hot seats</li></ol>")
    shown = coach.projector(str(demo_copy), banner=agenda)
    assert shown.banner.children == (agenda,)
    assert shown.children.index(shown.banner) < shown.children.index(shown.heading)
    assert "peerkit-projector-has-banner" in shown._dom_classes


@pytest.mark.usefixtures("outside_a_folder")
@pytest.mark.parametrize("banner", [None, "", "   "])
def test_no_banner_leaves_the_projector_as_it_was(demo_copy: Path, banner: str | None) -> None:
    shown = coach.projector(str(demo_copy), banner=banner)
    assert shown.banner is None
    assert "peerkit-projector-has-banner" not in shown._dom_classes
    assert [c._dom_classes[-1] for c in shown.children[1:]] == [
        "peerkit-projector-heading",
        "peerkit-projector-timer",
        "peerkit-projector-advice",
        "peerkit-projector-commitments",
    ]


@pytest.mark.usefixtures("outside_a_folder")
def test_the_banner_stays_through_a_private_round_that_shows_nothing_else(
    demo_copy: Path,
) -> None:
    shown = coach.projector(str(demo_copy), banner="<p>North Circle · tonight</p>")
    store, cohort = shown.store, shown.cohort
    meeting = live.meeting_for_today(store, cohort.id, dt.date.today())
    presenter = store.members(cohort.id, include_left=False)[0]
    rnd = store.add_round(meeting.id, presenter.id, "mastermind hot seat", private=True)
    live.put_on_screen(store, cohort.id, meeting_id=meeting.id, round_id=rnd.id)
    shown.refresh()
    assert "Private segment" in shown.heading.value
    assert presenter.name not in shown.heading.value
    assert shown.banner.children[0].value == "<p>North Circle · tonight</p>"


def test_the_stylesheet_gives_the_banner_its_own_area_in_every_layout() -> None:
    """Each grid of the projector with a banner names the banner's area once, on top."""
    from peerkit.widgets.look import _sheet

    sheet = _sheet()
    rules = [r for r in sheet.split("}") if "peerkit-projector-has-banner" in r.split("{")[0]]
    areas = [r.split("grid-template-areas:")[1].split(";")[0] for r in rules if "areas" in r]
    assert len(areas) == 4  # alone, lists side by side, advice only, commitments only
    for template in areas:
        rows = template.split('" "')
        assert "banner" in rows[0] and all("banner" not in row for row in rows[1:])
    assert "grid-area: banner" in sheet


@pytest.mark.parametrize("theme", ["projector", "print"])
def test_a_coachs_bars_and_numbers_take_the_themes_colours(theme: str) -> None:
    """On the projector's dark background a coach's numbers are light and large, not black."""
    import altair as alt
    import pandas as pd

    t = coach.THEMES[theme]
    seats = alt.Chart(pd.DataFrame({"meeting": ["Oct", "Nov"], "present": [9, 11]})).encode(
        x="meeting:N", y="present:Q"
    )
    chart = alt.layer(seats.mark_bar(), seats.mark_text(dy=-12).encode(text="present:Q"))
    svg = coach.to_svg(coach.apply_theme(chart, theme))
    bars = svg.split('class="mark-rect role-mark')[1].split("</g>")[0]
    numbers = svg.split('class="mark-text role-mark')[1].split("</g>")[0]
    assert bars.count(f'fill="{t.accent}"') == 2
    assert numbers.count(f'fill="{t.foreground}"') == 2
    assert f'font-size="{t.label_size}px"' in numbers
    assert ">9</text>" in numbers and ">11</text>" in numbers
