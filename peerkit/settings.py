"""The settings room: every peerkit setting declared once, and where peerkit's own files are.

A setting's value comes from, lowest to highest: its default, the cohort folder's
``peerkit.toml``, the environment (``PEERKIT_…``), then the command line. ``peerkit settings``
lists each one with its value, where that value came from, and its help.
"""

from __future__ import annotations

import json
import os
import textwrap
import tomllib
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

from jupyter_core.paths import jupyter_path
from traitlets import Bool, Int, List, Unicode
from traitlets.config import Configurable

from peerkit.model import PeerkitError

__all__ = [
    "CONFIG_NAME",
    "DEFAULT_GROUND_RULES",
    "NOTEBOOKS",
    "VOILA_CONFIG",
    "Settings",
    "checkout",
    "find_file",
    "listing",
    "notebooks_dir",
    "read_toml",
    "resolve",
    "store_url",
]

CONFIG_NAME = "peerkit.toml"
CONSOLE_NOTEBOOK = "facilitator.ipynb"
PROJECTOR_NOTEBOOK = "projector.ipynb"
ACCOUNTABILITY_NOTEBOOK = "accountability.ipynb"
NOTEBOOKS = (CONSOLE_NOTEBOOK, PROJECTOR_NOTEBOOK, ACCOUNTABILITY_NOTEBOOK)
#: Voila's flags, shipped once: `peerkit serve` and docs/jupyterhub_config.py both load it.
VOILA_CONFIG = Path(str(files("peerkit").joinpath("jupyter-config", "voila.json")))
DEFAULT_GROUND_RULES = (
    "What is said here stays here: we use what we hear, and never say who said it "
    "(the Chatham House Rule). We speak from experience, we listen to understand, and we keep "
    "the commitments we make. Phones away during rounds."
)

#: The settings `peerkit settings` never shows the value of.
SECRETS = ("token", "smtp_password")

# Where a value came from, as `peerkit settings` shows it.
DEFAULT, FILE, ENVIRONMENT, COMMAND_LINE = "default", CONFIG_NAME, "environment", "command line"


class Settings(Configurable):
    """Every peerkit setting. Tags: ``env`` (its environment variable), ``toml`` (a key of
    ``peerkit.toml``), ``option`` (its command-line option)."""

    store = Unicode(
        "peerkit.db",
        help="The store: a SQLite file or a database URL, e.g. "
        "postgresql://peerkit@db.example.org/peerkit. In peerkit.toml a file is relative to "
        "the folder.",
    ).tag(config=True, env="PEERKIT_DB", toml=True, option="--db")
    cohort = Unicode(
        "",
        help='The cohort to open, by name or id, e.g. "Leaders A" (default: the store\'s only '
        "cohort).",
    ).tag(config=True, env="PEERKIT_COHORT", toml=True, option="--cohort")
    allowed_cohorts = List(
        Unicode(),
        default_value=None,
        allow_none=True,
        help='The only cohorts this facilitator may open, e.g. ["Leaders A"] (in the '
        "environment, a JSON list). A guard against mistakes, not a security boundary "
        "(docs/deploy.md). Default: any.",
    ).tag(config=True, env="PEERKIT_ALLOWED_COHORTS", toml=True)
    default_format = Unicode(
        "mastermind hot seat", help="The format a new round starts with, e.g. 'quick clinic'."
    ).tag(config=True, toml=True)
    meeting_minutes = Int(
        180, min=10, max=24 * 60, help="A meeting's planned length in minutes (10 to 1440)."
    ).tag(config=True, toml=True)
    ground_rules = Unicode(
        DEFAULT_GROUND_RULES, help="The ground rules read at the opening of every meeting."
    ).tag(config=True, toml=True)
    chime = Bool(True, help="Chime when a phase's time is up.").tag(config=True, toml=True)
    chatham_house = Bool(False, help="Minutes keep what was said and drop who said it.").tag(
        config=True, toml=True
    )
    name_others_in_member_minutes = Bool(
        False,
        help="A member's personal summary names the other members (only when the group "
        "agreed to it; otherwise they appear as 'a member').",
    ).tag(config=True, toml=True)
    life_areas = List(
        Unicode(),
        default_value=["business", "family", "personal"],
        help='The life areas members score from 1 to 10 in their update, e.g. ["work", '
        '"family", "health"].',
    ).tag(config=True, toml=True)
    public_url = Unicode(
        "",
        help="The address members' phones reach `peerkit serve` at, which their personal links "
        "start with, e.g. https://peer.example.org/ (default: http://127.0.0.1:8866/).",
    ).tag(config=True, env="PEERKIT_PUBLIC_URL", toml=True)
    link_key_file = Unicode(
        "",
        help="The facilitator's key that members' personal links are made from, kept outside "
        "the store (default: ~/.config/peerkit/link.key, made on first use, readable by you "
        "only). Whoever holds it and the store can open every member's page.",
    ).tag(config=True, env="PEERKIT_LINK_KEY_FILE", toml=True)
    smtp_host = Unicode(
        "",
        help="The mail server `peerkit remind` sends members' e-mails through, e.g. "
        "smtp.example.org (default: none; without one, only `peerkit remind --dry-run` works).",
    ).tag(config=True, env="PEERKIT_SMTP_HOST", toml=True)
    smtp_port = Int(
        587,
        help="The mail server's port, e.g. 587 (STARTTLS, the default) or 465 (TLS from the "
        'start, with smtp_tls = "tls").',
    ).tag(config=True, env="PEERKIT_SMTP_PORT", toml=True)
    smtp_tls = Unicode(
        "starttls",
        help='How the connection to the mail server is encrypted: "starttls" (the default, '
        'e.g. port 587), "tls" (e.g. port 465) or "none" (only for a relay on this computer, '
        "e.g. 127.0.0.1:25).",
    ).tag(config=True, env="PEERKIT_SMTP_TLS", toml=True)
    smtp_user = Unicode(
        "",
        help="The user to log in to the mail server as, e.g. coach@example.org (default: no "
        "login). Its password comes from $PEERKIT_SMTP_PASSWORD or smtp_password_file.",
    ).tag(config=True, env="PEERKIT_SMTP_USER", toml=True)
    smtp_password_file = Unicode(
        "",
        help="A file holding only the mail server's password for smtp_user, readable by you "
        "only, e.g. ~/.config/peerkit/smtp-password or a systemd credential "
        "($CREDENTIALS_DIRECTORY/smtp). Used when $PEERKIT_SMTP_PASSWORD is not set.",
    ).tag(config=True, env="PEERKIT_SMTP_PASSWORD_FILE", toml=True)
    smtp_password = Unicode(
        "",
        help="The mail server's password for smtp_user, read only from the environment "
        "(e.g. PEERKIT_SMTP_PASSWORD=… in a systemd unit's EnvironmentFile), never from "
        "peerkit.toml, and never shown.",
    ).tag(config=True, env="PEERKIT_SMTP_PASSWORD")
    mail_from = Unicode(
        "",
        help='Who members\' e-mails come from, e.g. "Coach Kim <kim@example.org>" '
        "(required to send; `peerkit remind --dry-run` works without).",
    ).tag(config=True, env="PEERKIT_MAIL_FROM", toml=True)
    config_file = Unicode(
        "",
        help="The cohort folder's peerkit.toml, e.g. /srv/cohorts/leaders-a/peerkit.toml "
        "(default: the one in the current folder or above; `peerkit serve` sets it for "
        "its notebooks).",
    ).tag(config=True, env="PEERKIT_CONFIG")
    formats = Unicode(
        "",
        help="One more folder of format files (YAML) for `peerkit minutes`, e.g. ~/formats.",
    ).tag(config=True, env="PEERKIT_FORMATS")
    token = Unicode(
        "",
        help="The secret every dashboard page needs when `peerkit serve` listens beyond this "
        "computer (at least 16 characters, or 'generate').",
    ).tag(config=True, env="PEERKIT_TOKEN", option="--token")
    minutes_folder = Unicode(
        "",
        help="Where minutes are written outside a cohort folder (a cohort folder's go to its "
        "minutes/), e.g. ~/minutes. Default: the folder peerkit was started in; `peerkit "
        "serve` sets it for its notebooks.",
    ).tag(config=True, env="PEERKIT_MINUTES_FOLDER")
    chromium = Unicode(
        "",
        help="The Chromium (or Chrome) that prints PDF minutes, e.g. /usr/bin/chromium "
        "(default: the first found on PATH, in /Applications, or Playwright's own).",
    ).tag(config=True, env="PEERKIT_CHROMIUM")
    debug = Bool(
        False, help="Show full tracebacks, e.g. PEERKIT_DEBUG=1 (they may quote meeting text)."
    ).tag(config=True, env="PEERKIT_DEBUG")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sources: dict[str, str] = dict.fromkeys(self.trait_names(config=True), DEFAULT)
        self.file: Path | None = None

    @classmethod
    def declared(cls) -> dict[str, Any]:
        """Every setting's trait, in declaration order."""
        return {n: t for n, t in cls.class_traits(config=True).items()}

    @property
    def folder(self) -> Path | None:
        """The cohort folder (where ``peerkit.toml`` is), or None outside one."""
        return self.file.parent if self.file else None

    @property
    def store_url(self) -> str:
        """The store as a URL or path; a file named by ``peerkit.toml`` (or the default, in a
        cohort folder) is relative to the folder."""
        given = self.sources["store"] in (ENVIRONMENT, COMMAND_LINE)
        return store_url(self.store, None if given else self.folder)


def store_url(store: str, folder: Path | None) -> str:
    """``store`` as given when it is a URL or there is no folder; else a SQLite file in it."""
    if "://" in store or folder is None:
        return store
    return f"sqlite:///{(folder / store).resolve()}"


def _parse(name: str, text: str) -> Any:
    """An environment variable's text as the setting's type."""
    trait = Settings.declared()[name]
    if isinstance(trait, Bool):
        return text.strip().lower() not in ("", "0", "false", "no", "off")
    if isinstance(trait, Int):
        try:
            return int(text.strip())
        except ValueError:
            raise PeerkitError(
                f"${trait.metadata['env']}: {name} must be a whole number, like "
                f"{trait.default()}, not {text!r}."
            ) from None
    if isinstance(trait, List):
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            value = None
        return _names(value, f"${trait.metadata['env']}")
    return text


def _names(value: Any, where: str, key: str = "allowed_cohorts") -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        example = '["Leaders A"]' if key == "allowed_cohorts" else '["work", "family"]'
        raise PeerkitError(f"{where}: {key} must be a list of names, like {example}.")
    return [v.strip() for v in value]


def read_toml(path: Path | str) -> dict[str, Any]:
    """A ``peerkit.toml`` (or the folder holding one), checked against the declared settings;
    every problem is one plain message."""
    path = Path(path)
    if path.is_dir():
        path = path / CONFIG_NAME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PeerkitError(f"No {CONFIG_NAME} at {path}: run `peerkit init` first.") from None
    except tomllib.TOMLDecodeError as exc:
        raise PeerkitError(f"{path}: not valid TOML ({exc}).") from None
    section = data.get("peerkit", data)
    keys = [n for n, t in Settings.declared().items() if t.metadata.get("toml")]
    unknown = set(section) - set(keys)
    if unknown:
        raise PeerkitError(
            f"{path}: unknown setting {', '.join(sorted(unknown))}: use {', '.join(keys)}."
        )
    for key, value in section.items():
        kind = _KINDS[type(Settings.declared()[key])]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise PeerkitError(f"{path}: {key} must be {kind.__name__}, not {value!r}.")
    if not section.get("cohort"):
        raise PeerkitError(f"{path}: the cohort setting is missing.")
    for key in ("allowed_cohorts", "life_areas"):
        if key in section:
            section = {**section, key: _names(section[key], str(path), key)}
    minutes = section.get("meeting_minutes", 180)
    if not 10 <= minutes <= 24 * 60:
        raise PeerkitError(f"{path}: meeting_minutes must be between 10 and 1440.")
    return dict(section)


_KINDS: dict[type, type] = {Unicode: str, Int: int, Bool: bool, List: list}


def find_file(start: Path | str | None = None) -> Path | None:
    """The ``peerkit.toml`` of the cohort folder ``start`` (default: here) is in, if any."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME
    return None


def resolve(
    command_line: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    folder: bool = True,
) -> Settings:
    """The settings in force: defaults, then ``peerkit.toml`` (``$PEERKIT_CONFIG``, else the
    folder we are in or above; skipped when ``folder`` is False), then the environment, then
    ``command_line`` (values that are None were not given)."""
    environ = os.environ if environ is None else environ
    settings = Settings()
    layers: list[tuple[str, dict[str, Any]]] = []
    env_values = {
        name: _parse(name, environ[trait.metadata["env"]])
        for name, trait in Settings.declared().items()
        if trait.metadata.get("env") and environ.get(trait.metadata["env"])
    }
    if folder:
        path = env_values.get("config_file") or find_file()
        if path:
            settings.file = Path(path).resolve()
            if settings.file.is_dir():
                settings.file = settings.file / CONFIG_NAME
            layers.append((FILE, read_toml(settings.file)))
    layers.append((ENVIRONMENT, env_values))
    layers.append((COMMAND_LINE, {k: v for k, v in (command_line or {}).items() if v is not None}))
    for source, values in layers:
        for name, value in values.items():
            setattr(settings, name, value)
            settings.sources[name] = source
    return settings


def listing(settings: Settings, *, store_shown: str) -> list[str]:
    """What `peerkit settings` prints: per setting, its value and source, its help, and the
    ways to set it. The token is never shown; the store as ``store_shown`` (no password)."""
    lines: list[str] = []
    for name, trait in Settings.declared().items():
        value = getattr(settings, name)
        if name in SECRETS and value:
            value = "(set, not shown)"
        elif name == "store":
            value = store_shown
        source = settings.sources[name]
        where = {
            FILE: f"{FILE} ({settings.file})",
            ENVIRONMENT: f"${trait.metadata.get('env')}",
            COMMAND_LINE: str(trait.metadata.get("option")),
        }.get(source, source)
        ways = [
            *([f"{FILE}: {name}"] if trait.metadata.get("toml") else []),
            *([f"${trait.metadata['env']}"] if trait.metadata.get("env") else []),
            *([str(trait.metadata["option"])] if trait.metadata.get("option") else []),
        ]
        lines += [
            f"{name} = {value!r}  [{where}]",
            textwrap.fill(trait.help, 96, initial_indent="    ", subsequent_indent="    "),
            f"    Set with: {', '.join(ways)}.",
        ]
    return lines


def checkout() -> Path | None:
    """The source tree peerkit runs from (a git checkout or an editable install), else None.

    There, the live ``notebooks/`` and ``templates/`` win over the copies installed with the
    package (an editable install holds copies made at install time)."""
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / "notebooks" / NOTEBOOKS[0]).is_file():
        return root
    return None


def notebooks_dir() -> Path:
    """The dashboard notebooks: the checkout's, else the copy installed with the package under
    a Jupyter data folder (``<prefix>/share/jupyter/peerkit/notebooks``, also for
    ``pip install --user``)."""
    root = checkout()
    candidates = [root / "notebooks"] if root else []
    candidates += [Path(p) for p in jupyter_path("peerkit", "notebooks")]
    for folder in candidates:
        if (folder / NOTEBOOKS[0]).is_file():
            return folder
    raise PeerkitError("The dashboard notebooks are missing: reinstall peerkit.")
