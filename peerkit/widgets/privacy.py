"""Making a queued round private afterwards (Store.make_private): a fold of the agenda, built the
first time the facilitator opens it (:class:`peerkit.widgets.parts.Fold`), so a console opened
mid-round does not create its widgets nor redraw them at every click.

It draws the rounds of the meeting from the console's redraw (:meth:`PrivacyPanel.draw`) and
acts through the console's one way for clicks (``owner._act``: store first, then redraw).
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from peerkit.model import PeerkitError, Round
from peerkit.widgets.parts import SharesLayout, escape, html, make_button, row, set_options

#: What a private round keeps: nothing written down (the default), or text for the facilitator.
KEEP_NOTHING, KEEP_FOR_ME = "nothing", "for me"
KEEP_CHOICES = [("Keep nothing", KEEP_NOTHING), ("Keep for me only", KEEP_FOR_ME)]
#: One true line on each choice (what the store does with it; see Store.add_round).
KEEP_EXPLAINED = (
    "<ul class='peerkit-keep-help'>"
    "<li><strong>Keep nothing</strong>: no issue, advice or commitment is written anywhere; "
    "only who presented, the format and the round's timing are stored.</li>"
    "<li><strong>Keep for me only</strong>: the issue, advice and commitments are kept in this "
    "store for you; never on the projector, in the minutes, charts or exports.</li></ul>"
)
#: The privacy a queued round can be given afterwards (Store.make_private).
NOT_PRIVATE = "open"
PRIVACY_CHOICES = [
    ("Private, keep nothing", KEEP_NOTHING),
    ("Private, keep for me only", KEEP_FOR_ME),
    ("Not private", NOT_PRIVATE),
]
APPLY = "Apply privacy"


class PrivacyPanel(SharesLayout, w.VBox):
    """Choose a queued round and what it keeps, for the console ``owner``. Keeping nothing
    deletes what was written for the round, for good: the first click says what would go, the
    second does it."""

    def __init__(self, owner: Any) -> None:
        self.owner = owner
        self.round = w.Dropdown(description="Round", options=[], layout=w.Layout(width="34rem"))
        self.choice = w.Dropdown(description="Make it", options=PRIVACY_CHOICES, value=KEEP_NOTHING)
        self.button = make_button(APPLY, icon="lock")
        self.warning = html()
        self._armed: tuple[int, str] | None = None  # a deletion waiting for its confirm
        self.round.observe(lambda _: self.disarm(), "value")
        self.choice.observe(lambda _: self.disarm(), "value")
        self.button.on_click(lambda _: owner._act(self._apply))
        super().__init__(
            [
                row([self.round, self.choice]),
                row([self.button, self.warning]),
                html(KEEP_EXPLAINED),
            ]
        )

    def draw(self, rounds: list[tuple[str, int]], shown: int | None) -> None:
        """The meeting's rounds as the agenda labels them, the one on screen chosen first."""
        set_options(self.round, rounds, prefer=shown)
        if not rounds:
            self.disarm()

    def disarm(self) -> None:
        """Forget a deletion waiting for its confirming click."""
        if self._armed is not None:
            self._armed = None
            self.button.description = self.button.tooltip = APPLY
            self.button.button_style = ""
        self.warning.value = ""

    def _apply(self) -> None:
        owner, store = self.owner, self.owner.store
        round_id, choice = self.round.value, self.choice.value
        if round_id is None:
            raise PeerkitError("Add a round to the queue first.")
        rnd = owner._round(round_id)
        number = 1 + [r.id for r in store.rounds(rnd.meeting_id)].index(rnd.id)
        if choice == KEEP_NOTHING and rnd.keeps_text:
            written = _written(store, rnd)
            if written and self._armed != (round_id, choice):
                self._armed = (round_id, choice)
                self.button.description = "Delete it for good and make it private"
                self.button.tooltip = self.button.description
                self.button.button_style = "danger"
                self.warning.value = (
                    f"<div role='alert' class='peerkit-warning'>Round {number} keeps "
                    f"{escape(written)}. Keeping nothing deletes it for good: click again to "
                    "confirm.</div>"
                )
                return
        store.make_private(
            round_id, private=choice != NOT_PRIVATE, keep_text=choice != KEEP_NOTHING
        )
        self.disarm()
        said = {
            KEEP_NOTHING: "is private: nothing of it is written down",
            KEEP_FOR_ME: "is private: what is written is kept for you only",
            NOT_PRIVATE: "is not private: the projector and the minutes show it",
        }[choice]
        owner._say(f"Round {number} {said}.")


def _written(store: Any, rnd: Round) -> str:
    """What is written for ``rnd``, in words ("" when nothing)."""
    advice = len(store.advice(rnd.id))
    commitments = sum(
        1 for c in store.commitments(meeting_id=rnd.meeting_id) if c.round_id == rnd.id
    )
    parts = ["an issue statement"] if rnd.issue else []
    if advice:
        parts.append(f"{advice} piece{'s' if advice != 1 else ''} of advice")
    if commitments:
        parts.append(f"{commitments} commitment{'s' if commitments != 1 else ''}")
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return parts[0] if parts else ""
