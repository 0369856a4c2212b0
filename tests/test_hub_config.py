"""docs/jupyterhub_config.py gives the hub's servers the Voila settings `peerkit serve` uses:
the one file shipped in the package, and the notebooks installed with it."""

from __future__ import annotations

from pathlib import Path

import pytest
from jupyter_server.serverapp import ServerApp
from traitlets.config import Config

from peerkit.settings import VOILA_CONFIG, notebooks_dir

HUB_CONFIG = Path(__file__).resolve().parents[1] / "docs" / "jupyterhub_config.py"


# The trial's --ServerApp.tornado_settings={…} form, which traitlets 5 still reads but warns about.
@pytest.mark.filterwarnings("ignore:--tornado_settings=:DeprecationWarning")
def test_the_hub_servers_load_the_shipped_voila_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEERKIT_HUB_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("PEERKIT_HUB_PASSWORD", "trial")
    c = Config()
    exec(compile(HUB_CONFIG.read_text(), str(HUB_CONFIG), "exec"), {"get_config": lambda: c})
    assert c.Spawner.notebook_dir == str(notebooks_dir())
    server = ServerApp()
    server.parse_command_line(c.Spawner.args)  # what jupyterhub-singleuser is started with
    server.load_config_file()
    assert server.config_file == str(VOILA_CONFIG)
    assert server.config.VoilaConfiguration.template == "peerkit"
    assert server.config.VoilaConfiguration.theme == "dark"
    assert server.config.MappingKernelManager.cull_idle_timeout == 600
    assert server.config.ServerApp.tornado_settings == {"mathjax_url": None, "mathjax_config": None}
