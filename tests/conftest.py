"""Shared fixtures: a fresh store on a real SQLite file, a frozen clock, the demo cohort."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from peerkit.store import Store

TODAY = dt.date(2026, 11, 21)


class FrozenClock:
    """A clock that moves only when the test says so."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "peerkit.db"


@pytest.fixture
def store(db_path: Path):
    with Store(db_path) as s:
        yield s


@pytest.fixture
def cohort(store: Store):
    """A small cohort: four members and one meeting on 2026-03-03."""
    c = store.add_cohort("Test Circle")
    people = [store.add_member(c.id, n) for n in ("Ana", "Ben", "Chloe", "Dev")]
    meeting = store.add_meeting(c.id, "2026-03-03", place="Room 1", planned_minutes=120)
    return c, people, meeting


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo cohort, built once per test session (tests must not change it)."""
    from peerkit.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with Store(path) as s:
        build_demo(s, seed=7, today=TODAY)
    return path
