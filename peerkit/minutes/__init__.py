"""A meeting's minutes: built from the store as a notebook, rendered through peerkit's templates.

The API, lightest first:

- :func:`gather` reads what the minutes show (private segments left out, confidentiality modes
  applied) into plain dataclasses;
- :func:`build` turns that into a notebook of Markdown cells (plus static SVG charts);
- :func:`render` gives the HTML or Markdown text, or the PDF bytes, of a meeting's minutes;
- :func:`export` writes them to a file (and, with ``ics=True``, a calendar file beside it):
  the call behind ``peerkit minutes`` and the console's "Export minutes" button.

Importing this package is cheap: the renderer, pandas (for the scores) and Playwright are
imported when first needed, and compiled templates are kept, so a second export in the same
process is fast.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peerkit.minutes.content import Minutes, gather
from peerkit.model import Format, PeerkitError

if TYPE_CHECKING:
    from nbformat import NotebookNode

    from peerkit.store import Store

#: The formats ``render`` and ``export`` produce, and their file extensions.
TARGETS: dict[str, str] = {"html": ".html", "md": ".md", "pdf": ".pdf"}

__all__ = [
    "TARGETS",
    "Exported",
    "Minutes",
    "build",
    "convert",
    "default_filename",
    "export",
    "gather",
    "render",
]


def build(
    store: Store,
    meeting_id: int,
    *,
    chatham_house: bool = False,
    member: str | None = None,
    formats: dict[str, Format] | None = None,
    scores: bool = True,
    charts: bool = False,
    name_others: bool = False,
) -> NotebookNode:
    """The minutes notebook of ``meeting_id`` (Markdown cells; nothing to execute).

    ``chatham_house`` keeps what was said and drops who said it; ``member`` (a name or id) makes
    that member's personal action summary, naming the other members only with ``name_others``
    (see :func:`gather`); private rounds, advice, commitments and parking-lot
    items never appear. ``scores=False`` leaves out the follow-through summary; ``charts=True``
    adds static SVG charts (peerkit.charts: altair and vl-convert, a second or more).
    """
    import nbformat

    from peerkit.minutes.notebook import to_notebook

    minutes = gather(
        store,
        meeting_id,
        chatham_house=chatham_house,
        member=member,
        formats=formats,
        scores=scores,
        name_others=name_others,
    )
    return nbformat.from_dict(to_notebook(minutes, _charts(minutes) if charts else ()))


def convert(
    notebook: dict[str, Any] | NotebookNode,
    to: str = "html",
    *,
    template_dirs: Sequence[str | Path] = (),
) -> str | bytes:
    """A minutes notebook (a NotebookNode or a plain nbformat-4 dict) as HTML or Markdown text,
    or PDF bytes, through peerkit's templates (see peerkit.minutes.templates)."""
    from peerkit.minutes.templates import render as render_notebook

    to = _target(to)
    text = render_notebook(notebook, "md" if to == "md" else "html", _template_dirs(template_dirs))
    if to != "pdf":
        return text
    from peerkit.minutes.pdf import html_to_pdf

    return html_to_pdf(text, title=notebook.get("metadata", {}).get("title"))


def render(
    store: Store,
    meeting_id: int,
    to: str = "html",
    *,
    chatham_house: bool = False,
    member: str | None = None,
    formats: dict[str, Format] | None = None,
    template_dirs: Sequence[str | Path] = (),
    scores: bool = True,
    charts: bool = False,
    name_others: bool = False,
) -> str | bytes:
    """The minutes of ``meeting_id`` as HTML or Markdown text, or PDF bytes (see :func:`build`
    for the options)."""
    to = _target(to)
    minutes = _gather_for(
        store, meeting_id, to, chatham_house, member, formats, scores, name_others
    )
    return _output(minutes, to, charts, template_dirs)


@dataclass(frozen=True)
class Exported:
    """What :func:`export` wrote."""

    path: Path
    ics_path: Path | None
    minutes: Minutes


def export(
    store: Store,
    meeting_id: int,
    to: str = "html",
    path: str | Path | None = None,
    *,
    chatham_house: bool = False,
    member: str | None = None,
    ics: bool = False,
    formats: dict[str, Format] | None = None,
    template_dirs: Sequence[str | Path] = (),
    directory: str | Path = ".",
    scores: bool = True,
    charts: bool = False,
    name_others: bool = False,
) -> Exported:
    """Write the minutes of ``meeting_id`` to ``path`` (default: ``directory`` /
    ``minutes-YYYY-MM-DD.<ext>``, with the member's name in member mode; ``directory`` is
    created if missing, once the minutes are ready to write).

    ``charts=True`` adds static charts to HTML and PDF (not to Markdown, which stays text).
    With ``ics=True`` also writes ``<path without extension>.ics``: the next meeting and each
    commitment's target date as all-day events. Returns the paths written. Raises PeerkitError
    (one plain sentence) for an unknown meeting or member, a bad target, a missing folder or a
    missing Chromium (for PDF), before anything is written.
    """
    to = _target(to)
    minutes = _gather_for(
        store, meeting_id, to, chatham_house, member, formats, scores, name_others
    )
    target = Path(directory) / default_filename(minutes, to) if path is None else Path(path)
    if path is not None and not target.parent.is_dir():
        raise PeerkitError(f"Folder {target.parent} does not exist: create it first.")
    if target.is_dir():
        raise PeerkitError(f"{target} is a folder: give a file name.")
    result = _output(minutes, to, charts, template_dirs)
    data = result.encode("utf-8") if isinstance(result, str) else result
    meeting = minutes.meeting
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(data)
    store.record_export("minutes", target, cohort_id=meeting.cohort_id, meeting_id=meeting.id)
    ics_path = None
    if ics:
        from peerkit.minutes.ics import calendar

        ics_path = target.with_suffix(".ics")
        ics_path.write_bytes(calendar(minutes).encode("utf-8"))
        store.record_export(
            "calendar", ics_path, cohort_id=meeting.cohort_id, meeting_id=meeting.id
        )
    return Exported(target, ics_path, minutes)


def default_filename(minutes: Minutes, to: str) -> str:
    """``minutes-2026-10-06.html``; ``minutes-2026-10-06-priya-raman.md`` in member mode."""
    name = f"minutes-{minutes.meeting.date.isoformat()}"
    if minutes.member:
        slug = re.sub(r"[^a-z0-9]+", "-", minutes.member.casefold()).strip("-")
        name += f"-{slug or 'member'}"
    return name + TARGETS[_target(to)]


def _gather_for(
    store: Store,
    meeting_id: int,
    to: str,
    chatham_house: bool,
    member: str | None,
    formats: dict[str, Format] | None,
    scores: bool,
    name_others: bool = False,
) -> Minutes:
    """The minutes' content, after checking that the target can be written at all."""
    if to == "pdf":
        from peerkit.minutes.pdf import chromium_path

        chromium_path()  # say what is missing before doing any work
    return gather(
        store,
        meeting_id,
        chatham_house=chatham_house,
        member=member,
        formats=formats,
        scores=scores,
        name_others=name_others,
    )


def _output(
    minutes: Minutes,
    to: str,
    charts: bool,
    template_dirs: Sequence[str | Path],
) -> str | bytes:
    """The minutes converted to ``to`` (charts only where they can show: not in Markdown)."""
    from peerkit.minutes.notebook import to_notebook

    drawn = _charts(minutes) if charts and to != "md" else ()
    return convert(to_notebook(minutes, drawn), to, template_dirs=template_dirs)


def _charts(minutes: Minutes) -> list[Any]:
    from peerkit.minutes.charts import make_charts

    return make_charts(minutes)


def _target(to: str) -> str:
    key = str(to).strip().lower().lstrip(".")
    key = {"markdown": "md", "htm": "html"}.get(key, key)
    if key not in TARGETS:
        raise PeerkitError(f"Cannot export minutes to {to!r}: use one of {', '.join(TARGETS)}.")
    return key


def _template_dirs(template_dirs: Sequence[str | Path]) -> tuple[str, ...]:
    dirs = tuple(str(Path(d).expanduser().resolve()) for d in template_dirs)
    for d in dirs:
        if not Path(d).is_dir():
            raise PeerkitError(f"Template folder {d} does not exist.")
    return dirs
