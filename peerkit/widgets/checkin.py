"""The accountability check-in: each commitment that is due, reviewed in one click."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as w

from peerkit.model import Commitment, Meeting, Member, Outcome, PeerkitError, Review
from peerkit.participation import Progress, ProgressStatus
from peerkit.store import Store
from peerkit.widgets.parts import SharesLayout, column, dated, escape, html, row

OUTCOME_BUTTONS = (
    (Outcome.DONE, "Done", "success"),
    (Outcome.PARTIAL, "Partial", "info"),
    (Outcome.NOT_DONE, "Not done", "warning"),
    (Outcome.DROPPED, "Dropped", ""),
    (Outcome.RENEGOTIATED, "Renegotiated", ""),
)
#: A row's fields as its "Saved: …" line names them, in the order of ``_Row.wanted``.
FIELDS = ("GAS level", "note", "new date")
#: What a row says of a note typed before any outcome (the page asks before it is left).
PENDING = (
    "<span role='status' class='peerkit-warning' data-peerkit-unsaved='note'>"
    "Note not saved yet: choose an outcome above to save it.</span>"
)
#: The outcome a member's own report suggests (stuck suggests none: the room decides).
REPORTED_OUTCOME = {ProgressStatus.DONE: Outcome.DONE, ProgressStatus.PARTIAL: Outcome.PARTIAL}
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
    reported: Progress | None = None  # what the member marked on their own page


def due_items(store: Store, meeting_id: int) -> list[DueItem]:
    """What the check-in of ``meeting_id`` walks: commitments made at earlier meetings and still
    open before it, due ones first, member by member; plus what it has already reviewed.

    Seven queries, bounded by the meeting and its cohort (one transaction): the meeting, the
    cohort's members, the reviews recorded at the meeting, the commitments open before it, the
    private rounds among theirs, their earlier reviews, and the progress members reported on
    them from their own page.
    """
    with store.reading():
        meeting = store.meeting(meeting_id)
        members = {m.id: m for m in store.members(meeting.cohort_id)}
        here = {r.commitment_id: r for r in store.reviews(meeting_id=meeting_id)}
        open_ones = store.open_commitments(meeting.cohort_id, before_meeting=meeting_id)
        # Made in a private segment: not reviewed aloud.
        aloud = store.shown_commitment_ids(c for c, _ in open_ones)
        shown = [(c, target) for c, target in open_ones if c.id in aloud]
        earlier = store.reviews(commitment_ids=[c.id for c, _ in shown])
        reported = store.progress(c.id for c, _ in shown)
    history: dict[int, list[Review]] = {}
    for review in earlier:
        if review.meeting_id != meeting_id:
            history.setdefault(review.commitment_id, []).append(review)
    items = [
        DueItem(
            commitment,
            members[commitment.owner_id],
            target,
            target <= meeting.date,
            tuple(history.get(commitment.id, ())),
            here.get(commitment.id),
            reported.get(commitment.id),
        )
        for commitment, target in shown
    ]
    items.sort(key=lambda i: (not i.due, i.owner.name, i.target, i.commitment.id))
    return items


class CheckIn(SharesLayout, w.VBox):
    """The check-in panel of the console: member by member, one click per commitment.

    The click records the outcome with the row's level, note and new date as they are then; a
    note, level or new date changed after the click is saved against that review as soon as the
    box is left (Tab, Enter, a click elsewhere), and the row says "Saved" (or why not).
    """

    def __init__(self, store: Store, on_change: Callable[[], None] | None = None) -> None:
        self.store = store
        self.meeting_id: int | None = None
        self.on_change = on_change
        self.summary = html()
        self.rows = column()
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
            # A row still listed keeps its widgets (and whatever is typed in them).
            same_meeting = self._key is not None and self._key[0] == self.meeting_id
            self._key = key
            old = self._rows if same_meeting else {}
            wanted = {i.commitment.id for i in items}
            for cid, row in self._rows.items():
                if cid not in wanted or not same_meeting:
                    row.close()
            self._rows = {
                i.commitment.id: old.get(i.commitment.id) or _Row(self, i, meeting) for i in items
            }
            children: list[w.Widget] = []
            owner = None
            for item in items:
                if item.owner.id != owner:
                    owner = item.owner.id
                    left = " (left the group)" if item.owner.status.value == "left" else ""
                    children.append(html(f"<h3>{escape(item.owner.name)}{escape(left)}</h3>"))
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
        """An outcome button: record the review with the row's level, note and new date."""
        self._save(row, item, outcome, "")

    def amend(self, row: _Row) -> None:
        """A note, level or new date changed on a row: save it against the review already
        recorded at this meeting; before any outcome, say that choosing one saves it."""
        if row.filling or self.meeting_id is None:
            return
        review = row.item.review
        if review is None:
            row.say_pending()
            return
        stored = (review.level, review.note, review.new_target_date)
        pairs = zip(FIELDS, row.wanted(review), stored, strict=True)
        changed = [name for name, now, before in pairs if now != before]
        if not changed:
            return  # nothing to save (a new date only counts for a renegotiation)
        self._save(row, row.item, review.outcome, " and ".join(changed))

    def _save(self, row: _Row, item: DueItem, outcome: Outcome, what: str) -> None:
        """Record the review; ``what`` names the fields saved after the click ("" for one)."""
        if self.meeting_id is None:
            return
        level = None if row.level.value == FROM_OUTCOME else row.level.value
        try:
            self.store.record_review(
                item.commitment.id,
                self.meeting_id,
                outcome,
                level=level,
                note=row.note.value,
                new_target_date=row.new_date.value if outcome is Outcome.RENEGOTIATED else None,
            )
        except PeerkitError as exc:
            row.say_error(str(exc))
            return
        self.refresh()
        row.say_saved(what)
        if self.on_change:
            self.on_change()

    def unsaved(self) -> list[DueItem]:
        """The rows whose note (as the kernel has it) is not in the store."""
        return [row.item for row in self._rows.values() if row.unsaved()]


def default_new_date(target: dt.date, meeting_date: dt.date, next_date: dt.date | None) -> dt.date:
    """The new target date a renegotiation offers: the next meeting when it is known, else four
    weeks after the later of the old target and this meeting. Either is after this meeting, as
    the store requires (an overdue target plus four weeks can fall before it)."""
    if next_date is not None and next_date > meeting_date:
        return next_date
    return max(target, meeting_date) + dt.timedelta(days=28)


class _Row:
    """One commitment's line: its text, history, the five outcome buttons, level and note."""

    def __init__(self, panel: CheckIn, item: DueItem, meeting: Meeting) -> None:
        self.item = item
        self.filling = False  # True while the row shows what the store holds (not a user edit)
        self._shown: Review | None = None  # the review the fields were last filled from
        self._reported: Progress | None = None  # the member's report the note was filled from
        self.text = html()
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
        # Sent to the kernel when the box is left or on Enter (not at every key): then saved.
        self.note = w.Text(
            description="Note", placeholder="optional; Enter or Tab saves", continuous_update=False
        )
        self.note.add_class("peerkit-checkin-note")
        self.default_new = default_new_date(item.target, meeting.date, meeting.next_date)
        self.new_date = w.DatePicker(description="New date", value=self.default_new)
        self.message = html()
        self.message.add_class("peerkit-checkin-message")
        for widget in (self.level, self.note, self.new_date):
            widget.observe(lambda _: panel.amend(self), "value")
        self.box = column(
            [
                self.text,
                row(self.buttons),
                row([self.level, self.note, dated(self.new_date)]),
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
        review = item.review
        if review is not None:
            recorded = (
                f"<div class='peerkit-recorded'>✔ Recorded: <strong>"
                f"{escape(review.outcome.value)}</strong>"
                + (
                    f" to <strong>{review.new_target_date.isoformat()}</strong>"
                    if review.new_target_date
                    else ""
                )
                + (f", level {review.level:+d}" if review.level is not None else "")
                + (", with a note" if review.note else "")
                + "</div>"
            )
        reported = ""
        if item.reported is not None:
            said = f": “{escape(item.reported.note)}”" if item.reported.note else ""
            reported = (
                "<div class='peerkit-reported'>✎ Reported from their page: <strong>"
                f"{escape(item.reported.status.value)}</strong>{said} (confirm below)</div>"
            )
        self.text.value = (
            f"<div><strong>{escape(c.text)}</strong> — target {item.target.isoformat()} "
            f"({when}){escape(history)}</div>{reported}{recorded}"
        )
        suggested = REPORTED_OUTCOME.get(item.reported.status) if item.reported else None
        for (outcome, _label, _style), button in zip(OUTCOME_BUTTONS, self.buttons, strict=True):
            button.icon = "check" if outcome is suggested and review is None else ""
        if review != self._shown or (review is None and item.reported != self._reported):
            self._fill(review)

    def _fill(self, review: Review | None) -> None:
        """Show what the store now holds; a field whose text differs from what was stored
        before (typed and not saved yet, or refused) keeps what was typed."""
        before, self._shown = self._shown, review
        self.message.value = ""
        if review is None:
            # Not reviewed yet: the note starts as the member's own, unless one is typed.
            reported, self._reported = self._reported, self.item.reported
            if self.note.value.strip() in ("", reported.note if reported else ""):
                self.filling = True
                try:
                    self.note.value = self._reported.note if self._reported else ""
                finally:
                    self.filling = False
            return
        self.filling = True
        try:
            if self.note.value.strip() == (before.note if before else ""):
                self.note.value = review.note
            if self.level.value == _level_choice(before):
                self.level.value = _level_choice(review)
            if review.new_target_date is not None and self.new_date.value in (
                self.default_new,
                before.new_target_date if before else None,
            ):
                self.new_date.value = review.new_target_date
        finally:
            self.filling = False

    def wanted(self, review: Review) -> tuple[int | None, str, dt.date | None]:
        """(level, note, new date) as the row's fields would record them on ``review``."""
        level = None if self.level.value == FROM_OUTCOME else int(self.level.value)
        renegotiated = review.outcome is Outcome.RENEGOTIATED
        return level, self.note.value.strip(), self.new_date.value if renegotiated else None

    def unsaved(self) -> bool:
        """Whether the note, as the kernel has it, is not what the store holds."""
        if self.item.review is not None:
            stored = self.item.review.note
        else:  # the member's own note, filled in: nothing typed yet
            stored = self.item.reported.note if self.item.reported else ""
        return self.note.value.strip() != stored

    def say_saved(self, what: str = "") -> None:
        saved = f"✔ Saved: {what}" if what else "✔ Saved"
        self.message.value = f"<span role='status' class='peerkit-saved'>{saved}</span>"

    def say_pending(self) -> None:
        """Before any outcome: say that a typed note waits for one (and stop saying it when
        the note is emptied); any other message stays."""
        if self.unsaved():
            self.message.value = PENDING
        elif self.message.value == PENDING:
            self.message.value = ""

    def say_error(self, message: str) -> None:
        self.message.value = (
            "<span role='alert' class='peerkit-error' data-peerkit-unsaved='error'>⚠ Not saved: "
            f"{escape(message)}</span>"
        )

    def close(self) -> None:
        for widget in [*self.buttons, self.level, self.note, self.new_date, self.message]:
            widget.close()
        self.text.close()
        self.box.close()


def _level_choice(review: Review | None) -> int | str:
    """The level dropdown's value for a review's level (none given: "From the outcome")."""
    return FROM_OUTCOME if review is None or review.level is None else review.level
