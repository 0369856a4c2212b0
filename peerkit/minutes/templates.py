"""The minutes templates and their one renderer: a minutes notebook to HTML or Markdown.

The templates (``peerkit-minutes``, ``peerkit-minutes-md``) extend nbconvert's ``base/null.j2``
and need nothing else of nbconvert's: no lab template, no exporter, no preprocessor. They are
rendered here with plain Jinja and the few filters they use, for ``peerkit minutes``, the
console's export and ``jupyter nbconvert --to peerkit-minutes`` alike (peerkit.minutes.exporter
is a thin nbconvert adapter over :func:`render`).

Templates are found, first to last: a cohort's folders (``template_dirs``: each folder's
``<template>/`` subfolder, then the folder itself), peerkit's own template folder (the
checkout's, so edits are live, then the copy installed under
``share/jupyter/nbconvert/templates``) and nbconvert's ``base`` folder, both through
``jupyter_core.paths``.
"""

from __future__ import annotations

import base64
import html
import os
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from peerkit.model import PeerkitError
from peerkit.settings import checkout

HTML_TEMPLATE = "peerkit-minutes"
MARKDOWN_TEMPLATE = "peerkit-minutes-md"
#: What each kind of output renders with: template folder, entry file, mimetype, extension.
KINDS: dict[str, tuple[str, str, str, str]] = {
    "html": (HTML_TEMPLATE, "index.html.j2", "text/html", ".html"),
    "md": (MARKDOWN_TEMPLATE, "index.md.j2", "text/markdown", ".md"),
}


def render(
    notebook: Any, kind: str, template_dirs: Sequence[str] = (), *, name: str = "Minutes"
) -> str:
    """A minutes notebook (a NotebookNode or a plain nbformat-4 dict) as ``kind`` ("html" or
    "md") text. ``name`` is the title when the notebook's metadata has none."""
    folder, entry, mimetype, extension = KINDS[kind]
    env = environment(folder, tuple(str(d) for d in template_dirs))
    try:
        template = env.get_template(entry)
    except jinja2.TemplateNotFound as exc:
        raise PeerkitError(
            f"The minutes template {exc.name} is missing: reinstall peerkit and nbconvert."
        ) from None
    resources = _resources(env, notebook, mimetype, extension, name)
    return template.render(nb=notebook, resources=resources).lstrip("\r\n")


def template_roots() -> list[str]:
    """The folders holding template folders: the checkout's first, then Jupyter's data paths
    (where peerkit's wheel and nbconvert install theirs)."""
    from jupyter_core.paths import jupyter_path

    source = checkout()
    roots = [str(source / "templates" / "nbconvert" / "templates")] if source else []
    return roots + [p for p in jupyter_path("nbconvert", "templates") if os.path.isdir(p)]


def override_dirs(template_dirs: Sequence[str], template_name: str) -> list[str]:
    """Where a cohort's overrides are looked for, first: in each of ``template_dirs``, its
    ``<template_name>/`` subfolder (``templates/peerkit-minutes/index.html.j2``), then the folder
    itself (``templates/index.html.j2``, ``templates/cohort.css``)."""
    found: list[str] = []
    for folder in template_dirs:
        sub = Path(folder) / template_name
        found += [str(sub)] if sub.is_dir() else []
        found += [str(folder)] if Path(folder).is_dir() else []
    return found


@lru_cache(maxsize=8)
def environment(template_name: str, template_dirs: tuple[str, ...] = ()) -> jinja2.Environment:
    """The Jinja environment of one template folder and a cohort's overrides (kept per process:
    a second export in a process reuses the compiled templates)."""
    roots = template_roots()
    search = [os.path.join(r, template_name) for r in roots]
    search += [os.path.join(r, "base") for r in roots]  # nbconvert's null.j2 and celltags.j2
    search += roots  # 'peerkit-minutes/minutes.html.j2' by its full name
    loaders: list[jinja2.BaseLoader] = []
    overrides = override_dirs(template_dirs, template_name)
    if overrides:
        loaders.append(jinja2.FileSystemLoader(overrides))
    loaders.append(jinja2.FileSystemLoader([p for p in search if os.path.isdir(p)]))
    env = jinja2.Environment(  # noqa: S701 (the templates escape explicitly, as nbconvert's)
        loader=jinja2.ChoiceLoader(loaders), extensions=["jinja2.ext.loopcontrols"]
    )
    env.filters.update(FILTERS)
    return env


class _Resources(dict[str, Any]):
    """As nbconvert's ResourcesDict: a missing key reads as an empty string."""

    def __missing__(self, key: str) -> str:
        return ""


def _resources(
    env: jinja2.Environment, notebook: Any, mimetype: str, extension: str, name: str
) -> _Resources:
    def include_css(file: str) -> Markup:
        assert env.loader is not None
        source = env.loader.get_source(env, file)[0]
        return Markup('<style type="text/css">\n%s</style>') % Markup(source)  # noqa: S704

    title = notebook.get("metadata", {}).get("title") or name
    return _Resources(
        metadata=_Resources(name=title),
        output_extension=extension,
        output_mimetype=mimetype,
        raw_mimetypes=[mimetype, ""],
        language_code="en",
        include_css=include_css,
        global_content_filter={  # what nbconvert's null.j2 asks before each cell
            "include_code": True,
            "include_markdown": True,
            "include_raw": True,
            "include_unknown": True,
            "include_input": True,
            "include_output": True,
            "include_output_stdin": True,
            "include_input_prompt": True,
            "include_output_prompt": True,
            "no_prompt": False,
        },
    )


# -- filters -------------------------------------------------------------------------------

# nbconvert's Markdown plugins. Math is not among them: peerkit escapes every "$" and backslash
# in user text, and the minutes load no script that could typeset it.
_MARKDOWN_PLUGINS = ("strikethrough", "table", "url", "task_lists", "def_list")


@lru_cache(maxsize=1)
def _markdown() -> Any:
    import mistune

    return mistune.Markdown(
        renderer=mistune.HTMLRenderer(escape=False, allow_harmful_protocols=True),
        block=mistune.BlockParser(),
        inline=mistune.InlineParser(hard_wrap=False),
        plugins=[mistune.import_plugin(p) for p in _MARKDOWN_PLUGINS],
    )


def markdown2html(source: str) -> str:
    """A Markdown cell as HTML (mistune configured as nbconvert's markdown2html)."""
    return str(_markdown()(source))


_FILES_URL = re.compile(r'(src|href)\=([\'"]?)/?files/')
_MARKDOWN_URL = re.compile(r"(!?)\[(?P<caption>.*?)\]\(/?files/(?P<location>.*?)\)")


def strip_files_prefix(text: str) -> str:
    """Links to Jupyter's ``files/`` URLs made relative (as nbconvert's filter of that name)."""
    text = _FILES_URL.sub(r"\1=\2", text)
    return _MARKDOWN_URL.sub(r"\1[\2](\3)", text)


FILTERS: dict[str, Any] = {
    "markdown2html": markdown2html,
    "strip_files_prefix": strip_files_prefix,
    "escape_html": lambda s: html.escape(str(s)),
    "text_base64": lambda text: base64.b64encode(text.encode()).decode(),
}
