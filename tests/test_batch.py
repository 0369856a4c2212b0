"""Readable batch runs: a notebook run by papermill with nobody watching shows the scoreboard and
its charts as HTML a file viewer can read, and a store it cannot open fails the run."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from peerkit.dashboard import CONFIG_ENV

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
#: What a kernel's environment says about who started it (see peerkit.dashboard.watched).
PAGE_ENV = ("SERVER_SOFTWARE", "JPY_SESSION_NAME")


def papermill(notebook: str, out: Path, cwd: Path, *parameters: str) -> subprocess.CompletedProcess:
    """`papermill NOTEBOOK OUT -p …` as a scheduled job runs it: in ``cwd``, nobody watching,
    none of `peerkit serve`'s settings in the environment."""
    env = {k: v for k, v in os.environ.items() if k not in PAGE_ENV}
    for name in ("PEERKIT_DB", "PEERKIT_COHORT", CONFIG_ENV):
        env.pop(name, None)
    command = [sys.executable, "-m", "papermill", str(NOTEBOOKS / notebook), str(out)]
    command += ["-k", "python3", "--no-progress-bar", *parameters]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)


class Page(HTMLParser):
    """What a browser would draw from an HTML page: the scoreboard's cells, and the SVG charts
    in the page itself (not inside a <script>, such as the saved widget state)."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.svgs = 0
        self.svgs_in_scripts = 0
        self.scoreboard_cells: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("class", "peerkit-scoreboard") in attrs:
            self.open.append("scoreboard")
        elif tag in ("th", "td") and "scoreboard" in self.open:
            self.open.append("cell")
            self.scoreboard_cells.append("")
        if tag == "svg":
            self.svgs += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and "scoreboard" in self.open:
            self.open.clear()
        elif tag in ("th", "td") and self.open[-1:] == ["cell"]:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.open[-1:] == ["cell"]:
            self.scoreboard_cells[-1] += data
        # A script's content is data to this parser, never tags: count what it would hide.
        if self.lasttag == "script":
            self.svgs_in_scripts += data.count("<svg")


def offline_html(notebook: Path) -> str:
    """The executed notebook as nbconvert's HTML exporter writes it (no network involved)."""
    import nbformat
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(nbformat.read(notebook, as_version=4))
    return body


@pytest.mark.slow
def test_a_papermill_run_shows_the_scoreboard_and_charts_when_converted_offline(
    copy_demo: Callable[[str], Path], tmp_path: Path
) -> None:
    store = copy_demo("batch")
    out = tmp_path / "out.ipynb"
    run = papermill("accountability.ipynb", out, tmp_path, "-p", "store", str(store))
    assert run.returncode == 0, run.stderr
    page = Page()
    page.feed(offline_html(out))
    cells = page.scoreboard_cells
    assert "Member" in cells and "Follow-through" in cells
    assert "Aiko Tanaka" in cells  # a member of the demo cohort, in the table
    assert any(cell.endswith("%") and cell[:-1].isdigit() for cell in cells)
    # The heatmap, trend, distribution and phase timing, drawn in the page itself.
    assert page.svgs == 4
    # The executed notebook also saved its widgets' state, which nbconvert writes inside a
    # <script>: the charts above are the output of their own, not that state.
    assert page.svgs_in_scripts >= 4


@pytest.mark.slow
@pytest.mark.parametrize("notebook", ["accountability.ipynb", "facilitator.ipynb"])
def test_a_papermill_run_without_a_store_fails_with_one_sentence(
    notebook: str, tmp_path: Path
) -> None:
    out = tmp_path / "out.ipynb"
    run = papermill(notebook, out, tmp_path)  # run in a folder that holds no store
    assert run.returncode != 0
    sentence = (
        f"No peerkit store at {tmp_path / 'peerkit.db'}: name yours with the notebook's store "
        "parameter (papermill: -p store PATH) or $PEERKIT_DB, or run the notebook in its "
        "cohort folder."
    )
    assert sentence in run.stderr
    assert "peerkit demo" not in run.stderr
    assert not (tmp_path / "peerkit.db").exists()
    # In the executed notebook, the failed cell holds the sentence and no traceback.
    import nbformat

    errors = [
        o
        for cell in nbformat.read(out, as_version=4).cells
        for o in cell.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert [e["traceback"] for e in errors] == [[sentence]]


def test_a_page_shows_the_view_as_its_widget_and_a_run_nobody_watches_as_html(
    store, cohort, monkeypatch: pytest.MonkeyPatch
) -> None:
    from peerkit.accountability import ScoreboardView

    c, (ana, *_), first = cohort
    second = store.add_meeting(c.id, "2026-04-07")
    made = store.add_commitment(ana.id, first.id, "Plan", "2026-04-01")
    store.record_review(made.id, second.id, "done")
    view = ScoreboardView(store, c.id)
    for name in PAGE_ENV:
        monkeypatch.delenv(name, raising=False)
    shown = view._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" not in shown
    assert shown["text/plain"] == f"Showing 4 members of {c.name}, 2 meetings."
    page = Page()
    page.feed(shown["text/html"])
    assert "Ana" in page.scoreboard_cells and "100%" in page.scoreboard_cells
    assert page.svgs == view.charts.value.count("<svg") == 3  # one from each builder
    assert view.table.value in shown["text/html"] and view.charts.value in shown["text/html"]
    assert "Since" not in shown["text/html"]  # no choosers that cannot be used

    # On a page (JupyterLab here; Voila alike) the widget, and no static copy beside it.
    for name, value in (("JPY_SESSION_NAME", "/c/a.ipynb"), ("SERVER_SOFTWARE", "voila/0.5")):
        monkeypatch.setenv(name, value)
        shown = view._repr_mimebundle_()
        assert "application/vnd.jupyter.widget-view+json" in shown
        assert "text/html" not in shown
        monkeypatch.delenv(name)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("variable", "value"),
    [("SERVER_SOFTWARE", "voila/0.5.13"), ("JPY_SESSION_NAME", "/cohort/accountability.ipynb")],
    ids=["voila", "jupyterlab"],
)
def test_on_a_page_a_missing_store_is_a_refusal_in_place_of_the_view(
    variable: str, value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbformat
    from nbclient import NotebookClient

    for name in (*PAGE_ENV, "PEERKIT_DB", "PEERKIT_COHORT", CONFIG_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, value)  # the kernel's environment, as that server gives it
    nb = nbformat.read(NOTEBOOKS / "accountability.ipynb", as_version=4)
    client = NotebookClient(
        nb, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises should a cell fail
    shown = nb.cells[-1].outputs[-1]["data"]
    assert "application/vnd.jupyter.widget-view+json" in shown
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    texts = [m["state"].get("value", "") for m in state.values() if m["model_name"] == "HTMLModel"]
    refusal = next(t for t in texts if "role='alert'" in t)
    assert f"No peerkit store at {tmp_path / 'peerkit.db'}: name yours" in refusal
    assert "Traceback" not in refusal and "peerkit demo" not in refusal
