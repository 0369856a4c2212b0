"""The console's last moment: the parking lot, the next meeting's date, the minutes, closing.

A panel of its own, built the first time the facilitator opens it (see :class:`Deferred`): a
console opened mid-round does not create its widgets. It draws from the console's snapshot
(:meth:`ClosePanel.draw`) and acts through the console's one way for clicks (``owner._act``:
store first, then redraw).
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
from pathlib import Path
from typing import Any

import ipywidgets as w

from peerkit import live
from peerkit.folder import minutes_dir
from peerkit.model import PeerkitError
from peerkit.widgets.corrections import PARKING
from peerkit.widgets.entry import EntryBox
from peerkit.widgets.follow import redraw_failed
from peerkit.widgets.parts import SharesLayout, dated, escape, html, make_button, row

#: The export button's words, at rest and while an export runs.
EXPORT, EXPORTING = "Export minutes", "Exporting…"
EXPORT_NAMES = {"html": "HTML", "md": "Markdown", "pdf": "PDF"}
EXPORT_TYPES = {"html": "text/html", "md": "text/markdown", "pdf": "application/pdf"}


class ClosePanel(SharesLayout, w.VBox):
    """Parking lot, next meeting's date, minutes and closing, for the console ``owner``."""

    def __init__(self, owner: Any) -> None:
        self.owner = owner
        config = owner.config
        self._meeting_drawn: int | None = None
        self.parking_entry = EntryBox(label="Parking lot", placeholder="A topic for later")
        self.parking_button = make_button("Add to parking lot", icon="thumb-tack")
        self.parking_list = html()
        self.next_date = w.DatePicker(description="Next meeting")
        self.next_button = make_button("Save next meeting date", icon="calendar")
        self.export_to = w.Dropdown(
            description="Minutes as",
            options=[(name, key) for key, name in EXPORT_NAMES.items()],
            value="html",
        )
        self.export_chatham = w.Checkbox(
            description="Chatham House (no attributions)",
            value=bool(config and config.chatham_house),
            indent=False,
            layout=w.Layout(width="auto"),
        )
        self.export_button = make_button(EXPORT, "primary", "download")
        self.export_result = html()  # the last click's outcome, and only it
        #: The export under way on a worker thread (await it to know it is done), or None.
        self.export_task: asyncio.Task[None] | None = None

        act = owner._act
        self.parking_entry.on_submit(owner._then_redraw(self._save_parking))
        self.parking_button.on_click(lambda _: act(self.parking_entry.submit))
        self.next_button.on_click(lambda _: act(self._save_next_date))
        self.export_button.on_click(lambda _: act(self._export))
        super().__init__(
            [
                html("<h2>Parking lot</h2>"),
                self.parking_entry,
                self.parking_button,
                self.parking_list,
                owner.corrections.editor((PARKING,), "Correct or delete a parking-lot item"),
                row([dated(self.next_date), self.next_button]),
                html("<h2>Minutes</h2>"),
                row([self.export_to, self.export_chatham, self.export_button]),
                self.export_result,
                owner.corrections.close_box,
            ]
        )

    # -- drawn from the console's snapshot -----------------------------------------------------

    def draw(self, snap: live.Snapshot | None) -> None:
        """The meeting's parking lot and next date (None: no meeting open). Another meeting
        than the one drawn last clears the last export's line, which was about that one."""
        meeting = snap.meeting if snap is not None else None
        if snap is None or meeting is None:
            self.parking_list.value = ""
            self.next_date.value = None
        else:
            self.parking_list.value = (
                "<ul>" + "".join(f"<li>{escape(p.text)}</li>" for p in snap.parking) + "</ul>"
            )
            if self.next_date.value is None or meeting.id != self._meeting_drawn:
                self.next_date.value = meeting.next_date
        meeting_id = meeting.id if meeting is not None else None
        if meeting_id != self._meeting_drawn and (
            self.export_task is None or self.export_task.done()
        ):
            self.export_result.value = ""
        self._meeting_drawn = meeting_id

    # -- clicks ---------------------------------------------------------------------------------

    def _meeting_id(self) -> int:
        if self.owner.meeting_id is None:
            raise PeerkitError("Open a meeting first.")
        return int(self.owner.meeting_id)

    def _save_parking(self, text: str) -> None:
        self.owner.store.add_parking(self._meeting_id(), text)

    def _save_next_date(self) -> None:
        meeting_id = self._meeting_id()
        chosen: dt.date | None = self.next_date.value
        if chosen is None:
            raise PeerkitError("Pick the next meeting's date.")
        self.owner.store.update_meeting(meeting_id, next_date=chosen)
        self.owner._say(f"Next meeting: {chosen.isoformat()}.")

    def _export(self) -> None:
        """Write the minutes of the meeting open, then offer them for download.

        The export runs on a worker thread (Chromium takes a second or more to print a PDF)
        while the kernel goes on answering clicks; meanwhile the button says "Exporting…". The
        line under the button holds this click's outcome only: the last one is replaced the
        moment the button is clicked."""
        from peerkit.minutes import export

        if self.export_task is not None and not self.export_task.done():
            return  # one at a time (the button is disabled meanwhile)
        owner = self.owner
        meeting_id, to = owner.meeting_id, self.export_to.value
        if meeting_id is None:
            self._exported(None, "Open a meeting first.")
            return
        folder = minutes_dir(owner.config)
        templates = []
        if owner.config and owner.config.templates_dir.is_dir():
            templates.append(owner.config.templates_dir)
        store, chatham, formats = owner.store, self.export_chatham.value, owner.formats

        def write() -> tuple[tuple[Path, bytes] | None, str]:
            """The file written and its bytes, or why not (never raises: a worker's error
            would otherwise be lost)."""
            try:
                done = export(
                    store,
                    meeting_id,
                    to,
                    directory=folder,
                    chatham_house=chatham,
                    formats=formats,
                    template_dirs=templates,
                )
                return (done.path, done.path.read_bytes()), ""
            except PeerkitError as exc:
                return None, str(exc)
            except OSError as exc:
                where = f" ({exc.filename})" if exc.filename else ""
                return None, f"The file could not be written: {exc.strerror or exc}{where}."
            except Exception as exc:  # its message may quote what was typed: the type only
                redraw_failed(exc, "exporting the minutes")
                return None, f"Something went wrong ({type(exc).__name__}); nothing was lost."

        self.export_button.disabled = True
        self.export_button.description = self.export_button.tooltip = EXPORTING
        self.export_result.value = (
            f"<p role='status'>Exporting the minutes as {escape(EXPORT_NAMES[to])}…</p>"
        )
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a script or a test: no kernel to keep answering
            self._exported(*write())
            return

        async def in_the_background() -> None:
            self._exported(*await loop.run_in_executor(None, write))

        self.export_task = loop.create_task(in_the_background())

    def _exported(self, written: tuple[Any, bytes] | None, problem: str) -> None:
        """Show an export's outcome in place of whatever the line said before."""
        self.export_button.disabled = False
        self.export_button.description = self.export_button.tooltip = EXPORT
        if written is None:
            self.export_result.value = (
                f"<div role='alert' class='peerkit-error'>⚠ Not exported: {escape(problem)}</div>"
            )
            return
        path, data = written
        name = path.name
        kind = EXPORT_TYPES[path.suffix.lstrip(".")]
        self.export_result.value = (
            f"<p role='status'>✔ Saved <code>{escape(path)}</code> · "
            f"<a download='{escape(name)}' href='data:{kind};base64,"
            f"{base64.b64encode(data).decode('ascii')}'>Download {escape(name)}</a></p>"
        )
