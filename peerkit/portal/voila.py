"""Voila with the member pages beside the dashboards: what ``peerkit serve`` runs.

Voila 0.5's own server (``python -m voila``) loads no jupyter-server extensions, so this
subclass adds the member routes (:func:`peerkit.portal.web.handlers`) to Voila's, and, when
``--certfile`` and ``--keyfile`` are given, listens with TLS (Voila's own listen has no TLS).
Everything else is Voila's, command-line options included.
"""

from __future__ import annotations

import ssl
from typing import Any

from traitlets import Unicode
from voila.app import Voila


class PeerkitVoila(Voila):
    name = "peerkit-voila"
    certfile = Unicode("", help="TLS certificate (PEM) to serve HTTPS with.").tag(config=True)
    keyfile = Unicode("", help="The certificate's private key (PEM).").tag(config=True)

    def init_handlers(self) -> list[Any]:
        from peerkit.portal.web import handlers

        return [*handlers(self.server_url or self.base_url), *super().init_handlers()]

    def listen(self) -> None:
        if self.certfile:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.certfile, self.keyfile or None)
            listen = self.app.listen

            def listen_tls(port: int, address: str = "", **kwargs: Any) -> Any:
                return listen(port, address, ssl_options=context, **kwargs)

            self.app.listen = listen_tls
        super().listen()


main = PeerkitVoila.launch_instance

if __name__ == "__main__":
    main()
