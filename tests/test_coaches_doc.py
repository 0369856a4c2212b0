"""A coach composes the console from its moments: docs/coaches.md's worked example run exactly as
written, the facilitator notebook that lists the moments, and a name peerkit does not know."""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from helpers import run_headless

from peerkit import dashboard
from peerkit.model import PeerkitError
from peerkit.widgets.console import Console

ROOT = Path(__file__).resolve().parents[1]
COACHES = ROOT / "docs" / "coaches.md"
NOTEBOOK = ROOT / "notebooks" / "facilitator.ipynb"
SECTION = "### Compose the console from its moments"
UNKNOWN = (
    "No console moment called 'check-in': choose from attendance, checkin, hot_seat, close, "
    "or give your own as a (title, widget) pair."
)


def section(heading: str) -> str:
    """The doc's text under ``heading`` (a whole heading line, e.g. "### Compose …"), up to the
    next heading of its level or above (a ``#`` line inside a code block is no heading)."""
    lines = COACHES.read_text(encoding="utf-8").splitlines(keepends=True)
    level = len(heading) - len(heading.lstrip("#"))
    start = lines.index(heading + "\n") + 1
    fenced = False
    for end in range(start, len(lines)):
        line = lines[end]
        fenced ^= line.startswith("```")
        hashes = len(line) - len(line.lstrip("#"))
        if not fenced and 0 < hashes <= level and line[hashes : hashes + 1] == " ":
            return "".join(lines[start:end])
    return "".join(lines[start:])


def python_blocks(heading: str) -> list[str]:
    """The section's Python code blocks, as the doc prints them."""
    return re.findall(r"```python\n(.*?)```", section(heading), flags=re.DOTALL)


def worked_example() -> str:
    """The section's Python block that builds a console, as the doc prints it."""
    [block] = [b for b in python_blocks(SECTION) if "console(" in b]
    return block


def run_cell(source: str, namespace: dict[str, Any]) -> Any:
    """Run a notebook cell's source; return its last expression's value, as a notebook shows."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<coaches.md>", "exec"), namespace)
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), "<coaches.md>", "eval"), namespace)


@pytest.fixture
def outside_a_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No cohort folder, no settings from `peerkit serve`: only what the cell is given."""
    for name in ("PEERKIT_DB", "PEERKIT_COHORT", dashboard.CONFIG_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.mark.usefixtures("outside_a_folder")
def test_the_worked_example_runs_as_written(demo_copy: Path) -> None:
    parameters = {"store": str(demo_copy), "cohort": None, "meeting": None}
    shown = run_cell(worked_example(), parameters)
    assert isinstance(shown, Console), getattr(shown, "value", shown)
    titles = shown.tabs.titles
    assert titles == ("Tonight", "Attendance", "Parking lot & close", "Hot seat")
    assert "Check-in" not in titles
    with pytest.raises(PeerkitError, match="no 'checkin' moment"):
        shown.show_moment("checkin")
    assert shown.moment == "Tonight"  # the coach's own tab, first, is what the console opens on
    assert "House rules" in shown.tabs.children[0].value
    assert " · ".join(titles) in COACHES.read_text(encoding="utf-8")  # the doc says what shows


@pytest.mark.usefixtures("outside_a_folder", "on_a_page")
def test_an_unknown_moment_is_one_clear_message(demo_copy: Path) -> None:
    shown = dashboard.console(str(demo_copy), moments=["attendance", "check-in"])
    assert not isinstance(shown, Console)
    text = html.unescape(shown.value)
    assert "peerkit cannot open this meeting" in text and "role='alert'" in text
    assert UNKNOWN in text
    assert "Traceback" not in text
    doc = " ".join(COACHES.read_text(encoding="utf-8").split())
    assert UNKNOWN in doc  # the doc quotes the message word for word


def test_the_moments_are_importable_from_the_dashboard() -> None:
    assert list(dashboard.MOMENTS) == ["attendance", "checkin", "hot_seat", "close"]
    assert "MOMENTS" in dashboard.__all__


def test_the_notebook_lists_the_moments_in_a_few_readable_cells() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    params, moments, shown = nb.cells
    assert all(cell.cell_type == "code" for cell in nb.cells)  # Voila would show a markdown cell
    assert "parameters" in params.metadata["tags"]
    for name in ("store = None", "cohort = None", "meeting = None"):
        assert name in params.source
    [assignment] = [n for n in ast.parse(moments.source).body if isinstance(n, ast.Assign)]
    assert ast.literal_eval(assignment.value) == list(dashboard.MOMENTS)
    assert "(title, widget)" in moments.source
    assert "console(store, cohort, meeting, moments=moments)" in shown.source
    for cell in nb.cells:
        assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.slow
def test_the_notebook_runs_headless_on_the_demo_store(
    demo_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nb = run_headless(NOTEBOOK, demo_copy, tmp_path, monkeypatch)
    outputs = [o for cell in nb.cells for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    [console] = outputs
    assert "application/vnd.jupyter.widget-view+json" in console["data"]
    assert console["data"]["text/plain"].startswith("Console(")
    assert "cannot open this meeting" not in str(console["data"])


def test_the_own_chart_example_runs_as_written_and_draws_offline() -> None:
    [block] = python_blocks("### Your own chart, in peerkit's theme and offline")
    chart = run_cell(block, {})
    shown = chart._repr_mimebundle_()
    assert list(shown) == ["image/svg+xml"]  # drawn in the kernel: no script, no CDN
    svg = shown["image/svg+xml"]
    assert "Who came" in svg and "2026-11-03" in svg
    assert re.findall(r"https?://[^\"' ]+", svg) == [
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    ]


def test_the_broken_format_message_in_the_doc_is_the_one_peerkit_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/coaches.md's fishbowl, with 'The bowl' at 0 minutes, gets the line the doc quotes."""
    from peerkit.formats import FormatError, load_file

    formats = section("## 4. Your own formats: a worked example")
    [fishbowl] = re.findall(r"```yaml\n(.*?)```", formats, flags=re.DOTALL)
    [quoted] = re.findall(r"`(formats/fishbowl\.yaml:\d+: .*?)`", formats)
    broken = fishbowl.replace("minutes: 15", "minutes: 0")
    assert broken != fishbowl
    (tmp_path / "formats").mkdir()
    (tmp_path / "formats" / "fishbowl.yaml").write_text(broken, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FormatError) as refused:
        load_file("formats/fishbowl.yaml")
    assert str(refused.value) == quoted


# -- "Build on peerkit in a notebook": three worked examples, run from the doc's own text -------

BUILD = "### Build on peerkit in a notebook"
NOTEBOOKS = ROOT / "notebooks"


def parameters(notebook: str, **given: Any) -> dict[str, Any]:
    """A notebook's parameters cell run as papermill runs it, then the values papermill would
    inject: the namespace the doc's cell runs in."""
    nb = nbformat.read(NOTEBOOKS / notebook, as_version=4)
    [cell] = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    namespace: dict[str, Any] = {}
    exec(cell.source, namespace)
    namespace.update(given)
    return namespace


def table_names(text: str) -> list[str]:
    """The names in the first column of the section's first table, in order."""
    table = text[text.index("\n|") :].split("\n\n", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    return [name for row in rows for name in re.findall(r"`(\w+)", row.split(" | ", 1)[0])]


def svg_texts(svg: str, group: str) -> list[str]:
    """The texts drawn by the SVG's groups whose class has ``group`` (e.g. "layer_1_marks")."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    return [
        str(t.text)
        for g in root.iter(f"{ns}g")
        if group in g.get("class", "").split()
        for t in g.iter(f"{ns}text")
    ]


def test_every_part_a_coach_imports_is_in_the_doc_and_nothing_more() -> None:
    import peerkit.coach

    documented = table_names(section(BUILD))
    assert sorted(documented) == sorted(peerkit.coach.__all__)
    assert len(documented) == len(set(documented))


def test_example_1_is_the_composed_console_not_a_second_copy() -> None:
    example = section(
        "#### Example 1: a console without one of peerkit's panels, with one of your own"
    )
    assert "](#compose-the-console-from-its-moments)" in example
    assert SECTION + "\n" in COACHES.read_text(encoding="utf-8")  # the link's target
    assert (
        python_blocks(
            "#### Example 1: a console without one of peerkit's panels, with one of your own"
        )
        == []
    )
    assert "from peerkit.coach import console" in worked_example()  # the one documented place


def reviews_per_meeting(db: Path) -> dict[str, int]:
    """What the store says, read another way: reviews held at each of the cohort's meetings."""
    from peerkit.store import Store

    with Store(db, create=False) as store:
        cohort = store.cohort(None)
        counts = {
            m.date.isoformat(): len(store.reviews(meeting_id=m.id))
            for m in store.meetings(cohort.id)
        }
    return {day: n for day, n in counts.items() if n}


@pytest.mark.usefixtures("outside_a_folder")
def test_example_2_draws_the_coachs_chart_of_the_cohorts_frames_in_peerkits_theme(
    demo_copy: Path,
) -> None:
    from peerkit.charts import THEMES

    [block] = python_blocks("#### Example 2: your own chart in the accountability notebook")
    chart = run_cell(block, parameters("accountability.ipynb", store=str(demo_copy)))
    shown = chart._repr_mimebundle_()
    assert list(shown) == ["image/svg+xml"]  # drawn in the kernel, offline
    svg = shown["image/svg+xml"]

    expected = reviews_per_meeting(demo_copy)
    assert len(expected) > 5
    assert svg_texts(svg, "role-title-text") == ["Commitments reviewed per meeting"]
    labels = svg_texts(svg, "role-axis-label")
    assert [t for t in labels if re.fullmatch(r"\d{4}-\d\d-\d\d", t)] == list(expected)
    assert svg_texts(svg, "layer_1_marks") == [str(n) for n in expected.values()]  # on the bars
    paper = THEMES["print"]
    assert f'fill="{paper.background}"' in svg and svg.count(f'fill="{paper.accent}"') == len(
        expected
    )


@pytest.mark.usefixtures("outside_a_folder")
def test_example_3_shows_the_cohorts_banner_in_the_projectors_banner_area(
    demo_copy: Path,
) -> None:
    from peerkit.widgets.projector import Projector

    [block] = python_blocks("#### Example 3: the projector with the cohort's banner")
    shown = run_cell(block, parameters("projector.ipynb", store=str(demo_copy)))
    assert isinstance(shown, Projector), getattr(shown, "value", shown)
    assert shown.cohort.name == "Northstar CTO Circle"
    style, first, *rest = shown.children
    assert first is shown.banner and "peerkit-projector-banner" in shown.banner._dom_classes
    [content] = shown.banner.children
    assert "<h2>Northstar CTO Circle · tonight</h2>" in content.value
    assert "<li>18:45 two hot seats</li>" in content.value
    assert rest == [shown.heading, shown.timer, shown.advice, shown.commitments]
    assert "tonight" not in shown.heading.value  # the heading is the projector's own


def test_the_projectors_areas_are_the_ones_the_doc_names() -> None:
    from peerkit.coach import PROJECTOR_AREAS

    example = section("#### Example 3: the projector with the cohort's banner")
    assert table_names(example.split("The projector's areas", 1)[1]) == list(PROJECTOR_AREAS)


@pytest.mark.usefixtures("outside_a_folder")
def test_a_banner_that_is_no_text_nor_widget_opens_no_projector(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JPY_SESSION_NAME", "/cohort/projector.ipynb")  # a page watches: Lab
    shown = dashboard.projector(str(demo_copy), banner=42)
    text = html.unescape(shown.value)
    quoted = "The projector's banner must be an HTML string or a widget, not int."
    assert quoted in text and "role='alert'" in text and "Traceback" not in text
    assert quoted in " ".join(COACHES.read_text(encoding="utf-8").split())


@pytest.mark.slow
def test_example_2_in_the_accountability_notebook_run_by_a_real_kernel_draws_its_svg(
    demo_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The doc's cell after the notebook's own, run headless (as papermill runs it): its output
    is the chart as SVG, kept in the executed file, with nothing for a CDN to load."""
    [block] = python_blocks("#### Example 2: your own chart in the accountability notebook")
    nb = nbformat.read(NOTEBOOKS / "accountability.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(block))
    notebook = tmp_path / "accountability.ipynb"
    nbformat.write(nb, notebook)
    ran = run_headless(notebook, demo_copy, tmp_path, monkeypatch)
    outputs = ran.cells[-1].outputs
    assert [o.output_type for o in outputs] == ["execute_result"]
    assert "image/svg+xml" in outputs[0].data and "text/html" not in outputs[0].data  # no script
    svg = outputs[0].data["image/svg+xml"]
    assert svg_texts(svg, "role-title-text") == ["Commitments reviewed per meeting"]
    labels = svg_texts(svg, "role-axis-label")
    assert [t for t in labels if re.fullmatch(r"\d{4}-\d\d-\d\d", t)] == list(
        reviews_per_meeting(demo_copy)
    )
