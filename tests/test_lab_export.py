"""Minutes from JupyterLab's export menu: the exporters under names jupyter-server's route can
reach, and any other notebook refused in one sentence (the browser test is tests/ui/test_lab.py)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from peerkit.minutes.exporter import MinutesExporter, MinutesMarkdownExporter
from peerkit.model import PeerkitError

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.mark.parametrize(
    ("name", "exporter"),
    [
        ("peerkit_minutes", MinutesExporter),
        ("peerkit_minutes_md", MinutesMarkdownExporter),
        ("peerkit-minutes", MinutesExporter),
        ("peerkit-minutes-md", MinutesMarkdownExporter),
    ],
)
def test_lab_and_the_command_line_each_have_a_name_for_the_exporters(name, exporter):
    from nbconvert.exporters import get_export_names, get_exporter

    assert get_exporter(name) is exporter
    assert name in get_export_names()  # what /api/nbconvert lists, so Lab's menu shows it


@pytest.mark.parametrize("exporter", [MinutesExporter, MinutesMarkdownExporter])
def test_a_notebook_that_is_not_minutes_is_refused_in_one_sentence(exporter):
    notebook = nbformat.read(NOTEBOOKS / "facilitator.ipynb", as_version=4)
    with pytest.raises(PeerkitError) as refused:
        exporter().from_notebook_node(notebook, {"metadata": {"name": "facilitator"}})
    message = str(refused.value)
    assert message.startswith("facilitator is not a peerkit minutes notebook: ")
    assert message.count(". ") == 0 and "\n" not in message
