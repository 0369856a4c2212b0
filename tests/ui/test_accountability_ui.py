"""The accountability notebook served by Voila in headless Chromium: the choosers paint first,
the scoreboard and the charts follow, offline, and a chooser redraws them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from peerkit.demo import build_demo
from peerkit.serve import VoilaServer
from peerkit.store import Store, database_url

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "accountability.ipynb"
TODAY = dt.date(2026, 11, 21)


@pytest.fixture(scope="module")
def server(
    serve_notebooks: Callable[..., VoilaServer], tmp_path_factory: pytest.TempPathFactory
) -> VoilaServer:
    path = tmp_path_factory.mktemp("accountability") / "demo.db"
    with Store(path) as store:
        build_demo(store, seed=7, today=TODAY)
    return serve_notebooks([NOTEBOOK], db_url=database_url(path))


def test_scores_and_charts_follow_the_first_paint_and_redraw(
    page: Any,
    server: VoilaServer,
    open_voila: Callable[..., float],
    assert_accessible: Callable[..., None],
    record_property: Any,
) -> None:
    from playwright.sync_api import expect

    first_paint = open_voila(
        page, server.render_url(NOTEBOOK.name), ready="role=combobox[name='Cohort']"
    )
    record_property("first_paint_s", round(first_paint, 2))
    table = page.locator("table.peerkit-scoreboard")
    expect(table.locator("tbody tr")).to_have_count(12, timeout=90_000)
    expect(table).to_contain_text("Tom Keller")
    charts = page.locator(".peerkit-chart svg")
    expect(charts).to_have_count(4, timeout=90_000)
    expect(page.get_by_role("status").first).to_contain_text("Showing 12 members")
    # Dates as YYYY-MM-DD: no browser date field (Chromium writes mm/dd/yyyy in it).
    expect(page.locator("input[type=date]")).to_have_count(0)
    since = page.get_by_role("combobox", name="Since")
    expect(since.locator("option").nth(1)).to_have_text("2025-09-02")
    expect(charts.nth(3).locator("text", has_text="Round 1 · ")).to_have_count(1)
    assert_accessible(page)

    page.get_by_role("combobox", name="Window").select_option(label="5 meetings")
    expect(page.locator(".peerkit-chart figcaption").nth(1)).to_contain_text(
        "over the last 5 meetings", timeout=90_000
    )
