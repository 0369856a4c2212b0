"""The dashboard's entry points, called from the thin notebooks that Voila serves."""

from __future__ import annotations

import html
import os
from typing import Any

from peerkit.model import PeerkitError


def _store_and_cohort(store: Any, cohort: Any) -> tuple[Any, Any]:
    from peerkit.store import Store

    db = store or os.environ.get("PEERKIT_DB") or "peerkit.db"
    the_store = Store(db, create=False)
    return the_store, the_store.cohort(cohort or os.environ.get("PEERKIT_COHORT") or None)


def _formats() -> Any:
    from peerkit.formats import load_formats

    folder = os.environ.get("PEERKIT_FORMATS")
    return load_formats([folder] if folder else [])


def _problem(exc: Exception) -> Any:
    import ipywidgets as w

    return w.HTML(
        "<div role='alert' class='peerkit-error'><h1>peerkit cannot open this meeting</h1>"
        f"<p>{html.escape(str(exc))}</p></div>"
    )


def console(store: Any = None, cohort: Any = None, meeting: Any = None) -> Any:
    """The facilitator's console for ``cohort`` in ``store`` (defaults: $PEERKIT_DB, the only
    cohort, the meeting on screen)."""
    try:
        from peerkit.widgets.console import Console

        the_store, the_cohort = _store_and_cohort(store, cohort)
        meeting_id = None
        if meeting:
            meeting_id = the_store.find_meeting(meeting, the_cohort.id).id
        return Console(the_store, the_cohort, formats=_formats(), meeting_id=meeting_id)
    except PeerkitError as exc:
        return _problem(exc)


def projector(store: Any = None, cohort: Any = None) -> Any:
    """The room's view of whatever the console has on screen."""
    try:
        from peerkit.widgets.projector import Projector

        the_store, the_cohort = _store_and_cohort(store, cohort)
        return Projector(the_store, the_cohort, formats=_formats())
    except PeerkitError as exc:
        return _problem(exc)
