"""The projector with a coach's banner, in the real dashboard (peerkit's Voila server on a copy of
the demo store, headless Chromium): projector.ipynb's last cell is docs/coaches.md's example 3,
as the doc prints it. On a 1366x768 laptop's page (1366x650 once the browser's bars and the
taskbar are drawn), on the whole 1366x768 and at 1920x1080, the room sees the banner, the
countdown and the advice and commitments at once, and the page never scrolls.

Screenshots go to /tmp/projector-banner-*.png. No test asserts a wall-clock limit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from browsing import CLOCK, MASTERMIND, open_page, round_with_advice, settled, wait_phase

from peerkit.formats import get_format
from peerkit.meeting import RoundClock
from peerkit.serve import VoilaServer
from peerkit.store import Store

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = "#### Example 3: the projector with the cohort's banner"
SIZES = {"laptop-page": (1366, 650), "laptop": (1366, 768), "fullhd": (1920, 1080)}
BANNER = ".peerkit-projector-banner"
ADVICE_PANEL = ".peerkit-projector-advice"
COMMITMENTS_PANEL = ".peerkit-projector-commitments"
ADVICE = "Talk to three customers who left before changing the price"
COMMITMENT = "Call the five largest customers about the new price"


def example_cell() -> str:
    """docs/coaches.md's example 3: the first Python block under its heading."""
    text = (ROOT / "docs" / "coaches.md").read_text(encoding="utf-8")
    after = text.split(EXAMPLE + "\n", 1)[1]
    return re.findall(r"```python\n(.*?)```", after, flags=re.DOTALL)[0]


@pytest.fixture(scope="module")
def db(copy_demo: Callable[[str], Path]) -> Path:
    return copy_demo("projector-banner")


@pytest.fixture(scope="module")
def server(
    serve_notebooks: Callable[..., VoilaServer], db: Path, tmp_path_factory: pytest.TempPathFactory
) -> VoilaServer:
    nb = nbformat.read(ROOT / "notebooks" / "projector.ipynb", as_version=4)
    nb.cells[-1].source = example_cell()
    folder = tmp_path_factory.mktemp("banner-notebook")
    nbformat.write(nb, folder / "projector.ipynb")
    return serve_notebooks([folder / "projector.ipynb"], db_url=f"sqlite:///{db}")


def to_commitments(db: Path, round_id: int) -> None:
    """The round moved on to its Commitments phase, and the presenter's first commitment."""
    with Store(db, create=False) as store:
        clock = RoundClock(store, round_id, get_format(MASTERMIND))
        for _ in range(3):
            clock.next()
        rnd = store.round(round_id)
        store.add_commitment(
            rnd.presenter_id, rnd.meeting_id, COMMITMENT, dt.date(2031, 3, 14), round_id=rnd.id
        )


def box(page: Any, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, selector
    return dict(found)


def inside_the_screen(page: Any, selector: str) -> dict[str, float]:
    """The element's box, wholly on screen: nothing of it cut off at the window's edges."""
    b, size = box(page, selector), page.viewport_size
    assert b["x"] >= 0 and b["x"] + b["width"] <= size["width"] + 0.5, (selector, b)
    assert b["y"] >= 0 and b["y"] + b["height"] <= size["height"] + 0.5, (selector, b)
    return b


def wholly_inside(page: Any, inner: str, outer: str) -> None:
    """Nothing of ``inner`` is cut off by ``outer`` (a grid area that clips what overflows)."""
    i, o = box(page, inner), box(page, outer)
    assert i["y"] >= o["y"] - 0.5 and i["y"] + i["height"] <= o["y"] + o["height"] + 0.5, (
        inner,
        i,
        outer,
        o,
    )


def no_page_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.scrollingElement.scrollHeight <= innerHeight"))


def the_room_sees_the_banner_and_the_countdown(page: Any) -> dict[str, float]:
    banner = page.locator(BANNER)
    for text in ("Northstar CTO Circle · tonight", "18:30 arrive, food", "20:30 close"):
        assert banner.get_by_text(text).is_visible(), text
    top = inside_the_screen(page, BANNER)
    heading = inside_the_screen(page, ".peerkit-presenter")
    assert top["y"] + top["height"] <= heading["y"]  # the band above who is on the hot seat
    for selector in (
        CLOCK,
        ".peerkit-timer__phase",
        ".peerkit-timer__instruction",
        ".peerkit-timer__controls",  # "Enable sound": the one thing a facilitator clicks here
    ):
        inside_the_screen(page, selector)
        wholly_inside(page, selector, ".peerkit-projector-timer")
    assert no_page_scroll(page)
    return top


@pytest.mark.parametrize("size", list(SIZES))
def test_the_banner_the_countdown_and_the_lists_share_one_screen(
    new_page: Callable[..., Any],
    server: VoilaServer,
    db: Path,
    size: str,
    assert_accessible: Callable[..., None],
) -> None:
    round_id, presenter = round_with_advice(db, nexts=0, advice=[(ADVICE, True)])
    width, height = SIZES[size]
    page = new_page(width, height)
    open_page(page, server.projector_url, CLOCK)
    wait_phase(page, "Present")
    page.get_by_role("heading", name=f"On the hot seat: {presenter}").wait_for()
    settled(page)
    banner = the_room_sees_the_banner_and_the_countdown(page)
    assert banner["height"] <= height / 6 + 1  # the band never takes the countdown's screen
    digits = box(page, CLOCK)
    assert digits["height"] >= height * 0.18, digits  # still the huge countdown
    page.screenshot(path=f"/tmp/projector-banner-{size}-present.png")

    # The Commitments phase: the countdown is a band, the advice and the commitments below it.
    to_commitments(db, round_id)
    wait_phase(page, "Commitments")
    page.locator(COMMITMENTS_PANEL).get_by_text(COMMITMENT).wait_for()
    settled(page)
    the_room_sees_the_banner_and_the_countdown(page)
    for panel, text in ((ADVICE_PANEL, ADVICE), (COMMITMENTS_PANEL, COMMITMENT)):
        inside_the_screen(page, panel)
        item = page.locator(panel).get_by_role("listitem").filter(has_text=text)
        assert item.is_visible()
        wholly_inside(page, f"{panel} li", panel)
    assert box(page, CLOCK)["height"] >= height * 0.1
    page.screenshot(path=f"/tmp/projector-banner-{size}-lists.png")
    assert_accessible(page)
