"""A coach in JupyterLab: a cohort folder made by ``peerkit init`` on the demo store, opened in a
real ``jupyter lab`` (127.0.0.1, a token). The facilitator notebook runs with peerkit's look (no
cut labels, the dark look), and the minutes export from Lab's own menu and its server route.

One Lab for the module. No wall-clock limit is asserted; Lab's first start may take long.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import nbformat
import pytest
from lab import Lab, running_lab

from peerkit import minutes
from peerkit.store import Store

VENV_BIN = Path(sys.executable).parent
COHORT = "Northstar CTO Circle"
LOAD_MS = 180_000  # Lab's first start and a cold kernel on a busy 2-core machine
HEADER_BUTTONS = ("Open today's meeting", "Fit agenda to time")
LAB_MENU_NAMES = {"html": "Peerkit_minutes", "md": "Peerkit_minutes_md"}

#: Each visible button of the view: its text, and whether it is wider than its box (a cut label).
BUTTONS = """root => [...root.querySelectorAll('button')]
    .filter(b => b.offsetParent !== null)
    .map(b => ({text: b.innerText.trim(), cut: b.scrollWidth > b.clientWidth}))"""


@pytest.fixture(scope="module")
def folder(copy_demo: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cohort folder as a coach makes it (``peerkit init``), plus a saved minutes notebook."""
    store_path = copy_demo("lab-store")
    made = tmp_path_factory.mktemp("lab") / "cohort"
    result = subprocess.run(
        [str(VENV_BIN / "peerkit"), "init", str(made), "--cohort", COHORT, "--db", str(store_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    with Store(store_path, create=False) as store:
        meeting = store.meetings()[-1]
        nbformat.write(minutes.build(store, meeting.id), made / "minutes.ipynb")
    return made


@pytest.fixture(scope="module")
def lab(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    with running_lab(folder, tmp_path_factory.mktemp("lab-state")) as running:
        yield running


def saved_minutes(folder: Path) -> Any:
    return nbformat.read(folder / "minutes.ipynb", as_version=4)


@pytest.mark.parametrize(
    ("name", "to"),
    [
        ("peerkit_minutes", "html"),
        ("peerkit_minutes_md", "md"),
        # the command line's names, which Lab's menu lists too: sent on by peerkit.lab
        ("peerkit-minutes", "html"),
        ("peerkit-minutes-md", "md"),
    ],
)
def test_the_servers_nbconvert_route_exports_minutes_under_each_name(
    lab: Lab, name: str, to: str
) -> None:
    status, headers, body = lab.get(f"/nbconvert/{name}/minutes.ipynb?download=true")
    assert status == 200, body[:500]
    assert unquote(headers["Content-Disposition"]).endswith(f"minutes.{to}")
    assert body.decode("utf-8") == minutes.convert(saved_minutes(lab.folder), to)
    assert f"Minutes: {COHORT}" in body.decode("utf-8")


def test_the_server_refuses_a_notebook_that_is_not_minutes_in_one_sentence(lab: Lab) -> None:
    status, _, body = lab.get("/nbconvert/peerkit_minutes/facilitator.ipynb?download=true")
    assert status == 500
    text = body.decode("utf-8")
    assert "facilitator is not a peerkit minutes notebook" in text
    assert "Traceback" not in text


def test_lab_runs_the_facilitator_notebook_in_peerkits_look_and_exports_minutes_from_its_menu(
    lab: Lab, new_page: Callable[..., Any], tmp_path: Path
) -> None:
    page = new_page(1366, 768)
    page.set_default_timeout(LOAD_MS)
    page.goto(lab.lab_url("facilitator.ipynb"))
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()

    view = page.locator("div.peerkit-look.peerkit-console")
    for name in HEADER_BUTTONS:
        view.get_by_role("button", name=name).wait_for()
    page.screenshot(path=tmp_path / "lab-console.png")
    view.screenshot(path=tmp_path / "lab-console-whole.png")

    buttons = view.evaluate(BUTTONS)
    for name in HEADER_BUTTONS:
        assert {"text": name, "cut": False} in buttons, buttons
    cut = [b["text"] for b in buttons if b["cut"]]
    assert cut == [], f"cut labels in Lab: {cut}"
    roll = view.locator(".peerkit-roll")  # every member's row whole, none clipped by the panel
    assert roll.evaluate("el => el.scrollWidth <= el.clientWidth"), "the roll is cut in Lab"
    look = view.evaluate("el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]")
    assert look == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]

    # The minutes notebook needs no kernel; Lab asks which one to start.
    page.goto(lab.lab_url("minutes.ipynb"))
    page.get_by_role("dialog").get_by_role("button", name="No Kernel").click()
    page.locator(".jp-RenderedMarkdown h1", has_text=f"Minutes: {COHORT}").wait_for()
    page.get_by_role("menuitem", name="File", exact=True).click()
    page.locator(".lm-Menu-item", has_text="Save and Export Notebook As").click()
    with page.expect_download() as download:
        page.get_by_role("menuitem", name=LAB_MENU_NAMES["html"], exact=True).click()
    saved = download.value
    assert saved.suggested_filename == "minutes.html"
    html = Path(saved.path()).read_text(encoding="utf-8")
    assert html == minutes.convert(saved_minutes(lab.folder), "html")
