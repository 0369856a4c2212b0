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

from typing import Any

from jinja2 import Environment, FileSystemLoader
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from traitlets import List, Unicode, default, observe
from traitlets.config import Config

from peerkit.minutes.paths import (
    HTML_TEMPLATE,
    MARKDOWN_TEMPLATE,
    override_dirs,
    template_basedirs,
)


def _template_dirs() -> Any:
    return List(
        Unicode(),
        help="Folders whose templates win over peerkit's (e.g. a cohort's templates/ folder).",
    ).tag(config=True, affects_environment=True)


def _override_loaders(template_dirs: list[str], template_name: str) -> list[Any]:
    dirs = override_dirs(template_dirs, template_name)
    return [FileSystemLoader(dirs)] if dirs else []


def _with_bytecode_cache(env: Environment) -> Environment:
    from peerkit.minutes.lean import bytecode_cache

    env.bytecode_cache = bytecode_cache("nbconvert")
    return env


class _CohortTemplates(TemplateExporter):
    """What both minutes exporters share: peerkit's template folders, a cohort's overrides
    first, and compiled templates kept in a bytecode cache."""

    template_dirs = _template_dirs()

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return template_basedirs()

    @default("extra_loaders")
    def _extra_loaders_default(self) -> list[Any]:
        return _override_loaders(self.template_dirs, self.template_name)

    @default("extra_template_paths")
    def _extra_template_paths_default(self) -> list[str]:
        # So that an override can name 'peerkit-minutes/minutes.html.j2' from a checkout too.
        return template_basedirs()

    @observe("template_dirs", "template_name")
    def _template_dirs_changed(self, change: Any) -> None:
        self.extra_loaders = _override_loaders(self.template_dirs, self.template_name)

    def _create_environment(self) -> Environment:
        return _with_bytecode_cache(super()._create_environment())


class MinutesExporter(_CohortTemplates, HTMLExporter):
    """Minutes as one self-contained HTML file (no script, no request, print and phone CSS)."""

    export_from_notebook = "peerkit minutes (HTML)"

    @default("template_name")
    def _template_name_default(self) -> str:
        return HTML_TEMPLATE

    @default("exclude_anchor_links")
    def _exclude_anchor_links_default(self) -> bool:
        return True

    @property
    def default_config(self) -> Config:
        config: Config = super().default_config
        # No code is shown, so no syntax-highlighting stylesheet is needed.
        config.merge(Config({"CSSHTMLHeaderPreprocessor": {"enabled": False}}))
        return config

    def from_notebook_node(  # type: ignore[override]
        self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        """HTMLExporter.from_notebook_node without its BeautifulSoup pass.

        That pass only adds alt text to images without any (every chart here has its
        description as alt text) and tabindex to code cells (minutes have none), and compiling
        its CSS selectors costs about 0.3 s the first time in a process.
        """
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
        )
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources
        )
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


class MinutesMarkdownExporter(_CohortTemplates):
    """Minutes as Markdown that pastes cleanly into chat tools and wikis (no images)."""

    export_from_notebook = "peerkit minutes (Markdown)"
    output_mimetype = "text/markdown"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".md"

    @default("template_name")
    def _template_name_default(self) -> str:
        return MARKDOWN_TEMPLATE

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
