"""The room's view: who is on the hot seat, the phase and its instruction, a huge countdown
centred on the screen; in advice phases the advice (every starred piece, and the newest others),
from the first commitment phase on the commitments as they are saved. Lists longer than their
panel page through by themselves (:class:`peerkit.widgets.panel.ScrollPanel`).

A private round shows only that a private segment is under way, and its countdown.

The projector's areas, by name (its attribute, its CSS class ``peerkit-projector-<name>``):
``banner`` (a coach's banner or agenda, when given), ``heading``, ``timer``, ``advice``,
``commitments``; see :data:`AREAS` and docs/coaches.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as w

from peerkit import live
from peerkit.confidentiality import A_MEMBER, mentions_of
from peerkit.formats import load_formats
from peerkit.meeting import Status
from peerkit.model import Advice, Cohort, Commitment, Format, Member, PeerkitError
from peerkit.store import Store
from peerkit.widgets.filings import poll_line
from peerkit.widgets.follow import follow
from peerkit.widgets.look import dress
from peerkit.widgets.panel import ScrollPanel
from peerkit.widgets.parts import SharesLayout, escape, html
from peerkit.widgets.timer import Timer

#: The room sees every starred piece of advice of the round, whatever their number (the panel
#: pages through them), and beside them the newest others while all together fill about
#: ADVICE_LINES lines of ADVICE_LINE_CHARS characters: about what the advice panel holds on a
#: 1366x768 screen. The newest piece is always shown: the room sees what was just captured.
ADVICE_LINES = 14
ADVICE_LINE_CHARS = 40

#: The projector's areas, top to bottom, each an attribute of :class:`Projector` and a grid
#: area of its stylesheet: what each holds.
AREAS = {
    "banner": "the coach's banner or agenda, when one is given: a band across the top",
    "heading": "who is on the hot seat, the format and the issue (or the cohort's name)",
    "timer": "the phase, the countdown, the instruction and what comes next",
    "advice": "the round's advice, in advice phases",
    "commitments": "the round's commitments, from the first commitment phase on",
}


class Projector(SharesLayout, w.VBox):
    """No controls: it follows the console through the store. ``banner`` (an HTML string or
    any widget) is shown as it is, in a band across the top of the screen."""

    def __init__(
        self,
        store: Store,
        cohort: Cohort,
        *,
        formats: dict[str, Format] | None = None,
        clock: Callable[[], float] = time.time,
        chime: bool = True,
        banner: Any = None,
    ) -> None:
        self.store, self.cohort, self.clock = store, cohort, clock
        self.banner = banner_area(banner)
        self.formats = formats if formats is not None else load_formats()
        self.heading = html()
        self.heading.add_class("peerkit-projector-heading")
        self.timer = Timer(size="projector", chime=chime)
        self.timer.add_class("peerkit-projector-timer")
        self.advice = ScrollPanel()
        self.advice.add_class("peerkit-projector-advice")
        self.commitments = ScrollPanel()
        self.commitments.add_class("peerkit-projector-commitments")
        areas = [self.heading, self.timer, self.advice, self.commitments]
        super().__init__(children=[self.banner, *areas] if self.banner else areas)
        self.add_class("peerkit-projector")
        self._mark("peerkit-projector-has-banner", self.banner is not None)
        dress(self)
        self.refresh()
        self._follower = follow(store, self.refresh, cohort_id=cohort.id)

    def refresh(self) -> None:
        now = live.on_screen(self.store, self.cohort.id, formats=self.formats)
        rnd = now.round
        poll = poll_line(*self.store.poll_answers(now.meeting.id)) if now.meeting else ""
        # The heading says "Private segment …" once: the stylesheet hides the timer's own
        # line with the same words (its label for screen readers still says it).
        self._mark("peerkit-projector-private", rnd is not None and rnd.private)
        if rnd is None:  # none yet, or the meeting or round is gone (purged from elsewhere)
            self.heading.value = (
                f"<div class='peerkit-head'><h1 class='peerkit-presenter'>"
                f"{escape(self.cohort.name)}</h1></div>"
                f"<p class='peerkit-issue'>Waiting for the first round…</p>{poll}"
            )
            self.timer.clear()  # no name stays behind, even hidden
            self._show_lists("", "")
            return
        view = live.round_view(self.store, rnd, self.formats, self.clock())
        if rnd.private:
            # Nothing of the round reaches the room: not its presenter, issue, format, phases
            # or advice, in no text, attribute or label; only these words and the clock.
            self.heading.value = (
                "<div class='peerkit-head'><h1 class='peerkit-presenter'>"
                f"{escape(view.private_heading)}</h1></div>{poll}"
            )
            self.timer.show(**view.room_timer_args)
            self._show_lists("", "")
            return
        issue = f"<p class='peerkit-issue'>{escape(rnd.issue)}</p>" if rnd.issue else ""
        self.heading.value = (
            "<div class='peerkit-head'><h1 class='peerkit-presenter'>On the hot seat: "
            f"{escape(view.presenter)}</h1>"
            f"<p class='peerkit-format'>{escape(view.format.name)}</p></div>{issue}{poll}"
        )
        self.timer.show(**view.room_timer_args)
        chatham_house = now.screen.chatham_house
        members = self.store.members(self.cohort.id)
        self._show_lists(
            self._advice_html(view, chatham_house, members),
            self._commitments_html(view, chatham_house, members),
        )

    def _mark(self, name: str, on: bool) -> None:
        """The box has the class ``name`` when ``on`` (the stylesheet lays out by it)."""
        if on != (name in self._dom_classes):
            (self.add_class if on else self.remove_class)(name)

    def _show_lists(self, advice: str, commitments: str) -> None:
        """Fill the two panels; the layout follows: a list on screen makes the countdown a band
        across the screen (still centred) with the lists below it, side by side."""
        self.advice.value = advice
        self.commitments.value = commitments
        listed = "data-peerkit-scroll" in advice
        self._mark("peerkit-projector-has-advice", bool(advice))
        self._mark("peerkit-projector-has-commitments", bool(commitments))
        self._mark("peerkit-projector-lists", listed or bool(commitments))

    def _advice_html(
        self, view: live.RoundView, chatham_house: bool, members: Sequence[Member]
    ) -> str:
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
        names = {m.id: m.name for m in members}
        pairs = [(a, live.giver_name(a, names)) for a in items]
        shown = advice_for_the_room(pairs)
        rows = "".join(
            f"<li value='{number}'{' class=peerkit-starred' if a.starred else ''}>"
            f"{'<span class=peerkit-star>★ starred</span> ' if a.starred else ''}"
            f"<span class='peerkit-kind'>{escape(a.kind.value)}</span> "
            f"{escape(a.text)} <em>— {escape(giver)}</em></li>"
            for number, a, giver in shown
        )
        summary = escape(advice_summary(pairs, shown))
        return (
            f"<h2>Advice ({len(items)})</h2>"
            + (f"<p class='peerkit-panel-sub'>{summary}</p>" if summary else "")
            + f"<ol class='peerkit-advice-list' data-peerkit-scroll tabindex='0' "
            f"aria-label='Advice on screen: {len(shown)} of {len(items)}'>{rows}</ol>"
            "<p class='peerkit-panel-pages' data-peerkit-pages hidden></p>"
        )

    def _commitments_html(
        self, view: live.RoundView, chatham_house: bool, members: Sequence[Member]
    ) -> str:
        if not view.shows_commitments:
            return ""
        made = self.store.commitments(meeting_id=view.round.meeting_id)
        rows = commitments_for_the_room(made, view.round.id, members, chatham_house=chatham_house)
        if not rows:
            return "<h2>Commitments</h2><p class='peerkit-note'>No commitments yet.</p>"
        items = "".join(
            f"<li><span class='peerkit-owner'>{escape(owner)}</span>: "
            f"{escape(text)} <span class='peerkit-due'>by <time datetime='{due}'>"
            f"{due}</time></span></li>"
            for owner, text, due in rows
        )
        return (
            f"<h2>Commitments ({len(rows)})</h2>"
            "<ol class='peerkit-commitment-list' data-peerkit-scroll tabindex='0' "
            f"aria-label='Commitments'>{items}</ol>"
            "<p class='peerkit-panel-pages' data-peerkit-pages hidden></p>"
        )


def banner_area(banner: Any) -> w.Box | None:
    """The banner's area holding ``banner`` (an HTML string, shown as written, or a widget);
    None for no banner. Anything else is refused in one sentence."""
    if banner is None or (isinstance(banner, str) and not banner.strip()):
        return None
    if isinstance(banner, str):
        banner = html(banner)
    if not isinstance(banner, w.DOMWidget):
        raise PeerkitError(
            "The projector's banner must be an HTML string or a widget, "
            f"not {type(banner).__name__}."
        )
    area = w.Box([banner])
    area.add_class("peerkit-projector-banner")
    return area


def _lines(advice: Advice, giver: str) -> float:
    """About how many of the panel's lines one piece of advice takes, with the gap after it."""
    length = len(advice.text) + len(giver) + len(advice.kind.value) + 12
    if advice.starred:
        length += len("★ starred ")
    return -(-length // ADVICE_LINE_CHARS) + 0.5


def advice_for_the_room(
    items: Sequence[tuple[Advice, str]], *, lines: float = ADVICE_LINES
) -> list[tuple[int, Advice, str]]:
    """What the room's advice panel lists, in the order given (the console's), numbered from 1
    as the console numbers them: (number, advice, giver).

    Every starred piece, always, however many (the panel pages when they are more than it
    holds); then the newest others, newest first, while everything shown fits in about
    ``lines`` lines; the newest piece of all is always shown.
    """
    numbered = list(enumerate(items, 1))
    keep = {n for n, (a, _) in numbered if a.starred}
    used = sum(_lines(a, g) for n, (a, g) in numbered if n in keep)
    for n, (a, g) in reversed(numbered):
        if a.starred:
            continue
        need = _lines(a, g)
        if used + need > lines and n != len(numbered):
            break
        keep.add(n)
        used += need
    return [(n, a, g) for n, (a, g) in numbered if n in keep]


def advice_summary(
    items: Sequence[tuple[Advice, str]], shown: Sequence[tuple[int, Advice, str]]
) -> str:
    """One line over the list, in words: how many are starred, and what is left off."""
    starred = sum(1 for a, _ in items if a.starred)
    others = len(items) - starred
    others_shown = sum(1 for _, a, _ in shown if not a.starred)
    parts = []
    if starred:
        parts.append(f"★ {starred} starred" + (", all shown" if others_shown < others else ""))
    if others_shown:
        if others_shown < others:
            parts.append(f"the newest {others_shown} of {others} others")
    elif others and starred:  # the starred ones fill the room ("the newest 0 of 2" read oddly)
        parts.append(f"{others} other{'s' if others != 1 else ''} not shown")
    return " · ".join(parts)


def commitments_for_the_room(
    commitments: Sequence[Commitment],
    round_id: int,
    members: Sequence[Member],
    *,
    chatham_house: bool,
) -> list[tuple[str, str, str]]:
    """The round's commitments as the room reads them, oldest first: (owner, text, target date
    as YYYY-MM-DD). Private ones never. In Chatham House mode the owner is "A member" and every
    member's name or e-mail in the text is "a member" too."""
    names = {m.id: m.name for m in members}
    mentions = mentions_of(members, any_email=True) if chatham_house else None
    rows = []
    for c in commitments:
        if c.round_id != round_id or c.private:
            continue
        text = c.text
        if mentions is not None:
            text, _ = mentions.replace(text, A_MEMBER)
            owner = A_MEMBER[:1].upper() + A_MEMBER[1:]
        else:
            owner = names.get(c.owner_id, A_MEMBER)
        rows.append((owner, text, c.target_date.isoformat()))
    return rows
