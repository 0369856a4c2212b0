"""The room's view: who is on the hot seat, the phase and its instruction, a huge countdown.

A private round shows only that a private segment is under way, and its countdown.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable

import ipywidgets as w

from peerkit import live
from peerkit.formats import load_formats
from peerkit.meeting import Status
from peerkit.model import Advice, Cohort, Format
from peerkit.store import Store
from peerkit.widgets.follow import follow
from peerkit.widgets.timer import Timer

#: At most this many of the newest pieces of advice are on the room's screen (it never
#: scrolls), and only as many as fill about ADVICE_LINES lines of ADVICE_LINE_CHARS characters:
#: what the advice panel holds at 16:9. (On a narrower screen the oldest give way at the top.)
SHOWN_ADVICE = 8
ADVICE_LINES = 17
ADVICE_LINE_CHARS = 38


class Projector(w.VBox):
    """No controls: it follows the console through the store."""

    def __init__(
        self,
        store: Store,
        cohort: Cohort,
        *,
        formats: dict[str, Format] | None = None,
        clock: Callable[[], float] = time.time,
        chime: bool = True,
    ) -> None:
        self.store, self.cohort, self.clock = store, cohort, clock
        self.formats = formats if formats is not None else load_formats()
        self.heading = w.HTML()
        self.heading.add_class("peerkit-projector-heading")
        self.timer = Timer(size="projector", chime=chime)
        self.timer.add_class("peerkit-projector-timer")
        self.advice = w.HTML()
        self.advice.add_class("peerkit-projector-advice")
        super().__init__(children=[self.heading, self.timer, self.advice])
        self.add_class("peerkit-projector")
        self.refresh()
        self._follower = follow(store, self.refresh, cohort_id=cohort.id)

    def refresh(self) -> None:
        now = live.on_screen(self.store, self.cohort.id, formats=self.formats)
        rnd = now.round
        private = rnd is not None and rnd.private
        if private != ("peerkit-projector-private" in self._dom_classes):
            # The heading says "Private segment …" once: the stylesheet hides the timer's own
            # line with the same words (its label for screen readers still says it).
            (self.add_class if private else self.remove_class)("peerkit-projector-private")
        if rnd is None:  # none yet, or the meeting or round is gone (purged from elsewhere)
            self.heading.value = (
                f"<div class='peerkit-head'><h1 class='peerkit-presenter'>"
                f"{html.escape(self.cohort.name)}</h1></div>"
                "<p class='peerkit-issue'>Waiting for the first round…</p>"
            )
            self.timer.clear()  # no name stays behind, even hidden
            self.advice.value = ""
            return
        view = live.round_view(self.store, rnd, self.formats, self.clock())
        if rnd.private:
            # Nothing of the round reaches the room: not its presenter, issue, format, phases
            # or advice, in no text, attribute or label; only these words and the clock.
            self.heading.value = (
                "<div class='peerkit-head'><h1 class='peerkit-presenter'>"
                f"{html.escape(view.private_heading)}</h1></div>"
            )
            self.timer.show(**view.room_timer_args)
            self.advice.value = ""
            return
        issue = f"<p class='peerkit-issue'>{html.escape(rnd.issue)}</p>" if rnd.issue else ""
        self.heading.value = (
            "<div class='peerkit-head'><h1 class='peerkit-presenter'>On the hot seat: "
            f"{html.escape(view.presenter)}</h1>"
            f"<p class='peerkit-format'>{html.escape(view.format.name)}</p></div>{issue}"
        )
        self.timer.show(**view.room_timer_args)
        self.advice.value = self._advice_html(view, now.screen.chatham_house)

    def _advice_html(self, view: live.RoundView, chatham_house: bool) -> str:
        if not view.shows_advice:
            if view.status is Status.READY:
                return ""
            phase = view.format.phases[min(view.state.phase, len(view.format.phases) - 1)]
            if phase.presenter_away:
                return (
                    "<p class='peerkit-note'>The presenter has turned away: advice is hidden.</p>"
                )
            return ""
        if chatham_house:
            return "<p class='peerkit-note'>Chatham House: advice is captured, not shown.</p>"
        items = self.store.advice(view.round.id)
        if not items:
            return "<p class='peerkit-note'>No advice yet.</p>"
        names = {m.id: m.name for m in self.store.members(self.cohort.id)}
        shown = _newest_that_fit([(a, live.giver_name(a, names)) for a in items])
        rows = "".join(
            f"<li{' class=peerkit-starred' if a.starred else ''}>"
            f"{'<span class=peerkit-star>★ starred</span> ' if a.starred else ''}"
            f"<span class='peerkit-kind'>{html.escape(a.kind.value)}</span> "
            f"{html.escape(a.text)} <em>— {html.escape(giver)}</em></li>"
            for a, giver in shown
        )
        first = len(items) - len(shown) + 1  # the numbers the console shows
        return (
            f"<h2>Advice ({len(items)})</h2>"
            f"<ol class='peerkit-advice-list' start='{first}'>{rows}</ol>"
        )


def _newest_that_fit(items: list[tuple[Advice, str]]) -> list[tuple[Advice, str]]:
    """The newest (advice, giver) pairs that fill the panel, oldest first; always the newest."""
    shown: list[tuple[Advice, str]] = []
    lines = 0.0
    for advice, giver in reversed(items):
        length = len(advice.text) + len(giver) + len(advice.kind.value) + 12
        need = -(-length // ADVICE_LINE_CHARS) + 0.5  # and the gap between items
        if shown and (len(shown) >= SHOWN_ADVICE or lines + need > ADVICE_LINES):
            break
        shown.append((advice, giver))
        lines += need
    return shown[::-1]
