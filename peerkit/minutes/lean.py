"""peerkit's nbconvert templates rendered without importing nbconvert: the ``peerkit minutes`` path.

``import nbconvert`` costs about half a second before any work: it loads every exporter and
preprocessor, nbclient and jupyter_client (for kernels the minutes never start), BeautifulSoup,
bleach, and jsonschema through nbformat. A minutes notebook needs none of it: it is Markdown
cells and static images. This module renders the very same template files (peerkit-minutes,
extending nbconvert's lab template) with a Jinja environment set up as nbconvert sets up its own
(the same search path, Jinja extension and resources), and with the filters those templates use:
Markdown through mistune with nbconvert's plugins, and nbconvert's small string filters.

Its output is byte-for-byte what :class:`peerkit.minutes.exporter.MinutesExporter` gives
(tests/test_minutes.py compares them). Anything it does not handle raises
:class:`NeedsNbconvert` (a filter only nbconvert has, such as code highlighting, or a
template that names an unknown filter), and :func:`peerkit.minutes.convert` then uses nbconvert.

Compiled templates are kept in a Jinja bytecode cache (``$PEERKIT_CACHE`` or
``~/.cache/peerkit``), like Python's own ``.pyc`` files: checked against each template's source,
so an edited template is recompiled.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from peerkit.minutes.paths import (
    HTML_TEMPLATE,
    MARKDOWN_TEMPLATE,
    override_dirs,
    template_basedirs,
)


class NeedsNbconvert(Exception):
    """The notebook or a template needs something only nbconvert provides."""


#: What each kind of output renders with: template folder, template file, output mimetype.
KINDS: dict[str, tuple[str, str, str]] = {
    "html": (HTML_TEMPLATE, "index.html.j2", "text/html"),
    "md": (MARKDOWN_TEMPLATE, "index.md.j2", "text/markdown"),
}
JINJA_EXTENSIONS = ["jinja2.ext.loopcontrols"]  # as nbconvert's TemplateExporter


def render(notebook: dict[str, Any], kind: str, template_dirs: Sequence[str] = ()) -> str:
    """Render a minutes notebook (a plain nbformat-4 dict) as ``kind`` ("html" or "md")."""
    name, template_file, mimetype = KINDS[kind]
    env = environment(name, tuple(template_dirs))
    try:
        template = env.get_template(template_file)
        resources = _resources(env, notebook, mimetype, kind)
        output = template.render(nb=notebook, resources=resources)
    except jinja2.TemplateAssertionError as exc:  # e.g. a filter only nbconvert defines
        raise NeedsNbconvert(str(exc)) from exc
    return output.lstrip("\r\n")


@lru_cache(maxsize=8)
def environment(template_name: str, template_dirs: tuple[str, ...] = ()) -> jinja2.Environment:
    """The Jinja environment nbconvert would build for ``template_name`` (kept per process)."""
    loaders: list[jinja2.BaseLoader] = []
    overrides = override_dirs(template_dirs, template_name)
    if overrides:
        loaders.append(jinja2.FileSystemLoader(overrides))
    loaders.append(jinja2.FileSystemLoader(template_paths(template_name)))
    env = jinja2.Environment(  # noqa: S701 (nbconvert's templates escape explicitly)
        loader=jinja2.ChoiceLoader(loaders),
        extensions=JINJA_EXTENSIONS,
        bytecode_cache=bytecode_cache("lean"),
    )
    env.filters.update(FILTERS)
    return env


def template_paths(template_name: str) -> list[str]:
    """nbconvert's template search path for ``template_name`` (TemplateExporter.template_paths
    with peerkit's checkout folder as its extra_template_basedirs)."""
    from jupyter_core.paths import jupyter_path

    roots = jupyter_path()
    basedirs = [*template_basedirs(), *(os.path.join(r, "nbconvert", "templates") for r in roots)]
    paths: list[str] = []
    name: str | None = template_name
    seen: set[str] = set()
    while name is not None and name not in seen:
        seen.add(name)
        found = [os.path.join(b, name) for b in basedirs if os.path.isdir(os.path.join(b, name))]
        if not found:
            raise NeedsNbconvert(f"No template folder named {name!r}.")
        paths += found
        conf: dict[str, Any] = {}
        for folder in reversed(found):  # the first folder found wins, as in nbconvert
            conf_file = os.path.join(folder, "conf.json")
            if os.path.isfile(conf_file):
                with open(conf_file, encoding="utf-8") as f:
                    conf.update(json.load(f))
        name = conf.get("base_template")
    for root in roots:
        base = os.path.join(root, "nbconvert", "templates")
        paths += [root, base, os.path.join(base, "compatibility")]
    paths += template_basedirs()  # the exporters' extra_template_paths
    paths += [p for p in jupyter_path("nbconvert", "templates") if os.path.exists(p)]
    return paths


def bytecode_cache(flavour: str) -> jinja2.BytecodeCache | None:
    """A per-user Jinja bytecode cache, or None when no cache folder can be made."""
    root = os.environ.get("PEERKIT_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache"), "peerkit"
    )
    folder = os.path.join(root, f"jinja-{flavour}-{jinja2.__version__}")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        return None
    if not os.access(folder, os.W_OK):
        return None
    return jinja2.FileSystemBytecodeCache(folder)


class _Resources(dict[str, Any]):
    """nbconvert's ResourcesDict: a missing key reads as an empty string."""

    def __missing__(self, key: str) -> str:
        return ""


def _resources(
    env: jinja2.Environment, notebook: dict[str, Any], mimetype: str, kind: str
) -> _Resources:
    def include_css(name: str) -> Markup:
        loader = env.loader
        assert loader is not None
        source = loader.get_source(env, name)[0]
        return Markup('<style type="text/css">\n%s</style>') % Markup(source)  # noqa: S704

    def needs_nbconvert(*args: Any, **kwargs: Any) -> Any:
        raise NeedsNbconvert("This template needs nbconvert's resources.")

    title = notebook.get("metadata", {}).get("title") or "Notebook"
    resources = _Resources(
        metadata=_Resources(name=title),
        output_extension=".html" if kind == "html" else ".md",
        deprecated=needs_nbconvert,
        raw_mimetypes=[mimetype, ""],
        output_mimetype=mimetype,
        global_content_filter={
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
    if kind == "html":
        resources.update(
            theme="light",
            include_css=include_css,
            include_lab_theme=needs_nbconvert,
            include_js=needs_nbconvert,
            include_url=needs_nbconvert,
            should_sanitize_html=False,
            language_code="en",
            should_not_encode_svg=False,
        )
    return resources


# -- filters -------------------------------------------------------------------------------

_MARKDOWN_PLUGINS = ("strikethrough", "table", "url", "task_lists", "def_list")  # as nbconvert


@lru_cache(maxsize=1)
def _markdown() -> Any:
    import mistune

    return mistune.Markdown(
        renderer=mistune.HTMLRenderer(escape=False, allow_harmful_protocols=True),
        block=mistune.BlockParser(),
        inline=mistune.InlineParser(hard_wrap=False),
        plugins=[mistune.import_plugin(p) for p in _MARKDOWN_PLUGINS],
    )


# What nbconvert's math rules would pick up: an unescaped "$", "\\[" or "\\(" (even after an
# escaped backslash: its block rule has no look-behind), "\begin{".
_MATH = re.compile(r"(?<!\\)\$|\\\\[\[(]|\\begin\{")


def markdown2html(source: str) -> str:
    """Markdown to HTML as nbconvert's markdown2html renders peerkit's cells.

    nbconvert adds LaTeX math to mistune; peerkit escapes every ``$`` and backslash in user
    text, so a cell that still holds math syntax did not come from peerkit: nbconvert renders it.
    """
    if _MATH.search(source):
        raise NeedsNbconvert("Math in Markdown needs nbconvert's renderer.")
    return str(_markdown()(source))


_FILES_URL = re.compile(r'(src|href)\=([\'"]?)/?files/')
_MARKDOWN_URL = re.compile(r"(!?)\[(?P<caption>.*?)\]\(/?files/(?P<location>.*?)\)")


def strip_files_prefix(text: str) -> str:
    """nbconvert.filters.strip_files_prefix."""
    text = _FILES_URL.sub(r"\1=\2", text)
    return _MARKDOWN_URL.sub(r"\1[\2](\3)", text)


def _needs_nbconvert(*args: Any, **kwargs: Any) -> Any:
    raise NeedsNbconvert("This notebook needs one of nbconvert's filters.")


FILTERS: dict[str, Any] = {
    "markdown2html": markdown2html,
    "strip_files_prefix": strip_files_prefix,
    "escape_html": lambda s: html.escape(str(s)),
    "escape_html_keep_quotes": lambda s: html.escape(str(s), quote=False),
    "escape_html_script": lambda s: s.replace("/", "\\/"),
    "text_base64": lambda text: base64.b64encode(text.encode()).decode(),
    "json_dumps": json.dumps,
    "posix_path": lambda path: path.replace(os.sep, "/") if os.sep != "/" else path,
    # Used by nbconvert's lab templates for code cells and rich outputs, which minutes do not
    # have: reaching one of these means the notebook is not a peerkit minutes notebook.
    "ansi2html": _needs_nbconvert,
    "highlight_code": _needs_nbconvert,
    "clean_html": _needs_nbconvert,
    "filter_data_type": _needs_nbconvert,
    "get_metadata": _needs_nbconvert,
}
