"""peerkit: hot-seat rounds, advice, commitments, follow-through scores and minutes."""

from peerkit.formats import built_in, get_format, load_formats
from peerkit.meeting import Budget, RoundClock, RoundState, fit_agenda, replay
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
from peerkit.store import Store

__version__ = "0.1.0"

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
