"""What the browser tests do on a dashboard page, as a facilitator would: open, click, type."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from peerkit import live
from peerkit.formats import get_format
from peerkit.meeting import RoundClock
from peerkit.serve import VoilaServer
from peerkit.store import Store

CLOCK = "[role=timer]"
PHASE = ".peerkit-timer__phase"
LOAD_MS = 90_000  # a cold kernel on a busy 2-core machine


def open_page(page: Any, url: str, ready: str) -> None:
    page.goto(url)
    page.locator(ready).first.wait_for(state="visible", timeout=LOAD_MS)


def open_console(page: Any, server: VoilaServer) -> None:
    open_page(page, server.console_url, "[role=tab]")


def open_hot_seat(page: Any) -> None:
    page.get_by_role("tab", name="Hot seat").click()
    page.locator(CLOCK).wait_for(state="visible")


def button(page: Any, name: str) -> Any:
    return page.get_by_role("button", name=name, exact=True)


def click_when_enabled(page: Any, name: str) -> None:
    target = button(page, name)
    page.wait_for_function("el => !el.disabled", arg=target.element_handle())
    target.click()


def wait_phase(page: Any, name: str) -> None:
    page.wait_for_function(
        "([sel, name]) => document.querySelector(sel)?.textContent === name", arg=[PHASE, name]
    )


def shown(page: Any) -> str:
    return str(page.locator(CLOCK).text_content())


def seconds_shown(text: str) -> int:
    """'04:12' -> 252, '1:00:05' -> 3605, '+00:07' -> -7."""
    sign = -1 if text.startswith("+") else 1
    total = 0
    for part in text.lstrip("+").split(":"):
        total = total * 60 + int(part)
    return sign * total


def settled(page: Any) -> None:
    """Return once the page's fonts are loaded and it has drawn two frames since: what the last
    change of its DOM (a redraw, a new viewport size) lays out is then on screen."""
    page.evaluate(
        "() => document.fonts.ready.then(() => new Promise((done) =>"
        " requestAnimationFrame(() => requestAnimationFrame(done))))"
    )


def wait_tick(page: Any) -> str:
    """The countdown's next change (it ticks in the browser)."""
    before = shown(page)
    page.wait_for_function(
        "([sel, prev]) => document.querySelector(sel).textContent !== prev", arg=[CLOCK, before]
    )
    return shown(page)


def kernel_pid(page: Any) -> int:
    """The pid of the page's kernel: the process whose command line names its connection file
    (Voila's standalone server has no /api/kernels)."""
    kernel_id = page.evaluate(
        "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
    )
    marker = f"kernel-{kernel_id}.json".encode()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if marker in Path(f"/proc/{entry}/cmdline").read_bytes():
                    return int(entry)
            except OSError:
                continue
    raise AssertionError(f"no process for kernel {kernel_id}")


def choose_giver(page: Any, name: str = "Anonymous") -> None:
    """Say who gives the next advice: after each save the console asks again."""
    page.get_by_label("Given by", exact=True).select_option(label=name)


def type_and_enter(page: Any, label: str, text: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")
    page.get_by_text(text).first.wait_for()
    page.wait_for_function("el => el.value === ''", arg=box.element_handle())  # saved: cleared


def advice_row(page: Any, text: str) -> Any:
    return page.locator(".peerkit-advice").filter(has_text=text)


def commitment_item(page: Any, text: str) -> Any:
    return page.get_by_role("listitem").filter(has_text=text)


def stored(db: str | Path) -> tuple[list[str], list[str]]:
    """The advice and commitment texts of today's meeting, as the store has them."""
    with Store(db, create=False) as store:
        cohort = store.cohort(None)
        meeting = live.meeting_for_today(store, cohort.id, dt.date.today())
        advice = [a.text for r in store.rounds(meeting.id) for a in store.advice(r.id)]
        return advice, [c.text for c in store.commitments(meeting_id=meeting.id)]


def round_on_screen(
    db: str | Path, format_name: str, nexts: int = 0, advice: tuple[str, ...] = ()
) -> None:
    """Queue a round in today's meeting, start it, put it on screen and move ``nexts`` phases on
    (as a second console would: the screens follow the store). A round an earlier test left
    running keeps running, as the screen rule allows (live.on_screen)."""
    with Store(db, create=False) as store:
        cohort = store.cohort(None)
        meeting = live.meeting_for_today(store, cohort.id, dt.date.today())
        live.put_on_screen(store, cohort.id, meeting_id=meeting.id)
        queued = {r.presenter_id for r in store.rounds(meeting.id)}
        presenter = next(
            m for m in store.members(cohort.id, include_left=False) if m.id not in queued
        )
        rnd = store.add_round(meeting.id, presenter.id, format_name, issue="Hiring plan")
        clock = RoundClock(store, rnd.id, get_format(format_name))
        clock.start()
        live.put_on_screen(store, cohort.id, round_id=rnd.id)
        for _ in range(nexts):
            clock.next()
        for text in advice:
            store.add_advice(rnd.id, text, kind="suggestion")
        if advice:
            store.edit_advice(store.advice(rnd.id)[0].id, starred=True)


MASTERMIND = "mastermind hot seat"  # Present, Clarifying questions, Advice, Commitments


def round_with_advice(
    db: Path, nexts: int, advice: Sequence[tuple[str, bool]] = ()
) -> tuple[int, str]:
    """A new mastermind round in today's meeting, started, put on screen, ``nexts`` phases on,
    with ``advice`` (text, starred) given by the members in turn. Returns (round id, presenter)."""
    with Store(db, create=False) as store:
        cohort = store.cohort(None)
        meeting = live.meeting_for_today(store, cohort.id, dt.date.today())
        live.put_on_screen(store, cohort.id, meeting_id=meeting.id, chatham_house=False)
        members = store.members(cohort.id, include_left=False)
        queued = {r.presenter_id for r in store.rounds(meeting.id)}
        presenter = next(m for m in members if m.id not in queued)
        rnd = store.add_round(meeting.id, presenter.id, MASTERMIND, issue="Pricing the new service")
        clock = RoundClock(store, rnd.id, get_format(MASTERMIND))
        clock.start()
        live.put_on_screen(store, cohort.id, round_id=rnd.id)
        for _ in range(nexts):
            clock.next()
        givers = [m for m in members if m.id != presenter.id]
        for i, (text, starred) in enumerate(advice):
            item = store.add_advice(rnd.id, text, giver_id=givers[i % len(givers)].id)
            if starred:
                store.edit_advice(item.id, starred=True)
        return rnd.id, presenter.name
