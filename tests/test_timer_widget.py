"""The Timer widget's kernel side: built without a kernel, state set consistently."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from peerkit.widgets import Timer
from peerkit.widgets import timer as timer_module


class FakeClock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_builds_without_a_kernel_and_ships_its_files() -> None:
    t = Timer()
    here = Path(timer_module.__file__).parent
    assert str(t._esm) == (here / "timer.js").read_text()
    assert str(t._css) == (here / "timer.css").read_text()
    assert "export default" in str(t._esm)
    assert t.size == "console"
    assert t.warn_seconds == 60
    assert t.chime is True
    assert not t.running
    assert t.server_now > 0


def test_show_running_sets_deadline_from_server_now() -> None:
    clock = FakeClock()
    t = Timer(clock=clock)
    t.show(252.5, running=True, phase="Clarifying questions", next_phase="Advice")
    assert t.running and not t.paused
    assert t.server_now == clock.now * 1000
    assert t.deadline == t.server_now + 252.5 * 1000
    assert t.remaining == 252.5
    assert t.phase == "Clarifying questions"
    assert t.next_phase == "Advice"
    clock.now += 10
    assert t.seconds_left() == pytest.approx(242.5)


def test_show_paused_clears_deadline_and_keeps_text() -> None:
    clock = FakeClock()
    t = Timer(clock=clock)
    t.show(600, running=True, phase="Advice", instruction="One idea each", presenter="Ana")
    clock.now += 90
    t.pause()
    assert not t.running and t.paused
    assert t.deadline == 0
    assert t.remaining == pytest.approx(510)
    assert (t.phase, t.instruction, t.presenter) == ("Advice", "One idea each", "Ana")
    assert t.server_now == clock.now * 1000
    clock.now += 1000  # paused: time does not pass
    assert t.seconds_left() == pytest.approx(510)
    t.resume()
    assert t.running
    assert t.deadline == pytest.approx(clock.now * 1000 + 510_000)


def test_overtime_and_long_phases_have_no_cap() -> None:
    clock = FakeClock()
    t = Timer(clock=clock)
    t.show(-75, running=True)
    assert t.deadline == t.server_now - 75_000
    t.show(3 * 3600 + 5, running=True)
    assert t.deadline == t.server_now + (3 * 3600 + 5) * 1000


def test_ready_and_clear() -> None:
    t = Timer()
    t.show(300, running=False, paused=False, phase="Present")
    assert not t.running and not t.paused
    t.clear()
    assert (t.phase, t.instruction, t.next_phase, t.remaining) == ("", "", "", 0)
    assert not t.running and not t.paused and t.deadline == 0


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_rejects_non_finite_time(bad: float) -> None:
    t = Timer()
    with pytest.raises(ValueError, match="finite"):
        t.show(bad, running=True)


def test_size_is_validated() -> None:
    import traitlets

    with pytest.raises(traitlets.TraitError):
        Timer(size="huge")


def test_show_sends_one_message() -> None:
    """hold_sync(): the browser never sees a deadline without its server_now."""
    clock = FakeClock()
    t = Timer(clock=clock)
    clock.now += 1
    sent: list[dict[str, object]] = []
    t.comm.send = lambda data=None, metadata=None, buffers=None: sent.append(data)
    t.show(120, running=True, phase="Advice")
    updates = [m for m in sent if m.get("method") == "update"]
    assert len(updates) == 1
    state = updates[0]["state"]
    assert isinstance(state, dict)
    assert {"deadline", "server_now", "running", "phase", "remaining"} <= set(state)


def test_answers_clock_pings() -> None:
    clock = FakeClock(1_800_000_000.0)
    t = Timer(clock=clock)
    sent: list[object] = []
    t.send = lambda content, buffers=None: sent.append(content)
    t._handle_custom_msg({"type": "clock-ping", "id": "a-1"}, [])
    t._handle_custom_msg({"type": "something-else"}, [])
    assert sent == [{"type": "clock-pong", "id": "a-1", "now": clock.now * 1000}]


def test_text_is_never_markup_in_the_view() -> None:
    js = str(Timer()._esm)
    assert "innerHTML" not in js
    assert "insertAdjacentHTML" not in js
