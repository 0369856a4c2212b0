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


def worked_example() -> str:
    """The section's Python block that builds a console, as the doc prints it."""
    text = COACHES.read_text(encoding="utf-8")
    assert SECTION in text
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    [block] = [b for b in blocks if "console(" in b]
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
    text = COACHES.read_text(encoding="utf-8")
    section = text.split("### Your own chart, in peerkit's theme and offline", 1)[1]
    [block] = re.findall(r"```python\n(.*?)```", section.split("\n## ", 1)[0], flags=re.DOTALL)
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

    text = COACHES.read_text(encoding="utf-8")
    section = text.split("## 4. Your own formats: a worked example", 1)[1].split("\n## ", 1)[0]
    [fishbowl] = re.findall(r"```yaml\n(.*?)```", section, flags=re.DOTALL)
    [quoted] = re.findall(r"`(formats/fishbowl\.yaml:\d+: .*?)`", section)
    broken = fishbowl.replace("minutes: 15", "minutes: 0")
    assert broken != fishbowl
    (tmp_path / "formats").mkdir()
    (tmp_path / "formats" / "fishbowl.yaml").write_text(broken, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FormatError) as refused:
        load_file("formats/fishbowl.yaml")
    assert str(refused.value) == quoted
