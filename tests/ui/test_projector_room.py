"""What the room reads on the projector, in the real dashboard (peerkit's Voila server on a copy
of the demo store, headless Chromium), at a 1366x768 laptop's page (1366x650, once the browser's
bars and the taskbar are drawn) and at 1920x1080:

- a long round: every starred piece of advice reaches the room (the panel pages through the
  list by itself, with "Page 1 of N" in words), the newest is on screen, nothing is cut off;
- the commitments appear as they are saved: owner, text and the target date as YYYY-MM-DD; in
  Chatham House mode "A member" and no name anywhere in the panel;
- the countdown is centred on the screen, with and without the lists below it;
- the chime, once enabled, stays enabled after a reload.

The rounds are written to the store as a second console would (the screens follow the store).
Screenshots go to /tmp/projector-*.png. No test asserts a wall-clock limit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browsing import CLOCK, open_page, round_with_advice, settled, wait_phase

from peerkit import live
from peerkit.serve import VoilaServer
from peerkit.store import Store

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
SIZES = {"laptop": (1366, 650), "fullhd": (1920, 1080)}
ADVICE_PANEL = ".peerkit-projector-advice"
COMMITMENTS_PANEL = ".peerkit-projector-commitments"


@pytest.fixture(scope="module")
def db(copy_demo: Callable[[str], Path]) -> Path:
    return copy_demo("projector-room")


@pytest.fixture(scope="module")
def server(serve_notebooks: Callable[..., VoilaServer], db: Path) -> VoilaServer:
    return serve_notebooks([NOTEBOOKS / "projector.ipynb"], db_url=f"sqlite:///{db}")


def commit(db: Path, round_id: int, text: str, target: dt.date) -> None:
    """The presenter's commitment, saved as the console saves it."""
    with Store(db, create=False) as store:
        rnd = store.round(round_id)
        store.add_commitment(rnd.presenter_id, rnd.meeting_id, text, target, round_id=rnd.id)


def chatham_house(db: Path, on: bool) -> None:
    with Store(db, create=False) as store:
        live.put_on_screen(store, store.cohort(None).id, chatham_house=on)


def fully_shown(page: Any, panel: str) -> list[str]:
    """The texts of the list items wholly inside the panel's visible list right now."""
    return list(
        page.evaluate(
            """(panel) => {
                const list = document.querySelector(panel + " [data-peerkit-scroll]");
                const box = list.getBoundingClientRect();
                return Array.from(list.querySelectorAll("li"))
                    .filter((li) => {
                        const r = li.getBoundingClientRect();
                        return r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
                    })
                    .map((li) => li.textContent);
            }""",
            panel,
        )
    )


def inside_the_screen(page: Any, selector: str) -> None:
    """The element is wholly on screen: nothing of it cut off at the window's edges."""
    box = page.locator(selector).first.bounding_box()
    size = page.viewport_size
    assert box is not None, selector
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"] + 0.5, (selector, box)
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"] + 0.5, (selector, box)


def clock_centre_offset(page: Any) -> float:
    """How far the digits' centre is from the window's centre, horizontally, in pixels (the
    digits' own extent, not their box's)."""
    return float(
        page.evaluate(
            """(sel) => {
                const range = document.createRange();
                range.selectNodeContents(document.querySelector(sel));
                const r = range.getBoundingClientRect();
                return r.left + r.width / 2 - window.innerWidth / 2;
            }""",
            CLOCK,
        )
    )


def no_page_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.scrollingElement.scrollHeight <= innerHeight"))


# -- tests ----------------------------------------------------------------------------------


def test_every_starred_advice_of_a_long_round_reaches_the_room(
    new_page: Callable[..., Any], server: VoilaServer, db: Path, assert_accessible: Any
) -> None:
    advice = [
        (
            f"Advice {i:02d}: "
            + ("talk to three customers who left before changing the price " * (1 + i % 2)),
            i % 3 == 0,  # every third starred: 9 of 26
        )
        for i in range(26)
    ]
    advice[-1] = ("Advice 25: the newest, just said: test the price on one segment", False)
    round_with_advice(db, nexts=2, advice=advice)  # the Advice phase
    starred = [text for text, star in advice if star]

    page = new_page(*SIZES["laptop"])
    page.clock.install()  # the panel's pages turn on the page's own timers: fast-forwarded
    open_page(page, server.projector_url, CLOCK)
    wait_phase(page, "Advice")
    panel = page.locator(ADVICE_PANEL)
    panel.get_by_text(advice[-1][0]).wait_for()
    page.wait_for_function(
        "sel => Number(document.querySelector(sel + ' .peerkit-panel').dataset.pages) > 1",
        arg=ADVICE_PANEL,
    )

    # Every starred piece is in the list, marked in words; the summary says what is left off.
    items = panel.locator("li")
    listed = [str(t) for t in items.all_text_contents()]
    for text in starred:
        [item] = [t for t in listed if text in t]
        assert "★ starred" in item
    assert panel.get_by_text("★ 9 starred, all shown").is_visible()
    assert panel.get_by_role("heading", name="Advice (26)").is_visible()
    pages = int(str(panel.locator(".peerkit-panel").get_attribute("data-pages")))

    # The newest is on screen first (a new item shows the last page), then the pages turn by
    # themselves: every starred piece is wholly on screen on one page or another.
    assert any(advice[-1][0] in t for t in fully_shown(page, ADVICE_PANEL))
    assert panel.get_by_text(f"Page {pages} of {pages}, turning by itself").is_visible()
    page.screenshot(path="/tmp/projector-advice-laptop.png")
    seen: set[str] = set()
    scroller = f"{ADVICE_PANEL} [data-peerkit-scroll]"
    for turn in range(pages):
        before = page.evaluate("sel => document.querySelector(sel).scrollTop", scroller)
        page.clock.fast_forward(9_000)  # a page stands still 8 s
        page.wait_for_function(
            "([sel, want]) => document.querySelector(sel + ' .peerkit-panel').dataset.page"
            " === want",
            arg=[ADVICE_PANEL, str(turn + 1)],
        )
        # The smooth scroll has moved the list and come to rest: away from where the last page
        # stood, at the same place in two polls.
        page.wait_for_function(
            """([sel, before]) => {
                const top = document.querySelector(sel).scrollTop;
                const still = window.peerkitLastTop === top;
                window.peerkitLastTop = top;
                return still && top !== before;
            }""",
            arg=[scroller, before],
            polling=100,
        )
        seen.update(fully_shown(page, ADVICE_PANEL))
        assert panel.get_by_text(f"Page {turn + 1} of {pages}").is_visible()
        if turn == 1:
            page.screenshot(path="/tmp/projector-advice-laptop-page2.png")
    missing = [text for text in starred if not any(text in t for t in seen)]
    assert not missing, missing

    # One screen: nothing cut off, the page itself never scrolls.
    assert no_page_scroll(page)
    for selector in (CLOCK, ADVICE_PANEL, ".peerkit-presenter", ".peerkit-timer__instruction"):
        inside_the_screen(page, selector)
    assert_accessible(page)


def test_commitments_appear_as_saved_with_names_and_without_in_chatham_house(
    new_page: Callable[..., Any], server: VoilaServer, db: Path, assert_accessible: Any
) -> None:
    round_id, presenter = round_with_advice(
        db, nexts=3, advice=[("Raise the price for new customers only", True)]
    )
    page = new_page(*SIZES["fullhd"])
    open_page(page, server.projector_url, CLOCK)
    wait_phase(page, "Commitments")
    panel = page.locator(COMMITMENTS_PANEL)
    panel.get_by_text("No commitments yet.").wait_for()

    first = "Call the five largest customers about the new price"
    commit(db, round_id, first, dt.date(2031, 3, 14))
    item = panel.get_by_role("listitem").filter(has_text=first)
    item.wait_for()  # the projector follows the store within a fraction of a second
    assert item.text_content() == f"{presenter}: {first} by 2031-03-14"
    second = f"Write the pricing page with {presenter.split()[0]}'s team"
    commit(db, round_id, second, dt.date(2031, 4, 1))
    panel.get_by_role("listitem").filter(has_text="Write the pricing page").wait_for()
    assert panel.get_by_role("heading", name="Commitments (2)").is_visible()
    # the advice stays beside them, the starred piece marked
    assert page.locator(ADVICE_PANEL).get_by_text("★ starred").is_visible()
    inside_the_screen(page, COMMITMENTS_PANEL)
    page.screenshot(path="/tmp/projector-commitments-fullhd.png")
    assert_accessible(page)

    # Chatham House: the same commitments, nobody named (nor in the texts).
    chatham_house(db, True)
    try:
        panel.get_by_text(f"A member: {first} by 2031-03-14").wait_for()
        text = str(panel.text_content())
        assert presenter not in text and presenter.split()[0] not in text, text
        assert "Write the pricing page with a member's team" in text
        assert page.get_by_text("Chatham House: advice is captured, not shown.").is_visible()
        page.set_viewport_size(dict(zip(("width", "height"), SIZES["laptop"], strict=True)))
        settled(page)
        inside_the_screen(page, COMMITMENTS_PANEL)
        assert no_page_scroll(page)
        page.screenshot(path="/tmp/projector-commitments-chatham-laptop.png")
    finally:
        chatham_house(db, False)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("nexts", [0, 3], ids=["present", "commitments"])
def test_the_clock_is_centred(
    new_page: Callable[..., Any], server: VoilaServer, db: Path, size: str, nexts: int
) -> None:
    round_id, _ = round_with_advice(
        db, nexts=nexts, advice=[("Start with the loyal customers", True)]
    )
    if nexts:
        commit(db, round_id, "Ask three customers before the next meeting", dt.date(2031, 5, 2))
    width, height = SIZES[size]
    page = new_page(width, height)
    open_page(page, server.projector_url, CLOCK)
    wait_phase(page, "Commitments" if nexts else "Present")
    if nexts:
        page.locator(COMMITMENTS_PANEL).get_by_role("listitem").first.wait_for()
    settled(page)  # fonts and the grid
    offset = clock_centre_offset(page)
    assert abs(offset) <= width * 0.01, f"the digits are {offset:.0f} px off the centre"
    assert no_page_scroll(page)
    inside_the_screen(page, CLOCK)
    digits = page.locator(CLOCK).bounding_box()
    assert digits is not None and digits["height"] >= height * (0.13 if nexts else 0.25)
    page.screenshot(path=f"/tmp/projector-clock-{size}-{'lists' if nexts else 'alone'}.png")


def test_the_chime_stays_enabled_after_a_reload(
    new_page: Callable[..., Any], server: VoilaServer, db: Path
) -> None:
    round_with_advice(db, nexts=1)
    page = new_page(*SIZES["laptop"])
    open_page(page, server.projector_url, CLOCK)
    root = page.locator(".peerkit-timer")
    assert root.get_attribute("data-sound") == "off"
    page.get_by_role("button", name="Enable sound").click()
    mute = page.get_by_role("button", name="Mute chime")
    assert mute.get_attribute("aria-pressed") == "false"

    page.reload()
    page.locator(CLOCK).wait_for(state="visible")
    page.wait_for_function("() => document.querySelector('.peerkit-timer').dataset.sound === 'on'")
    assert mute.get_attribute("aria-pressed") == "false"
    assert page.get_by_text("Chime on", exact=True).is_visible()
    assert page.get_by_role("button", name="Enable sound").count() == 0

    mute.click()  # muted is remembered too
    page.reload()
    page.locator(CLOCK).wait_for(state="visible")
    page.wait_for_function(
        "() => document.querySelector('.peerkit-timer').dataset.sound === 'muted'"
    )
    assert page.get_by_role("button", name="Mute chime").get_attribute("aria-pressed") == "true"
    assert page.get_by_text("Chime muted", exact=True).is_visible()


def test_pages_start_at_an_item(page: Any) -> None:
    """The panel's paging, imported as the ES module anywidget loads (no server)."""
    source = (Path(__file__).parents[2] / "peerkit" / "widgets" / "panel.js").read_text()
    page.set_content("<!doctype html><title>t</title>")
    result = page.evaluate(
        """async (src) => {
            const url = URL.createObjectURL(new Blob([src], {type: "text/javascript"}));
            const { pageTops } = await import(url);
            return [
                pageTops([0, 50, 100], [40, 90, 140], 200),  // fits: one page
                pageTops([0, 50, 100, 150], [40, 90, 140, 190], 100),  // 2 whole items a page
                pageTops([0, 30], [20, 260], 100),  // an item taller than the panel
                pageTops([], [], 0),  // not laid out yet
            ];
        }""",
        source,
    )
    assert result == [[0], [0, 100], [0, 30, 130, 230], [0]]


#: The autoplay policy of a browser that wants a click on a page before it plays sound. The
#: headless Chromium that Playwright drives lets every AudioContext run (and Playwright's own
#: evaluations count as user gestures), so this stands in for the policy: a context starts
#: suspended, and resumes only once the page has had a real click or key press.
HOLDS_SOUND_BACK = """
(() => {
    let clicked = false;
    const gesture = (event) => { if (event.isTrusted) clicked = true; };
    window.addEventListener("pointerdown", gesture, true);
    window.addEventListener("keydown", gesture, true);
    const Real = window.AudioContext;
    window.AudioContext = class extends Real {
        constructor(...args) {
            super(...args);
            if (!clicked) super.suspend();
        }
        resume() {
            return clicked ? super.resume() : new Promise(() => {});
        }
    };
})();
"""


def test_a_remembered_chime_the_browser_holds_back_is_one_click_away(
    new_page: Callable[..., Any], server: VoilaServer, db: Path
) -> None:
    round_with_advice(db, nexts=1)
    page = new_page(*SIZES["laptop"])
    context = page.context
    context.add_init_script(HOLDS_SOUND_BACK)
    open_page(page, server.projector_url, CLOCK)
    page.get_by_role("button", name="Enable sound").click()
    page.wait_for_function("() => document.querySelector('.peerkit-timer').dataset.sound === 'on'")

    # The projector's browser started again (a new tab: no click on it yet; a reload of a
    # clicked page keeps Chromium's permission, see the test above).
    page.close()
    page = context.new_page()
    open_page(page, server.projector_url, CLOCK)
    page.wait_for_function(
        "() => document.querySelector('.peerkit-timer').dataset.sound === 'blocked'"
    )
    sound_on = page.get_by_role("button", name="Sound on")
    assert sound_on.is_visible()  # remembered: one click, not "Enable sound" all over again
    assert page.get_by_text("Chime remembered: one click").is_visible()
    page.screenshot(path="/tmp/projector-sound-blocked.png")
    sound_on.click()
    page.wait_for_function("() => document.querySelector('.peerkit-timer').dataset.sound === 'on'")
    assert page.get_by_role("button", name="Mute chime").get_attribute("aria-pressed") == "false"
