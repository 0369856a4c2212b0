"""The store's connection to its database: opening and migrating it, transactions, retries
and erasure from the database's own files."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from peerkit.model import (
    PeerkitError,
)
from peerkit.store import schema as t
from peerkit.store.errors import (
    Problem,
    _Conflict,
    _first_line,
    _integrity_message,
    _MaybeSaved,
    problem,
)

#: The newest schema this peerkit knows; a store at a revision not in KNOWN_REVISIONS was written
#: by a newer peerkit and is refused untouched.
HEAD = "0010"


KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010")


DEFAULT_DB = "peerkit.db"


MIGRATIONS = Path(__file__).parent / "migrations"


#: How long a read or write waits for a database server that went away to come back (a
#: restart takes a second or two); once the store knows the server is down, only a second, so
#: a click during a long outage fails fast instead of holding the console up.
RECONNECT_WAIT = 5.0


RECONNECT_WAIT_OFFLINE = 1.0


#: How long a purge waits for other windows' reads to let the SQLite log be folded away.
FORGET_WAIT = 30.0


#: How long the console keeps saying that the connection came back.
RECONNECTED_NOTE = 60.0


def database_url(db: str | Path) -> str:
    """Turn a ``--db`` value (a file path or any SQLAlchemy URL) into a URL.

    ``postgresql://`` and ``postgres://`` mean PostgreSQL through psycopg 3.
    """
    text = str(db)
    for prefix in ("postgresql://", "postgres://"):
        if text.startswith(prefix):
            return "postgresql+psycopg://" + text[len(prefix) :]
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def shown_url(url: str) -> str:
    """The URL as it may be shown on a screen: without its password."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a returned write survives a power cut too, not only a killed process.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # A purged meeting's text is overwritten on disk, not left in free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


#: A pooled connection unused for longer than this is pinged before use (see _ping_if_idle).
PING_AFTER_IDLE = 1.0


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info["peerkit_idle_since"] = time.monotonic()


def _ping_if_idle(dialect: Any, dbapi_connection: Any, record: Any) -> None:
    """Before a pooled connection is used, make sure the server still holds it (a restart drops
    every connection), so the click that follows is not the one to fail.

    Like SQLAlchemy's pool_pre_ping, but only for a connection that sat idle: a click's several
    statements in a row cost one round trip to the server, not one each. Raising
    DisconnectionError makes the pool replace the connection and try again.
    """
    idle_since = record.info.get("peerkit_idle_since")
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE:
        return
    try:
        dialect.do_ping(dbapi_connection)  # outside any transaction, as pool_pre_ping does
    except Exception as exc:
        raise sa.exc.DisconnectionError(str(exc)) from exc


class Database:
    """Opening, migrating and talking to the database; every room of the store builds on it."""

    def __init__(
        self,
        db: str | Path = DEFAULT_DB,
        *,
        create: bool = True,
        allowed_cohorts: Iterable[str] | None = None,
        schema: str = HEAD,
    ) -> None:
        self.url = database_url(db)
        self.is_sqlite = self.url.startswith("sqlite")
        self.where = shown_url(self.url)
        #: Names of the cohorts this store may open (None: all); see :meth:`cohort`.
        self.allowed_cohorts = None if allowed_cohorts is None else frozenset(allowed_cohorts)
        self._allowed_ids: set[int] = set()
        #: When the database server stopped answering (None while it answers), and when it
        #: last came back after an outage (for the console's note).
        self.offline_since: float | None = None
        self.reconnected_at: float | None = None
        #: Per thread: the connection of a :meth:`reading` block under way (``conn``), and the
        #: rows the cohort scope has checked during the store call under way (``checked``).
        self._local = threading.local()
        #: The :meth:`counting` blocks under way (innermost last).
        self._counters: list[Work] = []
        #: The SQLite file this opening made (or found empty), which :meth:`discard_new_file`
        #: takes back: (its path, whether an empty file was there before).
        self._made_file: tuple[Path, bool] | None = None
        options: dict[str, Any] = {}
        if self.is_sqlite:
            path = Path(self.url.split("///", 1)[1])
            self.where = str(path)
            if not create and not path.exists():
                raise PeerkitError(
                    f"No peerkit store at {path}: run `peerkit demo --db {path}` to make one."
                )
            if not create and path.is_file() and path.stat().st_size == 0:
                raise PeerkitError(
                    f"{path} is an empty file, not a peerkit store; it was left as it is. Point "
                    f"--db at your store, or run `peerkit demo --db {path}` to make one there."
                )
            if not path.parent.is_dir():
                raise PeerkitError(f"Folder {path.parent} does not exist: create it first.")
            if not path.exists() or path.stat().st_size == 0:
                self._made_file = (path, path.exists())
        else:
            # A kernel does one thing at a time: one connection kept open (plus the
            # follower's), more only while they are busy.
            options = {"pool_size": 1, "max_overflow": 4}
            if self.url.startswith("postgresql"):
                options["connect_args"] = {"connect_timeout": 3, "application_name": "peerkit"}
        try:
            self.engine: Engine = sa.create_engine(self.url, **options)
        except sa.exc.ArgumentError as exc:
            raise PeerkitError(f"Cannot use database URL {self.where!r}: {exc}") from None
        except ImportError as exc:
            hint = " (install peerkit[postgres])" if (exc.name or "").startswith("psycopg") else ""
            raise PeerkitError(f"Cannot use database URL {self.where!r}: {exc}{hint}.") from None
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            dialect = self.engine.dialect
            event.listen(
                self.engine,
                "checkout",
                lambda dbapi, record, _: _ping_if_idle(dialect, dbapi, record),
            )
            event.listen(self.engine, "checkin", _note_checkin)
        event.listen(self.engine, "after_cursor_execute", self._counted)
        self._migrate(schema)

    def revision(self) -> str | None:
        """The schema revision the database is at (None for an empty database)."""
        with self._connect() as conn:
            if not sa.inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()

    def _migrate(self, schema: str) -> None:
        current = self.revision()
        if current == schema:
            return  # the common case: no need to import alembic at all
        if current is not None and current not in KNOWN_REVISIONS:
            raise PeerkitError(
                f"This store was written by a newer peerkit (schema {current}; this one knows "
                f"up to {HEAD}). Upgrade peerkit to open it; the store was left untouched."
            )
        if current is None:
            with self._connect() as conn:
                tables = sa.inspect(conn).get_table_names()
            if tables:
                raise PeerkitError(
                    f"{self.where} holds tables that are not a peerkit store "
                    f"({', '.join(tables[:3])}…): point --db at a new file or database."
                )
        self.upgrade(schema)

    def upgrade(self, revision: str = HEAD) -> None:
        """Apply migrations up to ``revision`` (tests use it to build an older store)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.connect() as conn:
            if self.is_sqlite:
                # A batch migration copies a table and drops the old one; with foreign keys on,
                # that drop would cascade to the rows that point at it (a round's advice and
                # phase log). The pragma only takes effect outside a transaction.
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                conn.commit()
            with conn.begin():
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
                if self.is_sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise PeerkitError("The migration left rows pointing nowhere; not applied.")
            if self.is_sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()

    def _connect(self, *, reading: bool = False) -> Connection:
        """A connection; a database server that went away gets RECONNECT_WAIT seconds to come
        back (RECONNECT_WAIT_OFFLINE when it is already known to be down).

        ``reading``: for one read statement, in autocommit on a server database, so it costs
        one round trip instead of three (BEGIN, the query, ROLLBACK).
        """
        wait = RECONNECT_WAIT if self.offline_since is None else RECONNECT_WAIT_OFFLINE
        if self.is_sqlite:
            wait = 0.0
        deadline = time.monotonic() + wait
        while True:
            try:
                conn = self.engine.connect()
                if reading and not self.is_sqlite:
                    conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            except DBAPIError as exc:
                if self.is_sqlite:
                    raise PeerkitError(
                        self._failure("Opening the store", exc, saving=False)
                    ) from None
                self.went_offline()
                if time.monotonic() < deadline:
                    time.sleep(0.2)
                    continue
                raise PeerkitError(self._unreachable("Nothing was read or saved")) from None
            self.came_online()
            return conn

    @contextlib.contextmanager
    def _begin(self, what: str) -> Iterator[Connection]:
        """One transaction, committed before the block's caller goes on; any failure is one
        plain PeerkitError, and a failed transaction leaves nothing half-written."""
        with self._connect() as conn:
            transaction = conn.begin()
            try:
                yield conn
            except IntegrityError as exc:
                if problem(exc) is Problem.UNIQUE:
                    raise _Conflict(f"{what}: {_integrity_message(exc)}") from None
                raise PeerkitError(f"{what}: {_integrity_message(exc)}") from None
            except DBAPIError as exc:
                raise PeerkitError(self._failure(what, exc)) from None
            try:
                transaction.commit()
            except DBAPIError as exc:
                if problem(exc) is Problem.OFFLINE:
                    self.went_offline()
                    raise _MaybeSaved(
                        f"{what} may not have been saved: the connection to the database broke "
                        "just as it was being saved. Check the screen before saving it again."
                    ) from None
                raise PeerkitError(self._failure(what, exc)) from None

    def _write(self, statement: Any, what: str) -> Any:
        """Run one write in its own transaction, committed before returning."""
        with self._begin(what) as conn:
            return conn.execute(statement)

    def _lock_meeting(self, conn: Connection, meeting_id: int) -> None:
        """Hold the meeting until the transaction ends, so that what the transaction reads
        next (the queue's order, the latest deletion) is still true when it writes. Two windows
        reordering or undoing at once then take turns. The first statement of a transaction.

        SQLite: ``BEGIN IMMEDIATE`` takes the file's write lock before anything is read (a
        deferred transaction would read, then be refused, or work from a stale read).
        PostgreSQL: the meeting's row, ``FOR UPDATE``.
        """
        if self.is_sqlite:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.execute(
                sa.select(t.meetings.c.id).where(t.meetings.c.id == meeting_id).with_for_update()
            )

    def _upsert(self, table: sa.Table, values: dict[str, Any]) -> Any:
        """Insert the row, or update the one with the same primary key: one statement, so two
        windows saving the same thing at once both succeed (the later one wins)."""
        return self._upsert_rows(table, list(values)).values(**values)

    def _upsert_rows(self, table: sa.Table, columns: list[str]) -> Any:
        """The statement of :meth:`_upsert` for rows given when it is executed (many rows in
        one go: ``conn.execute(statement, rows)``), each with these ``columns``."""
        from sqlalchemy.dialects import postgresql, sqlite

        insert: Any = sqlite.insert if self.is_sqlite else postgresql.insert
        keys = [c.name for c in table.primary_key.columns]
        statement = insert(table)
        return statement.on_conflict_do_update(
            index_elements=keys,
            set_={k: statement.excluded[k] for k in columns if k not in keys},
        )

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Every read of the store inside the block (in this thread) in one transaction: one
        consistent view of the store, however many statements it takes and whatever other
        windows commit meanwhile. A block inside another is part of the outer one.

        SQLite: a deferred ``BEGIN`` (in WAL mode the first read fixes the view, and readers
        never wait for a writer). PostgreSQL: one REPEATABLE READ transaction.
        """
        if getattr(self._local, "conn", None) is not None:
            yield
            return
        with self._connect() as conn:
            if not self.is_sqlite:
                conn.execution_options(isolation_level="REPEATABLE READ")
            try:
                with conn.begin():
                    if self.is_sqlite:
                        conn.exec_driver_sql("BEGIN")
                    self._local.conn = conn
                    try:
                        yield
                    finally:
                        self._local.conn = None
            except DBAPIError as exc:
                raise PeerkitError(self._failure("Reading the store", exc, saving=False)) from None

    @contextlib.contextmanager
    def counting(self) -> Iterator[Work]:
        """Count the SQL statements run on this store inside the block, and the rows its reads
        return: the figure the benchmarks and the tests compare (what a redraw costs).

        Statements are counted on the engine (every thread's, as they go); rows as the store's
        reads return them.
        """
        work = Work()
        self._counters.append(work)
        try:
            yield work
        finally:
            self._counters.remove(work)

    def _counted(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        for work in self._counters:
            work.statements.append(statement)
            work.parameters.append(parameters)
            work.rows.append(0)

    def _fetch(self, conn: Connection, statement: Any) -> Sequence[sa.Row[Any]]:
        """Run one read and return its rows: the one place reads are counted."""
        rows = conn.execute(statement).all()
        for work in self._counters:
            if work.rows:
                work.rows[-1] += len(rows)
        return rows

    def _rows(self, statement: Any) -> Sequence[sa.Row[Any]]:
        pinned = getattr(self._local, "conn", None)
        if pinned is not None:  # inside reading(): its transaction
            try:
                return self._fetch(pinned, statement)
            except DBAPIError as exc:
                raise PeerkitError(self._failure("Reading the store", exc, saving=False)) from None
        for attempt in (1, 2):
            with self._connect(reading=True) as conn:
                try:
                    return self._fetch(conn, statement)
                except DBAPIError as exc:
                    message = self._failure("Reading the store", exc, saving=False)
                    if attempt == 2 or self.offline_since is None:
                        raise PeerkitError(message) from None
        raise AssertionError("unreachable")  # for type checkers: the loop returns or raises

    def _failure(self, what: str, exc: DBAPIError, *, saving: bool = True) -> str:
        """A database error as one sentence a facilitator can act on."""
        kind = problem(exc)
        done = f"{what} was not saved" if saving else f"{what} failed"
        if kind is Problem.READ_ONLY or self._read_only_file():
            return (
                f"{done}: the store {self.where} is read-only (the file, its folder or its "
                "disk). Nothing was changed; make it writable, then try again."
            )
        if kind is Problem.FULL:
            return (
                f"{done}: the disk holding {self.where} is full. Nothing was half-written; "
                "free some space, then try again."
            )
        if kind is Problem.BUSY:
            return f"{done}: another program held {self.where} for more than 10 s; try again."
        if kind is Problem.OFFLINE:
            self.went_offline()
            return self._unreachable(done)
        return f"{done}: {_first_line(exc)}"

    def _read_only_file(self) -> bool:
        """A SQLite store that cannot be written: the file, or its folder (where SQLite keeps
        its -wal and -shm files), refuses writes (permissions, or a read-only disk)."""
        if not self.is_sqlite:
            return False
        path = Path(self.where)
        return path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))

    def _unreachable(self, done: str) -> str:
        return (
            f"{done}: the database at {self.where} is not answering. What you typed stays "
            "where it is; save it again once the console says the database is back."
        )

    def went_offline(self) -> None:
        if self.offline_since is None:
            self.offline_since = time.time()

    def came_online(self) -> None:
        if self.offline_since is not None:
            self.offline_since = None
            self.reconnected_at = time.time()

    def connection_note(self, now: float | None = None) -> tuple[str, bool]:
        """What the console says about the database connection: (text, is_a_problem)."""
        now = time.time() if now is None else now
        if self.offline_since is not None:
            since = time.strftime("%H:%M:%S", time.localtime(self.offline_since))
            return (
                f"The database is not answering (since {since}). Anything you type stays in "
                "its box until it is back; peerkit keeps trying.",
                True,
            )
        if self.reconnected_at is not None and now - self.reconnected_at < RECONNECTED_NOTE:
            at = time.strftime("%H:%M:%S", time.localtime(self.reconnected_at))
            return (f"Reconnected to the database at {at}. Everything saved is there.", False)
        return ("", False)

    def close(self) -> None:
        self.engine.dispose()

    def discard_new_file(self) -> None:
        """Take back the SQLite file this store made when it was opened (after a restore into
        it failed): no file is left where there was none, an empty one where it was empty.
        A store that was there before, or a server database, is left alone."""
        if self._made_file is None:
            return
        path, was_there = self._made_file
        self.close()
        for extra in ("-wal", "-shm", "-journal"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
        if was_there:
            path.write_bytes(b"")
        else:
            path.unlink(missing_ok=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _forget(self) -> tuple[str, ...]:
        """Make text deleted from the tables unrecoverable from the database's own files.

        Returns, in plain sentences, what still holds copies (nothing, when all went well).
        SQLite: deleted content is zeroed (``secure_delete``) and the write-ahead log is folded
        into the file and truncated, waiting out other windows' reads. PostgreSQL: the tables
        are rewritten (``VACUUM FULL``), a checkpoint forced, the WAL segment switched and a
        second checkpoint lets the server remove the old segments (docs/confidentiality.md).
        """
        if self.is_sqlite:
            return self._forget_sqlite()
        return self._forget_postgres()

    def _forget_sqlite(self) -> tuple[str, ...]:
        deadline = time.monotonic() + FORGET_WAIT
        with self.engine.connect() as conn:
            while True:
                # (busy, frames in the log, frames checkpointed); busy: a reader held it up.
                busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()[0]
                if not busy:
                    return ()
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
        return (
            f"{self.where}-wal still holds copies: another window kept reading the store for "
            f"{FORGET_WAIT:.0f} s. Close the other windows, then run the same command again.",
        )

    def _forget_postgres(self) -> tuple[str, ...]:
        left: list[str] = []
        tables = [table.name for table in t.metadata.sorted_tables if t.free_text_columns(table)]
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            try:
                for name in tables:
                    conn.exec_driver_sql(f'VACUUM (FULL, ANALYZE) "{name}"')
                # ANALYZE keeps sample values of each column (names, texts) in pg_statistic.
                conn.exec_driver_sql("VACUUM FULL pg_catalog.pg_statistic")
                conn.exec_driver_sql("CHECKPOINT")
                conn.exec_driver_sql("SELECT pg_switch_wal()")
                conn.exec_driver_sql("CHECKPOINT")
            except DBAPIError as exc:
                left.append(
                    "PostgreSQL's table files and write-ahead log: this database role may not "
                    f"rewrite the tables or force a checkpoint ({_first_line(exc)}). Ask the "
                    "database's administrator to grant what docs/confidentiality.md lists."
                )
            settings = {
                name: conn.exec_driver_sql(f"SHOW {name}").scalar()
                for name in ("wal_recycle", "wal_keep_size", "archive_mode")
            }
            slots = conn.exec_driver_sql("SELECT count(*) FROM pg_replication_slots").scalar()
        if settings["wal_recycle"] == "on":
            left.append(
                "PostgreSQL's write-ahead log (pg_wal): the server reuses old segments "
                "(wal_recycle = on), so copies stay in them until they are overwritten. "
                "Set wal_recycle = off (docs/confidentiality.md)."
            )
        if str(settings["wal_keep_size"]).strip() not in ("0", "0MB", "0kB"):
            left.append(
                f"PostgreSQL's write-ahead log (pg_wal): the server keeps "
                f"{settings['wal_keep_size']} of it (wal_keep_size) for replicas."
            )
        if settings["archive_mode"] != "off" or slots:
            left.append(
                "PostgreSQL's archived write-ahead log and its replicas (archive_mode or "
                "replication slots are in use): purge them as your backups are purged."
            )
        return tuple(left)


@dataclass
class Work:
    """What a block of code asked of a store (:meth:`Store.counting`): each SQL statement run,
    its parameters, and how many rows each returned (0 for a write)."""

    statements: list[str] = field(default_factory=list)
    parameters: list[Any] = field(default_factory=list)  # as the driver was given them
    rows: list[int] = field(default_factory=list)

    @property
    def queries(self) -> int:
        """How many statements were run."""
        return len(self.statements)

    @property
    def rows_read(self) -> int:
        """How many rows the reads returned, in all."""
        return sum(self.rows)
