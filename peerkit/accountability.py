"""Follow-through across meetings: the scoreboard (for `peerkit score` and the notebook) and the
accountability view that ``notebooks/accountability.ipynb`` shows.

The notebook calls one function::

    from peerkit.accountability import scoreboard_view
    scoreboard_view(store, cohort, since, window)

which returns a widget: choosers for the cohort, the first meeting counted, the rolling window
and the chart theme; the scoreboard as an HTML table; and the charts (follow-through heatmap,
trend, cohort distribution, phase time used against planned) as inline SVG rendered offline by
vl-convert. Any change redraws. Every date on it is written YYYY-MM-DD. The phase timing heads
each round "Round 3 · Dana Kim", or "Round 3" while the cohort's screens are in Chatham House
mode (the console's switch).

Where a page watches the kernel (Voila, JupyterLab) it is shown as that widget; in a run nobody
watches (papermill, nbclient) as static HTML, the same table and SVG charts without the choosers,
and a store or parameter it cannot open fails the run (peerkit.dashboard.watched).

Served by Voila, the choosers paint first and the scores and charts are drawn right after the
page has shown them (pandas, altair and vl-convert take seconds to import); elsewhere
(JupyterLab, papermill, nbclient) everything is drawn before the cell returns.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from peerkit.dashboard import served_by_voila, setup, watched
from peerkit.model import PeerkitError, parse_day
from peerkit.spreadsheet import csv_text
from peerkit.widgets.follow import redraw_failed

if TYPE_CHECKING:
    import pandas as pd

    from peerkit.store import Store

__all__ = [
    "SCORE_COLUMNS",
    "ScoreboardView",
    "format_scores",
    "score_rows",
    "scoreboard_html",
    "scoreboard_view",
]


#: The columns of a score row, with their headings (table and HTML) in order.
SCORE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Member"),
    ("status", "Status"),
    ("reviewed", "Reviewed"),
    ("done", "Done"),
    ("partial", "Partial"),
    ("not_done", "Not done"),
    ("dropped", "Dropped"),
    ("renegotiated", "Renegotiated"),
    ("rate", "Follow-through"),
    ("gas_t", "GAS T"),
    ("current_streak", "Streak"),
    ("best_streak", "Best streak"),
)
_TEXT_COLUMNS = {"name", "status"}
FORMATS = ("table", "csv", "json")
THEMES = ("projector", "print")
#: Shown in the table where a member has no GAS T-score (nothing counted).
NO_SCORE = "-"
#: The "Since" chooser's value for "every meeting" (a dropdown shows no label for None).
EVERY_MEETING = dt.date.min


# --------------------------------------------------------------------------------------------
# Score rows


def score_rows(
    store: Store,
    cohort_id: int,
    since: dt.date | str | None = None,
    *,
    frames: dict[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """One row per member of the cohort, ordered by name, with the columns of SCORE_COLUMNS.

    ``rate`` is text ("83%", or "nothing due" for a member with nothing counted, never "0%"),
    ``gas_t`` the GAS T-score rounded to one decimal (NaN when nothing was counted). Only
    meetings on or after ``since`` count. ``frames`` are ``store.frames(cohort_id)`` when the
    caller already has them.
    """
    from peerkit import scoring

    day = parse_day(since, "The first meeting date")
    frames = store.frames(cohort_id) if frames is None else frames
    board = scoring.scoreboard(frames["reviews"], frames["members"], frames["meetings"], since=day)
    board = board[board["cohort_id"] == cohort_id]
    rows = board.assign(rate=board["rate_text"], gas_t=board["gas_t"].round(1))
    rows = rows[[key for key, _ in SCORE_COLUMNS]]
    order = sorted(range(len(rows)), key=lambda i: (str(rows["name"].iat[i]).casefold(), i))
    return rows.iloc[order].reset_index(drop=True)


def _cell(value: Any) -> str:
    """A value as plain one-line text for the table and CSV."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    text = str(value)
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)


def _width(text: str) -> int:
    """Columns a text takes in a terminal (wide East Asian characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


def _plain(value: Any) -> Any:
    """A JSON value: numpy numbers as Python numbers, NaN as null."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def format_scores(rows: pd.DataFrame, fmt: str = "table") -> str:
    """Score rows as an aligned plain-text table, CSV or JSON (a list of objects)."""
    keys = [key for key, _ in SCORE_COLUMNS]
    if fmt == "json":
        records = [
            {key: _plain(value) for key, value in zip(keys, row, strict=True)}
            for row in rows[keys].itertuples(index=False)
        ]
        return json.dumps(records, ensure_ascii=False, indent=2)
    if fmt == "csv":
        cells = ([_cell(v) for v in row] for row in rows[keys].itertuples(index=False))
        return csv_text(keys, cells).rstrip("\n")
    if fmt != "table":
        raise PeerkitError(f"Unknown format {fmt!r}: use {', '.join(FORMATS)}.")
    header = [title for _, title in SCORE_COLUMNS]
    body = [
        [_cell(v) or (NO_SCORE if k == "gas_t" else "") for k, v in zip(keys, row, strict=True)]
        for row in rows[keys].itertuples(index=False)
    ]
    widths = [max([_width(h)] + [_width(r[i]) for r in body]) for i, h in enumerate(header)]
    right = [key not in _TEXT_COLUMNS for key in keys]
    lines = [
        "  ".join(_pad(cell, w, r) for cell, w, r in zip(line, widths, right, strict=True))
        for line in [header, *body]
    ]
    return "\n".join(line.rstrip() for line in lines)


def scoreboard_html(rows: pd.DataFrame, caption: str = "Follow-through by member") -> str:
    """The score rows as an accessible HTML table; every text from the store is escaped."""
    head = "".join(
        f"<th scope='col' class='{'text' if key in _TEXT_COLUMNS else 'num'}'>"
        f"{html.escape(title)}</th>"
        for key, title in SCORE_COLUMNS
    )
    body = []
    for record in rows.to_dict("records"):
        cells = []
        for key, _ in SCORE_COLUMNS:
            value = record[key]
            text = _cell(value) or (NO_SCORE if key == "gas_t" else "")
            if key == "name":
                cells.append(f"<th scope='row' class='text'>{html.escape(text)}</th>")
            else:
                kind = "text" if key in _TEXT_COLUMNS else "num"
                cells.append(f"<td class='{kind}'>{html.escape(text)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    if not body:
        colspan = len(SCORE_COLUMNS)
        body.append(f"<tr><td colspan='{colspan}'>This cohort has no members yet.</td></tr>")
    return (
        "<table class='peerkit-scoreboard'>"
        f"<caption>{html.escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


# --------------------------------------------------------------------------------------------
# The notebook's view


def _figure(label: str, svg: str) -> str:
    return (
        f"<figure class='peerkit-chart' role='group' aria-label='{html.escape(label)}'>"
        f"<figcaption>{html.escape(label)}</figcaption>{svg}</figure>"
    )


def _note(text: str) -> str:
    return f"<p class='peerkit-note'>{html.escape(text)}</p>"


class ScoreboardView:
    """The accountability view: choosers, the scoreboard and the charts of one cohort.

    ``widget`` is the ipywidgets box to display. Changing a chooser redraws; ``redraw()`` does
    it by hand and ``refresh()`` reads the store again first (another window may have recorded
    reviews). ``draws`` counts the redraws.
    """

    def __init__(
        self,
        store: Store,
        cohort_id: int,
        *,
        since: dt.date | None = None,
        window: int = 3,
        theme: str | None = None,
        formats: dict[str, Any] | None = None,
        defer: bool | None = None,
    ) -> None:
        import ipywidgets as w

        from peerkit.widgets.look import dress

        if isinstance(window, bool) or not isinstance(window, int) or window < 1:
            raise PeerkitError(f"The window must be a whole number of meetings, not {window!r}.")
        # The look of a watched page is dark (peerkit.widgets.look): its charts are too.
        theme = theme or ("projector" if watched() else "print")
        if theme not in THEMES:
            raise PeerkitError(f"Unknown chart theme {theme!r}: use {', '.join(THEMES)}.")
        self.store, self.formats = store, formats
        self.draws = 0
        self._frames: dict[int, dict[str, Any]] = {}
        self._quiet = False
        self._pick_timed = True
        cohorts = store.cohorts()
        self.cohort = w.Dropdown(
            options=[(c.name, c.id) for c in cohorts],
            value=cohort_id,
            description="Cohort",
            description_allow_html=False,
            tooltip="The cohort whose follow-through is shown",
        )
        # A list of the meetings' dates, not a date picker: the browser writes a picked date
        # in its own locale's way (mm/dd/yyyy), and only meetings' dates change the scores.
        self.since = w.Dropdown(
            description="Since",
            tooltip="Count only the meetings on or after this one",
        )
        self._since = since
        # A dropdown, not a slider: ipywidgets' slider handle has no accessible name.
        self.window = w.Dropdown(
            options=[
                (f"{n} meeting{'s' if n != 1 else ''}", n) for n in range(1, max(12, window) + 1)
            ],
            value=window,
            description="Window",
            tooltip="Meetings in the rolling follow-through rate of the trend chart",
        )
        self.meeting = w.Dropdown(
            description="Timing of",
            tooltip="The meeting whose phase timing is shown",
        )
        self.theme = w.Dropdown(
            options=[("Projector (dark)", "projector"), ("Print (light)", "print")],
            value=theme,
            description="Charts",
            tooltip="Chart colours: dark for the projector, light for paper",
        )
        self.reload = w.Button(
            description="Reload", tooltip="Read the store again (reviews recorded elsewhere)"
        )
        for chooser in (self.cohort, self.since, self.window, self.meeting, self.theme):
            chooser.style.description_width = "initial"
        self.status = w.HTML(
            "<p role='status' aria-live='polite'>Loading the scores…</p>",
        )
        self.table = w.HTML()
        self.charts = w.HTML()
        self._meeting_options(cohort_id)
        heading = w.HTML("<h2>Follow-through</h2>")
        controls = w.HBox(
            [self.cohort, self.since, self.window, self.meeting, self.theme, self.reload],
            layout=w.Layout(flex_flow="row wrap"),
        )
        controls.add_class("peerkit-choosers")
        children: list[Any] = [heading, controls, self.status, self.table, self.charts]
        self._painted: Any = None
        if defer is None:
            defer = served_by_voila()
        if defer:
            self._painted = _first_paint(self._draw_once)
            if self._painted is not None:
                children.append(self._painted)
        self.widget = w.VBox(children)
        self.widget.add_class("peerkit-accountability")
        dress(self.widget)
        self.cohort.observe(self._cohort_changed, "value")
        for chooser in (self.since, self.window, self.meeting, self.theme):
            chooser.observe(self._changed, "value")
        self.reload.on_click(lambda _: self.refresh())
        if self._painted is None:
            self.redraw()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """Shown as its widget where a page watches the kernel (Voila, JupyterLab), else as
        :meth:`static_html`: see peerkit.dashboard.watched."""
        if watched():
            return self.widget._repr_mimebundle_(**kwargs)
        status = html.unescape(re.sub(r"<[^>]*>", "", self.status.value))
        return {"text/html": self.static_html(), "text/plain": status}

    def static_html(self) -> str:
        """The view as drawn, without its choosers: its HTML parts in order (the heading, the
        status, the scoreboard table, the charts as inline SVG) in one ``div``, on the reader's
        page as it is (the print theme; not the dark look of a watched page). A run nobody
        watches shows this (papermill, nbclient), so the executed notebook, its nbconvert HTML
        and GitHub's viewer show the scores."""
        import ipywidgets as w

        parts = "".join(
            c.value
            for c in self.widget.children
            if isinstance(c, w.HTML) and "peerkit-style" not in c._dom_classes
        )
        return f"<div class='peerkit-accountability'>{parts}</div>"

    # -- choosers ---------------------------------------------------------------------------

    def _meeting_options(self, cohort_id: int) -> None:
        """The cohort's meetings, newest first; the first draw then picks the latest one with
        timed rounds (finding those needs pandas, which waits until after the first paint)."""
        meetings = list(reversed(self.store.meetings(cohort_id)))
        since = self.since.value if self.since.options else self._since or EVERY_MEETING
        # The meetings' days, and a parameter's day that is not one of them.
        days = sorted({m.date for m in meetings} | ({since} - {EVERY_MEETING}))
        self._quiet = True
        try:
            self.meeting.options = [(m.date.isoformat(), m.id) for m in meetings]
            self.meeting.value = meetings[0].id if meetings else None
            self.since.options = [("every meeting", EVERY_MEETING)] + [
                (d.isoformat(), d) for d in days
            ]
            self.since.value = since
        finally:
            self._quiet = False
        self._pick_timed = True

    def _choose_timed_meeting(self, cohort_id: int) -> None:
        self._pick_timed = False
        timed = self.store.phase_frame(cohort_id=cohort_id, formats=self.formats, now=0)
        with_timing = set(timed["meeting_id"])
        chosen = next((v for _, v in self.meeting.options if v in with_timing), None)
        if chosen is not None and chosen != self.meeting.value:
            self._quiet = True
            try:
                self.meeting.value = chosen
            finally:
                self._quiet = False

    def _cohort_changed(self, change: dict[str, Any]) -> None:
        if change["new"] is None:
            return
        self._meeting_options(change["new"])
        self.redraw()

    def _changed(self, _change: dict[str, Any]) -> None:
        if not self._quiet:
            self.redraw()

    def _draw_once(self) -> None:
        if not self.draws:
            self.redraw()

    # -- drawing ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the store again, then redraw."""
        self._frames.clear()
        self._meeting_options(self.cohort.value)
        self.redraw()

    def frames(self, cohort_id: int) -> dict[str, Any]:
        if cohort_id not in self._frames:
            self._frames[cohort_id] = self.store.frames(cohort_id)
        return self._frames[cohort_id]

    def redraw(self) -> None:
        """Draw the scoreboard and the charts for what the choosers say."""
        self.draws += 1
        cohort_id = self.cohort.value
        if cohort_id is None:
            self.status.value = _status("This store has no cohort yet.")
            return
        try:
            self._draw(cohort_id)
        except PeerkitError as exc:
            self.status.value = _status(f"Cannot show these scores: {exc}", alert=True)
        except Exception as exc:  # a broken chart must not take the scoreboard down with it
            redraw_failed(exc, "drawing the accountability view")
            self.status.value = _status(f"Something went wrong: {exc}", alert=True)

    def _draw(self, cohort_id: int) -> None:
        import pandas as pd

        from peerkit import charts, scoring

        since = None if self.since.value == EVERY_MEETING else self.since.value
        window = int(self.window.value)
        theme = self.theme.value
        frames = self.frames(cohort_id)
        if self._pick_timed:
            self._choose_timed_meeting(cohort_id)
        rows = score_rows(self.store, cohort_id, since, frames=frames)
        meetings = frames["meetings"]
        if since is not None:
            meetings = meetings[meetings["date"] >= pd.Timestamp(since)]
        name = self.cohort.label or ""
        counted = f"{len(meetings)} meeting{'s' if len(meetings) != 1 else ''}" + (
            f" since {since.isoformat()}" if since else ""
        )
        self.table.value = scoreboard_html(
            rows, caption=f"{name}: follow-through by member, {counted}"
        )
        figures = []
        args = (frames["reviews"], frames["members"], frames["meetings"])
        if len(meetings):
            by_meeting = scoring.completion_by_meeting(*args, since=since)
            figures.append(
                _figure(
                    "Follow-through by member and meeting",
                    charts.to_svg(charts.follow_through_heatmap(by_meeting, theme=theme)),
                )
            )
            rolling = scoring.completion_rolling(*args, window=window, since=since)
            figures.append(
                _figure(
                    f"Trend: follow-through over the last {window} "
                    f"meeting{'s' if window != 1 else ''}",
                    charts.to_svg(charts.trend(rolling, theme=theme)),
                )
            )
            board = scoring.scoreboard(*args, since=since)
            figures.append(
                _figure(
                    "How the cohort is spread",
                    charts.to_svg(charts.cohort_distribution(board, theme=theme)),
                )
            )
        else:
            figures.append(_note("No meetings in this window, so no charts yet."))
        figures.append(self._phase_figure(theme))
        figures.append(self._members_figure(cohort_id, name, theme))
        self.charts.value = "".join(figures)
        self.status.value = _status(
            f"Showing {len(rows)} member{'s' if len(rows) != 1 else ''} of {name}, {counted}."
        )

    def _members_figure(self, cohort_id: int, name: str, theme: str) -> str:
        """What members filed from their own pages, for the group only (peerkit.group_trends):
        the filing rate, the meeting's rating, the life areas' averages and their chart."""
        from peerkit import charts
        from peerkit.group_trends import (
            group_trends,
            shared_html,
            shared_scores,
            trends_frame,
            trends_html,
        )
        from peerkit.settings import resolve

        areas = tuple(resolve().life_areas)
        trends = group_trends(self.store, cohort_id, areas)
        parts = [
            "<h3>From members' own pages</h3>",
            trends_html(trends, areas, f"{name}: updates, ratings and life areas by meeting"),
        ]
        frame = trends_frame(trends)
        if len(frame):
            parts.append(
                _figure(
                    "Life areas: the group's average by meeting",
                    charts.to_svg(charts.life_areas(frame, theme=theme)),
                )
            )
        parts.append(shared_html(shared_scores(self.store, cohort_id), areas))
        return "".join(parts)

    def _phase_figure(self, theme: str) -> str:
        from peerkit import charts

        meeting_id = self.meeting.value
        if meeting_id is None:
            return _note("No meetings yet, so no phase timing.")
        label = f"Phase time used against planned, meeting of {self.meeting.label}"
        timing = self.store.phase_frame(meeting_id, formats=self.formats)
        if not len(timing):
            return _note(f"No timed rounds at the meeting of {self.meeting.label}.")
        if self.store.screen(self.cohort.value).chatham_house:
            timing = timing.drop(columns="presenter")  # rounds by number only, as on screen
        return _figure(label, charts.to_svg(charts.phase_timing(timing, theme=theme)))


def _status(text: str, *, alert: bool = False) -> str:
    role = "alert" if alert else "status"
    return f"<p role='{role}' aria-live='polite'>{html.escape(text)}</p>"


def _first_paint(callback: Callable[[], None], fallback_s: float = 30.0) -> Any:
    """A hidden widget that calls ``callback`` once the page has drawn it (or after
    ``fallback_s`` seconds, should no page ever show it). None outside a running event loop."""
    import asyncio

    import anywidget
    import ipywidgets as w

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None

    class Painted(anywidget.AnyWidget):
        _esm = (
            "function render({ model }) { model.send({ painted: true }); }\n"
            "export default { render };\n"
        )

    marker = Painted(layout=w.Layout(display="none"))
    done: list[bool] = []

    def fire() -> None:
        if not done:
            done.append(True)
            callback()

    def on_message(_widget: Any, content: Any, _buffers: Sequence[Any]) -> None:
        if isinstance(content, dict) and content.get("painted"):
            loop.call_soon(fire)

    marker.on_msg(on_message)
    marker._peerkit_fallback = loop.call_later(fallback_s, fire)
    return marker


def _open(store: Any, cohort: Any) -> tuple[Store, int, dict[str, Any]]:
    """The store, cohort id and formats the notebook's parameters (or the settings in force)
    point at: the same rule as the console's (peerkit.dashboard.setup)."""
    found = setup(store, cohort)
    return found.store, found.cohort.id, found.formats


def scoreboard_view(
    store: Any = None,
    cohort: Any = None,
    since: Any = None,
    window: int = 3,
    theme: str | None = None,
) -> Any:
    """The accountability notebook's view (a :class:`ScoreboardView`; see the module
    docstring), or a plain message saying what to fix when the store, cohort or a parameter is
    wrong (raised, in a run nobody watches).

    ``store``: a path, a database URL or a Store (default: $PEERKIT_DB, the cohort folder,
    ./peerkit.db); ``cohort``: a name or id (default: the settings', else the only cohort);
    ``since``: the first meeting date counted (default: all); ``window``: meetings in the
    trend's rolling rate;
    ``theme``: "projector" or "print" (default: projector when served by Voila, else print).
    """
    try:
        the_store, cohort_id, formats = _open(store, cohort)
        view = ScoreboardView(
            the_store,
            cohort_id,
            since=parse_day(since, "The first meeting date"),
            window=window,
            theme=theme,
            formats=formats,
        )
    except PeerkitError as exc:
        from peerkit.dashboard import problem

        return problem(exc, "peerkit cannot show these scores")
    return view
