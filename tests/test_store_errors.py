"""Database errors are told apart by their codes, whatever language their messages are in."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

from peerkit.model import PeerkitError
from peerkit.store import Store
from peerkit.store.errors import Problem, problem


def _sqlite_error(name: str, message: str) -> sa.exc.DBAPIError:
    orig = sqlite3.OperationalError(message)
    orig.sqlite_errorname = name  # what sqlite3 sets on every error it raises
    return sa.exc.OperationalError("INSERT INTO advice ...", {}, orig)


class _PsycopgLike(Exception):
    """What psycopg raises: a message in the server's language, and its SQLSTATE."""

    def __init__(self, message: str, sqlstate: str | None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("name", "message", "expected"),
    [
        ("SQLITE_FULL", "la base de données est verrouillée", Problem.FULL),
        ("SQLITE_BUSY", "database or disk is full", Problem.BUSY),
        ("SQLITE_READONLY_DBMOVED", "Datenträger voll", Problem.READ_ONLY),
        ("SQLITE_CONSTRAINT_UNIQUE", "FOREIGN KEY constraint failed", Problem.UNIQUE),
        ("SQLITE_IOERR", "attempt to write a readonly database", Problem.OTHER),
    ],
)
def test_sqlite_errors_are_known_by_their_name_not_their_words(name, message, expected):
    assert problem(_sqlite_error(name, message)) is expected


@pytest.mark.parametrize(
    ("sqlstate", "message", "expected"),
    [
        ("53100", "no se pudo extender el archivo", Problem.FULL),
        (
            "25006",
            "transacción de sólo lectura",
            Problem.READ_ONLY,
        ),
        ("57P01", "terminando la conexión debido a una orden del administrador", Problem.OFFLINE),
        ("08006", "database is locked", Problem.OFFLINE),
        ("23505", "llave duplicada viola restricción de unicidad", Problem.UNIQUE),
        ("42P01", "read-only disk full", Problem.OTHER),
        (None, "server closed the connection unexpectedly", Problem.OFFLINE),
    ],
)
def test_postgres_errors_are_known_by_their_sqlstate_not_their_words(sqlstate, message, expected):
    error = sa.exc.OperationalError("INSERT INTO advice ...", {}, _PsycopgLike(message, sqlstate))
    assert problem(error) is expected


def test_a_name_taken_is_said_so_on_every_database(store, cohort):
    c, _, _ = cohort
    before = store.counts()
    row = {"cohort_id": c.id, "name": "Ana", "status": "active", "redacted": False}
    with pytest.raises(PeerkitError, match=r"^The members rows: that name is already taken$"):
        store.bulk_insert("members", [row])
    assert store.counts() == before  # refused, changed nothing


@pytest.mark.postgres
def test_a_read_only_postgres_database_says_so_and_keeps_what_it_had(pg_url):
    with Store(pg_url) as store:
        cohort = store.add_cohort("Leaders A")
        with store.engine.connect() as conn:
            name = conn.exec_driver_sql("SELECT current_database()").scalar()
            conn.exec_driver_sql(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
            conn.commit()
    with Store(pg_url) as store:
        with pytest.raises(PeerkitError, match=r"^Member Ana was not saved: .* is read-only"):
            store.add_member(cohort.id, "Ana")
        assert store.members(cohort.id) == []
