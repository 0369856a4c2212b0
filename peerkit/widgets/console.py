"""The facilitator's console: one screen per moment of the meeting, in the order it runs.

The moments are named panels: ``attendance`` (who is here, then the ground rules), ``checkin``
(the commitments due), ``hot_seat`` (the agenda beside the live round and its capture) and
``close`` (parking lot, next date, minutes). ``Console(..., moments=[...])`` chooses and orders
them by name, and takes a coach's own panel as a ``(title, widget)`` pair.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as w

from peerkit import live
from peerkit.folder import CohortConfig
from peerkit.formats import load_formats
from peerkit.meeting import RoundClock, Status, format_plan, meeting_budget
from peerkit.model import (
    MOMENTS,
    AdviceKind,
    Cohort,
    Format,
    Member,
    PeerkitError,
    Round,
)
from peerkit.participation import HotSeatRequest
from peerkit.settings import ACCOUNTABILITY_NOTEBOOK
from peerkit.store import Store
from peerkit.widgets.advice import AdviceRows
from peerkit.widgets.attendance import AttendancePanel
from peerkit.widgets.checkin import CheckIn
from peerkit.widgets.close import ClosePanel
from peerkit.widgets.corrections import ADVICE, COMMITMENT, REVIEW, Corrections
from peerkit.widgets.entry import EntryBox
from peerkit.widgets.filings import filings_html
from peerkit.widgets.follow import follow
from peerkit.widgets.keys import Keys
from peerkit.widgets.look import dress
from peerkit.widgets.parts import (
    Deferred,
    Fold,
    SharesLayout,
    column,
    dated,
    escape,
    html,
    make_button,
    own_layout,
    row,
    set_options,
)
from peerkit.widgets.polls import PollPanel
from peerkit.widgets.privacy import (
    KEEP_CHOICES,
    KEEP_EXPLAINED,
    KEEP_NOTHING,
    PrivacyPanel,
)
from peerkit.widgets.timer import Timer

ROUND_BUTTONS = (
    ("Start", "start", "play"),
    ("Pause", "pause", "pause"),
    ("Resume", "resume", "play"),
    ("+1 min", "extend", "plus"),
    ("Previous phase", "previous", "step-backward"),
    ("Next phase", "next", "step-forward"),
    ("Finish round", "finish", "flag-checkered"),
)
KIND_LABELS = [(k.value.capitalize(), k.value) for k in AdviceKind]
#: A coach's own panel: a ``(title, widget)`` pair among the names.
Moment = str | tuple[str, w.Widget]
LENGTH_HELP = "The meeting's planned length in minutes: the budget counts from its start."
#: The "given by" choice for anonymous advice (a dropdown's None means "nothing chosen").
ANONYMOUS = 0
#: The "given by" placeholder, chosen after each save: advice is never attributed by default.
NOBODY_CHOSEN = -1
GIVER_PLACEHOLDER = "Choose who gave it…"
WHO_GAVE = "Who gave this advice? Choose a member or Anonymous."
#: A commitment's weight unless the facilitator changes it (the weight field returns to it).
DEFAULT_WEIGHT = 1.0
#: The one line that says what a commitment's weight and GAS levels mean (see docs/coaches.md).
COMMIT_HELP = (
    "<p class='peerkit-help'>Weight: how much this commitment counts in the score "
    "(1 = normal). GAS levels: what −2…+2 would look like; 0 is the expected outcome.</p>"
)
PURGED = "That meeting was purged."
#: The GAS level boxes' labels, −2 to +2.
GAS = ("−2 much less", "−1 less", "0 expected", "+1 more", "+2 much more")
ROUND_GONE = (
    "That round is no longer in the store (its meeting was purged, or it was deleted): "
    "nothing was saved."
)
NOTHING_WRITTEN = (
    "<div role='note' class='peerkit-private-note'><strong>Private segment: nothing is written "
    "down.</strong> No issue, advice or commitment is kept for this round; the projector shows "
    "only “Private segment” and the clock.</div>"
)
KEPT_FOR_YOU = (
    "<div role='note' class='peerkit-private-note'><strong>Private segment, kept for you "
    "only.</strong> What you capture here stays in this store: never on the projector, in the "
    "minutes, charts or exports.</div>"
)


class _Gone(PeerkitError):
    """The round a click or an entry was for is no longer in the store."""


class Console(SharesLayout, w.VBox):
    """Everything the facilitator needs during a meeting; every click is stored, then redrawn."""

    def __init__(
        self,
        store: Store,
        cohort: Cohort,
        *,
        formats: dict[str, Format] | None = None,
        clock: Callable[[], float] = time.time,
        today: dt.date | None = None,
        meeting_id: int | None = None,
        chime: bool = True,
        config: CohortConfig | None = None,
        moments: Sequence[Moment] = tuple(MOMENTS),
    ) -> None:
        self.store, self.cohort, self.clock = store, cohort, clock
        self.config = config
        self.formats = formats if formats is not None else load_formats()
        self.today = today or dt.date.today()
        self._editing: int | None = None
        self._owner_round: int | None = None
        #: Hot-seat requests members filed for the meeting shown (by member id), and the issue
        #: the Add a round form took from one (replaced when another presenter is chosen).
        self._requests: dict[int, HotSeatRequest] = {}
        self._filled_issue = ""
        self._suggested_first: int | None = None  # the Presenter list's first, as last drawn
        self._target_default: dt.date | None = None
        self._drawn: tuple[int, int] | None = None  # (round id, phase changes on screen)
        self._building = False
        self._unseen = store.watcher(cohort.id)
        #: True while this console looks at another meeting than the room's screen (chosen in
        #: the Meeting box while the meeting on screen has a live round): see live.on_screen.
        self._peeking = False
        self._on_screen_rounds: list[Round] = []
        self._capture_step: tuple[Any, ...] | None = None

        self.title = html(f"<h1 class='peerkit-title'>{escape(cohort.name)} · console</h1>")
        self.views = html(_accountability_link(config))
        self.meeting_pick = w.Dropdown(
            description="Meeting",
            options=[],
            style={"description_width": "auto"},
            layout=w.Layout(width="24rem"),
        )
        self.today_button = make_button("Open today's meeting", icon="calendar")
        self.chatham = w.Checkbox(
            description="Chatham House mode (no names on screen)",
            indent=False,
            layout=w.Layout(width="auto"),
        )
        self.length = w.BoundedIntText(
            description="Length (min)",
            min=10,
            max=24 * 60,
            step=15,
            tooltip=LENGTH_HELP,
            style={"description_width": "auto"},
            layout=w.Layout(width="11rem"),
        )
        self.budget = html()
        self.fit_button = make_button("Fit agenda to time", icon="compress")
        # What the last click did: where the eye is (a fixed corner of the window, whatever
        # was scrolled), and a live region for screen readers.
        self.status = html()
        self.status.add_class("peerkit-status")
        own_layout(self.status).display = "none"
        self.screen_note = html()  # says so while this console peeks at another meeting
        self.link = html()  # what the console says about the database connection

        self.queue_table = html()
        # Removing and reordering queued rounds, editing or deleting any entry, Undo, closing.
        self.corrections = Corrections(store, self._act, self._say)
        self.queue_presenter = w.Dropdown(
            description="Presenter", options=[], layout=w.Layout(width="34rem")
        )
        default_format = config.default_format if config else ""
        self.queue_format = w.Dropdown(
            description="Format",
            options=list(self.formats),
            value=default_format if default_format in self.formats else next(iter(self.formats)),
        )
        self.queue_issue = w.Text(
            description="Issue",
            placeholder="The problem, in a sentence",
            layout=w.Layout(width="34rem"),
        )
        self.queue_private = w.Checkbox(
            description="Private segment",
            indent=False,
            layout=w.Layout(width="auto"),
        )
        self.queue_keep = w.RadioButtons(
            description="Private text",
            options=KEEP_CHOICES,
            value=KEEP_NOTHING,
            layout=w.Layout(width="auto"),
        )
        self.queue_keep_box = column(
            [
                html(
                    "<p class='peerkit-help'>The projector shows only “Private segment” and the "
                    "clock.</p>"
                ),
                self.queue_keep,
                html(KEEP_EXPLAINED),
            ]
        )
        self.queue_keep_box.add_class("peerkit-keep")
        own_layout(self.queue_keep_box).display = "none"
        self.queue_button = make_button("Add to queue", icon="user-plus")
        self.round_pick = w.Dropdown(description="On screen", options=[])
        self.next_round_button = make_button("Next round", "primary", "forward")
        self.privacy_box = Fold(
            "Make a queued round private",
            lambda: PrivacyPanel(self),
            on_open=lambda: self._act(lambda: None),  # drawn from the redraw
        )
        self.poll_box = Fold(
            "Poll the room", lambda: PollPanel(self), on_open=lambda: self._act(lambda: None)
        )

        self.timer = Timer(size="console", chime=chime)
        self.round_title = html()
        self.shortcuts = Keys()
        self.private_note = html()
        self.round_buttons = {
            key: make_button(text, icon=icon) for text, key, icon in ROUND_BUTTONS
        }
        self.round_buttons["start"].button_style = "success"
        self.round_buttons["next"].button_style = "primary"
        self.phase_table = html()

        self.giver = w.Dropdown(
            description="Given by", options=[(GIVER_PLACEHOLDER, NOBODY_CHOSEN)]
        )
        self.kind = w.ToggleButtons(
            description="Kind",
            options=KIND_LABELS,
            value="suggestion",
            style={"button_width": "auto"},
            layout=w.Layout(width="auto"),
        )
        self.advice_entry = EntryBox(label="Advice", placeholder="Type the advice; Enter saves")
        self.advice_entry.add_class("peerkit-advice-entry")
        self.advice_button = make_button("Add advice", "primary", "plus")
        self.edit_button = make_button("Edit last advice", icon="pencil")
        self.delete_button = make_button("Delete last advice", icon="trash")
        self.cancel_edit = make_button("Cancel edit")
        own_layout(self.cancel_edit).display = "none"
        self.advice_list = AdviceRows()

        self.owner = w.Dropdown(description="Owner", options=[])
        self.commit_entry = EntryBox(
            label="Commitment", placeholder="What will be done; Enter saves", rows=2
        )
        self.target = w.DatePicker(description="Target date")
        self.weight = w.BoundedFloatText(
            description="Weight", value=DEFAULT_WEIGHT, min=0.5, max=10, step=0.5
        )
        # The five GAS boxes are built the first time the fold is opened (most commitments have
        # none): see the `levels` property.
        self.levels_box = Fold(
            "GAS levels",
            lambda: column(
                [
                    w.Text(
                        description=label,
                        placeholder="optional",
                        style={"description_width": "8.5rem"},  # "−2 much less" whole
                        layout=w.Layout(width="100%"),  # the column's width, not 28rem
                    )
                    for label in GAS
                ]
            ),
        )
        self.commit_help = html(COMMIT_HELP)
        self.commit_button = make_button("Add commitment", "primary", "check")
        self.commit_warning = html()
        self.commit_list = html()

        self._wire()
        super().__init__(children=self._layout(moments))
        self.add_class("peerkit-console")
        dress(self)
        # The meeting asked for; else a live round's, today's, the one on screen, the latest.
        self._load_meetings(
            meeting_id
            or live.meeting_to_open(
                store,
                cohort.id,
                self.today,
                self.formats,
                planned_minutes=config.meeting_minutes if config else None,
            )
        )
        self._open_live_round()
        self._build_shown()  # a coach's console may open on its close moment
        self.refresh()
        self.tabs.observe(self._on_tab, "selected_index")
        self._follower = follow(
            store, self.refresh, changed=self._unseen, on_status=self._link, tick=self._tick
        )

    def _open_live_round(self) -> None:
        """A round under way (a reload, a restarted kernel): open on its tab, not on check-in."""
        now = self._on_screen()
        live_round = now.round is not None and now.statuses.get(now.round.id) in live.LIVE
        if live_round and "hot_seat" in self._moment_names:  # a coach may have left it out
            self.show_moment("hot_seat")

    def _on_screen(self) -> live.OnScreen:
        """The meeting this console shows (the room's, unless it peeks) and its round."""
        return live.on_screen(
            self.store, self.cohort.id, self.meeting_id, formats=self.formats, peek=self._peeking
        )

    @property
    def moment(self) -> str | None:
        """The name of the moment on show (a coach's own panel: its title)."""
        index = self.tabs.selected_index
        return None if index is None else self._moment_names[index]

    def show_moment(self, name: str) -> None:
        """Open the moment ``name`` ("attendance", "checkin", "hot_seat", "close")."""
        if name not in self._moment_names:
            raise PeerkitError(f"This console has no {name!r} moment.")
        self.tabs.selected_index = self._moment_names.index(name)

    def _on_tab(self, change: dict[str, Any]) -> None:
        # The check-in (hundreds of widgets on a busy meeting) and the attendance are drawn
        # only while they show, and the attendance, check-in and close moments are built the
        # first time they show: a console opened mid-round starts with the hot seat alone.
        deferred = self._deferred.get(self.moment or "")
        if self.moment in ("checkin", "attendance") or (deferred and deferred.panel is None):
            self._act(self._build_shown)

    def _build_shown(self) -> None:
        """Build the moment on show if it waits to be built (the redraw that follows fills it)."""
        deferred = self._deferred.get(self.moment or "")
        if deferred is not None:
            deferred.build()

    # -- layout -----------------------------------------------------------------------------

    def _layout(self, moments: Sequence[Moment]) -> list[w.Widget]:
        # The hot seat is built, shown or not: the console's drawing keeps its widgets up to
        # date (the round's capture tabs among them) whichever moments the coach chose. The
        # attendance, check-in and close moments are built the first time they are opened (or
        # asked for: `attendance`, `checkin`, `closing`).
        self._close = Deferred(lambda: ClosePanel(self))
        self._checkin = Deferred(self._checkin_panel)
        self._roll = Deferred(lambda: AttendancePanel(self))
        self._deferred = {"attendance": self._roll, "checkin": self._checkin, "close": self._close}
        panels = {
            "attendance": self._roll,
            "checkin": self._checkin,
            "hot_seat": self._hot_seat_panel(),
            "close": self._close,
        }
        names: list[str] = []
        children: list[w.Widget] = []
        for moment in moments:
            if isinstance(moment, str):
                if moment not in panels:
                    raise PeerkitError(
                        f"No console moment called {moment!r}: choose from {', '.join(MOMENTS)}, "
                        "or give your own as a (title, widget) pair."
                    )
                names.append(moment)
                children.append(panels[moment])
            else:
                if not (
                    isinstance(moment, tuple | list)
                    and len(moment) == 2
                    and isinstance(moment[0], str)
                    and isinstance(moment[1], w.Widget)
                ):
                    raise PeerkitError(
                        f"A coach's own moment is a (title, widget) pair, not {moment!r}."
                    )
                title, widget = moment
                names.append(title)
                children.append(widget)
        if len(set(names)) != len(names):
            raise PeerkitError("Each moment can be in the console once.")
        self._moment_names = names
        self.tabs = w.Tab(children=children, titles=[MOMENTS.get(name, name) for name in names])
        self.tabs.add_class("peerkit-moments")
        # The cohort, its budget and "Fit agenda to time" on one line: the budget wraps inside.
        top = row([self.title, self.views, self.budget, self.fit_button])
        top.add_class("peerkit-header-top")
        self.budget.add_class("peerkit-budget-box")
        header = column(
            [
                top,
                row([self.meeting_pick, self.today_button, self.length, self.chatham]),
                self.screen_note,
                self.link,
                self.status,
            ]
        )
        header.add_class("peerkit-header")
        return [header, self.tabs]

    def _checkin_panel(self) -> w.Widget:
        self._check_in = CheckIn(self.store)
        self.filings = html()
        return column(
            [
                self.filings,
                self._check_in,
                self.corrections.editor((REVIEW,), "Correct or delete a review"),
            ]
        )

    @property
    def levels(self) -> list[w.Text]:
        """The GAS level boxes, −2 to +2 (built on first use: opening the fold, or asking)."""
        return list(self.levels_box.content.build().children)

    @property
    def checkin(self) -> CheckIn:
        """The check-in moment's walk through what was due (built on first use; drawn while
        its moment shows)."""
        self._checkin.build()
        return self._check_in

    def _hot_seat_panel(self) -> w.Widget:
        """Three columns on a 1366×768 laptop, nothing to scroll during a round: the agenda
        (queue, next round, adding a round), the live round (countdown, its buttons and keys,
        phases, commitments), and the advice being captured."""
        controls = row(list(self.round_buttons.values()))
        controls.add_class("peerkit-controls")
        for pick in (self.queue_presenter, self.queue_format, self.queue_issue):
            pick.style.description_width = "5.5rem"
            pick.layout.width = "100%"
        self.round_pick.style.description_width = "auto"
        self.round_pick.layout.flex = "1 1 auto"
        self.round_pick.layout.width = "auto"
        own_layout(self.next_round_button).flex = "0 0 auto"
        on_screen = row([self.next_round_button, self.round_pick])
        on_screen.add_class("peerkit-on-screen")
        agenda = column(
            [
                html("<h2>Agenda</h2>"),
                self.queue_table,
                on_screen,
                html("<h3>Add a round</h3>"),
                self.queue_presenter,
                self.queue_format,
                self.queue_issue,
                self.queue_private,
                self.queue_keep_box,
                self.queue_button,
                self.corrections.queue_box,
                self.privacy_box,
                self.poll_box,
            ]
        )
        agenda.add_class("peerkit-agenda")
        for pick in (self.owner, self.target, self.weight):
            pick.style.description_width = "auto"
        self.owner.layout.width = "100%"
        self.target.layout.width = "16rem"  # 12rem cut the date to "12/3…" at this type size
        self.weight.layout.width = "9rem"
        self.commit_box = commitments = column(
            [
                self.owner,
                row([dated(self.target), self.weight], flex_flow="row wrap"),
                self.commit_entry,
                row([self.commit_button, self.commit_warning]),
                self.levels_box,
                self.commit_help,
                self.commit_list,
            ]
        )
        live_round = column(
            [
                self.round_title,
                self.timer,
                controls,
                self.shortcuts,
                self.private_note,
                self.phase_table,
            ]
        )
        live_round.add_class("peerkit-live-round")
        self.giver.style.description_width = self.kind.style.description_width = "auto"
        self.advice_box = advice = column(
            [
                self.giver,
                self.kind,
                self.advice_entry,
                row(
                    [
                        self.advice_button,
                        self.edit_button,
                        self.delete_button,
                        self.corrections.undo_button(ADVICE),
                        self.cancel_edit,
                    ]
                ),
                self.advice_list,
            ]
        )
        # Advice or commitments, as the phase asks (switched at each phase; a click overrides).
        self.capture = w.Tab(children=[advice, commitments], titles=("Advice", "Commitments"))
        capture = column(
            [
                self.capture,
                self.corrections.editor(
                    (ADVICE, COMMITMENT), "Correct or delete advice or a commitment"
                ),
            ]
        )
        capture.add_class("peerkit-capture")
        hot_seat = row([agenda, live_round, capture])
        hot_seat.add_class("peerkit-hot-seat")
        return hot_seat

    @property
    def attendance(self) -> AttendancePanel:
        """The attendance moment's panel (the roll, the ground rules): built on first use,
        drawn while it shows."""
        panel = self._roll.build()
        assert isinstance(panel, AttendancePanel)
        return panel

    def _ready(self, deferred: Deferred) -> w.Widget:
        """The panel ``deferred`` waits to build: built, and drawn, now if it was not yet."""
        if deferred.panel is None:
            deferred.build()
            self.refresh()
        return deferred.build()

    @property
    def closing(self) -> ClosePanel:
        """The close moment's panel (parking lot, next date, minutes): built, and drawn, on
        first use, shown or not."""
        panel = self._ready(self._close)
        assert isinstance(panel, ClosePanel)
        return panel

    @property
    def _privacy(self) -> PrivacyPanel | None:
        panel = self.privacy_box.content.panel
        return panel if isinstance(panel, PrivacyPanel) else None

    @property
    def polls(self) -> PollPanel:
        """The agenda's fold that polls the room: built, and drawn, on first use."""
        panel = self._ready(self.poll_box.content)
        assert isinstance(panel, PollPanel)
        return panel

    @property
    def privacy(self) -> PrivacyPanel:
        """The agenda's fold that makes a queued round private: built, and drawn, on first use
        (opening the fold, or asking)."""
        panel = self._ready(self.privacy_box.content)
        assert isinstance(panel, PrivacyPanel)
        return panel

    def _wire(self) -> None:
        self.meeting_pick.observe(self._on_meeting, "value")
        self.today_button.on_click(lambda _: self._act(self._open_today))
        self.chatham.observe(self._on_chatham, "value")
        self.fit_button.on_click(lambda _: self._act(self._fit))
        self.length.observe(self._on_length, "value")
        self.next_round_button.on_click(lambda _: self._act(self._next_round))
        self.shortcuts.on_intent(lambda intent: self._act(lambda: self._shortcut(intent)))
        self.queue_button.on_click(lambda _: self._act(self._queue))
        self.queue_private.observe(lambda _: self._sync_queue_form(), "value")
        self.queue_presenter.observe(lambda _: self._fill_requested_issue(), "value")
        self.queue_keep.observe(lambda _: self._sync_queue_form(), "value")
        self.round_pick.observe(self._on_round, "value")
        for key, button in self.round_buttons.items():
            button.on_click(lambda _, key=key: self._act(lambda: self._round_command(key)))
        self.advice_entry.on_submit(self._then_redraw(self._save_advice))
        self.advice_button.on_click(lambda _: self._act(self.advice_entry.submit))
        self.advice_list.on_star(self._star)
        self.edit_button.on_click(lambda _: self._act(self._edit_last))
        self.cancel_edit.on_click(lambda _: self._act(self._stop_editing))
        self.delete_button.on_click(lambda _: self._act(self._delete_last))
        self.commit_entry.on_submit(self._then_redraw(self._save_commitment))
        self.commit_button.on_click(lambda _: self._act(self.commit_entry.submit))
        self.owner.observe(lambda _: self._show_commit_warning(), "value")

    # -- the one way every click goes: store first, then redraw ---------------------------

    def _act(self, action: Callable[[], object]) -> None:
        self._say("")
        try:
            action()
        except PeerkitError as exc:
            self._say(str(exc), error=True)
        except Exception as exc:  # keep the console alive whatever happens
            self._say(
                f"Something went wrong ({type(exc).__name__}: {exc}); nothing was lost.", True
            )
        try:
            self.refresh()
        except PeerkitError as exc:  # the store went away: say so, keep what is on screen
            self._say(str(exc), error=True)

    def _then_redraw(self, save: Callable[[str], None]) -> Callable[[str], None]:
        """An entry box's saver that redraws after saving; errors stay beside the box."""

        def saver(text: str) -> None:
            try:
                save(text)
            except _Gone:
                self.refresh()  # the console moves off what is gone, and says so
                raise
            except PeerkitError:
                raise
            except Exception as exc:  # its message may quote the text: the type is enough
                raise PeerkitError(
                    f"Something went wrong ({type(exc).__name__}); the text is still here."
                ) from None
            self.refresh()

        return saver

    def _say(self, message: str, error: bool = False) -> None:
        own_layout(self.status).display = None if message else "none"
        if not message:
            self.status.value = ""
        elif error:
            self.status.value = (
                f"<div role='alert' class='peerkit-error'>⚠ Not done: {escape(message)}</div>"
            )
        else:
            self.status.value = f"<div role='status' class='peerkit-note'>{escape(message)}</div>"

    # -- meeting ----------------------------------------------------------------------------

    @property
    def meeting_id(self) -> int | None:
        return self.meeting_pick.value

    def _load_meetings(self, select: int | None = None) -> None:
        """List the meetings and open ``select`` (else the one on screen, else the newest), as
        if chosen in the Meeting box."""
        meetings = self.store.meetings(self.cohort.id)
        screen = self.store.screen(self.cohort.id)
        chosen = select or screen.meeting_id or (meetings[-1].id if meetings else None)
        self._building = True
        try:
            self._meeting_options(meetings, chosen)
            self.chatham.value = screen.chatham_house
        finally:
            self._building = False
        if self.meeting_id:
            self._choose_meeting(self.meeting_id)

    def _choose_meeting(self, meeting_id: int) -> None:
        """The facilitator chose a meeting: it goes on the room's screen too, unless the
        meeting there has a live round (then this console only peeks; live.on_screen)."""
        screen = live.put_on_screen(
            self.store, self.cohort.id, meeting_id=meeting_id, formats=self.formats, keep_live=True
        )
        self._peeking = screen.meeting_id != meeting_id

    def _meeting_options(self, meetings: Any, chosen: int | None) -> None:
        """List ``meetings`` (newest first) in the meeting box and choose ``chosen`` (None, or
        a meeting not listed: none chosen)."""
        options = [(f"{m.date.isoformat()} · {m.place or 'no place'}", m.id) for m in meetings]
        if list(self.meeting_pick.options) != options[::-1]:
            self.meeting_pick.options = options[::-1]
        self.meeting_pick.value = chosen if chosen in {m.id for m in meetings} else None

    def _open_today(self) -> None:
        meeting = live.meeting_for_today(
            self.store,
            self.cohort.id,
            self.today,
            planned_minutes=self.config.meeting_minutes if self.config else None,
        )
        # Always on the room's screen (a peek ends here); a round running in it stays there.
        # A meeting brought on screen starts in the folder's Chatham House mode; clicking again
        # keeps the mode the facilitator set (names stay off the projector).
        opening = self.store.screen(self.cohort.id).meeting_id != meeting.id
        live.put_on_screen(
            self.store,
            self.cohort.id,
            meeting_id=meeting.id,
            chatham_house=self.config.chatham_house if self.config and opening else None,
            formats=self.formats,
        )
        self._peeking = False
        self._load_meetings(meeting.id)
        self._say(f"Today's meeting ({meeting.date.isoformat()}) is open.")

    def _on_meeting(self, change: dict[str, Any]) -> None:
        if not self._building and change["new"]:
            self._act(lambda: self._choose_meeting(change["new"]))

    def _on_chatham(self, change: dict[str, Any]) -> None:
        if not self._building:
            self._act(
                lambda: live.put_on_screen(
                    self.store, self.cohort.id, chatham_house=change["new"], formats=self.formats
                )
            )

    def _on_length(self, change: dict[str, Any]) -> None:
        if not self._building and self.meeting_id is not None and change["new"]:
            self._act(lambda: self._set_length(int(change["new"])))

    def _set_length(self, minutes: int) -> None:
        if self.meeting_id is None:
            raise PeerkitError("Open a meeting first.")
        meeting = self.store.update_meeting(self.meeting_id, planned_minutes=minutes)
        self._say(f"The meeting is planned for {meeting.planned_minutes} minutes.")

    def _fit(self) -> None:
        if self.meeting_id is None:
            raise PeerkitError("Open a meeting first.")
        budget = meeting_budget(self.store, self.meeting_id, self.formats, self.clock())
        if not budget.fits:
            raise PeerkitError(budget.message)
        if budget.scale >= 1.0:
            self._say("The agenda already fits.")
            return
        for rnd in self.store.rounds(self.meeting_id):
            clock = self._clock_for(rnd.id)
            if clock.state.status is not Status.FINISHED:
                clock.fit(budget.scale)

    # -- rounds -----------------------------------------------------------------------------

    def _queue(self) -> None:
        if self.meeting_id is None:
            raise PeerkitError("Open a meeting first.")
        if self.queue_presenter.value is None:
            raise PeerkitError("Choose who presents.")
        private = bool(self.queue_private.value)
        keeps_nothing = private and self.queue_keep.value == KEEP_NOTHING
        self.store.add_round(
            self.meeting_id,
            self.queue_presenter.value,
            self.queue_format.value,
            issue="" if keeps_nothing else self.queue_issue.value,
            private=private,
            keep_text=not keeps_nothing,
        )
        self.queue_issue.value = ""
        self.queue_private.value = False  # the next round is not private by accident
        self.queue_keep.value = KEEP_NOTHING
        # Nothing to put on screen: a meeting's next queued round is on screen by the rule
        # (live.on_screen) when no other round is running or was put there.

    def _fill_requested_issue(self) -> None:
        """Choosing a presenter who asked for the hot seat from their page fills in the issue
        they gave, unless something else is typed there already."""
        request = self._requests.get(self.queue_presenter.value)
        typed = self.queue_issue.value.strip()
        if self.queue_issue.disabled or (typed and typed != self._filled_issue):
            return
        self._filled_issue = request.issue if request else ""
        self.queue_issue.value = self._filled_issue

    def _sync_queue_form(self) -> None:
        """A private round asks what it keeps; keeping nothing leaves no issue to type."""
        private = bool(self.queue_private.value)
        own_layout(self.queue_keep_box).display = None if private else "none"
        keeps_nothing = private and self.queue_keep.value == KEEP_NOTHING
        self.queue_issue.disabled = keeps_nothing
        if keeps_nothing:
            self.queue_issue.value = ""
            self.queue_issue.placeholder = "Not written down (keep nothing)"
        else:
            self.queue_issue.placeholder = "The problem, in a sentence"

    def _round(self, round_id: int) -> Round:
        """The round, read again; a plain message when it is gone (purged from elsewhere)."""
        try:
            return self.store.round(round_id)
        except PeerkitError:
            meeting_rounds = self.store.rounds(self.meeting_id) if self.meeting_id else []
            if any(r.id == round_id for r in meeting_rounds):
                raise  # it is there: the problem was something else
            raise _Gone(ROUND_GONE) from None

    def _on_round(self, change: dict[str, Any]) -> None:
        if not self._building and change["new"]:
            self._act(lambda: self._put_on_screen(self._round(change["new"])))

    def _put_on_screen(self, rnd: Round) -> None:
        """``rnd`` and its meeting on the room's screen (refused while another round of that
        meeting runs); this console shows that meeting from now on."""
        live.put_on_screen(self.store, self.cohort.id, round_id=rnd.id, formats=self.formats)
        if rnd.meeting_id != self.meeting_id:
            self._load_meetings(rnd.meeting_id)
        self._peeking = False

    @property
    def round_id(self) -> int | None:
        return self.round_pick.value

    def _next_round(self) -> None:
        """The next queued round after the one on screen goes on screen (the round on screen,
        if it is still running, keeps running: put_on_screen refuses beside a live round)."""
        now = self._on_screen()
        rounds = list(now.rounds)
        after = rounds.index(now.round) + 1 if now.round in rounds else 0
        waiting = [r for r in rounds[after:] if now.statuses[r.id] is Status.READY]
        waiting = waiting or [r for r in rounds if now.statuses[r.id] is Status.READY]
        if not waiting:
            raise PeerkitError("No round is waiting in the agenda: add one first.")
        self._put_on_screen(waiting[0])

    def _shortcut(self, intent: str) -> None:
        """A key pressed during the round: the button it stands for, if that button is live."""
        if intent == "advice":
            self.capture.selected_index = 0
            self.shortcuts.focus()
            return
        keys = ("start", "resume", "pause") if intent == "toggle" else (intent,)
        for key in keys:
            if not self.round_buttons[key].disabled:
                self._round_command(key)
                return
        raise PeerkitError("That key does nothing now: no round is under way on screen.")

    def _clock_for(self, round_id: int, expected: int | None = None) -> RoundClock:
        rnd = self._round(round_id)
        fmt = self.formats.get(rnd.format_name)
        if fmt is None:
            raise PeerkitError(f"The format {rnd.format_name!r} is not loaded here.")
        return RoundClock(self.store, round_id, fmt, self.clock, expected=expected)

    def _round_command(self, key: str) -> None:
        if self.round_id is None:
            raise PeerkitError("Add a round to the queue first.")
        # The click means "from what this screen shows": if another window (a scribe's) moved
        # the round on meanwhile, it is refused and said so, not applied a second time.
        drawn = self._drawn[1] if self._drawn and self._drawn[0] == self.round_id else None
        clock = self._clock_for(self.round_id, expected=drawn)
        # Every action on a round makes it the one on screen, stored before the action (and
        # both before the redraw): the room sees the round the facilitator works on.
        self._put_on_screen(self._round(self.round_id))
        getattr(clock, key)()

    # -- advice -----------------------------------------------------------------------------

    def _save_advice(self, text: str) -> None:
        if self._editing is not None:
            self.store.edit_advice(
                self._editing, text=text, kind=self.kind.value, giver_id=self._giver_id()
            )
            self._stop_editing()
            return
        if self.round_id is None:
            raise PeerkitError("Start a round before capturing advice.")
        rnd = self._round(self.round_id)
        self.store.add_advice(
            rnd.id,
            text,
            giver_id=self._giver_id(),
            kind=self.kind.value,
            at=self.clock(),
        )
        self.giver.value = NOBODY_CHOSEN  # the next advice is not attributed to this giver

    def _giver_id(self) -> int | None:
        """The chosen giver's member id, None for Anonymous; asks when nobody is chosen."""
        if self.giver.value in (None, NOBODY_CHOSEN):
            raise PeerkitError(WHO_GAVE)
        return None if self.giver.value == ANONYMOUS else int(self.giver.value)

    def _last_advice(self) -> Any:
        items = self.store.advice(self.round_id) if self.round_id else []
        if not items:
            raise PeerkitError("There is no advice in this round yet.")
        return items[-1]

    def _edit_last(self) -> None:
        last = self._last_advice()
        self._editing = last.id
        self.advice_entry.value = last.text
        self.kind.value = last.kind.value
        if (last.giver_id or ANONYMOUS) in {v for _, v in self.giver.options}:
            self.giver.value = last.giver_id or ANONYMOUS
        self.advice_button.description = "Save edit"
        own_layout(self.cancel_edit).display = None
        self._say("Editing the last advice: change it and press Enter or Save edit.")

    def _stop_editing(self) -> None:
        self._editing = None
        self.advice_button.description = "Add advice"
        own_layout(self.cancel_edit).display = "none"
        self.advice_entry.value = ""
        self.giver.value = NOBODY_CHOSEN  # the edited advice's giver is not the next one's

    def _delete_last(self) -> None:
        done = self.store.delete_advice(self._last_advice().id)
        self._say(f"Deleted {done.what}. Undo brings it back until the meeting is closed.")

    def _star(self, advice_id: int, starred: bool) -> None:
        self._act(lambda: self.store.edit_advice(advice_id, starred=starred))

    # -- commitments and parking lot --------------------------------------------------------

    def _save_commitment(self, text: str) -> None:
        if self.meeting_id is None:
            raise PeerkitError("Open a meeting first.")
        if self.owner.value is None:
            raise PeerkitError("Choose whose commitment it is.")
        if self.target.value is None:
            raise PeerkitError("Set the target date the member chooses.")
        boxes = self.levels if self.levels_box.content.panel is not None else []
        levels = [box.value for box in boxes]
        rnd = self._round(self.round_id) if self.round_id is not None else None
        self.store.add_commitment(
            self.owner.value,
            self.meeting_id,
            text,
            self.target.value,
            round_id=rnd.id if rnd else None,
            weight=self.weight.value,
            levels=levels if any(x.strip() for x in levels) else None,
        )
        # Saved: the next commitment starts from the defaults, not from this one's values.
        self.weight.value = DEFAULT_WEIGHT
        for box in boxes:
            box.value = ""

    def _show_commit_warning(self) -> None:
        if self.owner.value is None:
            self.commit_warning.value = ""
            return
        owner = self.store.member(self.owner.value)
        self._warn(live.commitment_warning(self.store, self.cohort.id, owner))

    def _warn(self, message: str) -> None:
        """Say so beside the owner when they already carry many open commitments."""
        self.commit_warning.value = (
            f"<div role='status' class='peerkit-warning'>⚠ {escape(message)}</div>"
            if message
            else ""
        )

    # -- redraw from the store --------------------------------------------------------------

    def _link(self, message: str, problem: bool) -> None:
        """Say that the database went away, or came back (the follower calls this)."""
        if not message:
            self.link.value = ""
        elif problem:
            self.link.value = f"<div role='alert' class='peerkit-error'>⚠ {escape(message)}</div>"
        else:
            self.link.value = f"<div role='status' class='peerkit-note'>✓ {escape(message)}</div>"

    def refresh(self) -> None:
        """Redraw every panel from what the store holds now."""
        # Everything committed until now is read below; _unseen() reports only later commits.
        self._unseen()
        self._building = True
        try:
            self._draw()
        finally:
            self._building = False

    def _snapshot(self) -> live.Snapshot:
        """The meeting this console shows (the room's, unless it peeks), read at once."""
        return live.snapshot(
            self.store,
            self.cohort.id,
            self.meeting_id,
            formats=self.formats,
            now=self.clock(),
            peek=self._peeking,
        )

    def _draw(self) -> None:
        snap = self._snapshot()
        now = snap.where
        if now.meeting is None:
            self._peeking = False  # the meeting it peeked at is gone: it follows the room again
            self._draw_no_meeting(now)
            return
        if now.shown:
            self._peeking = False  # another window (or this one) put it on the room's screen
        meeting = now.meeting
        if meeting.id != self.meeting_id:  # another window put a meeting on screen
            self._meeting_options(now.meetings, meeting.id)
        self.chatham.value = now.screen.chatham_house
        self._draw_screen_note(now)
        members = snap.members
        rounds = list(now.rounds)
        self._on_screen_rounds = rounds
        statuses = now.statuses
        rnd = now.round
        # The countdown and its buttons first: what the facilitator just clicked shows at once.
        self._draw_round(snap)
        labels = [
            (f"{i + 1}. {members[r.presenter_id].name} · {r.format_name}{_private_mark(r)}", r.id)
            for i, r in enumerate(rounds)
        ]
        self.round_pick.options = labels
        self.round_pick.value = rnd.id if rnd else None
        if self._privacy is not None:
            self._privacy.draw(labels, rnd.id if rnd else None)
        polls = self.poll_box.content.panel
        if isinstance(polls, PollPanel):
            polls.draw(*self.store.poll_answers(meeting.id))
        self.queue_table.value = self._queue_html(rounds, statuses, members, rnd)
        queued = [
            pair for pair, r in zip(labels, rounds, strict=True) if statuses[r.id] is Status.READY
        ]
        on_screen = rnd.id if rnd else None
        self.next_round_button.disabled = not any(r_id != on_screen for _, r_id in queued)
        self.corrections.draw(meeting.id, rounds, members, queued)
        present = snap.present
        if self.moment == "attendance":
            self.attendance.draw(snap)
        if self.moment == "checkin":
            self.checkin.show(meeting.id)
            self.filings.value = filings_html(snap)
        self._requests = snap.requests
        suggested = [
            (_suggestion(m, last, snap.requests.get(m.id)), m.id) for m, last in snap.suggestions
        ]
        if self.queue_presenter.value == self._suggested_first:
            # Not chosen by the facilitator: the list's first suggestion, which a request filed
            # since may have changed; a presenter the facilitator chose stays chosen.
            self.queue_presenter.value = None
        set_options(self.queue_presenter, suggested)
        self._suggested_first = suggested[0][1] if suggested else None
        self._fill_requested_issue()  # the request of the presenter chosen, filed just now
        people = [(m.name, m.id) for m in present]
        set_options(
            self.giver, [(GIVER_PLACEHOLDER, NOBODY_CHOSEN), ("Anonymous", ANONYMOUS), *people]
        )
        round_id = rnd.id if rnd else None
        if round_id != self._owner_round:  # a new round: its presenter commits first
            self.owner.value = None
            self._owner_round = round_id
        set_options(self.owner, people, prefer=rnd.presenter_id if rnd else None)
        # The target date defaults to the meeting's next date; another meeting, or a next date
        # set since, moves a default the facilitator has not changed.
        default = meeting.next_date or meeting.date + dt.timedelta(days=28)
        if self.target.value in (None, self._target_default):
            self.target.value = default
        self._target_default = default
        self._warn(snap.commitment_warning(self.owner.value) if self.owner.value else "")
        if isinstance(self._close.panel, ClosePanel):
            self._close.panel.draw(snap)
        self.length.value = meeting.planned_minutes
        self._draw_budget(meeting, snap.budget)

    def _tick(self) -> None:
        """What moves with the clock alone, drawn again: the budget and the phases' times."""
        snap = self._snapshot()
        if snap.meeting is not None:
            self._draw_budget(snap.meeting, snap.budget)
            if snap.view is not None:
                self._draw_phases(snap.view)

    def _draw_budget(self, meeting: Any, budget: Any) -> None:
        """The meeting's time: from its start (the first thing recorded at it) to its planned
        length, against what is left of the agenda. Another day's meeting has no clock."""
        day = self.today
        self.fit_button.disabled = meeting.date != day
        if meeting.date != day:
            when = "was held" if meeting.date < day else "is planned"
            self.budget.value = (
                f"<div class='peerkit-budget'><strong>Meeting budget</strong> This meeting "
                f"{when} on {meeting.date.isoformat()} ({meeting.planned_minutes} min): the "
                "budget counts on the day.</div>"
            )
            return
        mark = "✔" if budget.scale >= 1 else ("↘" if budget.fits else "✖ Does not fit:")
        started = (
            f" Started {dt.datetime.fromtimestamp(meeting.started_at).strftime('%H:%M')}."
            if meeting.started_at
            else " Starts with the attendance."
        )
        self.budget.value = (
            f"<div class='peerkit-budget'><strong>Meeting budget</strong> "
            f"{mark} {escape(budget.message)}{started}</div>"
        )

    def _draw_screen_note(self, now: live.OnScreen) -> None:
        """While this console peeks at another meeting, say what the room sees instead."""
        room = next((m for m in now.meetings if m.id == now.screen.meeting_id), None)
        if not self._peeking or room is None:
            self.screen_note.value = ""
            return
        self.screen_note.value = (
            "<div role='status' class='peerkit-note peerkit-screen-note'>Shown here only: the "
            f"projector stays on the {room.date.isoformat()} meeting (a round was under way "
            "there). Choose that meeting again, or act on a round here, to move it.</div>"
        )

    def _draw_no_meeting(self, now: live.OnScreen) -> None:
        """No meeting open, or the one open is gone (purged from another window or the CLI):
        nothing of it stays on screen, and the facilitator is told plainly."""
        self._meeting_options(now.meetings, None)
        self.screen_note.value = ""
        self.chatham.value = now.screen.chatham_house
        if now.missing is not None:
            self._say(PURGED)
        self.budget.value = (
            "<p>No meeting open: choose one, or press “Open today's meeting”.</p>"
            if now.meetings
            else "<p>No meeting yet: press “Open today's meeting”.</p>"
        )
        self._draw_round(None)
        for pick in (self.round_pick, self.queue_presenter, self.owner):
            pick.options = []
        if self._privacy is not None:
            self._privacy.draw([], None)
        polls = self.poll_box.content.panel
        if isinstance(polls, PollPanel):
            polls.draw(None, None)
        self.queue_table.value = "<p>No meeting open.</p>"
        self.corrections.draw(None)
        if self._checkin.panel is not None:
            self.checkin.show(None)
        if isinstance(self._roll.panel, AttendancePanel):
            self._roll.panel.draw(None)
        if isinstance(self._close.panel, ClosePanel):
            self._close.panel.draw(None)
        self.target.value = self._target_default = None
        self.commit_warning.value = ""

    def _queue_html(
        self, rounds: list[Any], statuses: dict[int, Status], members: dict, shown: Round | None
    ) -> str:
        """The agenda: each round with its planned minutes and status, the one on screen
        marked by words and an arrow, not by its shade alone."""
        if not rounds:
            return "<p>No rounds queued yet: add the first below.</p>"
        rows = []
        for i, r in enumerate(rounds):
            fmt = self.formats.get(r.format_name)
            minutes = f" · {sum(format_plan(fmt)) / 60:.0f} min" if fmt else ""
            now = shown is not None and r.id == shown.id
            mark = "<strong>▶ on screen</strong> · " if now else ""
            rows.append(
                f"<tr class='{'now' if now else statuses[r.id].value}' "
                f"title='{escape(r.format_name)}'><td>{i + 1}</td>"
                f"<td><strong>{escape(members[r.presenter_id].name)}</strong>"
                f"<span class='peerkit-agenda-meta'>{mark}{escape(statuses[r.id].value)}"
                f"{escape(_private_mark(r))}{minutes}</span></td>"
                f"<td><span class='peerkit-agenda-issue'>{escape(r.issue)}</span></td></tr>"
            )
        return (
            "<div class='peerkit-agenda-list' tabindex='0' role='region' aria-label='Agenda'>"
            "<table class='peerkit-table'>"
            "<caption class='peerkit-visually-hidden'>Hot-seat queue</caption><thead><tr>"
            "<th scope='col'>#</th><th scope='col'>Round</th><th scope='col'>Issue</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )

    def _capture_for(self, view: live.RoundView) -> None:
        """At each new step of the round, the capture the phase asks for: commitments in a
        commitment phase and once the round is finished (what it led to), advice otherwise.
        Between steps the facilitator's choice stays."""
        step = (view.round.id, view.status, view.state.phase)
        if step == self._capture_step:
            return
        self._capture_step = step
        phase = view.format.phases[view.state.phase] if view.status in live.LIVE else None
        outcome = view.status == Status.FINISHED or (phase is not None and phase.commitments)
        self.capture.selected_index = 1 if outcome else 0

    def _draw_phases(self, view: live.RoundView) -> None:
        rows = "".join(
            f"<tr class='{mark}'><td>{'▶ ' if mark == 'now' else ''}{escape(name)}</td>"
            f"<td>{planned:.1f}</td><td>{used:.1f}</td><td>{mark}</td></tr>"
            for name, planned, used, mark in view.phase_table
        )
        self.phase_table.value = (
            "<table class='peerkit-table peerkit-phases'><caption>Phases (minutes)</caption>"
            "<thead><tr><th scope='col'>Phase</th><th scope='col'>Planned</th>"
            "<th scope='col'>Used</th><th scope='col'>State</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )

    def _draw_round(self, snap: live.Snapshot | None) -> None:
        rnd, view = (snap.round, snap.view) if snap is not None else (None, None)
        if snap is None or rnd is None or view is None:
            self._drawn = None
            self.round_title.value = "<h2 class='peerkit-round-title'>No round on screen</h2>"
            self.timer.clear()
            self.phase_table.value = ""
            self.advice_list.show([], {})
            self.commit_list.value = ""
            self.private_note.value = ""
            self.capture.layout.display = None
            for button in self.round_buttons.values():
                button.disabled = True
            return
        round_id = rnd.id
        self._capture_for(view)
        number = next((i + 1 for i, r in enumerate(self._on_screen_rounds) if r.id == rnd.id), 0)
        issue = f": {escape(rnd.issue)}" if rnd.issue else ""
        self.round_title.value = (
            f"<h2 class='peerkit-round-title'>Round {number} · {escape(view.presenter)}</h2>"
            f"<p class='peerkit-round-issue'>{escape(rnd.format_name)}{escape(_private_mark(rnd))}"
            f"{issue}</p>"
        )
        self._drawn = (round_id, view.seen)
        self.timer.show(**view.timer_args)
        enabled = {
            Status.READY: {"start"},
            Status.RUNNING: {"pause", "extend", "previous", "next", "finish"},
            Status.PAUSED: {"resume", "extend", "previous", "next", "finish"},
            Status.FINISHED: set(),
        }[view.status]
        for key, button in self.round_buttons.items():
            button.disabled = key not in enabled
            if key == "previous" and view.state.phase == 0:
                button.disabled = True
        self._draw_phases(view)
        # A private round that keeps nothing has nothing to capture: a note, not a form.
        self.private_note.value = (
            NOTHING_WRITTEN if rnd.keeps_nothing else KEPT_FOR_YOU if rnd.private else ""
        )
        self.capture.layout.display = "none" if rnd.keeps_nothing else None
        if rnd.keeps_nothing and self._editing is not None:
            self._stop_editing()
        names = snap.names
        self.advice_list.show(snap.advice, names)
        mine = snap.round_commitments(round_id)
        self.commit_list.value = (
            "<ul>"
            + "".join(
                f"<li><strong>{escape(names.get(c.owner_id, '?'))}</strong>: {escape(c.text)} "
                f"(by {c.target_date.isoformat()})</li>"
                for c in mine
            )
            + "</ul>"
        )


def _suggestion(member: Member, last: dt.date | None, request: HotSeatRequest | None) -> str:
    """A presenter's line in the Add a round list: what they asked for, or when they last
    presented."""
    if request is not None:
        return f"{member.name} — asked: {request.urgency.value}, {request.minutes} min"
    return f"{member.name} — last presented {last.isoformat() if last else 'never'}"


def _accountability_link(config: CohortConfig | None) -> str:
    """A link to the accountability view that `peerkit serve` serves beside the console (a new
    tab, so the meeting stays open here); nothing when that notebook is not beside this one."""
    folder = config.folder if config else Path.cwd()
    if not (folder / ACCOUNTABILITY_NOTEBOOK).is_file():
        return ""
    return (
        f"<p class='peerkit-links'><a href='{ACCOUNTABILITY_NOTEBOOK}' target='_blank' "
        "rel='noopener'>Accountability view<span class='peerkit-visually-hidden'> (opens in a "
        "new tab)</span> <span aria-hidden='true'>↗</span></a></p>"
    )


def _private_mark(rnd: Round) -> str:
    """How the queue marks a private round."""
    if rnd.keeps_nothing:
        return " · private, keeps nothing"
    return " · private, kept for you" if rnd.private else ""
