"""Live polls: the facilitator puts a question to the room, members answer from their own page,
anonymously, and the projector shows the count, and the average once enough have answered.

A fold of the agenda (:class:`peerkit.widgets.parts.Fold`), built the first time it is opened;
drawn from the console's redraw (:meth:`PollPanel.draw`), acting through the console's one way
for clicks (``owner._act``: store first, then redraw).
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from peerkit.model import PeerkitError
from peerkit.participation import MORE_TIME, WORTH_IT, Aggregate, Poll
from peerkit.widgets.filings import poll_line
from peerkit.widgets.parts import SharesLayout, html, make_button, row


class PollPanel(SharesLayout, w.VBox):
    """Ask the room: rate the round on screen (1–10), "need more time?" (1–5), or a question of
    one's own (1–5); close the poll."""

    def __init__(self, owner: Any) -> None:
        self.owner = owner
        self.rate_round = make_button("Rate this round (1–10)", icon="star-half-alt")
        self.more_time = make_button("Need more time? (1–5)", icon="clock")
        self.question = w.Text(
            description="Question",
            placeholder="Your own question, answered 1 to 5",
            layout=w.Layout(width="100%"),
        )
        self.ask = make_button("Ask the room", icon="question")
        self.close_button = make_button("Close the poll", icon="times")
        self.status = html()
        self.rate_round.on_click(lambda _: owner._act(self._rate_round))
        self.more_time.on_click(lambda _: owner._act(lambda: self._start(*MORE_TIME)))
        self.ask.on_click(lambda _: owner._act(self._ask))
        self.close_button.on_click(lambda _: owner._act(self._close))
        super().__init__(
            [
                row([self.rate_round, self.more_time]),
                self.question,
                row([self.ask, self.close_button]),
                self.status,
            ]
        )

    def draw(self, poll: Poll | None, aggregate: Aggregate | None) -> None:
        self.close_button.disabled = poll is None
        self.status.value = poll_line(poll, aggregate) or (
            "<p class='peerkit-help'>No poll open. Members answer from their own page; the "
            "projector shows only the count and, from three answers, the average.</p>"
        )

    def _meeting(self) -> int:
        if self.owner.meeting_id is None:
            raise PeerkitError("Open a meeting first.")
        return int(self.owner.meeting_id)

    def _start(self, question: str, high: int, round_id: int | None = None) -> None:
        self.owner.store.start_poll(self._meeting(), question, high=high, round_id=round_id)

    def _rate_round(self) -> None:
        round_id = self.owner.round_pick.value
        if round_id is None:
            raise PeerkitError("Put a round on screen first.")
        self._start(WORTH_IT, 10, round_id)

    def _ask(self) -> None:
        self._start(self.question.value, 5)
        self.question.value = ""

    def _close(self) -> None:
        self.owner.store.close_poll(self._meeting())
