"""A coach's cohort folder: its own notebooks, config, formats and minutes-template overrides."""

from __future__ import annotations

import json
import os
import shutil
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from peerkit.model import PeerkitError

CONFIG_NAME = "peerkit.toml"
#: Set for a facilitator (e.g. by JupyterHub's spawner): a JSON list of the cohort names they
#: may open. It overrides the folder's allowed_cohorts.
ALLOWED_ENV = "PEERKIT_ALLOWED_COHORTS"
NOTEBOOKS = ("facilitator.ipynb", "projector.ipynb", "accountability.ipynb")
DEFAULT_GROUND_RULES = (
    "What is said here stays here: we use what we hear, and never say who said it "
    "(the Chatham House Rule). We speak from experience, we listen to understand, and we keep "
    "the commitments we make. Phones away during rounds."
)


@dataclass(frozen=True)
class CohortConfig:
    """What a cohort folder's ``peerkit.toml`` says (every key optional but the cohort)."""

    folder: Path
    cohort: str
    store: str = "peerkit.db"  # a file in the folder, or any database URL
    default_format: str = "mastermind hot seat"
    meeting_minutes: int = 180
    ground_rules: str = DEFAULT_GROUND_RULES
    chime: bool = True
    chatham_house: bool = False
    # A member's personal summary names the other members (advice givers, names in the text)
    # only when the group agreed to it; otherwise they appear as "a member".
    name_others_in_member_minutes: bool = False
    # The cohorts this facilitator may open (None: any). A guard against opening the wrong
    # cohort, not a security boundary: see docs/deploy.md.
    allowed_cohorts: tuple[str, ...] | None = None

    @property
    def path(self) -> Path:
        return self.folder / CONFIG_NAME

    @property
    def store_url(self) -> str:
        if "://" in self.store:
            return self.store
        return f"sqlite:///{(self.folder / self.store).resolve()}"

    @property
    def formats_dir(self) -> Path:
        return self.folder / "formats"

    @property
    def templates_dir(self) -> Path:
        return self.folder / "templates"


_TYPES: dict[str, type] = {
    "cohort": str,
    "store": str,
    "default_format": str,
    "meeting_minutes": int,
    "ground_rules": str,
    "chime": bool,
    "chatham_house": bool,
    "name_others_in_member_minutes": bool,
    "allowed_cohorts": list,
}


def load_config(path: Path | str) -> CohortConfig:
    """Read a folder's ``peerkit.toml`` (or the file itself); problems are one plain message."""
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
    unknown = set(section) - set(_TYPES)
    if unknown:
        raise PeerkitError(
            f"{path}: unknown setting {', '.join(sorted(unknown))}: use {', '.join(_TYPES)}."
        )
    for key, value in section.items():
        kind = _TYPES[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise PeerkitError(f"{path}: {key} must be {kind.__name__}, not {value!r}.")
    if not section.get("cohort"):
        raise PeerkitError(f"{path}: the cohort setting is missing.")
    if "allowed_cohorts" in section:
        section = {**section, "allowed_cohorts": _names(section["allowed_cohorts"], str(path))}
    minutes = section.get("meeting_minutes", 180)
    if not 10 <= minutes <= 24 * 60:
        raise PeerkitError(f"{path}: meeting_minutes must be between 10 and 1440.")
    return CohortConfig(folder=path.parent.resolve(), **section)


def _names(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise PeerkitError(
            f'{where}: allowed_cohorts must be a list of cohort names, like ["Leaders A"].'
        )
    return tuple(v.strip() for v in value)


def allowed_cohorts(config: CohortConfig | None) -> tuple[str, ...] | None:
    """The cohorts this facilitator may open: ``$PEERKIT_ALLOWED_COHORTS`` (a JSON list), else
    the folder's ``allowed_cohorts``, else None (any)."""
    text = os.environ.get(ALLOWED_ENV)
    if text:
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            value = None
        return _names(value, f"${ALLOWED_ENV}")
    return config.allowed_cohorts if config else None


def find_config(start: Path | str | None = None) -> CohortConfig | None:
    """The config of the cohort folder ``start`` is in (or below), if any."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return load_config(folder / CONFIG_NAME)
    return None


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)  # a TOML basic string is JSON-compatible


def write_config(config: CohortConfig) -> None:
    lines = [
        "# peerkit cohort settings: every key but cohort is optional.",
        "[peerkit]",
    ]
    for f in fields(config):
        if f.name != "folder" and getattr(config, f.name) is not None:
            lines.append(f"{f.name} = {_toml(getattr(config, f.name))}")
    config.path.write_text("\n".join(lines) + "\n", encoding="utf-8")


EXAMPLE_FORMAT = """\
# A coach's own format. Rename this file to quick-clinic.yaml (or copy it) and it appears in
# the console's format list; `peerkit formats --file FILE` checks a file before a meeting.
name: Quick clinic
description: A short round for small questions.
rules: One question per person; answers in a sentence or two.
phases:
  - name: Ask
    minutes: 2
    instruction: State the question in one sentence.
  - name: Answers
    minutes: 6
    instruction: One answer each, no debate.
    flags: [advice]          # also: presenter-away, experience-not-advice, commitments
  - name: Decide
    minutes: 2
    instruction: The presenter says what they will do, and by when.
    flags: [commitments]
"""

TEMPLATES_README = """\
# Minutes template overrides

Files here take precedence over peerkit's built-in minutes templates (see docs/coaches.md).
To change one block of the minutes, create `peerkit-minutes/index.html.j2` here that extends
the built-in template and overrides the block, for example:

    {%- extends "peerkit-minutes/minutes.html.j2" -%}
    {%- block closing -%}
    <p>Thank you all. Our next retreat is in June.</p>
    {%- endblock closing -%}
"""


def init_folder(folder: Path | str, cohort: str, *, store: str | None = None) -> CohortConfig:
    """Make a cohort folder: notebooks, ``peerkit.toml``, ``formats/``, ``templates/``, and a
    store holding the cohort. Refuses a folder that already has a config."""
    from peerkit.cli import notebooks_dir
    from peerkit.store import Store

    folder = Path(folder).resolve()
    if (folder / CONFIG_NAME).exists():
        raise PeerkitError(f"{folder} is already a cohort folder ({CONFIG_NAME} exists).")
    if not folder.parent.is_dir():
        raise PeerkitError(f"Folder {folder.parent} does not exist: create it first.")
    config = CohortConfig(folder=folder, cohort=cohort, store=store or "peerkit.db")
    created = not folder.exists()
    folder.mkdir(exist_ok=True)
    try:
        with Store(config.store_url) as the_store:
            if cohort not in {c.name for c in the_store.cohorts()}:
                the_store.add_cohort(cohort)
    except PeerkitError:
        if created:  # bad input changes nothing
            shutil.rmtree(folder)
        raise
    source = notebooks_dir()
    for name in NOTEBOOKS:
        if (source / name).exists():
            shutil.copyfile(source / name, folder / name)
    config.formats_dir.mkdir(exist_ok=True)
    (config.formats_dir / "quick-clinic.yaml.example").write_text(EXAMPLE_FORMAT, encoding="utf-8")
    config.templates_dir.mkdir(exist_ok=True)
    (config.templates_dir / "README.md").write_text(TEMPLATES_README, encoding="utf-8")
    write_config(config)
    return config
