"""Correcting what was captured, from the console: the hot-seat queue's order (move a round up
or down, remove one queued by mistake), any advice, commitment, review or parking-lot item
edited or deleted, Undo for deletions, and closing the meeting.

A deletion only marks the entry (see :meth:`peerkit.store.Store.undo_delete`): Undo brings
back the meeting's latest deletion, again and again, until the meeting is closed; closing
erases what was deleted for good. The console places these panels beside what they correct and
calls :meth:`Corrections.draw` from its own redraw; every click goes through the console's
``act`` (the store first, then the console redraws from it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as w

from peerkit.model import AdviceKind, Member, Outcome, PeerkitError, Round
from peerkit.store import Deletion, Store
from peerkit.widgets.parts import (
    Fold,
    column,
    dated,
    escape,
    html,
    make_button,
    own_layout,
    row,
    set_options,
)

#: The kinds of entry an editor can correct, and how its list names them.
ADVICE, COMMITMENT, REVIEW, PARKING, ROUND = "advice", "commitment", "review", "parking", "round"
KIND_TITLES = {
    ADVICE: "Advice",
    COMMITMENT: "Commitment",
    REVIEW: "Review",
    PARKING: "Parking lot",
}
#: Each kind in a sentence ("no … yet").
NAMES = {ADVICE: "advice", COMMITMENT: "commitment", REVIEW: "review", PARKING: "parking-lot item"}
#: The "given by" choice for anonymous advice (as the console's capture form has it).
ANONYMOUS = 0
UNDO_HELP = "Undo brings it back until the meeting is closed."
CLOSE_HELP = (
    "<p class='peerkit-close-help'>Until the meeting is closed, Undo brings back anything "
    "deleted at it. Closing erases what was deleted for good (from the database's own files, "
    "as a purge does); everything else stays, and the minutes can still be exported.</p>"
)


def _short(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class _Entry:
    """One entry an editor lists: what the store holds of it now."""

    kind: str
    id: int
    label: str
    text: str
    person: int | None  # advice: the giver (None: anonymous); commitment: the owner
    advice_kind: str | None = None
    target: Any = None  # commitment: its target date; review: the new target date
    weight: float | None = None
    outcome: str | None = None


class Corrections:
    """The console's corrections: a queue panel, entry editors, Undo buttons, the close panel.

    ``act(action)`` runs a click (the console's ``_act``: says any PeerkitError, then redraws);
    ``say(message)`` puts a line in the console's status.
    """

    def __init__(
        self,
        store: Store,
        act: Callable[[Callable[[], object]], None],
        say: Callable[[str], None],
    ) -> None:
        self.store, self._act, self._say = store, act, say
        self.meeting_id: int | None = None
        self.deletions: list[Deletion] = []
        #: Each Undo button and the kinds of deletion it sits beside (None: any).
        self._undo_buttons: list[tuple[w.Button, tuple[str, ...] | None]] = []
        self.editors: list[EntryEditor] = []

        self.queue_round = w.Dropdown(
            description="Queued round", options=[], layout=w.Layout(width="34rem")
        )
        self.up_button = make_button("Move up", icon="arrow-up")
        self.down_button = make_button("Move down", icon="arrow-down")
        self.remove_button = make_button("Remove from queue", icon="times")
        self.up_button.on_click(lambda _: self._act(lambda: self._move(-1)))
        self.down_button.on_click(lambda _: self._act(lambda: self._move(1)))
        self.remove_button.on_click(lambda _: self._act(self._remove))
        self.queue_box = column(
            [
                row([self.queue_round]),
                row(
                    [self.up_button, self.down_button, self.remove_button, self.undo_button(ROUND)]
                ),
            ]
        )
        self.queue_box.add_class("peerkit-queue-edit")

        self.close_button = make_button("Close the meeting", icon="lock")
        self.close_warning = html()
        self.close_note = html()
        self._close_armed: tuple[int, float, int] | None = None
        self.close_button.on_click(lambda _: self._act(self._close))
        self.close_box = column(
            [
                html("<h2>Close the meeting</h2>" + CLOSE_HELP),
                self.close_note,
                row([self.close_button, self.undo_button()]),
                self.close_warning,
            ]
        )
        self.close_box.add_class("peerkit-close")

    # -- pieces the console places ---------------------------------------------------------

    def undo_button(self, *kinds: str) -> w.Button:
        """An Undo button (the console puts one beside each Delete): it brings back the
        meeting's latest deletion and says which. It shows only while that deletion is of
        ``kinds`` (none given: of any kind), so the Undo beside the advice does not offer a
        round removed an hour ago; the close panel's offers whatever was deleted last."""
        button = make_button("Undo", icon="undo")
        own_layout(button).display = "none"
        button.on_click(lambda _: self._act(self._undo))
        self._undo_buttons.append((button, kinds or None))
        return button

    def editor(self, kinds: Sequence[str], title: str) -> EntryEditor:
        """A collapsed panel that lists the meeting's entries of ``kinds`` to edit or delete."""
        editor = EntryEditor(self, tuple(kinds), title)
        self.editors.append(editor)
        return editor

    # -- redraw from the store -------------------------------------------------------------

    def draw(
        self,
        meeting_id: int | None,
        rounds: Sequence[Round] = (),
        members: dict[int, Member] | None = None,
        queued: Sequence[tuple[str, int]] = (),
    ) -> None:
        """Redraw from the store: ``rounds`` of the meeting in queue order, the cohort's
        ``members``, and ``queued``: the (label, id) of the rounds that have not started."""
        if meeting_id != self.meeting_id:
            self._disarm_close()
        self.meeting_id = meeting_id
        self.deletions = self.store.deletions(meeting_id) if meeting_id is not None else []
        latest = self.deletions[0] if self.deletions else None
        for button, kinds in self._undo_buttons:
            if latest is None or (kinds is not None and latest.kind not in kinds):
                own_layout(button).display = "none"
                continue
            own_layout(button).display = None
            button.description = f"Undo: {_short(latest.what, 40)}"
            button.tooltip = f"Bring back {latest.what}"
        set_options(self.queue_round, list(queued))
        for control in (self.up_button, self.down_button, self.remove_button):
            control.disabled = not queued
        waiting = len(self.deletions)
        self.close_button.disabled = meeting_id is None
        self.close_note.value = (
            ""
            if not waiting
            else f"<p role='status'>{waiting} deletion{'s' if waiting != 1 else ''} at this "
            "meeting can still be undone.</p>"
        )
        if self._close_armed is not None and self._close_armed[1:] != self._close_key()[1:]:
            self._disarm_close()  # something was deleted or undone since: ask again
        names = {i: m.name for i, m in (members or {}).items()}
        for editor in self.editors:
            editor.draw(meeting_id, list(rounds), names)

    # -- clicks ----------------------------------------------------------------------------

    def _move(self, steps: int) -> None:
        round_id = self.queue_round.value
        if round_id is None:
            raise PeerkitError("No round is waiting in the queue.")
        rounds = self.store.move_round(round_id, steps)
        place = 1 + [r.id for r in rounds].index(round_id)
        self._say(f"Moved it {'up' if steps < 0 else 'down'}: it is round {place} now.")

    def _remove(self) -> None:
        round_id = self.queue_round.value
        if round_id is None:
            raise PeerkitError("No round is waiting in the queue.")
        done = self.store.delete_round(round_id)
        self._say(f"Removed {done.what} from the queue. {UNDO_HELP}")

    def _undo(self) -> None:
        if self.meeting_id is None:
            raise PeerkitError("Open a meeting first.")
        done = self.store.undo_delete(self.meeting_id)
        self._say(f"Brought back {done.what}.")

    def _close_key(self) -> tuple[int, float, int]:
        latest = self.deletions[0].at if self.deletions else 0.0
        return (self.meeting_id or 0, latest, len(self.deletions))

    def _disarm_close(self) -> None:
        if self._close_armed is not None:
            self._close_armed = None
            self.close_button.description = self.close_button.tooltip = "Close the meeting"
            self.close_button.button_style = ""
        self.close_warning.value = ""

    def _close(self) -> None:
        """Close the meeting. With deletions waiting, the first click says what closing
        erases for good, the second closes."""
        if self.meeting_id is None:
            raise PeerkitError("Open a meeting first.")
        self.deletions = self.store.deletions(self.meeting_id)
        waiting = len(self.deletions)
        if waiting and self._close_armed != self._close_key():
            self._close_armed = self._close_key()
            self.close_button.description = "Erase them for good and close"
            self.close_button.tooltip = self.close_button.description
            self.close_button.button_style = "danger"
            listed = "".join(f"<li>{escape(d.what)}</li>" for d in self.deletions[:5])
            more = f"<li>and {waiting - 5} more</li>" if waiting > 5 else ""
            self.close_warning.value = (
                f"<div role='alert' class='peerkit-warning'>Closing erases for good what was "
                f"deleted at this meeting ({waiting}):<ul>{listed}{more}</ul>Click again to "
                "close.</div>"
            )
            return
        closed = self.store.close_meeting(self.meeting_id)
        self._disarm_close()
        erased = sum(closed.removed.values())
        said = (
            f"The meeting is closed: {erased} deleted entr{'ies' if erased != 1 else 'y'} "
            "erased for good."
            if erased
            else "The meeting is closed: nothing deleted was waiting to be erased."
        )
        if closed.still_held:
            said += " Still holding copies: " + " ".join(closed.still_held)
        self._say(said)


class EntryEditor(Fold):
    """Pick one of the meeting's entries, change it, save it, or delete it (with Undo).

    The list is read only while the panel is open (a closed one costs nothing on a redraw).
    What is typed stays when the store refuses it; it is replaced by the stored entry only when
    another entry is picked, or the picked one changed in the store.
    """

    def __init__(self, owner: Corrections, kinds: tuple[str, ...], title: str) -> None:
        self.owner, self.kinds = owner, kinds
        self.entries: dict[str, _Entry] = {}
        self._loaded: _Entry | None = None
        self._names: dict[int, str] = {}
        # The form is built the first time the panel is opened: a closed editor is two widgets.
        # Opening the panel reads the list (the console redraws, which draws this).
        super().__init__(title, self._build, on_open=lambda: owner._act(lambda: None))
        self.add_class("peerkit-entry-editor")

    def _build(self) -> w.Widget:
        owner, kinds = self.owner, self.kinds
        self.pick = w.Dropdown(
            description="Entry", options=[], layout=w.Layout(width="100%", max_width="40rem")
        )
        self.text = w.Textarea(
            description="Text", layout=w.Layout(width="100%", max_width="40rem"), rows=2
        )
        self.person = w.Dropdown(description="Owner", options=[])
        self.advice_kind = w.Dropdown(
            description="Kind", options=[(k.value.capitalize(), k.value) for k in AdviceKind]
        )
        self.outcome = w.Dropdown(
            description="Outcome", options=[(o.value.capitalize(), o.value) for o in Outcome]
        )
        self.target = w.DatePicker(description="Target date")
        self.target_box = dated(self.target)
        self.weight = w.FloatText(description="Weight", value=1.0)
        self.save_button = make_button("Save changes", "primary", "check")
        self.delete_button = make_button("Delete", icon="trash")
        self.empty = html()
        self.save_button.on_click(lambda _: owner._act(self._save))
        self.delete_button.on_click(lambda _: owner._act(self._delete))
        self.pick.observe(lambda _: self._load(), "value")
        self.outcome.observe(lambda _: self._show_fields(), "value")
        self.form = column(
            [
                self.text,
                row([self.person, self.advice_kind, self.outcome]),
                row([self.target_box, self.weight]),
            ]
        )
        return column(
            [
                self.empty,
                self.pick,
                self.form,
                row([self.save_button, self.delete_button, owner.undo_button(*kinds)]),
            ]
        )

    @property
    def is_open(self) -> bool:
        return self.selected_index == 0

    def draw(self, meeting_id: int | None, rounds: list[Round], names: dict[int, str]) -> None:
        if not self.is_open:
            return
        self._names = names
        entries = self._read(meeting_id, rounds, names) if meeting_id is not None else []
        self.entries = {f"{e.kind}:{e.id}": e for e in entries}
        set_options(self.pick, [(e.label, key) for key, e in self.entries.items()])
        what = " and no ".join(NAMES[k] for k in self.kinds)
        self.empty.value = "" if entries else f"<p>Nothing to correct: no {escape(what)} yet.</p>"
        for control in (self.save_button, self.delete_button):
            control.disabled = not entries
        self.pick.layout.display = own_layout(self.form).display = None if entries else "none"
        self._load()

    def _read(self, meeting_id: int, rounds: list[Round], names: dict[int, str]) -> list[_Entry]:
        store = self.owner.store
        found: list[_Entry] = []
        if ADVICE in self.kinds:
            for number, rnd in enumerate(rounds, 1):
                if rnd.keeps_nothing:
                    continue
                for a in store.advice(rnd.id):
                    giver = names.get(a.giver_id, "?") if a.giver_id else "Anonymous"
                    found.append(
                        _Entry(
                            ADVICE,
                            a.id,
                            f"Advice · round {number} · {giver}: “{_short(a.text)}”",
                            a.text,
                            a.giver_id,
                            advice_kind=a.kind.value,
                        )
                    )
        if COMMITMENT in self.kinds:
            for c in store.commitments(meeting_id=meeting_id):
                owner = names.get(c.owner_id, "?")
                found.append(
                    _Entry(
                        COMMITMENT,
                        c.id,
                        f"Commitment · {owner}: “{_short(c.text)}” (by {c.target_date})",
                        c.text,
                        c.owner_id,
                        target=c.target_date,
                        weight=c.weight,
                    )
                )
        if REVIEW in self.kinds:
            reviews = store.reviews(meeting_id=meeting_id)
            if reviews:
                meeting = store.meeting(meeting_id)
                made = {c.id: c for c in store.commitments(cohort_id=meeting.cohort_id)}
                for r in reviews:
                    judged = made.get(r.commitment_id)
                    if judged is None:
                        continue
                    owner = names.get(judged.owner_id, "?")
                    found.append(
                        _Entry(
                            REVIEW,
                            r.id,
                            f"Review · {owner}: “{_short(judged.text)}” — {r.outcome.value}",
                            r.note,
                            None,
                            target=r.new_target_date,
                            outcome=r.outcome.value,
                        )
                    )
        if PARKING in self.kinds:
            for p in store.parking(meeting_id):
                found.append(
                    _Entry(PARKING, p.id, f"Parking lot: “{_short(p.text)}”", p.text, None)
                )
        return found

    def _load(self) -> None:
        """Fill the form from the picked entry, when it is another one or it changed."""
        entry = self.entries.get(self.pick.value or "")
        if entry == self._loaded:
            return
        self._loaded = entry
        if entry is None:
            return
        self.text.value = entry.text
        self.text.description = "Note" if entry.kind == REVIEW else "Text"
        people = [(name, i) for i, name in sorted(self._names.items(), key=lambda x: x[1])]
        if entry.kind == ADVICE:
            self.person.description = "Given by"
            self.person.options = [("Anonymous", ANONYMOUS), *people]
            self.person.value = entry.person if entry.person in self._names else ANONYMOUS
            self.advice_kind.value = entry.advice_kind
        elif entry.kind == COMMITMENT:
            self.person.description = "Owner"
            self.person.options = people
            self.person.value = entry.person if entry.person in self._names else None
            self.weight.value = entry.weight or 1.0
        if entry.kind == REVIEW:
            self.outcome.value = entry.outcome
        if entry.kind in (COMMITMENT, REVIEW):
            self.target.value = entry.target
        self._show_fields()

    def _show_fields(self) -> None:
        entry = self._loaded
        kind = entry.kind if entry else None
        shown = {
            self.person: kind in (ADVICE, COMMITMENT),
            self.advice_kind: kind == ADVICE,
            self.outcome: kind == REVIEW,
            self.weight: kind == COMMITMENT,
            self.target_box: kind == COMMITMENT
            or (kind == REVIEW and self.outcome.value == Outcome.RENEGOTIATED.value),
        }
        for control, show in shown.items():
            own_layout(control).display = None if show else "none"
        self.target.description = "New date" if kind == REVIEW else "Target date"

    def _picked(self) -> _Entry:
        entry = self.entries.get(self.pick.value or "")
        if entry is None:
            raise PeerkitError("Pick an entry first.")
        return entry

    def _save(self) -> None:
        entry = self._picked()
        store = self.owner.store
        if entry.kind == ADVICE:
            store.edit_advice(
                entry.id,
                text=self.text.value,
                kind=self.advice_kind.value,
                giver_id=self.person.value or None,
            )
        elif entry.kind == COMMITMENT:
            if self.person.value is None:
                raise PeerkitError("Choose whose commitment it is.")
            store.edit_commitment(
                entry.id,
                text=self.text.value,
                owner_id=self.person.value,
                target_date=self.target.value,
                weight=self.weight.value,
            )
        elif entry.kind == REVIEW:
            renegotiated = self.outcome.value == Outcome.RENEGOTIATED.value
            store.edit_review(
                entry.id,
                outcome=self.outcome.value,
                note=self.text.value,
                new_target_date=self.target.value if renegotiated else None,
            )
        else:
            store.edit_parking(entry.id, self.text.value)
        self.owner._say(f"Saved the {KIND_TITLES[entry.kind].lower()}.")

    def _delete(self) -> None:
        entry = self._picked()
        store = self.owner.store
        delete = {
            ADVICE: store.delete_advice,
            COMMITMENT: store.delete_commitment,
            REVIEW: store.delete_review,
            PARKING: store.delete_parking,
        }[entry.kind]
        done = delete(entry.id)
        self.owner._say(f"Deleted {done.what}. {UNDO_HELP}")
