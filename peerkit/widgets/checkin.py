"""The accountability check-in: each commitment that is due, reviewed in one click."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as w

from peerkit.model import Commitment, Member, Outcome, PeerkitError, Review
from peerkit.store import Store

OUTCOME_BUTTONS = (
    (Outcome.DONE, "Done", "success"),
    (Outcome.PARTIAL, "Partial", "info"),
    (Outcome.NOT_DONE, "Not done", "warning"),
    (Outcome.DROPPED, "Dropped", ""),
    (Outcome.RENEGOTIATED, "Renegotiated", ""),
)
#: The level dropdown's "no level given" choice (a dropdown's None shows as an empty box).
FROM_OUTCOME = ""
LEVELS: list[tuple[str, int | str]] = [("From the outcome", FROM_OUTCOME)] + [
    (f"{x:+d}" if x else "0 (expected)", x) for x in (-2, -1, 0, 1, 2)
]


@dataclass(frozen=True)
class DueItem:
    """One commitment on the check-in list, with where it stands."""

    commitment: Commitment
    owner: Member
    target: dt.date  # the current target date (after any renegotiation)
    due: bool  # target reached by the meeting date
    history: tuple[Review, ...]  # earlier reviews (renegotiations)
    review: Review | None  # recorded at this meeting, if any


def due_items(store: Store, meeting_id: int) -> list[DueItem]:
    """What the check-in of ``meeting_id`` walks: commitments made at earlier meetings and still
    open before it, due ones first, member by member; plus what it has already reviewed."""
    meeting = store.meeting(meeting_id)
    members = {m.id: m for m in store.members(meeting.cohort_id)}
    earlier = {m.id for m in store.meetings(meeting.cohort_id) if m.date < meeting.date}
    here = {r.commitment_id: r for r in store.reviews(meeting_id=meeting_id)}
    open_ones = store.open_commitments(meeting.cohort_id, before_meeting=meeting_id)
    private = _private_rounds(store, {c.meeting_id for c, _ in open_ones if c.round_id})
    items = []
    for commitment, target in open_ones:
        if commitment.meeting_id not in earlier or commitment.private:
            continue
        if commitment.round_id in private:  # made in a private segment: not reviewed aloud
            continue
        history = tuple(
            r for r in store.reviews(commitment_id=commitment.id) if r.meeting_id != meeting_id
        )
        items.append(
            DueItem(
                commitment,
                members[commitment.owner_id],
                target,
                target <= meeting.date,
                history,
                here.get(commitment.id),
            )
        )
    items.sort(key=lambda i: (not i.due, i.owner.name, i.target, i.commitment.id))
    return items


def _private_rounds(store: Store, meeting_ids: set[int]) -> set[int]:
    """Ids of the private rounds of these meetings."""
    return {r.id for mid in meeting_ids for r in store.rounds(mid) if r.private}


class CheckIn(w.VBox):
    """The check-in panel of the console: member by member, one click per commitment."""

    def __init__(self, store: Store, on_change: Callable[[], None] | None = None) -> None:
        self.store = store
        self.meeting_id: int | None = None
        self.on_change = on_change
        self.summary = w.HTML()
        self.rows = w.VBox()
        self._rows: dict[int, _Row] = {}
        self._key: tuple[Any, ...] | None = None
        super().__init__(children=[self.summary, self.rows])
        self.add_class("peerkit-checkin")

    def show(self, meeting_id: int | None) -> None:
        self.meeting_id = meeting_id
        self.refresh()

    def refresh(self) -> None:
        if self.meeting_id is None:
            self.summary.value = "<p>Open a meeting to see what is due.</p>"
            self.rows.children = []
            return
        meeting = self.store.meeting(self.meeting_id)
        items = due_items(self.store, self.meeting_id)
        key = (self.meeting_id, tuple(i.commitment.id for i in items))
        if key != self._key:
            self._key = key
            for row in self._rows.values():
                row.close()
            self._rows = {i.commitment.id: _Row(self, i, meeting.next_date) for i in items}
            children: list[w.Widget] = []
            owner = None
            for item in items:
                if item.owner.id != owner:
                    owner = item.owner.id
                    left = " (left the group)" if item.owner.status.value == "left" else ""
                    children.append(
                        w.HTML(f"<h3>{html.escape(item.owner.name)}{html.escape(left)}</h3>")
                    )
                children.append(self._rows[item.commitment.id].box)
            self.rows.children = children
        for item in items:
            self._rows[item.commitment.id].update(item)
        due = [i for i in items if i.due]
        done = sum(1 for i in due if i.review is not None)
        later = len(items) - len(due)
        self.summary.value = (
            f"<p role='status'><strong>Check-in:</strong> {done} of {len(due)} due commitments "
            f"reviewed; {later} more open and not yet due.</p>"
            if items
            else "<p role='status'>Nothing is due: no open commitments from earlier meetings.</p>"
        )

    def record(self, item: DueItem, outcome: Outcome, row: _Row) -> None:
        if self.meeting_id is None:
            return
        try:
            self.store.record_review(
                item.commitment.id,
                self.meeting_id,
                outcome,
                level=None if row.level.value == FROM_OUTCOME else row.level.value,
                note=row.note.value,
                new_target_date=row.new_date.value if outcome is Outcome.RENEGOTIATED else None,
            )
        except PeerkitError as exc:
            row.message.value = (
                f"<span role='alert' class='peerkit-error'>⚠ Not saved: {html.escape(str(exc))}"
                "</span>"
            )
            return
        self.refresh()
        if self.on_change:
            self.on_change()


class _Row:
    """One commitment's line: its text, history, the five outcome buttons, level and note."""

    def __init__(self, panel: CheckIn, item: DueItem, next_date: dt.date | None) -> None:
        self.item = item
        self.text = w.HTML()
        self.buttons = []
        for outcome, label, style in OUTCOME_BUTTONS:
            button = w.Button(
                description=label,
                button_style=style,
                tooltip=f"{label}: {item.commitment.text[:60]}",
            )
            button.on_click(lambda _, o=outcome: panel.record(self.item, o, self))
            self.buttons.append(button)
        self.level = w.Dropdown(options=LEVELS, value=FROM_OUTCOME, description="GAS level")
        self.note = w.Text(description="Note", placeholder="optional")
        default_new = next_date or (item.target + dt.timedelta(days=28))
        self.new_date = w.DatePicker(description="New date", value=default_new)
        self.message = w.HTML()
        self.box = w.VBox(
            [
                self.text,
                w.HBox(self.buttons),
                w.HBox([self.level, self.note, self.new_date]),
                self.message,
            ]
        )
        self.box.add_class("peerkit-checkin-row")

    def update(self, item: DueItem) -> None:
        self.item = item
        c = item.commitment
        when = "due" if item.due else "not yet due"
        history = "".join(
            f" · renegotiated to {r.new_target_date.isoformat()}"
            for r in item.history
            if r.new_target_date
        )
        recorded = ""
        if item.review is not None:
            recorded = (
                f"<div class='peerkit-recorded'>✔ Recorded: <strong>"
                f"{html.escape(item.review.outcome.value)}</strong>"
                + (f", level {item.review.level:+d}" if item.review.level is not None else "")
                + "</div>"
            )
        self.text.value = (
            f"<div><strong>{html.escape(c.text)}</strong> — target {item.target.isoformat()} "
            f"({when}){html.escape(history)}</div>{recorded}"
        )
        self.message.value = ""

    def close(self) -> None:
        for widget in [*self.buttons, self.level, self.note, self.new_date, self.message]:
            widget.close()
        self.text.close()
        self.box.close()
