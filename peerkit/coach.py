"""What a coach's notebook cell builds with, importable from one place: the console, the projector,
the scoreboard, the charts and their themes, the scoring functions, and ``open_cohort``.

``import peerkit.coach`` is cheap: each name loads its room (pandas, altair, the widgets) on first
use. Importing a chart function or ``apply_theme`` also makes every altair chart of the notebook
draw offline, as SVG (see peerkit.charts). docs/coaches.md, "Build on peerkit in a notebook",
shows each part at work.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from peerkit.model import MOMENTS

if TYPE_CHECKING:
    import pandas as pd

    from peerkit.accountability import score_rows, scoreboard_html, scoreboard_view
    from peerkit.charts import (
        THEMES,
        Theme,
        apply_theme,
        cohort_distribution,
        follow_through_heatmap,
        phase_timing,
        to_png,
        to_svg,
        trend,
    )
    from peerkit.dashboard import console, projector
    from peerkit.folder import CohortConfig
    from peerkit.model import Cohort, Format
    from peerkit.scoring import (
        NOTHING_DUE,
        cohort_summary,
        completion_by_meeting,
        completion_rolling,
        gas_tscore,
        rate_text,
        review_credit,
        review_level,
        scoreboard,
        streaks,
    )
    from peerkit.settings import Settings
    from peerkit.store import Store
    from peerkit.widgets.projector import AREAS as PROJECTOR_AREAS

__all__ = [
    "MOMENTS",
    "NOTHING_DUE",
    "PROJECTOR_AREAS",
    "THEMES",
    "OpenCohort",
    "Theme",
    "apply_theme",
    "cohort_distribution",
    "cohort_summary",
    "completion_by_meeting",
    "completion_rolling",
    "console",
    "follow_through_heatmap",
    "gas_tscore",
    "open_cohort",
    "phase_timing",
    "projector",
    "rate_text",
    "review_credit",
    "review_level",
    "score_rows",
    "scoreboard",
    "scoreboard_html",
    "scoreboard_view",
    "streaks",
    "to_png",
    "to_svg",
    "trend",
]

# Name -> (room, its name there): loaded on first use, so that a cell pays only for what it uses.
_LAZY = {
    "console": ("peerkit.dashboard", "console"),
    "projector": ("peerkit.dashboard", "projector"),
    "PROJECTOR_AREAS": ("peerkit.widgets.projector", "AREAS"),
    **{
        name: ("peerkit.accountability", name)
        for name in ("score_rows", "scoreboard_html", "scoreboard_view")
    },
    **{
        name: ("peerkit.charts", name)
        for name in (
            "THEMES",
            "Theme",
            "apply_theme",
            "cohort_distribution",
            "follow_through_heatmap",
            "phase_timing",
            "to_png",
            "to_svg",
            "trend",
        )
    },
    **{
        name: ("peerkit.scoring", name)
        for name in (
            "NOTHING_DUE",
            "cohort_summary",
            "completion_by_meeting",
            "completion_rolling",
            "gas_tscore",
            "rate_text",
            "review_credit",
            "review_level",
            "scoreboard",
            "streaks",
        )
    },
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        room, there = _LAZY[name]
        value = getattr(importlib.import_module(room), there)
        globals()[name] = value  # once loaded, an ordinary attribute
        return value
    raise AttributeError(f"module 'peerkit.coach' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


@dataclass
class OpenCohort:
    """A cohort opened for a coach's cell: its store, the cohort, the settings in force, its
    formats, and (read on first use) its scoring frames."""

    store: Store
    cohort: Cohort
    settings: Settings
    formats: dict[str, Format]
    config: CohortConfig | None  # the folder's peerkit.toml; None outside a cohort folder

    @cached_property
    def frames(self) -> dict[str, pd.DataFrame]:
        """The cohort's ``reviews``, ``members`` and ``meetings`` frames, as
        :mod:`peerkit.scoring` and the charts read them (``Store.frames``)."""
        return self.store.frames(self.cohort.id)


def open_cohort(store: Any = None, cohort: Any = None) -> OpenCohort:
    """The cohort a cell works on: ``store`` (a path, a database URL or a Store) and ``cohort``
    (a name or id) when given, else the settings in force, as the console finds them (the
    cohort folder's peerkit.toml, ``$PEERKIT_DB``, the store's only cohort). A store or cohort
    that cannot be opened raises :class:`peerkit.PeerkitError` with one sentence saying why."""
    from peerkit.dashboard import setup  # on use: the store's room is the heavy one

    found = setup(store, cohort)
    return OpenCohort(found.store, found.cohort, found.settings, found.formats, found.config)
