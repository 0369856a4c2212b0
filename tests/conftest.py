"""Shared fixtures: a fresh store on a real SQLite file and on a real PostgreSQL server, a frozen
clock, the demo cohort."""

from __future__ import annotations

import datetime as dt
import inspect
import itertools
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pgcluster import Cluster, find_bin_dir

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


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
TEMPLATE = "peerkit_template"
_numbers = itertools.count()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A PostgreSQL server of the tests' own on loopback, with a migrated template database.

    Outside CI, with no PostgreSQL installed, the tests that need it are skipped and say why;
    in CI (``CI`` set, as `.ci/run` does) that is an error instead.
    """

    def unavailable(reason: str) -> None:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs PostgreSQL: {reason}")
        pytest.skip(reason)

    bin_dir = find_bin_dir()
    if bin_dir is None:
        unavailable(
            "no PostgreSQL server binaries (initdb, pg_ctl) on this machine: "
            "`apt-get install postgresql`, or run `bash .ci/run`, which does"
        )
    assert bin_dir is not None
    cluster = Cluster(bin_dir)
    try:
        cluster.start()
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        cluster.destroy()
        unavailable(f"the tests' PostgreSQL server did not start: {exc}")
    try:
        url = cluster.create_database(TEMPLATE)
        Store(url).close()  # migrations run once; each test copies the template
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> str:
    """A new, migrated, empty PostgreSQL database for one test."""
    return pg_cluster.create_database(f"test_{next(_numbers)}", template=TEMPLATE)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A PostgreSQL test is also slow: it needs the throwaway server (seconds to start) and a
    database of its own, so the fast loop (``-m "not slow and not ui"``) runs the store tests
    on SQLite only; the whole suite runs them on both."""
    for item in items:
        if item.get_closest_marker("postgres") is not None:
            item.add_marker(pytest.mark.slow)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test of a store runs on SQLite and on PostgreSQL, except those that ask for the
    SQLite file itself (``db_path``): they check what only a file can show."""
    if "db_url" in metafunc.fixturenames:
        own = inspect.signature(metafunc.function).parameters
        backends = BACKENDS[:1] if "db_path" in own else BACKENDS
        metafunc.parametrize("db_url", backends, indirect=True)


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a test's store lives: a SQLite file, or a PostgreSQL database."""
    if getattr(request, "param", "sqlite") == "sqlite":
        return str(tmp_path / "peerkit.db")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new SQLite store, migrated once per session: a test's new store starts as a copy
    (byte for byte what a first open makes, without running the migrations again)."""
    path = tmp_path_factory.mktemp("template") / "peerkit.db"
    Store(path).close()
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # nothing left in a -wal
    return path


@pytest.fixture
def store(db_url: str, request: pytest.FixtureRequest):
    if "://" not in db_url and not Path(db_url).exists():
        shutil.copyfile(request.getfixturevalue("sqlite_template"), db_url)
    with Store(db_url) as s:
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
    """The demo cohort, built once per test session (tests must not change it: a test
    that writes, even through a command that notes the file it wrote, takes ``demo_copy``)."""
    from peerkit.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with Store(path) as s:
        build_demo(s, seed=7, today=TODAY)
    return path


#: The day the console fixture believes it is: the day of the cohort fixture's meeting.
CONSOLE_TODAY = dt.date(2026, 3, 3)


@pytest.fixture
def console(store: Store, cohort, clock: FrozenClock):
    """The facilitator console on the cohort fixture, on the day of its meeting."""
    from peerkit.widgets.console import Console

    c, _, _ = cohort
    return Console(store, c, clock=clock, today=CONSOLE_TODAY)


@pytest.fixture
def projector(store: Store, cohort, clock: FrozenClock):
    """The projector view of the cohort fixture."""
    from peerkit.widgets.projector import Projector

    c, _, _ = cohort
    return Projector(store, c, clock=clock)


@pytest.fixture(scope="session")
def copy_demo(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """A fresh copy of the demo store for a test or a module (SQLite's backup: consistent)."""

    def copy(name: str) -> Path:
        target_path = tmp_path_factory.mktemp(name) / "demo.db"
        source, target = sqlite3.connect(demo_db), sqlite3.connect(target_path)
        with target:
            source.backup(target)
        source.close()
        target.close()
        return target_path

    return copy


@pytest.fixture
def demo_copy(copy_demo: Callable[[str], Path]) -> Path:
    """The demo store, copied for one test that writes to it."""
    return copy_demo("demo-copy")


@pytest.fixture
def on_a_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """A kernel a page watches, as JupyterLab's are (jupyter-server sets $JPY_SESSION_NAME):
    views show as widgets, and a refusal as a message in place of the view (not raised)."""
    monkeypatch.setenv("JPY_SESSION_NAME", "/cohort/facilitator.ipynb")
