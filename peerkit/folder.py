"""A coach's cohort folder: its own notebooks, config, formats and minutes-template overrides."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from peerkit.model import MAX_NAME, PeerkitError, check_text
from peerkit.settings import (
    CONFIG_NAME,
    DEFAULT_GROUND_RULES,
    NOTEBOOKS,
    Settings,
    find_file,
    notebooks_dir,
    read_toml,
    resolve,
    store_url,
)
from peerkit.store import Store

__all__ = [
    "CONFIG_NAME",
    "DEFAULT_GROUND_RULES",
    "CohortConfig",
    "find_config",
    "format_folders",
    "init_folder",
    "minutes_dir",
]


def _default(name: str) -> Any:
    """A setting's default, as declared once in peerkit.settings."""
    return Settings.declared()[name].default()


@dataclass(frozen=True)
class CohortConfig:
    """What a cohort folder's ``peerkit.toml`` says: the settings tagged ``toml`` in
    :class:`peerkit.settings.Settings` (their help and defaults are declared there)."""

    folder: Path
    cohort: str
    store: str = _default("store")
    default_format: str = _default("default_format")
    meeting_minutes: int = _default("meeting_minutes")
    ground_rules: str = _default("ground_rules")
    chime: bool = _default("chime")
    chatham_house: bool = _default("chatham_house")
    name_others_in_member_minutes: bool = _default("name_others_in_member_minutes")
    allowed_cohorts: tuple[str, ...] | None = None
    life_areas: tuple[str, ...] = tuple(_default("life_areas"))
    public_url: str = _default("public_url")
    link_key_file: str = _default("link_key_file")
    smtp_host: str = _default("smtp_host")
    smtp_port: int = _default("smtp_port")
    smtp_tls: str = _default("smtp_tls")
    smtp_user: str = _default("smtp_user")
    smtp_password_file: str = _default("smtp_password_file")
    mail_from: str = _default("mail_from")

    @property
    def path(self) -> Path:
        return self.folder / CONFIG_NAME

    @property
    def store_url(self) -> str:
        return store_url(self.store, self.folder)

    @property
    def formats_dir(self) -> Path:
        return self.folder / "formats"

    @property
    def templates_dir(self) -> Path:
        return self.folder / "templates"


def load_config(path: Path | str) -> CohortConfig:
    """Read a folder's ``peerkit.toml`` (or the file itself); problems are one plain message."""
    path = Path(path)
    if path.is_dir():
        path = path / CONFIG_NAME
    section = read_toml(path)
    for key in ("allowed_cohorts", "life_areas"):
        if key in section:
            section[key] = tuple(section[key])
    return CohortConfig(folder=path.parent.resolve(), **section)


def format_folders(config: CohortConfig | None) -> list[Path]:
    """Where a cohort folder's own formats are (its ``formats/``, when it has one): what the
    console offers beside the built-in ones, `peerkit formats` lists and `peerkit minutes` reads."""
    return [config.formats_dir] if config is not None and config.formats_dir.is_dir() else []


def minutes_dir(config: CohortConfig | None) -> Path:
    """Where exported minutes go unless told otherwise, from the console and `peerkit minutes`
    alike: the cohort folder's ``minutes/`` (made by the first export), else the
    ``minutes_folder`` setting (`peerkit serve` sets it to the folder it was started in, not
    the notebooks' folder where the kernels run), else the current folder."""
    if config is not None:
        return config.folder / "minutes"
    chosen = resolve(folder=False).minutes_folder
    return Path(chosen).expanduser() if chosen else Path.cwd()


def find_config(start: Path | str | None = None) -> CohortConfig | None:
    """The config of the cohort folder ``start`` is in (or below), if any."""
    path = find_file(start)
    return load_config(path) if path else None


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
    store holding the cohort. The config allows only this cohort (``allowed_cohorts``), so a
    store shared with other cohorts offers none of theirs here. Refuses a folder that already
    has a config."""
    folder = Path(folder).resolve()
    cohort = check_text(cohort, "The cohort name", limit=MAX_NAME)  # as the store keeps it
    if (folder / CONFIG_NAME).exists():
        raise PeerkitError(f"{folder} is already a cohort folder ({CONFIG_NAME} exists).")
    if not folder.parent.is_dir():
        raise PeerkitError(f"Folder {folder.parent} does not exist: create it first.")
    config = CohortConfig(
        folder=folder, cohort=cohort, store=store or "peerkit.db", allowed_cohorts=(cohort,)
    )
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
