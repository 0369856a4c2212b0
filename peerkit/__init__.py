"""peerkit: hot-seat rounds, advice, commitments, follow-through scores and minutes."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from peerkit.model import (
    Advice,
    AdviceKind,
    Attendance,
    Cohort,
    Commitment,
    Format,
    Meeting,
    Member,
    Outcome,
    PeerkitError,
    Phase,
    Review,
    Round,
)

if TYPE_CHECKING:
    from peerkit.formats import built_in, get_format, load_formats
    from peerkit.meeting import Budget, RoundClock, RoundState, fit_agenda, replay
    from peerkit.store import Store

__version__ = "0.1.0"

# Heavier rooms load on first use, so that a dashboard kernel pays only for what it touches.
_LAZY = {
    "Store": "peerkit.store",
    "Budget": "peerkit.meeting",
    "RoundClock": "peerkit.meeting",
    "RoundState": "peerkit.meeting",
    "fit_agenda": "peerkit.meeting",
    "replay": "peerkit.meeting",
    "built_in": "peerkit.formats",
    "get_format": "peerkit.formats",
    "load_formats": "peerkit.formats",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'peerkit' has no attribute {name!r}")


__all__ = [
    "Advice",
    "AdviceKind",
    "Attendance",
    "Budget",
    "Cohort",
    "Commitment",
    "Format",
    "Meeting",
    "Member",
    "Outcome",
    "PeerkitError",
    "Phase",
    "Review",
    "Round",
    "RoundClock",
    "RoundState",
    "Store",
    "built_in",
    "fit_agenda",
    "get_format",
    "load_formats",
    "replay",
]
