"""``jupyter nbconvert --to peerkit-minutes`` (and ``peerkit-minutes-md``): nbconvert exporters
that hand a saved minutes notebook (:func:`peerkit.minutes.build`) to peerkit's one renderer.

Registered under the ``nbconvert.exporters`` entry point twice: the hyphen names for the command
line, the underscore names (``peerkit_minutes``, ``peerkit_minutes_md``) for JupyterLab's export
menu, whose server route takes word characters only. ``--MinutesExporter.template_dirs`` takes a
cohort's template folders, whose files win over peerkit's.
"""

from __future__ import annotations

from typing import Any

from nbconvert.exporters import Exporter
from traitlets import List, Unicode, default

from peerkit.minutes.templates import render
from peerkit.model import PeerkitError


class MinutesExporter(Exporter):
    """Minutes as one self-contained HTML file (no script, no request, print and phone CSS)."""

    export_from_notebook = "peerkit minutes (HTML)"
    output_mimetype = "text/html"
    kind = "html"
    template_dirs = List(
        Unicode(),
        help="Folders whose templates win over peerkit's (e.g. a cohort's templates/ folder).",
    ).tag(config=True)

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".html"

    def from_notebook_node(  # type: ignore[override]
        self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        nb_copy, resources = super().from_notebook_node(nb, resources, **kw)
        name = resources.get("metadata", {}).get("name") or "Minutes"
        # Lab's menu offers this export on every notebook: any other one would give an empty page.
        if nb_copy.get("metadata", {}).get("peerkit", {}).get("kind") != "minutes":
            raise PeerkitError(
                f"{name} is not a peerkit minutes notebook: run `peerkit minutes` in the cohort "
                "folder, or save one made by peerkit.minutes.build and export that."
            )
        resources["output_extension"] = self.file_extension
        return render(nb_copy, self.kind, self.template_dirs, name=name), resources


class MinutesMarkdownExporter(MinutesExporter):
    """Minutes as Markdown that pastes cleanly into chat tools and wikis (no images)."""

    export_from_notebook = "peerkit minutes (Markdown)"
    output_mimetype = "text/markdown"
    kind = "md"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".md"
