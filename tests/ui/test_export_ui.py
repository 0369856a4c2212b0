"""Minutes from the console in the browser: PDF printed from the served dashboard (Chromium driven
from the kernel's worker thread), the download link's file a PDF, the button saying "Exporting…"
while it runs, and a failed export that replaces the success line instead of sitting beside it.
Also the console's link to the accountability view.

One server for the module, on a fresh copy of the demo store. No wall-clock limit is asserted.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browsing import LOAD_MS, button, open_console

from peerkit.serve import MINUTES_ENV, VoilaServer

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
SERVED = ("facilitator.ipynb", "projector.ipynb", "accountability.ipynb")
DOWNLOAD = re.compile(r"^Download minutes-\d{4}-\d\d-\d\d\.pdf$")

#: Records every state the export button goes through (a MutationObserver sees each one, however
#: short): its text and whether it was disabled.
WATCH_BUTTON = """el => {
    window.peerkitSeen = [];
    new MutationObserver(() => window.peerkitSeen.push([el.textContent.trim(), el.disabled]))
        .observe(el, {subtree: true, childList: true, characterData: true, attributes: true});
}"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where `peerkit serve` was started: the console writes its minutes here."""
    return tmp_path_factory.mktemp("started-here")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The served folder: the dashboard's notebooks, elsewhere (an install's share/)."""
    notebooks = tmp_path_factory.mktemp("export-ui")
    for name in SERVED:
        shutil.copy(NOTEBOOKS / name, notebooks / name)
    return notebooks


@pytest.fixture(scope="module")
def server(
    serve_notebooks: Callable[..., VoilaServer],
    copy_demo: Callable[[str], Path],
    folder: Path,
    served: Path,
) -> VoilaServer:
    return serve_notebooks(
        directory=served,
        db_url=f"sqlite:///{copy_demo('export')}",
        extra_env={MINUTES_ENV: str(folder)},  # as `peerkit serve` sets it where it started
    )


def test_pdf_export_downloads_a_pdf_and_a_failure_replaces_the_success_line(
    page: Any, server: VoilaServer, folder: Path, served: Path
) -> None:
    open_console(page, server)
    page.get_by_role("tab", name="Parking lot & close").click()
    page.get_by_label("Minutes as", exact=True).select_option(label="PDF")
    export = button(page, "Export minutes")
    export.evaluate(WATCH_BUTTON)
    export.click()

    link = page.get_by_role("link", name=DOWNLOAD)
    link.wait_for(timeout=LOAD_MS)
    seen = page.evaluate("window.peerkitSeen")
    assert ["Exporting…", True] in seen, seen  # while it ran, the button said so
    assert seen[-1] == ["Export minutes", False], seen
    with page.expect_download() as download:
        link.click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    name = str(link.text_content()).removeprefix("Download ")
    written = folder / name
    assert written.read_bytes().startswith(b"%PDF-")
    assert not list(served.glob("minutes-*"))  # not beside the served notebooks
    success = page.get_by_role("status").filter(has_text="✔ Saved")
    assert name in str(success.text_content())

    # The next export cannot be written (a folder now holds the file's name): its failure
    # replaces the success line; the old line and its link are gone.
    written.unlink()
    written.mkdir()
    button(page, "Export minutes").click()
    failure = page.get_by_role("alert").filter(has_text="Not exported")
    failure.wait_for(timeout=LOAD_MS)
    assert "is a folder" in str(failure.text_content())
    assert page.get_by_text("✔ Saved").count() == 0
    assert page.get_by_role("link", name=DOWNLOAD).count() == 0
    page.wait_for_function("el => !el.disabled", arg=export.element_handle())


def test_the_console_links_to_the_accountability_view_in_a_new_tab(
    page: Any, server: VoilaServer
) -> None:
    open_console(page, server)
    link = page.get_by_role("link", name="Accountability view (opens in a new tab)")
    assert link.get_attribute("target") == "_blank"
    with page.context.expect_page() as opened:
        link.click()
    view = opened.value
    view.wait_for_load_state()
    assert view.url == server.render_url("accountability.ipynb")
    view.close()
