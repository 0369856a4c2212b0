"""The room's view: who is on the hot seat, the phase and its instruction, a huge countdown."""

from __future__ import annotations

import html
import time
from collections.abc import Callable

import ipywidgets as w

from peerkit import live
from peerkit.formats import load_formats
from peerkit.meeting import Status
from peerkit.model import Cohort, Format
from peerkit.store import Store
from peerkit.widgets.follow import follow
from peerkit.widgets.timer import Timer


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
        self.timer = Timer(size="projector", chime=chime)
        self.advice = w.HTML()
        super().__init__(children=[self.heading, self.timer, self.advice])
        self.add_class("peerkit-projector")
        self.refresh()
        self._follower = follow(store, self.refresh)

    def refresh(self) -> None:
        screen = self.store.screen(self.cohort.id)
        rnd = live.current_round(self.store, self.cohort.id)
        if rnd is None:
            self.heading.value = (
                f"<h1 class='peerkit-presenter'>{html.escape(self.cohort.name)}</h1>"
                "<p class='peerkit-format'>Waiting for the first round…</p>"
            )
            self.timer.clear()
            self.advice.value = ""
            return
        view = live.round_view(self.store, rnd, self.formats, self.clock())
        issue = f"<p class='peerkit-issue'>{html.escape(rnd.issue)}</p>" if rnd.issue else ""
        self.heading.value = (
            f"<h1 class='peerkit-presenter'>On the hot seat: {html.escape(view.presenter)}</h1>"
            f"<p class='peerkit-format'>{html.escape(view.format.name)}</p>{issue}"
        )
        self.timer.show(
            view.remaining,
            view.status is Status.RUNNING,
            paused=view.status is Status.PAUSED,
            phase=view.phase_name,
            instruction=view.instruction,
            next_phase=view.next_phase,
            presenter=view.presenter,
        )
        self.advice.value = self._advice_html(view, screen.chatham_house)

    def _advice_html(self, view: live.RoundView, chatham_house: bool) -> str:
        if view.round.private:
            return "<p class='peerkit-note'>A private segment: nothing is shown or recorded.</p>"
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
        rows = "".join(
            f"<li>{'★ ' if a.starred else ''}<span class='peerkit-kind'>"
            f"{html.escape(a.kind.value)}</span> {html.escape(a.text)} "
            f"<em>— {html.escape(live.giver_name(a, names, False))}</em></li>"
            for a in items[-8:]
        )
        return f"<h2>Advice</h2><ol class='peerkit-advice-list'>{rows}</ol>"
