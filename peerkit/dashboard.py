"""The dashboard's entry points, called from the thin notebooks that Voila serves."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from peerkit.model import MOMENTS, PeerkitError

__all__ = [
    "CONFIG_ENV",
    "MOMENTS",
    "Setup",
    "console",
    "find_settings",
    "open_store",
    "problem",
    "projector",
    "setup",
]

#: Set by `peerkit serve` in a cohort folder: the folder's peerkit.toml.
CONFIG_ENV = "PEERKIT_CONFIG"


@dataclass
class Setup:
    """Where the dashboard's store, cohort and formats come from, and the cohort's settings."""

    store: Any
    cohort: Any
    formats: dict[str, Any]
    config: Any  # a peerkit.folder.CohortConfig, or None outside a cohort folder


def setup(store: Any = None, cohort: Any = None) -> Setup:
    """Resolve the notebook's parameters: explicit values first, then ``$PEERKIT_DB`` and
    ``$PEERKIT_COHORT`` (set by `peerkit serve`), then the cohort folder's ``peerkit.toml``."""
    from peerkit.formats import load_formats

    config = find_settings()
    the_store = open_store(store, config)
    name = cohort or os.environ.get("PEERKIT_COHORT") or (config.cohort if config else None)
    the_cohort = the_store.cohort(name or None)
    folders = [config.formats_dir] if config and config.formats_dir.is_dir() else []
    return Setup(the_store, the_cohort, load_formats(folders), config)


def find_settings() -> Any:
    """The cohort folder's settings: ``$PEERKIT_CONFIG``, else the folder we are in, else None."""
    from peerkit.folder import find_config, load_config

    config_path = os.environ.get(CONFIG_ENV)
    return load_config(config_path) if config_path else find_config()


def open_store(store: Any, config: Any) -> Any:
    """The store a notebook works on: ``store`` (a Store, a path or a URL), else ``$PEERKIT_DB``,
    else the folder's; limited to the facilitator's allowed cohorts."""
    from peerkit.folder import allowed_cohorts
    from peerkit.store import Store

    if isinstance(store, Store):
        return store
    db = store or os.environ.get("PEERKIT_DB") or (config.store_url if config else None)
    return Store(db or "peerkit.db", create=False, allowed_cohorts=allowed_cohorts(config))


def problem(exc: Exception, title: str = "peerkit cannot open this meeting") -> Any:
    """A clear message in place of the dashboard, never a traceback."""
    from peerkit.widgets.look import refusal

    return refusal(title, str(exc))


def console(
    store: Any = None,
    cohort: Any = None,
    meeting: Any = None,
    moments: Sequence[str | tuple[str, Any]] = tuple(MOMENTS),
) -> Any:
    """The facilitator's console for ``cohort`` in ``store`` (defaults: the cohort folder's
    settings, then $PEERKIT_DB and the only cohort; the meeting on screen), its tabs the
    ``moments`` in that order: names from ``MOMENTS`` and a coach's own ``(title, widget)``."""
    try:
        from peerkit.widgets.console import Console

        s = setup(store, cohort)
        meeting_id = s.store.find_meeting(meeting, s.cohort.id).id if meeting else None
        return Console(
            s.store,
            s.cohort,
            formats=s.formats,
            meeting_id=meeting_id,
            chime=s.config.chime if s.config else True,
            config=s.config,
            moments=moments,
        )
    except PeerkitError as exc:
        return problem(exc)


def projector(store: Any = None, cohort: Any = None) -> Any:
    """The room's view of whatever the console has on screen."""
    try:
        from peerkit.widgets.projector import Projector

        s = setup(store, cohort)
        return Projector(
            s.store, s.cohort, formats=s.formats, chime=s.config.chime if s.config else True
        )
    except PeerkitError as exc:
        return problem(exc)
