"""The room's countdown: an anywidget that ticks in the browser.

The kernel never sends ticks. It sets a *deadline* (epoch milliseconds) and the browser counts
down to it on its own, so a busy kernel cannot stall or skew the display. The kernel stamps
``server_now`` each time it sets the state, and answers the browser's clock pings, so the browser
can correct for a clock that differs from the kernel's (a projector on another machine).

Typical use from the meeting code::

    timer = Timer(size="projector", warn_seconds=60)
    timer.show(remaining_s=600, running=True, phase="Clarifying questions",
               instruction="Questions only, no advice yet", next_phase="Advice",
               presenter="Ana")
    ...
    timer.show(remaining_s=412.5, running=False)   # paused: the browser freezes at 06:53
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from peerkit.widgets.parts import SharesLayout

__all__ = ["SIZES", "Timer"]

_HERE = Path(__file__).resolve().parent

SIZES = ("projector", "console")


def _wall_clock() -> float:
    return time.time()


class Timer(SharesLayout, anywidget.AnyWidget):
    """A phase countdown computed in the browser from a deadline the kernel sets.

    Synced state (the browser reads these; set them through :meth:`show`, :meth:`pause`,
    :meth:`clear` so they stay consistent):

    ``deadline``
        epoch milliseconds at which the phase's time runs out; 0 when not running.
    ``remaining``
        seconds left, shown as is while not running (negative = overtime).
    ``running`` / ``paused``
        running counts down; not running and paused shows "Paused"; neither shows "Ready".
    ``server_now``
        epoch milliseconds (kernel clock) when the state was last set.
    ``phase``, ``instruction``, ``next_phase``, ``presenter``
        plain text shown beside the countdown (always rendered as text, never as markup).
    ``step``
        an opaque key of the round's step, never shown: a new one re-arms the chime.
    ``warn_seconds``
        from this many seconds left the timer turns to its warning band ("1 minute left").
    ``chime``
        whether a chime at zero is offered at all; the browser still needs one click on
        "Enable sound" before it may play anything.
    ``size``
        ``"projector"`` (digits readable from the back of a room) or ``"console"``.

    ``clock`` (constructor only) returns the kernel's time in epoch *seconds*; it exists so
    tests can simulate a kernel whose clock differs from the browser's.
    """

    _esm = _HERE / "timer.js"
    _css = _HERE / "timer.css"

    deadline = traitlets.Float(0.0).tag(sync=True)
    remaining = traitlets.Float(0.0).tag(sync=True)
    running = traitlets.Bool(False).tag(sync=True)
    paused = traitlets.Bool(False).tag(sync=True)
    server_now = traitlets.Float(0.0).tag(sync=True)
    phase = traitlets.Unicode("").tag(sync=True)
    instruction = traitlets.Unicode("").tag(sync=True)
    next_phase = traitlets.Unicode("").tag(sync=True)
    presenter = traitlets.Unicode("").tag(sync=True)
    # Which step of which round this is (opaque, never shown): a new step re-arms the chime even
    # when the words on screen stay the same (a private round shows the same words throughout).
    step = traitlets.Unicode("").tag(sync=True)
    warn_seconds = traitlets.Int(60, min=0).tag(sync=True)
    chime = traitlets.Bool(True).tag(sync=True)
    size = traitlets.Enum(SIZES, default_value="console").tag(sync=True)

    def __init__(self, *, clock: Callable[[], float] | None = None, **kwargs: Any) -> None:
        self._clock: Callable[[], float] = clock or _wall_clock
        super().__init__(**kwargs)
        if not self.server_now:
            self.server_now = self.now_ms()
        self.on_msg(self._on_custom_msg)

    # -- kernel clock ---------------------------------------------------------------------

    def now_ms(self) -> float:
        """The kernel's current time in epoch milliseconds."""
        return float(self._clock()) * 1000.0

    def _on_custom_msg(self, _widget: Any, content: Any, _buffers: Sequence[Any]) -> None:
        # The browser asks for the kernel's time to estimate its clock offset (see timer.js).
        if isinstance(content, dict) and content.get("type") == "clock-ping":
            self.send({"type": "clock-pong", "id": content.get("id"), "now": self.now_ms()})

    # -- state ------------------------------------------------------------------------------

    def show(
        self,
        remaining_s: float,
        running: bool,
        *,
        paused: bool | None = None,
        phase: str | None = None,
        instruction: str | None = None,
        next_phase: str | None = None,
        presenter: str | None = None,
        step: str | None = None,
    ) -> None:
        """Show ``remaining_s`` seconds left (negative = already in overtime).

        ``running=True`` makes the browser count down from now; ``running=False`` freezes the
        display at ``remaining_s`` and labels it "Paused" (or "Ready" with ``paused=False``).
        Text arguments left as ``None`` keep their current value. All traits change in one
        message, so the browser never sees a half-updated state.
        """
        remaining_s = float(remaining_s)
        if not math.isfinite(remaining_s):
            raise ValueError(f"remaining_s must be a finite number of seconds, not {remaining_s}")
        now = self.now_ms()
        with self.hold_sync():
            if phase is not None:
                self.phase = phase
            if instruction is not None:
                self.instruction = instruction
            if next_phase is not None:
                self.next_phase = next_phase
            if presenter is not None:
                self.presenter = presenter
            if step is not None:
                self.step = step
            self.remaining = remaining_s
            self.running = bool(running)
            self.paused = (not running) if paused is None else (bool(paused) and not running)
            self.deadline = now + remaining_s * 1000.0 if running else 0.0
            self.server_now = now

    def pause(self) -> None:
        """Freeze the countdown where it is now."""
        self.show(self.seconds_left(), running=False, paused=True)

    def resume(self) -> None:
        """Continue counting down from the paused value."""
        self.show(self.remaining, running=True)

    def clear(self) -> None:
        """No round: blank texts and presenter, zero time, not running (nothing of the last
        round stays behind, even hidden)."""
        self.show(
            0.0,
            running=False,
            paused=False,
            phase="",
            instruction="",
            next_phase="",
            presenter="",
            step="",
        )

    def seconds_left(self) -> float:
        """Seconds left as the kernel sees it now (negative in overtime)."""
        if self.running:
            return (self.deadline - self.now_ms()) / 1000.0
        return float(self.remaining)
