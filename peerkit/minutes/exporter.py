"""nbconvert exporters for minutes notebooks: self-contained HTML and chat-friendly Markdown.

``MinutesExporter`` is registered under the ``nbconvert.exporters`` entry point
``peerkit-minutes``, so ``jupyter nbconvert --to peerkit-minutes minutes.ipynb`` works on a
minutes notebook (a saved :func:`peerkit.minutes.build`). Both exporters find peerkit's template
folders in a checkout (``templates/nbconvert/templates``, first, so edits are live) or where the
wheel installs them (``share/jupyter/nbconvert/templates``), and take ``template_dirs``: folders
(a cohort's ``templates/``) whose files win over peerkit's, e.g. an ``index.html.j2`` that
``{% extends 'minutes.html.j2' %}`` and overrides a block, or a ``minutes.css``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader
from nbconvert.exporters import HTMLExporter, TemplateExporter
from traitlets import List, Unicode, default, observe
from traitlets.config import Config

HTML_TEMPLATE = "peerkit-minutes"
MARKDOWN_TEMPLATE = "peerkit-minutes-md"
CHECKOUT_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "nbconvert" / "templates"


def template_basedirs() -> list[str]:
    """peerkit's own template base folder when running from a checkout (else nbconvert finds the
    installed copy under share/jupyter by itself)."""
    if (CHECKOUT_TEMPLATES / HTML_TEMPLATE / "conf.json").is_file():
        return [str(CHECKOUT_TEMPLATES)]
    return []


def _template_dirs() -> Any:
    return List(
        Unicode(),
        help="Folders whose templates win over peerkit's (e.g. a cohort's templates/ folder).",
    ).tag(config=True, affects_environment=True)


def _override_loaders(template_dirs: list[str]) -> list[Any]:
    dirs = [d for d in template_dirs if os.path.isdir(d)]
    return [FileSystemLoader(dirs)] if dirs else []


class MinutesExporter(HTMLExporter):
    """Minutes as one self-contained HTML file (no script, no request, print and phone CSS)."""

    export_from_notebook = "peerkit minutes (HTML)"
    template_dirs = _template_dirs()

    @default("template_name")
    def _template_name_default(self) -> str:
        return HTML_TEMPLATE

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return template_basedirs()

    @default("exclude_anchor_links")
    def _exclude_anchor_links_default(self) -> bool:
        return True

    @default("extra_loaders")
    def _extra_loaders_default(self) -> list[Any]:
        return _override_loaders(self.template_dirs)

    @observe("template_dirs")
    def _template_dirs_changed(self, change: Any) -> None:
        self.extra_loaders = _override_loaders(self.template_dirs)

    @property
    def default_config(self) -> Config:
        config: Config = super().default_config
        # No code is shown, so no syntax-highlighting stylesheet is needed.
        config.merge(Config({"CSSHTMLHeaderPreprocessor": {"enabled": False}}))
        return config


class MinutesMarkdownExporter(TemplateExporter):
    """Minutes as Markdown that pastes cleanly into chat tools and wikis (no images)."""

    export_from_notebook = "peerkit minutes (Markdown)"
    output_mimetype = "text/markdown"
    template_dirs = _template_dirs()

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".md"

    @default("template_name")
    def _template_name_default(self) -> str:
        return MARKDOWN_TEMPLATE

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return template_basedirs()

    @default("extra_loaders")
    def _extra_loaders_default(self) -> list[Any]:
        return _override_loaders(self.template_dirs)

    @observe("template_dirs")
    def _template_dirs_changed(self, change: Any) -> None:
        self.extra_loaders = _override_loaders(self.template_dirs)

    @property
    def default_config(self) -> Config:
        config: Config = super().default_config
        config.merge(
            Config(
                {
                    "ExtractOutputPreprocessor": {"enabled": False},
                    "ExtractAttachmentsPreprocessor": {"enabled": False},
                }
            )
        )
        return config
