"""peerkit inside JupyterLab: a jupyter-server extension that lets Lab's "Save and Export Notebook
As › Peerkit-minutes" work too.

jupyter-server's export route (``/nbconvert/<format>/<path>``) takes only word characters in a
format's name, so the hyphenated names that ``jupyter nbconvert --to peerkit-minutes`` takes end in
"404 : Not Found" from Lab's menu. This extension sends them to the same exporter under its
underscore name (``peerkit_minutes``), with the path and query kept. Enabled by
``jupyter_server_config.d/peerkit.json``, installed with the package.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

#: The exporters' hyphenated names, as the command line knows them, and their underscore twins.
HYPHENATED = {"peerkit-minutes": "peerkit_minutes", "peerkit-minutes-md": "peerkit_minutes_md"}


class HyphenatedExport(JupyterHandler):
    """``/nbconvert/peerkit-minutes/<path>`` → ``/nbconvert/peerkit_minutes/<path>``."""

    @web.authenticated
    def get(self, name: str, path: str) -> None:
        target = url_path_join(self.base_url, "nbconvert", HYPHENATED[name], path)
        query = self.request.query
        self.redirect(f"{target}?{query}" if query else target)


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "peerkit.lab"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    names = "|".join(sorted(HYPHENATED, key=len, reverse=True))
    route = url_path_join(serverapp.web_app.settings["base_url"], rf"nbconvert/({names})/(.*)")
    serverapp.web_app.add_handlers(".*$", [(route, HyphenatedExport)])
