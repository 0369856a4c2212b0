# jupyterhub_config.py: JupyterHub serving peerkit's Voila dashboards, one server per facilitator.
#
# This is the file of the trial run described in docs/deploy.md (JupyterHub 6.1.1, voila 0.5.13,
# configurable-http-proxy 5.3.0). What differs between that trial and an organization's server
# comes from environment variables, set where the hub is started:
#
#   PEERKIT_DB              the store, e.g. postgresql://peerkit@127.0.0.1:5432/peerkit
#                           (the trial used sqlite:////tmp/hub/data/demo.db)
#   PEERKIT_HUB_STATE       where the hub keeps its own database, cookie secret and PID files
#   PEERKIT_HUB_PASSWORD    the trial's shared password (trial only, see "Who may log in")
#   PEERKIT_IDLE_TIMEOUT    seconds before jupyterhub-idle-culler stops an idle server (3600)
#   PEERKIT_IDLE_CULL_EVERY how often the culler looks, in seconds (300)
#   CHP_COMMAND             configurable-http-proxy's path, if it is not on PATH
#
# Start it with:  jupyterhub -f jupyterhub_config.py
import json
import os
import sys
from pathlib import Path

from peerkit.settings import VOILA_CONFIG, notebooks_dir

c = get_config()  # noqa: F821  (provided by JupyterHub when it loads this file)

# The virtualenv that holds jupyterhub, voila and peerkit: the hub and every single-user server
# run from it, so they import the same peerkit and find its Voila template.
VENV_BIN = Path(sys.executable).parent
STATE = Path(os.environ.get("PEERKIT_HUB_STATE", "/srv/jupyterhub"))
STATE.mkdir(parents=True, exist_ok=True)

# The store every facilitator's kernels open: a postgresql:// URL in production (see the
# "PostgreSQL" section of docs/deploy.md), a SQLite URL in the trial.
PEERKIT_DB = os.environ.get("PEERKIT_DB", "postgresql://peerkit@127.0.0.1:5432/peerkit")

# Which cohorts each facilitator may open (hub user name -> cohort names). The first one is the
# cohort their console opens. Users not listed here cannot log in (allowed_users below).
FACILITATORS = {
    "ana": ["Northstar CTO Circle"],
    "ben": ["Southside Leaders Circle"],
}

# --- The hub and its proxy -------------------------------------------------------------------
# Loopback only: put a TLS-terminating reverse proxy (nginx, Caddy, ...) in front to expose it.
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = 8000
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
# configurable-http-proxy comes from npm; say where if it is not on PATH.
if os.environ.get("CHP_COMMAND"):
    c.ConfigurableHTTPProxy.command = [os.environ["CHP_COMMAND"]]

# --- Who may log in --------------------------------------------------------------------------
# TRIAL ONLY: one password shared by every listed user. (SharedPasswordAuthenticator is what
# JupyterHub 5.3+ offers instead of DummyAuthenticator.password, which it deprecates.)
# An organization replaces these lines with a real authenticator, e.g.
#   c.JupyterHub.authenticator_class = "generic-oauth"   # oauthenticator: your SSO
#   c.JupyterHub.authenticator_class = "ldapauthenticator.LDAPAuthenticator"
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["PEERKIT_HUB_PASSWORD"]
c.Authenticator.allowed_users = set(FACILITATORS)

# --- One single-user server per facilitator --------------------------------------------------
# TRIAL ONLY: SimpleLocalProcessSpawner runs every server as the hub's own Unix user.
# An organization uses "localprocess" (one Unix user each), "systemdspawner.SystemdSpawner" or
# "dockerspawner.DockerSpawner".
c.JupyterHub.spawner_class = "simple"
c.Spawner.cmd = [str(VENV_BIN / "jupyterhub-singleuser")]
# The dashboards: the notebooks installed with peerkit (<venv>/share/jupyter/peerkit/notebooks).
c.Spawner.notebook_dir = str(notebooks_dir())
# After login, open the facilitator console (Voila's server extension), not JupyterLab.
c.Spawner.default_url = "/voila/render/facilitator.ipynb"
c.Spawner.environment = {
    "PEERKIT_DB": PEERKIT_DB,
    "PYTHONUNBUFFERED": "1",
}
c.Spawner.args = [
    # The Voila settings `peerkit serve` uses too, shipped once in the package
    # (peerkit/jupyter-config/voila.json): the peerkit template, the dark theme, and culling of
    # kernels idle for 10 minutes (Voila 0.5 leaks one per closed tab; kernels of open pages
    # are kept, however long a phase runs without a message).
    # (--config names the one file these servers read, instead of jupyter_server_config.*.)
    f"--config={VOILA_CONFIG}",
    # Voila as a server extension (not standalone) points its pages at MathJax 2 on a CDN
    # (cdnjs) unless these settings exist and are None: then the page uses the MathJax 3 bundled
    # in voila's own JS, as standalone Voila does. Without this line every page asks the CDN.
    "--ServerApp.tornado_settings={'mathjax_url': None, 'mathjax_config': None}",
]
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60


def set_facilitator_env(spawner):
    """Per facilitator: the cohort their console opens and the cohorts they may open.

    PEERKIT_ALLOWED_COHORTS names the cohorts that facilitator may open: a guard against
    mistakes, not a security boundary (a facilitator who can run code in a kernel can bypass it
    and read the whole store). Real isolation: one PostgreSQL role per facilitator with
    row-level security (docs/postgres-roles.sql), each with its own PEERKIT_DB.
    """
    cohorts = FACILITATORS.get(spawner.user.name, [])
    env = dict(spawner.environment)  # a copy: never change the dict the spawners share
    if cohorts:
        env["PEERKIT_COHORT"] = cohorts[0]
    env["PEERKIT_ALLOWED_COHORTS"] = json.dumps(cohorts)  # a JSON list of names
    spawner.environment = env


c.Spawner.pre_spawn_hook = set_facilitator_env

# --- Stop servers nobody uses --------------------------------------------------------------
# jupyterhub-idle-culler (PyPI) runs as a hub service and stops single-user servers idle for
# PEERKIT_IDLE_TIMEOUT seconds. In the trial an open, untouched console and projector kept
# their server alive; it was culled about a minute after the browser closed (60 s timeout).
c.JupyterHub.load_roles = [
    {
        "name": "jupyterhub-idle-culler-role",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["jupyterhub-idle-culler-service"],
    }
]
c.JupyterHub.services = [
    {
        "name": "jupyterhub-idle-culler-service",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={int(os.environ.get('PEERKIT_IDLE_TIMEOUT', '3600'))}",
            f"--cull-every={int(os.environ.get('PEERKIT_IDLE_CULL_EVERY', '300'))}",
        ],
    }
]
