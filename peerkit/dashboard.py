"""The dashboard's entry points, called from the thin notebooks that Voila serves."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peerkit.folder import CohortConfig, format_folders, load_config
from peerkit.formats import load_formats
from peerkit.model import MOMENTS, Cohort, PeerkitError
from peerkit.settings import Settings, resolve
from peerkit.store import Store, database_url

__all__ = [
    "CONFIG_ENV",
    "MOMENTS",
    "Setup",
    "console",
    "find_settings",
    "open_store",
    "problem",
    "projector",
    "served_by_voila",
    "setup",
    "watched",
]

#: Set by `peerkit serve` in a cohort folder: the folder's peerkit.toml.
CONFIG_ENV = Settings.declared()["config_file"].metadata["env"]


@dataclass
class Setup:
    """Where the dashboard's store, cohort and formats come from, and the cohort's settings."""

    store: Any
    cohort: Any
    formats: dict[str, Any]
    config: CohortConfig | None  # None outside a cohort folder
    settings: Settings  # the settings in force (peerkit.settings), with where each came from


def setup(store: Any = None, cohort: Any = None) -> Setup:
    """Resolve the notebook's parameters: explicit values first, then the settings in force
    (``$PEERKIT_DB`` and ``$PEERKIT_COHORT``, set by `peerkit serve`, then the cohort folder's
    ``peerkit.toml``; see peerkit.settings). ``cohort``: a name, an id or a Cohort."""
    chosen = cohort.name if isinstance(cohort, Cohort) else cohort
    settings = resolve({"cohort": str(chosen) if chosen else None})
    config = find_settings(settings)
    the_store = open_store(store, settings)
    the_cohort = the_store.cohort(settings.cohort or None)
    return Setup(the_store, the_cohort, load_formats(format_folders(config)), config, settings)


def find_settings(settings: Settings | None = None) -> CohortConfig | None:
    """The cohort folder's settings: ``$PEERKIT_CONFIG``, else the folder we are in, else None."""
    settings = settings or resolve()
    return load_config(settings.file) if settings.file else None


def open_store(store: Any, settings: Settings | None = None) -> Store:
    """The store a notebook works on: ``store`` (a Store, a path or a URL), else the settings'
    (``$PEERKIT_DB``, else the folder's); limited to the facilitator's allowed cohorts."""
    if isinstance(store, Store):
        return store
    settings = settings or resolve()
    url = database_url(store or settings.store_url)
    path = Path(url.split("///", 1)[1]) if url.startswith("sqlite:///") else None
    if path is not None and not path.exists():
        raise PeerkitError(  # not Store's hint (`peerkit demo`): this store was named, or sought
            f"No peerkit store at {path}: name yours with the notebook's "
            "store parameter (papermill: -p store PATH) or $PEERKIT_DB, "
            "or run the notebook in its cohort folder."
        )
    return Store(url, create=False, allowed_cohorts=settings.allowed_cohorts)


def watched() -> bool:
    """True when a page shows this kernel's widgets as they change: Voila (its kernels have
    $SERVER_SOFTWARE "voila/…") or JupyterLab (jupyter-server gives its kernels
    $JPY_SESSION_NAME). False in a run nobody watches (papermill, nbclient, nbconvert
    --execute): there the views are static HTML and a refusal fails the run."""
    return served_by_voila() or bool(os.environ.get("JPY_SESSION_NAME"))


def served_by_voila() -> bool:
    """True in a kernel that Voila started (it says so in the kernel's environment)."""
    return os.environ.get("SERVER_SOFTWARE", "").startswith("voila")


def problem(exc: PeerkitError, title: str = "peerkit cannot open this meeting") -> Any:
    """A clear message in place of the dashboard, never a traceback; in a run nobody watches
    (see :func:`watched`) the error is raised instead, so the run fails with its sentence."""
    from peerkit.widgets.look import refusal

    if not watched():
        raise exc
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
        from peerkit.widgets.console import Console  # on use: a projector never loads it

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


def projector(store: Any = None, cohort: Any = None, banner: Any = None) -> Any:
    """The room's view of whatever the console has on screen; ``banner`` (an HTML string or a
    widget: the cohort's banner or tonight's agenda) in a band across the top of the screen."""
    try:
        from peerkit.widgets.projector import Projector

        s = setup(store, cohort)
        return Projector(
            s.store,
            s.cohort,
            formats=s.formats,
            chime=s.config.chime if s.config else True,
            banner=banner,
        )
    except PeerkitError as exc:
        return problem(exc)
