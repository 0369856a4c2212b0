"""Members' own pages, served by the same server as the dashboards.

Two ways in, one set of handlers (:func:`peerkit.portal.web.handlers`):

- ``peerkit serve`` runs Voila as :class:`peerkit.portal.voila.PeerkitVoila`, which adds the
  member routes to Voila's own;
- a Jupyter server (JupyterLab, or JupyterHub's single-user servers running Voila as an
  extension) loads this package as a jupyter-server extension
  (``jupyter_server_config.d/peerkit.json``), which adds the same routes.
"""

from __future__ import annotations

from typing import Any


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "peerkit.portal"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    from peerkit.portal.web import MemberHandler, handlers, log_request

    settings = serverapp.web_app.settings
    serverapp.web_app.add_handlers(".*$", handlers(settings["base_url"]))
    # jupyter-server's request log writes each request's address, which for a member page
    # holds the member's token: those requests are logged as tornado does, by their summary.
    server_log = settings.get("log_function")

    def log_function(handler: Any) -> None:
        if isinstance(handler, MemberHandler):
            log_request(handler)
        else:
            server_log(handler)

    if server_log is not None:
        settings["log_function"] = log_function
