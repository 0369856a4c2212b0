"""The console's first moment: who is here ("everyone present", then the exceptions), then the
ground rules, accepted with who was there.

A panel of its own, built the first time the facilitator opens it (see :class:`Deferred`), and
drawn only while it shows (:meth:`AttendancePanel.draw`, from the console's snapshot). It acts
through the console's one way for clicks (``owner._act``: store first, then redraw).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ipywidgets as w

from peerkit import live
from peerkit.folder import DEFAULT_GROUND_RULES
from peerkit.model import Attendance, PeerkitError
from peerkit.widgets.parts import (
    SharedLayout,
    SharedToggleButtonsStyle,
    SharesLayout,
    column,
    escape,
    html,
    make_button,
    replace_children,
    row,
    shared,
)

#: One look for every member's toggles: one style and one layout in the page for all of them.
_TOGGLE_STYLE = {"description_width": "9rem", "button_width": "7rem"}


class AttendancePanel(SharesLayout, w.HBox):
    """The roll and the ground rules, for the console ``owner``."""

    def __init__(self, owner: Any) -> None:
        self.owner = owner
        config = owner.config
        self.rules = config.ground_rules if config else DEFAULT_GROUND_RULES
        self.roll = column([], "peerkit-roll")
        self.everyone_button = make_button("Everyone present", "", "users")
        self.count = html()
        self.rules_text = html(
            f"<div class='peerkit-rules'><h2>Ground rules</h2><p>{escape(self.rules)}</p></div>"
        )
        self.rules_button = make_button(
            "The group accepts the ground rules", "success", "handshake-o"
        )
        self.rules_status = html()
        #: Each member's toggle, by member id (built once per meeting and roster).
        self.toggles: dict[int, w.ToggleButtons] = {}
        self._key: tuple[Any, ...] | None = None
        self._drawing = False
        act = owner._act
        self.everyone_button.on_click(lambda _: act(self._everyone_present))
        self.rules_button.on_click(lambda _: act(self._accept_rules))
        roll = column(
            [
                html(
                    "<h2>Attendance</h2><p>Mark who is here; the advice and owner lists follow "
                    "it. “Everyone present” marks all who are not marked yet; then change the "
                    "exceptions.</p>"
                ),
                row([self.everyone_button, self.count]),
                self.roll,
            ]
        )
        rules = column([self.rules_text, self.rules_button, self.rules_status], "peerkit-rules-box")
        super().__init__([roll, rules])
        self.add_class("peerkit-attendance")

    # -- drawing ---------------------------------------------------------------------------

    def draw(self, snap: live.Snapshot | None) -> None:
        """The marks and the ground rules of the snapshot's meeting (None: no meeting open)."""
        self._drawing = True
        try:
            if snap is None or snap.meeting is None:
                self._key, self.toggles = None, {}
                replace_children(self.roll, [html("<p>No meeting open.</p>")])
                self.count.value = ""
                self.rules_status.value = ""
                return
            self._draw_roll(snap)
            self._draw_rules(snap.ground_rules)
        finally:
            self._drawing = False

    def _draw_roll(self, snap: live.Snapshot) -> None:
        marks = snap.attendance
        members = snap.active
        key = (snap.meeting.id if snap.meeting else None, tuple(m.id for m in members))
        if key != self._key:  # build the toggles once per meeting and roster
            self._key = key
            self.toggles = {}
            for member in members:
                toggle = w.ToggleButtons(
                    description=member.name,
                    options=[(a.value.capitalize(), a.value) for a in Attendance],
                    value=None,
                    style=shared(SharedToggleButtonsStyle, **_TOGGLE_STYLE),
                    layout=shared(SharedLayout),
                )
                toggle.observe(lambda change, mid=member.id: self._set(mid, change["new"]), "value")
                self.toggles[member.id] = toggle
            replace_children(self.roll, list(self.toggles.values()))
        for member_id, toggle in self.toggles.items():
            toggle.value = marks[member_id].value if member_id in marks else None
        counts = [
            f"{a.value}: {sum(1 for m in members if marks.get(m.id) is a)}" for a in Attendance
        ]
        unmarked = sum(1 for m in members if m.id not in marks)
        if unmarked:
            counts.append(f"not marked yet: {unmarked}")
        self.count.value = (
            f"<span class='peerkit-note' role='status'>{' · '.join(counts).capitalize()}</span>"
        )

    def _draw_rules(self, accepted: Any) -> None:
        if accepted is None:
            self.rules_status.value = "<span role='status'>Not yet accepted at this meeting.</span>"
            return
        when = dt.datetime.fromtimestamp(accepted.accepted_at).strftime("%H:%M")
        self.rules_status.value = (
            f"<span role='status'>✔ Accepted at {when} with {len(accepted.present)} present.</span>"
        )

    # -- acting ----------------------------------------------------------------------------

    def _everyone_present(self) -> None:
        if self.owner.meeting_id is not None:
            self.owner.store.mark_everyone_present(self.owner.meeting_id)

    def _set(self, member_id: int, status: str) -> None:
        meeting_id = self.owner.meeting_id
        if not self._drawing and meeting_id is not None and status:
            self.owner._act(lambda: self.owner.store.set_attendance(meeting_id, member_id, status))

    def _accept_rules(self) -> None:
        owner, store = self.owner, self.owner.store
        if owner.meeting_id is None:
            raise PeerkitError("Open a meeting first.")
        meeting = store.meeting(owner.meeting_id)
        if not store.attendance(meeting.id):
            raise PeerkitError(
                "Take the attendance first (Attendance tab: “Everyone present”, then the "
                "exceptions): the ground rules are recorded with who was there."
            )
        present = [m.id for m in live.present_members(store, meeting)]
        store.accept_ground_rules(meeting.id, self.rules, present, at=owner.clock())
