"""The Timer anywidget in a real Voila page (peerkit's template) in headless Chromium.

No test asserts a wall-clock limit: waits are generous and only the outcome is checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browsing import CLOCK, seconds_shown

from peerkit.serve import VoilaServer

FIXTURE = Path(__file__).parent / "fixtures" / "timer_demo.ipynb"
ROOT = ".peerkit-timer"


@pytest.fixture(scope="module")
def server(serve_notebooks: Callable[..., VoilaServer]) -> VoilaServer:
    return serve_notebooks([FIXTURE])


def demo_url(server: VoilaServer, **query: object) -> str:
    qs = "&".join(f"{k}={v}" for k, v in query.items())
    return server.render_url(FIXTURE.name) + (f"?{qs}" if qs else "")


def wait_text_change(page: Any, previous: str) -> str:
    page.wait_for_function(
        "([sel, prev]) => document.querySelector(sel).textContent !== prev",
        arg=[CLOCK, previous],
    )
    return str(page.locator(CLOCK).text_content())


def test_counts_down_in_the_browser(
    page: Any, server: VoilaServer, open_voila: Callable[..., float], record_property: Any
) -> None:
    took = open_voila(page, demo_url(server, seconds=30))
    record_property("time_to_interactive_s", round(took, 2))
    clock = page.get_by_role("timer")
    first = str(clock.text_content())
    assert re.fullmatch(r"00:[0-3]\d", first), first
    later = wait_text_change(page, first)
    later = wait_text_change(page, later)
    assert seconds_shown(later) < seconds_shown(first)
    assert "Clarifying questions:" in str(clock.get_attribute("aria-label"))
    assert page.get_by_text("Next: Advice").is_visible()
    assert page.get_by_text("Questions only: no advice yet.").is_visible()
    assert page.get_by_text("On the hot seat: Ana").is_visible()
    # under a minute: the warning band, with words, not colour alone
    assert page.locator(ROOT).get_attribute("data-band") == "warn"
    assert page.get_by_text("Less than 1 minute left").is_visible()


def test_three_seconds_run_into_overtime(
    page: Any, server: VoilaServer, open_voila: Callable[..., float]
) -> None:
    open_voila(page, demo_url(server))  # the fixture as it is: 3 s left, running
    page.wait_for_function(
        "sel => document.querySelector(sel).textContent.startsWith('+')", arg=CLOCK
    )
    assert page.get_by_text("Overtime", exact=True).is_visible()
    assert page.locator(ROOT).get_attribute("data-band") == "over"
    shown = str(page.get_by_role("timer").text_content())
    counted_up = wait_text_change(page, shown)
    assert seconds_shown(counted_up) < seconds_shown(shown) <= 0  # "+00:01" then "+00:02"
    assert "overtime" in str(page.get_by_role("timer").get_attribute("aria-label"))


def test_crossing_zero_chimes_once_when_sound_is_enabled(
    page: Any,
    server: VoilaServer,
    open_voila: Callable[..., float],
    assert_accessible: Callable[..., None],
) -> None:
    open_voila(page, demo_url(server, seconds=3, controls=1))
    root = page.locator(ROOT)
    assert root.get_attribute("data-state") == "ready"
    assert page.get_by_text("Ready", exact=True).is_visible()

    enable = page.get_by_role("button", name="Enable sound")
    assert enable.is_visible()
    enable.click()
    mute = page.get_by_role("button", name="Mute chime")
    assert mute.get_attribute("aria-pressed") == "false"
    assert root.get_attribute("data-sound") == "on"

    page.get_by_role("button", name="Start").click()  # the kernel sets a new deadline
    page.wait_for_function("sel => document.querySelector(sel).textContent === '00:02'", arg=CLOCK)
    page.wait_for_function(
        "sel => document.querySelector(sel).textContent.startsWith('+')", arg=CLOCK
    )
    page.wait_for_function("sel => document.querySelector(sel).dataset.chimes === '1'", arg=ROOT)
    page.get_by_text("+00:02").wait_for()
    assert root.get_attribute("data-chimes") == "1"  # once per phase, not every tick

    # A new step with the very same words (a private round's next phase) chimes again.
    page.get_by_role("button", name="Next step").click()
    page.wait_for_function("sel => document.querySelector(sel).dataset.chimes === '2'", arg=ROOT)

    mute.click()
    assert mute.get_attribute("aria-pressed") == "true"
    assert page.get_by_text("Chime muted").is_visible()
    assert_accessible(page)  # the pressed toggle on the overtime band


def test_busy_kernel_does_not_stall_the_countdown(
    page: Any, server: VoilaServer, open_voila: Callable[..., float]
) -> None:
    open_voila(page, demo_url(server, seconds=600, controls=1, busy=6))
    page.get_by_role("button", name="Start").click()
    page.wait_for_function("sel => document.querySelector(sel).textContent === '09:59'", arg=CLOCK)
    page.get_by_role("button", name="Keep kernel busy").click()  # the kernel sleeps 6 s
    shown = wait_text_change(page, "09:59")
    shown = wait_text_change(page, shown)
    shown = wait_text_change(page, shown)
    assert seconds_shown(shown) <= 596


def test_past_an_hour_shows_hours(
    page: Any, server: VoilaServer, open_voila: Callable[..., float]
) -> None:
    open_voila(page, demo_url(server, seconds=7200))
    clock = page.get_by_role("timer")
    text = str(clock.text_content())
    assert re.fullmatch(r"(2:00:00|1:59:[0-5]\d)", text), text
    assert re.search(r"\d hours? ", str(clock.get_attribute("aria-label")))
    assert page.locator(ROOT).get_attribute("data-band") == "normal"


def test_paused_says_so_and_stands_still(
    page: Any, server: VoilaServer, open_voila: Callable[..., float]
) -> None:
    open_voila(page, demo_url(server, seconds=252, state="paused"))
    clock = page.get_by_role("timer")
    assert clock.text_content() == "04:12"
    assert page.get_by_text("Paused", exact=True).is_visible()
    assert page.locator(ROOT).get_attribute("data-state") == "paused"
    assert "paused" in str(clock.get_attribute("aria-label"))
    page.wait_for_timeout(1500)  # standing still can only be watched: nothing to wait for
    assert clock.text_content() == "04:12"


def test_kernel_clock_skew_does_not_skew_the_display(
    page: Any, server: VoilaServer, open_voila: Callable[..., float]
) -> None:
    """The kernel's clock runs an hour ahead: the browser still shows about 1000 s."""
    open_voila(page, demo_url(server, seconds=1000, skew=3600))
    page.wait_for_function(
        "sel => { const t = document.querySelector(sel).textContent;"
        " return /^1[56]:\\d\\d$/.test(t); }",
        arg=CLOCK,
    )
    assert 900 <= seconds_shown(str(page.get_by_role("timer").text_content())) <= 1000


@pytest.mark.parametrize(
    "query",
    [
        {"seconds": 600, "controls": 1},  # ready, normal band, with buttons
        {"seconds": 45, "controls": 1},  # ready with less than a minute planned
        {"seconds": 252, "state": "paused"},
        {"seconds": 45},  # warning band
        {"seconds": -65},  # overtime band
        {"seconds": 5000, "size": "console"},
    ],
    ids=["ready", "ready-short", "paused", "warning", "overtime", "console"],
)
def test_no_serious_accessibility_violations(
    page: Any,
    server: VoilaServer,
    open_voila: Callable[..., float],
    assert_accessible: Callable[..., None],
    query: dict[str, object],
) -> None:
    open_voila(page, demo_url(server, **query))
    assert page.get_by_role("button", name="Enable sound").is_visible()
    assert_accessible(page)


def test_every_request_stays_on_loopback(
    page: Any, server: VoilaServer, open_voila: Callable[..., float], request_log: Any
) -> None:
    open_voila(page, demo_url(server, seconds=120))
    page.get_by_role("timer").wait_for()
    page.wait_for_load_state("networkidle")
    assert len(request_log.urls) > 10  # the page really loaded through the guard
    assert request_log.foreign() == []
    assert any(u.startswith("ws://127.0.0.1") for u in request_log.urls)  # the kernel socket


def test_time_formats_in_the_browser(page: Any) -> None:
    """The view's pure helpers, imported as the ES module anywidget loads (no server)."""
    source = (Path(__file__).parents[2] / "peerkit" / "widgets" / "timer.js").read_text()
    page.set_content("<!doctype html><title>t</title>")
    result = page.evaluate(
        """async (src) => {
            const url = URL.createObjectURL(new Blob([src], {type: "text/javascript"}));
            const m = await import(url);
            return {
                clock: [0, 59, 60, 3599, 3600, 7200, 360005].map(m.formatClock),
                spoken: [0, 1, 61, 3600, 3725].map(m.spokenDuration),
                parts: [2.5, 0.0001, 0, -0.5, -61.2].map((s) => m.clockParts(s)),
            };
        }""",
        source,
    )
    assert result["clock"] == [
        "00:00",
        "00:59",
        "01:00",
        "59:59",
        "1:00:00",
        "2:00:00",
        "100:00:05",
    ]
    assert result["spoken"] == [
        "0 seconds",
        "1 second",
        "1 minute 1 second",
        "1 hour",
        "1 hour 2 minutes 5 seconds",
    ]
    assert result["parts"] == [
        {"over": False, "secs": 3},
        {"over": False, "secs": 0},
        {"over": True, "secs": 0},
        {"over": True, "secs": 0},
        {"over": True, "secs": 61},
    ]
