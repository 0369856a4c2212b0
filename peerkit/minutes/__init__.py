"""A meeting's minutes: built from the store as a notebook, exported through nbconvert.

The API, lightest first:

- :func:`gather` reads what the minutes show (private segments left out, confidentiality modes
  applied) into plain dataclasses;
- :func:`build` turns that into a notebook of Markdown cells (plus static SVG charts);
- :func:`render` gives the HTML or Markdown text, or the PDF bytes, of a meeting's minutes;
- :func:`export` writes them to a file (and, with ``ics=True``, a calendar file beside it):
  the call behind ``peerkit minutes`` and the console's "Export minutes" button.

Importing this package is cheap: nbconvert, pandas and Playwright are imported when first needed,
and the exporters are kept, so a second export in the same process is fast.
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
) -> NotebookNode:
    """The minutes notebook of ``meeting_id`` (Markdown cells; nothing to execute).

    ``chatham_house`` keeps what was said and drops who said it; ``member`` (a name or id) makes
    that member's personal action summary; private rounds, advice, commitments and parking-lot
    items never appear. ``scores=False`` leaves out the follow-through summary.
    """
    from peerkit.minutes.notebook import to_notebook

    minutes = gather(
        store,
        meeting_id,
        chatham_house=chatham_house,
        member=member,
        formats=formats,
        scores=scores,
    )
    return to_notebook(minutes)


def convert(
    notebook: NotebookNode, to: str = "html", *, template_dirs: Sequence[str | Path] = ()
) -> str | bytes:
    """A minutes notebook as HTML or Markdown text, or PDF bytes."""
    to = _target(to)
    if to == "md":
        return _exporter("md", template_dirs).from_notebook_node(notebook)[0]
    html = _exporter("html", template_dirs).from_notebook_node(
        notebook, resources={"metadata": {"name": notebook.metadata.get("title", "Minutes")}}
    )[0]
    if to == "html":
        return html
    from peerkit.minutes.pdf import html_to_pdf

    return html_to_pdf(html, title=notebook.metadata.get("title"))


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
) -> str | bytes:
    """The minutes of ``meeting_id`` as HTML or Markdown text, or PDF bytes."""
    to = _target(to)
    if to == "pdf":
        from peerkit.minutes.pdf import chromium_path

        chromium_path()  # say what is missing before doing any work
    notebook = build(
        store,
        meeting_id,
        chatham_house=chatham_house,
        member=member,
        formats=formats,
        scores=scores,
    )
    return convert(notebook, to, template_dirs=template_dirs)


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
) -> Exported:
    """Write the minutes of ``meeting_id`` to ``path`` (default: ``directory`` /
    ``minutes-YYYY-MM-DD.<ext>``, with the member's name in member mode).

    With ``ics=True`` also writes ``<path without extension>.ics``: the next meeting and each
    commitment's target date as all-day events. Returns the paths written. Raises PeerkitError
    (one plain sentence) for an unknown meeting or member, a bad target, a missing folder or a
    missing Chromium (for PDF), before anything is written.
    """
    from peerkit.minutes.notebook import to_notebook

    to = _target(to)
    if to == "pdf":
        from peerkit.minutes.pdf import chromium_path

        chromium_path()
    minutes = gather(
        store,
        meeting_id,
        chatham_house=chatham_house,
        member=member,
        formats=formats,
        scores=scores,
    )
    target = Path(directory) / default_filename(minutes, to) if path is None else Path(path)
    if not target.parent.is_dir():
        raise PeerkitError(f"Folder {target.parent} does not exist: create it first.")
    if target.is_dir():
        raise PeerkitError(f"{target} is a folder: give a file name.")
    result = convert(to_notebook(minutes), to, template_dirs=template_dirs)
    data = result.encode("utf-8") if isinstance(result, str) else result
    target.write_bytes(data)
    ics_path = None
    if ics:
        from peerkit.minutes.ics import calendar

        ics_path = target.with_suffix(".ics")
        ics_path.write_bytes(calendar(minutes).encode("utf-8"))
    return Exported(target, ics_path, minutes)


def default_filename(minutes: Minutes, to: str) -> str:
    """``minutes-2026-10-06.html``; ``minutes-2026-10-06-priya-raman.md`` in member mode."""
    name = f"minutes-{minutes.meeting.date.isoformat()}"
    if minutes.member:
        slug = re.sub(r"[^a-z0-9]+", "-", minutes.member.casefold()).strip("-")
        name += f"-{slug or 'member'}"
    return name + TARGETS[_target(to)]


def _target(to: str) -> str:
    key = str(to).strip().lower().lstrip(".")
    key = {"markdown": "md", "htm": "html"}.get(key, key)
    if key not in TARGETS:
        raise PeerkitError(f"Cannot export minutes to {to!r}: use one of {', '.join(TARGETS)}.")
    return key


_EXPORTERS: dict[tuple[str, tuple[str, ...]], Any] = {}


def _exporter(kind: str, template_dirs: Sequence[str | Path]) -> Any:
    """One exporter per kind and template folders, kept for the life of the process."""
    dirs = tuple(str(Path(d).expanduser().resolve()) for d in template_dirs)
    for d in dirs:
        if not Path(d).is_dir():
            raise PeerkitError(f"Template folder {d} does not exist.")
    key = (kind, dirs)
    if key not in _EXPORTERS:
        from peerkit.minutes.exporter import MinutesExporter, MinutesMarkdownExporter

        cls = MinutesExporter if kind == "html" else MinutesMarkdownExporter
        _EXPORTERS[key] = cls(template_dirs=list(dirs))
    return _EXPORTERS[key]
