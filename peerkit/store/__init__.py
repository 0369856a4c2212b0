"""The one place that touches the database: every write is committed before the call returns."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from peerkit.confidentiality import mentions_of
from peerkit.model import (
    ANOTHER_WINDOW,
    MAX_NAME,
    Advice,
    AdviceKind,
    Attendance,
    Cohort,
    Commitment,
    Meeting,
    Member,
    MemberStatus,
    Outcome,
    ParkingItem,
    PeerkitError,
    PhaseEvent,
    PhaseEventKind,
    Review,
    Round,
    check_text,
    parse_day,
    targets_now,
)
from peerkit.store import schema as t

if TYPE_CHECKING:
    import pandas as pd

#: The newest schema this peerkit knows; a store at a revision not in KNOWN_REVISIONS was written
#: by a newer peerkit and is refused untouched.
HEAD = "0009"
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009")
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


def _required_day(value: dt.date | str | None, what: str) -> dt.date:
    day = parse_day(value, what)
    if day is None:
        raise PeerkitError(f"{what} is missing: write it as YYYY-MM-DD.")
    return day


class Store:
    """A peerkit store: a SQLite file by default, any SQLAlchemy URL otherwise.

    Opening applies pending migrations (up to ``schema``: tests build older stores with it).
    ``create=False`` refuses to make a new SQLite file. ``allowed_cohorts`` names the only
    cohorts this store opens (a facilitator's config; see docs/deploy.md for what it protects).
    """

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
        #: The connection of a :meth:`reading` block under way, per thread.
        self._local = threading.local()
        #: The :meth:`counting` blocks under way (innermost last).
        self._counters: list[Work] = []
        options: dict[str, Any] = {}
        if self.is_sqlite:
            path = Path(self.url.split("///", 1)[1])
            self.where = str(path)
            if not create and not path.exists():
                raise PeerkitError(
                    f"No peerkit store at {path}: run `peerkit demo --db {path}` to make one."
                )
            if not path.parent.is_dir():
                raise PeerkitError(f"Folder {path.parent} does not exist: create it first.")
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
            hint = " (install peerkit[postgres])" if "psycopg" in str(exc) else ""
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

    # -- schema ---------------------------------------------------------------------------

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
                text = str(exc.orig)  # SQLite names the columns, PostgreSQL the constraint
                if "phase_log.seq" in text or "uq_phase_log_round_seq" in text:
                    raise _Conflict(what) from None
                raise PeerkitError(f"{what}: {_integrity_message(exc)}") from None
            except DBAPIError as exc:
                raise PeerkitError(self._failure(what, exc)) from None
            try:
                transaction.commit()
            except DBAPIError as exc:
                if exc.connection_invalidated or (not self.is_sqlite and _is_connection_error(exc)):
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
        from sqlalchemy.dialects import postgresql, sqlite

        insert: Any = sqlite.insert if self.is_sqlite else postgresql.insert
        keys = [c.name for c in table.primary_key.columns]
        statement = insert(table).values(**values)
        return statement.on_conflict_do_update(
            index_elements=keys, set_={k: v for k, v in values.items() if k not in keys}
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
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        low = reason.lower()
        done = f"{what} was not saved" if saving else f"{what} failed"
        if "readonly" in low or "read-only" in low or self._read_only_file():
            return (
                f"{done}: the store {self.where} is read-only (the file, its folder or its "
                "disk). Nothing was changed; make it writable, then try again."
            )
        if "is full" in low or "disk full" in low or "no space" in low:
            return (
                f"{done}: the disk holding {self.where} is full. Nothing was half-written; "
                "free some space, then try again."
            )
        if "locked" in low:
            return f"{done}: another program held {self.where} for more than 10 s; try again."
        if exc.connection_invalidated or (not self.is_sqlite and _is_connection_error(exc)):
            self.went_offline()
            return self._unreachable(done)
        return f"{done}: {reason}"

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

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- cohorts and members --------------------------------------------------------------

    def add_cohort(self, name: str) -> Cohort:
        name = check_text(name, "The cohort name", limit=MAX_NAME)
        if self.allowed_cohorts is not None and name not in self.allowed_cohorts:
            raise PeerkitError(self._not_allowed(name))
        if self._rows(sa.select(t.cohorts.c.id).where(t.cohorts.c.name == name)):
            raise PeerkitError(f"A cohort named {name!r} already exists: choose another name.")
        result = self._write(sa.insert(t.cohorts).values(name=name), "The cohort")
        return Cohort(result.inserted_primary_key[0], name)

    def cohorts(self) -> list[Cohort]:
        """The cohorts this store may open (all of them, unless ``allowed_cohorts`` is set)."""
        rows = self._rows(sa.select(t.cohorts).order_by(t.cohorts.c.name))
        every = [Cohort(r.id, r.name) for r in rows]
        if self.allowed_cohorts is None:
            return every
        return [c for c in every if c.name in self.allowed_cohorts]

    # -- the facilitator's allowed cohorts ------------------------------------------------

    def _not_allowed(self, name: str) -> str:
        names = ", ".join(sorted(self.allowed_cohorts or ())) or "none"
        return (
            f"You may not open the cohort {name!r}: your peerkit settings allow only {names}. "
            "Ask whoever runs peerkit for your organization to add it."
        )

    def _check_cohort(self, cohort_id: int) -> None:
        """Refuse what belongs to a cohort outside ``allowed_cohorts``."""
        if self.allowed_cohorts is None or cohort_id in self._allowed_ids:
            return
        self._allowed_ids = {c.id for c in self.cohorts()}  # looked up again only on a miss
        if cohort_id not in self._allowed_ids:
            rows = self._rows(sa.select(t.cohorts.c.name).where(t.cohorts.c.id == cohort_id))
            raise PeerkitError(self._not_allowed(rows[0].name if rows else str(cohort_id)))

    def _cohort_ids(self, cohort_id: int | None) -> list[int] | None:
        """The cohorts a listing covers: the one asked for (if allowed), else the allowed."""
        if cohort_id is not None:
            self._check_cohort(cohort_id)
            return [cohort_id]
        if self.allowed_cohorts is None:
            return None
        return [c.id for c in self.cohorts()]

    def cohort(self, name_or_id: str | int | None = None) -> Cohort:
        """A cohort by name or id; with None, the only cohort (or an error naming the choices)."""
        every = self.cohorts()
        if name_or_id is None or name_or_id == "":
            if len(every) == 1:
                return every[0]
            if not every:
                raise PeerkitError("This store has no cohort yet: run `peerkit demo` to make one.")
            names = ", ".join(c.name for c in every)
            raise PeerkitError(f"This store has several cohorts ({names}): choose one.")
        for c in every:
            if c.name == name_or_id or str(c.id) == str(name_or_id):
                return c
        if self.allowed_cohorts is not None:
            rows = self._rows(
                sa.select(t.cohorts.c.name).where(
                    (t.cohorts.c.name == str(name_or_id))
                    | (sa.cast(t.cohorts.c.id, sa.String) == str(name_or_id))
                )
            )
            if rows:
                raise PeerkitError(self._not_allowed(rows[0].name))
        raise PeerkitError(f"No cohort named {name_or_id!r} in this store.")

    def add_member(
        self,
        cohort_id: int,
        name: str,
        *,
        email: str | None = None,
        role: str | None = None,
        joined: dt.date | str | None = None,
    ) -> Member:
        name = check_text(name, "The member's name", limit=MAX_NAME)
        self._check_cohort(cohort_id)
        if any(m.name.casefold() == name.casefold() for m in self.members(cohort_id)):
            raise PeerkitError(
                f"{name} is already a member of this cohort: use another spelling "
                "(for instance with a last initial)."
            )
        values = {
            "cohort_id": cohort_id,
            "name": name,
            "email": email or None,
            "role": role or None,
            "joined": parse_day(joined, "The joining date"),
            "status": MemberStatus.ACTIVE.value,
            "redacted": False,
        }
        result = self._write(sa.insert(t.members).values(**values), f"Member {name}")
        return self.member(result.inserted_primary_key[0])

    def update_member(self, member_id: int, **changes: Any) -> Member:
        allowed = {"email", "role", "joined", "name"}
        unknown = set(changes) - allowed
        if unknown:
            raise PeerkitError(f"Cannot change {', '.join(sorted(unknown))} of a member.")
        if "name" in changes:
            changes["name"] = check_text(changes["name"], "The member's name", limit=MAX_NAME)
        if "joined" in changes:
            changes["joined"] = parse_day(changes["joined"], "The joining date")
        self.member(member_id)
        self._write(
            sa.update(t.members).where(t.members.c.id == member_id).values(**changes), "Member"
        )
        return self.member(member_id)

    def member(self, member_id: int) -> Member:
        rows = self._rows(sa.select(t.members).where(t.members.c.id == member_id))
        if not rows:
            raise PeerkitError(f"No member with id {member_id} in this store.")
        self._check_cohort(rows[0].cohort_id)
        return _member(rows[0])

    def members(self, cohort_id: int | None = None, *, include_left: bool = True) -> list[Member]:
        query = sa.select(t.members).order_by(t.members.c.name)
        cohort_ids = self._cohort_ids(cohort_id)
        if cohort_ids is not None:
            query = query.where(t.members.c.cohort_id.in_(cohort_ids))
        if not include_left:
            query = query.where(t.members.c.status == MemberStatus.ACTIVE.value)
        return [_member(r) for r in self._rows(query)]

    def find_member(self, cohort_id: int, name: str) -> Member:
        for m in self.members(cohort_id):
            if m.name.casefold() == name.strip().casefold() or str(m.id) == name.strip():
                return m
        raise PeerkitError(f"No member named {name!r} in this cohort.")

    def member_leaves(self, member_id: int, on: dt.date | str | None = None) -> Member:
        day = parse_day(on, "The leaving date") or dt.date.today()
        self.member(member_id)
        self._write(
            sa.update(t.members)
            .where(t.members.c.id == member_id)
            .values(status=MemberStatus.LEFT.value, left_on=day),
            "The member's leaving",
        )
        return self.member(member_id)

    def redact_member(self, member_id: int, *, dry_run: bool = False) -> Redaction:
        """Replace a member's name, e-mail and role with ``Former member N`` everywhere: their
        own record and every mention in every free-text column of their cohort (found from the
        schema). Another member's name is never touched; their history stays.

        ``dry_run`` counts the mentions per table and changes nothing.
        """
        member = self.member(member_id)
        alias = f"Former member {member.id}"
        others = [m for m in self.members(member.cohort_id) if m.id != member.id]
        mentions = mentions_of([member], others=others)
        found: dict[str, int] = {}
        with self._begin("The redaction") as conn:
            for table in t.metadata.sorted_tables:
                columns = t.free_text_columns(table)
                if not columns:
                    continue
                keys = list(table.primary_key.columns)
                query = sa.select(*keys, *columns).where(t.in_cohort(table, member.cohort_id))
                for row in conn.execute(query).mappings():
                    if table is t.members and row["id"] == member.id:
                        continue  # their own record is rewritten whole below
                    new: dict[str, str] = {}
                    for column in columns:
                        if column.info.get("identity") or row[column.name] is None:
                            continue
                        text, count = mentions.replace(row[column.name], alias)
                        if count:
                            new[column.name] = text
                            found[table.name] = found.get(table.name, 0) + count
                    if new and not dry_run:
                        where = [key == row[key.name] for key in keys]
                        conn.execute(sa.update(table).where(*where).values(**new))
            if not dry_run and not member.redacted:
                conn.execute(
                    sa.update(t.members)
                    .where(t.members.c.id == member_id)
                    .values(name=alias, email=None, role=None, redacted=True)
                )
        if dry_run:
            return Redaction(member, found, (), ())
        held = self._forget()
        return Redaction(self.member(member_id), found, held, tuple(self.exports(member.cohort_id)))

    # -- meetings and attendance ----------------------------------------------------------

    def add_meeting(
        self,
        cohort_id: int,
        date: dt.date | str,
        *,
        place: str = "",
        planned_minutes: int = 180,
        next_date: dt.date | str | None = None,
    ) -> Meeting:
        day = _required_day(date, "The meeting date")
        self._check_cohort(cohort_id)
        place = check_text(place, "The place", limit=MAX_NAME, allow_empty=True)
        if not 10 <= int(planned_minutes) <= 24 * 60:
            raise PeerkitError(
                f"A meeting of {planned_minutes} minutes? Plan between 10 and 1440 minutes."
            )
        values = {
            "cohort_id": cohort_id,
            "date": day,
            "place": place,
            "planned_minutes": int(planned_minutes),
            "next_date": parse_day(next_date, "The next meeting date"),
        }
        result = self._write(sa.insert(t.meetings).values(**values), "The meeting")
        return self.meeting(result.inserted_primary_key[0])

    def update_meeting(self, meeting_id: int, **changes: Any) -> Meeting:
        allowed = {"place", "planned_minutes", "next_date", "date"}
        unknown = set(changes) - allowed
        if unknown:
            raise PeerkitError(f"Cannot change {', '.join(sorted(unknown))} of a meeting.")
        for key in ("next_date", "date"):
            if key in changes:
                changes[key] = parse_day(changes[key], "The date")
        self.meeting(meeting_id)
        self._write(
            sa.update(t.meetings).where(t.meetings.c.id == meeting_id).values(**changes),
            "The meeting",
        )
        return self.meeting(meeting_id)

    def meeting(self, meeting_id: int) -> Meeting:
        rows = self._rows(sa.select(t.meetings).where(t.meetings.c.id == meeting_id))
        if not rows:
            raise PeerkitError(f"No meeting with id {meeting_id} in this store.")
        self._check_cohort(rows[0].cohort_id)
        return _meeting(rows[0])

    def meetings(self, cohort_id: int | None = None) -> list[Meeting]:
        query = sa.select(t.meetings).order_by(t.meetings.c.date, t.meetings.c.id)
        cohort_ids = self._cohort_ids(cohort_id)
        if cohort_ids is not None:
            query = query.where(t.meetings.c.cohort_id.in_(cohort_ids))
        return [_meeting(r) for r in self._rows(query)]

    def find_meeting(self, which: str | int, cohort_id: int | None = None) -> Meeting:
        """A meeting by id, by date (YYYY-MM-DD) or ``latest``."""
        every = self.meetings(cohort_id)
        text = str(which).strip()
        if not every:
            raise PeerkitError("This store has no meetings yet.")
        if text == "latest":
            return every[-1]
        if text.isdigit():
            return self.meeting(int(text))
        day = _required_day(text, "The meeting")
        found = [m for m in every if m.date == day]
        if not found:
            raise PeerkitError(f"No meeting on {day.isoformat()}.")
        return found[-1]

    def set_attendance(self, meeting_id: int, member_id: int, status: Attendance | str) -> None:
        status = Attendance(status)
        meeting, member = self.meeting(meeting_id), self.member(member_id)
        if member.cohort_id != meeting.cohort_id:
            raise PeerkitError(f"{member.name} is not a member of this meeting's cohort.")
        values = {"meeting_id": meeting_id, "member_id": member_id, "status": status.value}
        with self._begin("The attendance") as conn:
            conn.execute(self._upsert(t.attendance, values))
            conn.execute(_started(meeting_id))

    def mark_everyone_present(self, meeting_id: int) -> int:
        """Mark every active member not yet marked as present, in one step (those already marked,
        say with apologies, keep their mark); returns how many were marked."""
        meeting = self.meeting(meeting_id)
        marked = self.attendance(meeting_id)
        unmarked = [
            m.id for m in self.members(meeting.cohort_id, include_left=False) if m.id not in marked
        ]
        with self._begin("The attendance") as conn:
            for member_id in unmarked:
                values = {"meeting_id": meeting_id, "member_id": member_id, "status": "present"}
                conn.execute(self._upsert(t.attendance, values))
            conn.execute(_started(meeting_id))
        return len(unmarked)

    def attendance(self, meeting_id: int) -> dict[int, Attendance]:
        rows = self._rows(
            sa.select(t.attendance.c.member_id, t.attendance.c.status).where(
                t.attendance.c.meeting_id == meeting_id
            )
        )
        return {r.member_id: Attendance(r.status) for r in rows}

    def meeting_contents(self, meeting_id: int) -> dict[str, int]:
        """How many rounds, advice, commitments, reviews and parking-lot items a meeting holds
        (what a purge would delete), by table."""
        meeting = self.meeting(meeting_id)
        round_ids = sa.select(t.rounds.c.id).where(t.rounds.c.meeting_id == meeting.id)
        made_here = sa.select(t.commitments.c.id).where(t.commitments.c.meeting_id == meeting.id)
        where = {
            t.rounds: t.rounds.c.meeting_id == meeting.id,
            t.advice: t.advice.c.round_id.in_(round_ids),
            t.commitments: t.commitments.c.meeting_id == meeting.id,
            t.reviews: (t.reviews.c.meeting_id == meeting.id)
            | t.reviews.c.commitment_id.in_(made_here),
            t.parking: t.parking.c.meeting_id == meeting.id,
            t.attendance: t.attendance.c.meeting_id == meeting.id,
        }
        return {
            table.name: int(
                self._rows(sa.select(sa.func.count()).select_from(table).where(c))[0][0]
            )
            for table, c in where.items()
        }

    def purge_meeting(self, meeting_id: int) -> Purge:
        """Delete a meeting and everything said in it, for good: the text is overwritten in the
        database's own files before this returns. Says what still holds copies: the database
        (see :meth:`_forget`) and files peerkit wrote earlier (minutes, backups)."""
        meeting = self.meeting(meeting_id)
        removed = self.meeting_contents(meeting_id)
        files = tuple(
            e
            for e in self.exports(meeting.cohort_id)
            if e.meeting_id == meeting.id or e.kind == "backup"
        )
        with self._begin("The purge") as conn:
            made_here = sa.select(t.commitments.c.id).where(
                t.commitments.c.meeting_id == meeting_id
            )
            round_ids = sa.select(t.rounds.c.id).where(t.rounds.c.meeting_id == meeting_id)
            conn.execute(
                sa.delete(t.reviews).where(
                    (t.reviews.c.meeting_id == meeting_id)
                    | t.reviews.c.commitment_id.in_(made_here)
                )
            )
            conn.execute(sa.delete(t.commitments).where(t.commitments.c.meeting_id == meeting_id))
            conn.execute(sa.delete(t.advice).where(t.advice.c.round_id.in_(round_ids)))
            conn.execute(sa.delete(t.phase_log).where(t.phase_log.c.round_id.in_(round_ids)))
            conn.execute(sa.delete(t.rounds).where(t.rounds.c.meeting_id == meeting_id))
            conn.execute(sa.delete(t.parking).where(t.parking.c.meeting_id == meeting_id))
            conn.execute(sa.delete(t.attendance).where(t.attendance.c.meeting_id == meeting_id))
            conn.execute(sa.delete(t.ground_rules).where(t.ground_rules.c.meeting_id == meeting_id))
            conn.execute(
                sa.update(t.screens)
                .where(t.screens.c.meeting_id == meeting_id)
                .values(meeting_id=None, round_id=None)
            )
            conn.execute(sa.delete(t.meetings).where(t.meetings.c.id == meeting_id))
        return Purge(meeting, removed, self._forget(), files)

    # -- deletions: undone until the meeting is closed ----------------------------------------

    def _soft_delete(
        self,
        meeting_id: int,
        what: str,
        item: tuple[sa.Table, int],
        with_it: dict[sa.Table, Any] | None = None,
        check: Callable[[Connection], None] | None = None,
    ) -> Deletion:
        """Mark an item of ``meeting_id`` deleted (and ``with_it``: the rows that go with it),
        all with one stamp, so one Undo brings them back together. ``check`` runs first, in
        the same transaction, to refuse (raising PeerkitError) what must stay."""
        table, item_id = item
        with self._begin(what) as conn:
            self._lock_meeting(conn, meeting_id)
            if check is not None:
                check(conn)
            stamp = _deletion_stamp(conn, meeting_id)
            marked = conn.execute(
                sa.update(table)
                .where(table.c.id == item_id, table.c.deleted_at.is_(None))
                .values(deleted_at=stamp)
            ).rowcount
            if marked != 1:
                raise PeerkitError(f"{what} was already deleted (in another window?).")
            for other, condition in (with_it or {}).items():
                marked += (
                    conn.execute(
                        sa.update(other)
                        .where(condition, other.c.deleted_at.is_(None))
                        .values(deleted_at=stamp)
                    ).rowcount
                    or 0
                )
            if table is t.rounds:
                _renumber(conn, meeting_id)
            found = _deletions(conn, meeting_id, stamp)
        return found[0]

    def deletions(self, meeting_id: int) -> list[Deletion]:
        """What was deleted at this meeting and can still be undone, newest first."""
        with self._connect(reading=True) as conn:
            return _deletions(conn, meeting_id)

    def undo_delete(self, meeting_id: int) -> Deletion:
        """Bring back the meeting's latest deletion (an item and whatever went with it)."""
        with self._begin("The undo") as conn:
            self._lock_meeting(conn, meeting_id)
            found = _deletions(conn, meeting_id)
            if not found:
                raise PeerkitError(
                    "Nothing to undo: nothing deleted at this meeting is waiting to be erased."
                )
            last = found[0]
            scope = _deletion_scope(meeting_id)
            r, c = t.reviews, t.commitments
            orphans = conn.execute(
                sa.select(sa.func.count())
                .select_from(r.join(c, c.c.id == r.c.commitment_id))
                .where(
                    scope[r],
                    r.c.deleted_at == last.at,
                    c.c.deleted_at.is_not(None),
                    c.c.deleted_at != last.at,
                )
            ).scalar()
            if orphans:
                raise PeerkitError(
                    "That review's commitment was deleted at the meeting that made it: open "
                    "that meeting and undo its deletion there first."
                )
            back = conn.execute(
                sa.select(t.rounds.c.id).where(scope[t.rounds], t.rounds.c.deleted_at == last.at)
            ).all()
            for table, condition in scope.items():
                conn.execute(
                    sa.update(table)
                    .where(condition, table.c.deleted_at == last.at)
                    .values(deleted_at=None)
                )
            if back:  # a round comes back to its place in the queue
                _renumber(conn, meeting_id, first={row.id for row in back})
        return last

    def close_meeting(self, meeting_id: int) -> Closing:
        """Close the meeting: what was deleted at it is erased for good (Undo can no longer
        bring it back), overwritten in the database's own files as a purge does (see
        :meth:`_forget`). Everything else stays in the record."""
        meeting = self.meeting(meeting_id)
        scope = _deletion_scope(meeting_id)
        removed: dict[str, int] = {}
        with self._begin("Closing the meeting") as conn:
            self._lock_meeting(conn, meeting_id)
            erased_commitments = sa.select(t.commitments.c.id).where(
                scope[t.commitments], t.commitments.c.deleted_at.is_not(None)
            )
            erased_rounds = sa.select(t.rounds.c.id).where(
                scope[t.rounds], t.rounds.c.deleted_at.is_not(None)
            )
            # An erased commitment's reviews (held at any meeting) and an erased round's
            # advice and phase log go with it, as the foreign keys would take them anyway.
            extra: dict[sa.Table, Any] = {
                t.reviews: t.reviews.c.commitment_id.in_(erased_commitments),
                t.advice: t.advice.c.round_id.in_(erased_rounds),
            }
            conn.execute(sa.delete(t.phase_log).where(t.phase_log.c.round_id.in_(erased_rounds)))
            for table in t.SOFT_DELETED:
                condition = scope[table] & table.c.deleted_at.is_not(None)
                if table in extra:
                    condition = condition | extra[table]
                count = conn.execute(sa.delete(table).where(condition)).rowcount or 0
                if count:
                    removed[table.name] = count
        held = self._forget() if removed else ()
        return Closing(meeting, removed, held)

    # -- files peerkit wrote ----------------------------------------------------------------

    def record_export(
        self,
        kind: str,
        path: str | Path,
        *,
        cohort_id: int | None = None,
        meeting_id: int | None = None,
    ) -> None:
        """Note a file peerkit wrote (``minutes``, ``calendar``, ``backup``), so that a purge
        or a redaction can say which files still hold what it removed."""
        values = {
            "cohort_id": cohort_id,
            "meeting_id": meeting_id,
            "kind": kind,
            "path": str(Path(path).resolve()),
            "written_at": time.time(),
        }
        self._write(sa.insert(t.exports).values(**values), "The note of the file written")

    def exports(self, cohort_id: int | None = None) -> list[Export]:
        """Files peerkit wrote that are still on disk: the cohort's, and every backup."""
        query = sa.select(t.exports).order_by(t.exports.c.written_at, t.exports.c.id)
        if cohort_id is not None:
            query = query.where(
                (t.exports.c.cohort_id == cohort_id) | t.exports.c.cohort_id.is_(None)
            )
        found = [Export(r.id, r.kind, Path(r.path), r.meeting_id) for r in self._rows(query)]
        return [e for e in found if e.path.exists()]

    def forget_export(self, export_id: int) -> None:
        """Drop the note of a file (after it was deleted)."""
        self._write(sa.delete(t.exports).where(t.exports.c.id == export_id), "The file note")

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

    # -- rounds and the phase log ---------------------------------------------------------

    def add_round(
        self,
        meeting_id: int,
        presenter_id: int,
        format_name: str,
        *,
        issue: str = "",
        position: int | None = None,
        private: bool = False,
        keep_text: bool = True,
    ) -> Round:
        """Queue a round. A private round with ``keep_text=False`` stores no issue, advice or
        commitment at all; with ``keep_text=True`` they are kept for the facilitator only."""
        meeting, presenter = self.meeting(meeting_id), self.member(presenter_id)
        if presenter.cohort_id != meeting.cohort_id:
            raise PeerkitError(f"{presenter.name} is not a member of this meeting's cohort.")
        issue = check_text(issue, "The issue statement", allow_empty=True)
        keeps_text = keep_text or not private
        if not keeps_text and issue:
            raise PeerkitError(
                "This private round keeps nothing, so its issue is not written down: "
                "leave the issue empty, or keep the text for yourself."
            )
        if position is None:  # the end of the queue
            position = 1 + max((r.position for r in self.rounds(meeting_id)), default=-1)
        values = {
            "meeting_id": meeting_id,
            "presenter_id": presenter_id,
            "format_name": check_text(format_name, "The format", limit=MAX_NAME),
            "issue": issue,
            "position": position,
            "private": private,
            "keeps_text": keeps_text,
        }
        result = self._write(sa.insert(t.rounds).values(**values), "The round")
        return self.round(result.inserted_primary_key[0])

    def update_round(self, round_id: int, **changes: Any) -> Round:
        """Change a round; ``position`` is its place in the queue (0: first), as
        :meth:`move_round` moves it."""
        allowed = {"issue", "format_name", "position", "presenter_id"}
        unknown = set(changes) - allowed
        if unknown:
            hint = " (use make_private)" if "private" in unknown else ""
            raise PeerkitError(f"Cannot change {', '.join(sorted(unknown))} of a round{hint}.")
        current = self.round(round_id)
        if "issue" in changes:
            changes["issue"] = check_text(changes["issue"], "The issue statement", allow_empty=True)
            if changes["issue"] and current.keeps_nothing:
                raise PeerkitError(
                    "This private round keeps nothing, so its issue is not written down."
                )
        position = changes.pop("position", None)
        if changes:
            self._write(
                sa.update(t.rounds).where(t.rounds.c.id == round_id).values(**changes),
                "The round",
            )
        if position is not None:
            self.move_round(round_id, to=int(position))
        return self.round(round_id)

    def move_round(self, round_id: int, steps: int = 0, *, to: int | None = None) -> list[Round]:
        """Move a round up (``steps`` < 0) or down the queue, or ``to`` a place (0: first);
        returns the meeting's rounds in their new order, numbered 0, 1, 2…

        A round that has started keeps its place, and a round does not move past one that has
        started: the queue's order is the order the rounds happened. Two windows moving rounds
        at once take turns (the meeting is held while the order is read and rewritten).
        """
        rnd = self.round(round_id)
        with self._begin("The queue's order") as conn:
            self._lock_meeting(conn, rnd.meeting_id)
            rows = conn.execute(
                sa.select(t.rounds.c.id)
                .where(t.rounds.c.meeting_id == rnd.meeting_id, t.rounds.c.deleted_at.is_(None))
                .order_by(t.rounds.c.position, t.rounds.c.id)
            ).all()
            order = [row.id for row in rows]
            if round_id not in order:
                raise PeerkitError("That round was removed from the queue meanwhile.")
            here = order.index(round_id)
            there = here + int(steps) if to is None else int(to)
            there = max(0, min(len(order) - 1, there))
            if there == here:
                where = "first" if here == 0 else "last" if here == len(order) - 1 else "there"
                raise PeerkitError(f"Round {here + 1} is already {where} in the queue.")
            passed = order[min(here, there) : max(here, there) + 1]
            started = {
                row.round_id
                for row in conn.execute(
                    sa.select(t.phase_log.c.round_id)
                    .where(t.phase_log.c.round_id.in_(passed))
                    .distinct()
                ).all()
            }
            if started:
                number = 1 + min(order.index(i) for i in started)
                raise PeerkitError(
                    f"Round {number} has started: it keeps its place, and rounds not yet "
                    "started move only among themselves."
                )
            order.insert(there, order.pop(here))
            for place, moved in enumerate(order):
                conn.execute(
                    sa.update(t.rounds)
                    .where(t.rounds.c.id == moved, t.rounds.c.position != place)
                    .values(position=place)
                )
        return self.rounds(rnd.meeting_id)

    def make_private(self, round_id: int, *, private: bool = True, keep_text: bool = True) -> Round:
        """Mark a round private (or not). Keeping nothing deletes, for good, the issue, advice
        and commitments already written for it (overwritten on disk, as a purge does)."""
        current = self.round(round_id)
        keeps_text = keep_text or not private
        with self._begin("The round") as conn:
            if not keeps_text:
                made = sa.select(t.commitments.c.id).where(t.commitments.c.round_id == round_id)
                conn.execute(sa.delete(t.reviews).where(t.reviews.c.commitment_id.in_(made)))
                conn.execute(sa.delete(t.commitments).where(t.commitments.c.round_id == round_id))
                conn.execute(sa.delete(t.advice).where(t.advice.c.round_id == round_id))
            values: dict[str, Any] = {"private": private, "keeps_text": keeps_text}
            if not keeps_text:
                values["issue"] = ""
            conn.execute(sa.update(t.rounds).where(t.rounds.c.id == round_id).values(**values))
        if current.keeps_text and not keeps_text:
            self._forget()
        return self.round(round_id)

    def delete_round(self, round_id: int) -> Deletion:
        """Remove a queued round, with whatever was captured in it (undone by
        :meth:`undo_delete` until the meeting is closed); a round that has started keeps its
        record. The rounds after it move up."""
        rnd = self.round(round_id)

        def check(conn: Connection) -> None:
            log = sa.select(t.phase_log.c.id).where(t.phase_log.c.round_id == round_id)
            if conn.execute(log.limit(1)).first():
                raise PeerkitError("This round has started: it stays in the record.")
            made = sa.select(t.commitments.c.id).where(t.commitments.c.round_id == round_id)
            reviewed = sa.select(t.reviews.c.id).where(
                t.reviews.c.commitment_id.in_(made), t.reviews.c.deleted_at.is_(None)
            )
            if conn.execute(reviewed.limit(1)).first():
                raise PeerkitError(
                    "A commitment made in this round has been reviewed: it stays in the record."
                )

        return self._soft_delete(
            rnd.meeting_id,
            "The round",
            (t.rounds, round_id),
            {
                t.advice: t.advice.c.round_id == round_id,
                t.commitments: t.commitments.c.round_id == round_id,
            },
            check,
        )

    def round(self, round_id: int) -> Round:
        rows = self._rows(sa.select(t.rounds).where(t.rounds.c.id == round_id))
        if not rows:
            raise PeerkitError(f"No round with id {round_id} in this store.")
        if self.allowed_cohorts is not None:
            self.meeting(rows[0].meeting_id)
        if rows[0].deleted_at is not None:
            raise PeerkitError(
                f"Round {round_id} was removed from the queue (Undo brings it back)."
            )
        return _round(rows[0])

    def rounds(self, meeting_id: int) -> list[Round]:
        """The meeting's rounds in queue order (removed ones left out)."""
        query = (
            sa.select(t.rounds)
            .where(t.rounds.c.meeting_id == meeting_id, t.rounds.c.deleted_at.is_(None))
            .order_by(t.rounds.c.position, t.rounds.c.id)
        )
        return [_round(r) for r in self._rows(query)]

    def log_phase_event(
        self,
        round_id: int,
        kind: PhaseEventKind | str,
        at: float,
        *,
        value: float | None = None,
        plan: Sequence[float] | None = None,
        seq: int | None = None,
    ) -> PhaseEvent:
        """Append a phase change to the round's log.

        ``seq`` is the number of changes the caller saw in the log: when another window wrote
        one in the meantime, this one is refused (two "Next" clicks at once move the round on
        once). Without ``seq`` the change goes at the end, whatever came before.
        """
        kind = PhaseEventKind(kind)
        values = {
            "round_id": round_id,
            "kind": kind.value,
            "at": float(at),
            "value": value,
            "plan": json.dumps([float(s) for s in plan]) if plan is not None else None,
        }
        log = t.phase_log.c
        for _attempt in range(20):
            try:
                with self._begin("The phase change") as conn:
                    place = seq
                    if place is None:
                        last = sa.select(sa.func.max(log.seq)).where(log.round_id == round_id)
                        found = conn.execute(last).scalar()
                        place = 0 if found is None else found + 1
                    conn.execute(sa.insert(t.phase_log).values(**values, seq=place))
                    if kind is PhaseEventKind.START:
                        meeting = sa.select(t.rounds.c.meeting_id).where(t.rounds.c.id == round_id)
                        conn.execute(_started(meeting.scalar_subquery(), float(at)))
                return PhaseEvent(round_id, kind, float(at), value, tuple(plan) if plan else None)
            except _Conflict:
                if seq is not None:
                    raise PeerkitError(ANOTHER_WINDOW) from None
        raise PeerkitError("The phase change was not saved: the round's log kept changing.")

    def phase_events(self, round_id: int) -> list[PhaseEvent]:
        query = (
            sa.select(t.phase_log)
            .where(t.phase_log.c.round_id == round_id)
            .order_by(t.phase_log.c.seq)
        )
        return [_phase_event(r) for r in self._rows(query)]

    def meeting_phase_events(self, meeting_id: int) -> dict[int, list[PhaseEvent]]:
        """Each round's phase log, for all the meeting's rounds in one read (removed rounds
        left out; a round with no change yet is absent)."""
        log = t.phase_log
        query = (
            sa.select(log)
            .join(t.rounds, t.rounds.c.id == log.c.round_id)
            .where(t.rounds.c.meeting_id == meeting_id, t.rounds.c.deleted_at.is_(None))
            .order_by(log.c.round_id, log.c.seq)
        )
        events: dict[int, list[PhaseEvent]] = {}
        for r in self._rows(query):
            events.setdefault(r.round_id, []).append(_phase_event(r))
        return events

    def private_round_ids(self, round_ids: Iterable[int]) -> set[int]:
        """Which of these rounds are private."""
        query = sa.select(t.rounds.c.id).where(
            t.rounds.c.id.in_(sorted(set(round_ids))), t.rounds.c.private.is_(True)
        )
        return {r.id for r in self._rows(query)}

    def last_presented(self, cohort_id: int, before: dt.date) -> dict[int, dt.date]:
        """When each member of the cohort last sat on the hot seat, at a meeting before
        ``before`` (one row per member who ever presented)."""
        self._check_cohort(cohort_id)
        query = (
            sa.select(t.rounds.c.presenter_id, sa.func.max(t.meetings.c.date).label("last"))
            .join(t.meetings, t.meetings.c.id == t.rounds.c.meeting_id)
            .where(
                t.meetings.c.cohort_id == cohort_id,
                t.meetings.c.date < before,
                t.rounds.c.deleted_at.is_(None),
            )
            .group_by(t.rounds.c.presenter_id)
        )
        return {r.presenter_id: _day(r.last) for r in self._rows(query)}

    # -- advice ---------------------------------------------------------------------------

    def add_advice(
        self,
        round_id: int,
        text: str,
        *,
        giver_id: int | None = None,
        kind: AdviceKind | str = AdviceKind.SUGGESTION,
        at: float | None = None,
        private: bool = False,
    ) -> Advice:
        text = check_text(text, "The advice")
        advice_kind: AdviceKind = _enum(AdviceKind, kind, "kind of advice")
        the_round = self.round(round_id)
        _refuse_if_keeps_nothing(the_round, "advice")
        if giver_id is not None:
            self._same_cohort(giver_id, the_round.meeting_id)
        values = {
            "round_id": round_id,
            "giver_id": giver_id,
            "kind": advice_kind.value,
            "text": text,
            "at": time.time() if at is None else float(at),
            "starred": False,
            "private": private,
        }
        insert = sa.insert(t.advice).values(**values)
        try:
            advice_id = self._write(insert, "The advice").inserted_primary_key[0]
        except _MaybeSaved:
            # The commit was cut off: once the server answers, look for this very entry (same
            # round, text and moment) and save it again only if it is not there.
            same = [t.advice.c[k] == values[k] for k in ("round_id", "text", "at")]
            found = self._rows(sa.select(t.advice.c.id).where(*same))
            advice_id = (
                found[0].id if found else self._write(insert, "The advice").inserted_primary_key[0]
            )
        return self.advice_item(advice_id)

    def advice_item(self, advice_id: int) -> Advice:
        rows = self._rows(
            sa.select(t.advice).where(t.advice.c.id == advice_id, t.advice.c.deleted_at.is_(None))
        )
        if not rows:
            raise PeerkitError(f"No advice with id {advice_id}: it may have been deleted.")
        return _advice(rows[0])

    def advice(self, round_id: int) -> list[Advice]:
        query = (
            sa.select(t.advice)
            .where(t.advice.c.round_id == round_id, t.advice.c.deleted_at.is_(None))
            .order_by(t.advice.c.id)
        )
        return [_advice(r) for r in self._rows(query)]

    def edit_advice(self, advice_id: int, **changes: Any) -> Advice:
        allowed = {"text", "kind", "giver_id", "starred", "private"}
        unknown = set(changes) - allowed
        if unknown:
            raise PeerkitError(f"Cannot change {', '.join(sorted(unknown))} of an advice.")
        item = self.advice_item(advice_id)
        if "text" in changes:
            changes["text"] = check_text(changes["text"], "The advice")
        if "kind" in changes:
            changes["kind"] = _enum(AdviceKind, changes["kind"], "kind of advice").value
        if changes.get("giver_id") is not None:
            self._same_cohort(changes["giver_id"], self.round(item.round_id).meeting_id)
        self._write(
            sa.update(t.advice).where(t.advice.c.id == advice_id).values(**changes), "The advice"
        )
        return self.advice_item(advice_id)

    def delete_advice(self, advice_id: int) -> Deletion:
        """Delete an advice (undone by :meth:`undo_delete` until the meeting is closed)."""
        item = self.advice_item(advice_id)
        meeting_id = self.round(item.round_id).meeting_id
        return self._soft_delete(meeting_id, "The advice", (t.advice, advice_id))

    # -- commitments and reviews ----------------------------------------------------------

    def add_commitment(
        self,
        owner_id: int,
        meeting_id: int,
        text: str,
        target_date: dt.date | str,
        *,
        round_id: int | None = None,
        weight: float = 1.0,
        levels: Sequence[str] | None = None,
        private: bool = False,
    ) -> Commitment:
        values = self._commitment_values(
            owner_id, meeting_id, text, target_date, weight=weight, levels=levels
        )
        if round_id is not None:
            _refuse_if_keeps_nothing(self.round(round_id), "commitment")
        values.update(meeting_id=meeting_id, round_id=round_id, private=private)
        result = self._write(sa.insert(t.commitments).values(**values), "The commitment")
        return self.commitment(result.inserted_primary_key[0])

    def _commitment_values(
        self,
        owner_id: int,
        meeting_id: int,
        text: str,
        target_date: dt.date | str | None,
        *,
        weight: float,
        levels: Sequence[str] | None,
    ) -> dict[str, Any]:
        """A commitment's columns, checked (the same checks for a new one and an edit)."""
        text = check_text(text, "The commitment")
        day = _required_day(target_date, "The target date")
        meeting = self.meeting(meeting_id)
        self._same_cohort(owner_id, meeting_id)
        if day < meeting.date:
            raise PeerkitError(
                f"The target date {day.isoformat()} is before the meeting "
                f"({meeting.date.isoformat()}): pick a later date."
            )
        try:
            weight = float(weight)
        except (TypeError, ValueError):
            raise PeerkitError(
                f"A weight of {weight!r}? Use a number above 0 and at most 10."
            ) from None
        if not 0 < weight <= 10:
            raise PeerkitError(f"A weight of {weight:g}? Use a number above 0 and at most 10.")
        stored_levels = None
        if levels is not None and any(str(x).strip() for x in levels):
            if len(levels) != 5 or not all(str(x).strip() for x in levels):
                raise PeerkitError(
                    "Describe all five levels (−2, −1, 0 expected, +1, +2) or none of them."
                )
            stored_levels = json.dumps([check_text(str(x), "A level description") for x in levels])
        return {
            "owner_id": owner_id,
            "text": text,
            "target_date": day,
            "weight": weight,
            "levels": stored_levels,
        }

    def edit_commitment(self, commitment_id: int, **changes: Any) -> Commitment:
        """Correct a commitment's text, owner, target date, weight or GAS levels, with the
        checks a new one gets; bad input changes nothing."""
        allowed = {"text", "owner_id", "target_date", "weight", "levels"}
        unknown = set(changes) - allowed
        if unknown:
            raise PeerkitError(f"Cannot change {', '.join(sorted(unknown))} of a commitment.")
        current = self.commitment(commitment_id)
        if current.round_id is not None and "text" in changes:
            _refuse_if_keeps_nothing(self.round(current.round_id), "commitment")
        merged: dict[str, Any] = {
            "owner_id": current.owner_id,
            "text": current.text,
            "target_date": current.target_date,
            "weight": current.weight,
            "levels": current.levels,
            **changes,
        }
        values = self._commitment_values(
            merged["owner_id"],
            current.meeting_id,
            merged["text"],
            merged["target_date"],
            weight=merged["weight"],
            levels=merged["levels"],
        )
        self._write(
            sa.update(t.commitments).where(t.commitments.c.id == commitment_id).values(**values),
            "The commitment",
        )
        return self.commitment(commitment_id)

    def commitment(self, commitment_id: int) -> Commitment:
        rows = self._rows(
            sa.select(t.commitments).where(
                t.commitments.c.id == commitment_id, t.commitments.c.deleted_at.is_(None)
            )
        )
        if not rows:
            raise PeerkitError(
                f"No commitment with id {commitment_id} in this store (it may have been deleted)."
            )
        return _commitment(rows[0])

    def commitments(
        self,
        *,
        meeting_id: int | None = None,
        owner_id: int | None = None,
        cohort_id: int | None = None,
    ) -> list[Commitment]:
        query = (
            sa.select(t.commitments)
            .where(t.commitments.c.deleted_at.is_(None))
            .order_by(t.commitments.c.id)
        )
        if meeting_id is not None:
            query = query.where(t.commitments.c.meeting_id == meeting_id)
        if owner_id is not None:
            query = query.where(t.commitments.c.owner_id == owner_id)
        if cohort_id is not None:
            query = query.where(
                t.commitments.c.meeting_id.in_(
                    sa.select(t.meetings.c.id).where(t.meetings.c.cohort_id == cohort_id)
                )
            )
        return [_commitment(r) for r in self._rows(query)]

    def delete_commitment(self, commitment_id: int) -> Deletion:
        """Remove a commitment entered by mistake, only while it has no review (undone by
        :meth:`undo_delete` until the meeting that made it is closed)."""
        current = self.commitment(commitment_id)

        def check(conn: Connection) -> None:
            reviewed = sa.select(t.reviews.c.id).where(
                t.reviews.c.commitment_id == commitment_id, t.reviews.c.deleted_at.is_(None)
            )
            if conn.execute(reviewed.limit(1)).first():
                raise PeerkitError("This commitment has been reviewed: it stays in the record.")

        return self._soft_delete(
            current.meeting_id, "The commitment", (t.commitments, commitment_id), check=check
        )

    def record_review(
        self,
        commitment_id: int,
        meeting_id: int,
        outcome: Outcome | str,
        *,
        level: int | None = None,
        note: str = "",
        new_target_date: dt.date | str | None = None,
    ) -> Review:
        """Record (or correct) the review of a commitment at a meeting. A review of it deleted
        earlier at this meeting is replaced (Undo no longer brings it back)."""
        values = self._review_values(
            commitment_id,
            meeting_id,
            outcome,
            level=level,
            note=note,
            new_target_date=new_target_date,
        )
        with self._begin("The review") as conn:
            conn.execute(
                sa.delete(t.reviews).where(
                    (t.reviews.c.commitment_id == commitment_id)
                    & (t.reviews.c.meeting_id == meeting_id)
                )
            )
            conn.execute(sa.insert(t.reviews).values(**values))
            conn.execute(_started(meeting_id))
        return self.reviews(commitment_id=commitment_id, meeting_id=meeting_id)[0]

    def _review_values(
        self,
        commitment_id: int,
        meeting_id: int,
        outcome: Outcome | str,
        *,
        level: int | None,
        note: str,
        new_target_date: dt.date | str | None,
    ) -> dict[str, Any]:
        """A review's columns, checked (the same checks for a new one and an edit)."""
        outcome = Outcome(_enum(Outcome, outcome, "outcome"))
        commitment, meeting = self.commitment(commitment_id), self.meeting(meeting_id)
        if meeting.date < self.meeting(commitment.meeting_id).date:
            raise PeerkitError("A commitment cannot be reviewed before the meeting that made it.")
        if level is not None and int(level) not in (-2, -1, 0, 1, 2):
            raise PeerkitError(f"GAS level {level} is out of range: use −2, −1, 0, +1 or +2.")
        new_day = parse_day(new_target_date, "The new target date")
        if outcome is Outcome.RENEGOTIATED:
            if new_day is None:
                raise PeerkitError("A renegotiated commitment needs the new target date it sets.")
            if new_day <= meeting.date:
                raise PeerkitError("The new target date must be after this meeting.")
        elif new_day is not None:
            raise PeerkitError("Only a renegotiated commitment takes a new target date.")
        return {
            "commitment_id": commitment_id,
            "meeting_id": meeting_id,
            "outcome": outcome.value,
            "level": None if level is None else int(level),
            "note": check_text(note, "The note", allow_empty=True),
            "new_target_date": new_day,
        }

    def edit_review(self, review_id: int, **changes: Any) -> Review:
        """Correct a review's outcome, GAS level, note or new target date in place, with the
        checks a new review gets; bad input changes nothing. A new target date is dropped
        when the outcome is no longer "renegotiated"."""
        allowed = {"outcome", "level", "note", "new_target_date"}
        unknown = set(changes) - allowed
        if unknown:
            raise PeerkitError(f"Cannot change {', '.join(sorted(unknown))} of a review.")
        current = self.review(review_id)
        merged: dict[str, Any] = {
            "outcome": current.outcome,
            "level": current.level,
            "note": current.note,
            "new_target_date": current.new_target_date,
            **changes,
        }
        outcome = Outcome(_enum(Outcome, merged["outcome"], "outcome"))
        if outcome is not Outcome.RENEGOTIATED and "new_target_date" not in changes:
            merged["new_target_date"] = None
        values = self._review_values(
            current.commitment_id,
            current.meeting_id,
            merged["outcome"],
            level=merged["level"],
            note=merged["note"],
            new_target_date=merged["new_target_date"],
        )
        self._write(
            sa.update(t.reviews).where(t.reviews.c.id == review_id).values(**values), "The review"
        )
        return self.review(review_id)

    def review(self, review_id: int) -> Review:
        rows = self._rows(
            sa.select(t.reviews).where(
                t.reviews.c.id == review_id, t.reviews.c.deleted_at.is_(None)
            )
        )
        if not rows:
            raise PeerkitError(
                f"No review with id {review_id} in this store (it may have been deleted)."
            )
        return _review(rows[0])

    def reviews(
        self,
        *,
        commitment_id: int | None = None,
        meeting_id: int | None = None,
        commitment_ids: Iterable[int] | None = None,
    ) -> list[Review]:
        """Reviews in id order: of one commitment, of those ``commitment_ids``, at one meeting
        (the conditions given, together), or all of them."""
        query = (
            sa.select(t.reviews).where(t.reviews.c.deleted_at.is_(None)).order_by(t.reviews.c.id)
        )
        if commitment_id is not None:
            query = query.where(t.reviews.c.commitment_id == commitment_id)
        if commitment_ids is not None:
            query = query.where(t.reviews.c.commitment_id.in_(sorted(set(commitment_ids))))
        if meeting_id is not None:
            query = query.where(t.reviews.c.meeting_id == meeting_id)
        return [_review(r) for r in self._rows(query)]

    def delete_review(self, review_id: int) -> Deletion:
        """Delete a review recorded by mistake: the commitment is open again as before it
        (undone by :meth:`undo_delete` until the meeting that held it is closed)."""
        current = self.review(review_id)
        return self._soft_delete(current.meeting_id, "The review", (t.reviews, review_id))

    def open_commitments(
        self, cohort_id: int, *, before_meeting: int | None = None
    ) -> list[tuple[Commitment, dt.date]]:
        """The cohort's commitments still open (never closed by a review), in id order, with
        their current target date (peerkit.model.targets_now: after the latest renegotiation).

        A commitment is closed by a review of done, partial, not done or dropped; a renegotiated
        one carries forward with its new date. ``before_meeting``: what was open as that meeting
        began (what its check-in walks): made at the cohort's meetings dated before it, and with
        the reviews recorded at it ignored (so a check-in can show what it closed).

        Two queries, bounded by the cohort: the open commitments (through indexes), then their
        renegotiations.
        """
        self._check_cohort(cohort_id)
        c, r, m = t.commitments.c, t.reviews.alias("r"), t.meetings.c
        reviewed = [r.c.commitment_id == c.id, r.c.deleted_at.is_(None)]
        made = [m.cohort_id == cohort_id, c.deleted_at.is_(None)]
        if before_meeting is not None:
            reviewed.append(r.c.meeting_id != before_meeting)
            began = sa.select(t.meetings.c.date).where(t.meetings.c.id == before_meeting)
            made.append(m.date < began.scalar_subquery())
        closing = sa.select(r.c.id).where(*reviewed, r.c.outcome.in_(CLOSING_OUTCOMES))
        query = (
            sa.select(t.commitments)
            .join(t.meetings, t.meetings.c.id == c.meeting_id)
            .where(*made, ~closing.exists())
            .order_by(c.id)
        )
        rows = self._rows(query)
        held = t.meetings.alias("held")
        renegotiations = self._rows(
            sa.select(r.c.commitment_id, held.c.date, r.c.id, r.c.new_target_date)
            .join(held, held.c.id == r.c.meeting_id)
            .where(r.c.commitment_id.in_([row.id for row in rows]), *reviewed[1:])
            .where(r.c.new_target_date.is_not(None))
        )
        now = targets_now(tuple(x) for x in renegotiations)
        return [(_commitment(row), now.get(row.id, row.target_date)) for row in rows]

    # -- parking lot ----------------------------------------------------------------------

    def add_parking(self, meeting_id: int, text: str, *, private: bool = False) -> ParkingItem:
        text = check_text(text, "The parking-lot item")
        self.meeting(meeting_id)
        result = self._write(
            sa.insert(t.parking).values(meeting_id=meeting_id, text=text, private=private),
            "The parking-lot item",
        )
        return ParkingItem(result.inserted_primary_key[0], meeting_id, text, private)

    def parking(self, meeting_id: int) -> list[ParkingItem]:
        rows = self._rows(
            sa.select(t.parking)
            .where(t.parking.c.meeting_id == meeting_id, t.parking.c.deleted_at.is_(None))
            .order_by(t.parking.c.id)
        )
        return [ParkingItem(r.id, r.meeting_id, r.text, bool(r.private)) for r in rows]

    def parking_item(self, item_id: int) -> ParkingItem:
        rows = self._rows(
            sa.select(t.parking).where(t.parking.c.id == item_id, t.parking.c.deleted_at.is_(None))
        )
        if not rows:
            raise PeerkitError(
                f"No parking-lot item with id {item_id} in this store (it may have been deleted)."
            )
        r = rows[0]
        return ParkingItem(r.id, r.meeting_id, r.text, bool(r.private))

    def edit_parking(self, item_id: int, text: str) -> ParkingItem:
        text = check_text(text, "The parking-lot item")
        self.parking_item(item_id)
        self._write(
            sa.update(t.parking).where(t.parking.c.id == item_id).values(text=text),
            "The parking-lot item",
        )
        return self.parking_item(item_id)

    def delete_parking(self, item_id: int) -> Deletion:
        """Delete a parking-lot item (undone by :meth:`undo_delete` until the meeting is
        closed)."""
        item = self.parking_item(item_id)
        return self._soft_delete(item.meeting_id, "The parking-lot item", (t.parking, item_id))

    # -- ground rules ---------------------------------------------------------------------

    def accept_ground_rules(
        self, meeting_id: int, text: str, present: Iterable[int], at: float | None = None
    ) -> GroundRules:
        """Record that the group accepted ``text`` at this meeting, with who was there."""
        text = check_text(text, "The ground rules")
        self.meeting(meeting_id)
        record = GroundRules(
            meeting_id, text, time.time() if at is None else float(at), tuple(sorted(present))
        )
        values = {
            "meeting_id": meeting_id,
            "text": record.text,
            "accepted_at": record.accepted_at,
            "present": json.dumps(list(record.present)),
        }
        with self._begin("The ground rules") as conn:
            conn.execute(self._upsert(t.ground_rules, values))
            conn.execute(_started(meeting_id, record.accepted_at))
        return record

    def ground_rules(self, meeting_id: int) -> GroundRules | None:
        rows = self._rows(
            sa.select(t.ground_rules).where(t.ground_rules.c.meeting_id == meeting_id)
        )
        if not rows:
            return None
        r = rows[0]
        return GroundRules(r.meeting_id, r.text, r.accepted_at, tuple(json.loads(r.present)))

    # -- what the screens show, and following another window ------------------------------

    def set_screen(
        self,
        cohort_id: int,
        *,
        meeting_id: int | None = None,
        round_id: int | None = None,
        chatham_house: bool | None = None,
    ) -> Screen:
        """Point the cohort's screens (console and projector) at a meeting and round."""
        current = self.screen(cohort_id)
        new = Screen(
            cohort_id,
            current.meeting_id if meeting_id is None else meeting_id,
            current.round_id if round_id is None else (round_id or None),
            current.chatham_house if chatham_house is None else bool(chatham_house),
        )
        values = {
            "cohort_id": cohort_id,
            "meeting_id": new.meeting_id,
            "round_id": new.round_id,
            "chatham_house": new.chatham_house,
        }
        self._write(self._upsert(t.screens, values), "What the screens show")
        return new

    def screen(self, cohort_id: int) -> Screen:
        self._check_cohort(cohort_id)
        rows = self._rows(sa.select(t.screens).where(t.screens.c.cohort_id == cohort_id))
        if not rows:
            return Screen(cohort_id)
        r = rows[0]
        return Screen(cohort_id, r.meeting_id, r.round_id, bool(r.chatham_house))

    def watcher(self, cohort_id: int | None = None) -> Callable[[], bool]:
        """A function that says whether anything was committed since it last looked.

        On SQLite it polls ``PRAGMA data_version``; on PostgreSQL it listens for the notices
        the store's triggers send for ``cohort_id`` (all cohorts when None). Either costs well
        under a millisecond a look. See :mod:`peerkit.store.watch`.
        """
        from peerkit.store.watch import watcher

        return watcher(self, cohort_id)

    # -- frames for scoring ---------------------------------------------------------------

    def frames(self, cohort_id: int | None = None) -> dict[str, pd.DataFrame]:
        """The reviews, members and meetings frames that ``peerkit.scoring`` reads.

        The columns are those of the contract at the top of :mod:`peerkit.scoring`; ``outcome``
        is a Categorical of ``scoring.OUTCOME_DTYPE`` and each review's ``target_date`` is the
        one it judged (the commitment's own, or the date the latest earlier renegotiation set).
        Reviews come in review id order. With ``cohort_id``, only that cohort's members,
        meetings and the reviews of commitments made at its meetings. A million reviews load
        in about a second on SQLite (see ``peerkit.store.frames`` for how).
        """
        from peerkit.store.frames import read_frames

        if self.allowed_cohorts is not None and cohort_id is None:
            cohort_id = self.cohort().id  # the only allowed one, or a message naming them
        if cohort_id is not None:
            self._check_cohort(cohort_id)
        with self._connect() as conn:
            return read_frames(conn, self.is_sqlite, cohort_id)

    def phase_frame(
        self,
        meeting_id: int | None = None,
        cohort_id: int | None = None,
        *,
        formats: dict[str, Any] | None = None,
        include_private: bool = False,
        now: float | None = None,
    ) -> pd.DataFrame:
        """Planned and used seconds of each phase of the rounds that have started.

        One row per phase, in meeting date, round and phase order, with the columns
        ``charts.phase_timing`` reads (round_id, phase, position, planned_s, used_s) plus
        meeting_id and format_name. planned_s is the plan in force (after any budget scaling);
        used_s is the time spent, NaN for a phase never reached. The rounds are those of
        ``meeting_id``, else of ``cohort_id``, else all. Rounds of formats not in ``formats``
        (default: the built-in ones) are skipped, as are private rounds unless
        ``include_private``. A running round counts its time up to ``now`` (default: now).
        """
        from peerkit.formats import built_in
        from peerkit.store.frames import read_phase_frame

        with self._connect() as conn:
            return read_phase_frame(
                conn,
                meeting_id=meeting_id,
                cohort_id=cohort_id,
                formats=built_in() if formats is None else formats,
                include_private=include_private,
                now=now,
            )

    # -- helpers --------------------------------------------------------------------------

    def _same_cohort(self, member_id: int, meeting_id: int) -> Member:
        member, meeting = self.member(member_id), self.meeting(meeting_id)
        if member.cohort_id != meeting.cohort_id:
            raise PeerkitError(f"{member.name} is not a member of this meeting's cohort.")
        return member

    def counts(self) -> dict[str, int]:
        """How many rows each table holds (for reports and tests)."""
        with self._connect() as conn:
            return {
                table.name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
                or 0
                for table in t.metadata.sorted_tables
            }

    def bulk_insert(self, table: str, rows: Iterable[dict[str, Any]]) -> None:
        """Insert many rows in one transaction (demo and benchmark generators)."""
        rows = list(rows)
        if rows:
            with self._begin(f"The {table} rows") as conn:
                conn.execute(sa.insert(t.metadata.tables[table]), rows)


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


@dataclass(frozen=True)
class Export:
    """A file peerkit wrote: minutes, a calendar or a backup."""

    id: int
    kind: str
    path: Path
    meeting_id: int | None


@dataclass(frozen=True)
class Redaction:
    """What a redaction changed (or, dry, would change): mentions replaced per table."""

    member: Member
    mentions: dict[str, int]
    still_held: tuple[str, ...]  # what in the database still holds copies
    files: tuple[Export, ...]  # files written earlier that may still name the member


@dataclass(frozen=True)
class Purge:
    """What a purge deleted, and what may still hold the meeting."""

    meeting: Meeting
    removed: dict[str, int]
    still_held: tuple[str, ...]
    files: tuple[Export, ...]


class _MaybeSaved(PeerkitError):
    """The connection broke during the commit: the write may or may not be in the store."""


class _Conflict(PeerkitError):
    """Another connection wrote the same step of a round's log first."""


@dataclass(frozen=True)
class GroundRules:
    """The ground rules as accepted at one meeting."""

    meeting_id: int
    text: str
    accepted_at: float
    present: tuple[int, ...]


@dataclass(frozen=True)
class Screen:
    """What a cohort's console and projector show."""

    cohort_id: int
    meeting_id: int | None = None
    round_id: int | None = None
    chatham_house: bool = False


@dataclass(frozen=True)
class Deletion:
    """One deletion at a meeting: an item, and the rows that went with it (a round's advice
    and commitments), all marked with the same ``at``. Undone until the meeting is closed."""

    meeting_id: int
    at: float
    kind: str  # "round", "commitment", "review", "advice" or "parking"
    item_id: int
    text: str  # the item's text (a round: its format; a review: its commitment's text)
    name: str | None  # who: the presenter, the advice's giver, the commitment's owner
    rows: int  # how many rows it marked, the item included

    @property
    def what(self) -> str:
        """The deletion in words, for the console: "the advice “Talk to …”"."""
        text = _short(self.text)
        who = f"{self.name}'s " if self.name else ""
        said = {
            "round": f"the round of {self.name or 'a member'} ({self.text})",
            "commitment": f"{who or 'the '}commitment “{text}”",
            "review": f"the review of {who}commitment “{text}”",
            "advice": f"the advice “{text}”",
            "parking": f"the parking-lot item “{text}”",
        }[self.kind]
        more = self.rows - 1
        if more:
            said += f" and {more} entr{'ies' if more != 1 else 'y'} captured in it"
        return said


@dataclass(frozen=True)
class Closing:
    """What closing a meeting erased for good, and what may still hold copies."""

    meeting: Meeting
    removed: dict[str, int]  # rows erased, by table
    still_held: tuple[str, ...]


#: Which row names a deletion that marked several (a round takes its advice and commitments).
_KINDS = ("round", "commitment", "review", "advice", "parking")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _deletion_scope(meeting_id: int) -> dict[sa.Table, Any]:
    """Each soft-deleted table's rows that belong to the meeting (in t.SOFT_DELETED order):
    advice through its round, reviews by the meeting that held them."""
    round_ids = sa.select(t.rounds.c.id).where(t.rounds.c.meeting_id == meeting_id)
    return {
        t.reviews: t.reviews.c.meeting_id == meeting_id,
        t.commitments: t.commitments.c.meeting_id == meeting_id,
        t.advice: t.advice.c.round_id.in_(round_ids),
        t.parking: t.parking.c.meeting_id == meeting_id,
        t.rounds: t.rounds.c.meeting_id == meeting_id,
    }


def _deletion_stamp(conn: Connection, meeting_id: int) -> float:
    """The mark of a new deletion: now, and always later than the meeting's earlier ones (so
    Undo tells them apart, even when two come within the clock's resolution)."""
    latest = conn.execute(
        sa.select(
            *[
                sa.select(sa.func.max(table.c.deleted_at)).where(condition).scalar_subquery()
                for table, condition in _deletion_scope(meeting_id).items()
            ]
        )
    ).one()
    newest = max((float(x) for x in latest if x is not None), default=None)
    now = time.time()
    return now if newest is None or now > newest else newest + 0.001


def _deletions(conn: Connection, meeting_id: int, at: float | None = None) -> list[Deletion]:
    """The meeting's deletions still waiting to be erased (only the one marked ``at``, when
    given), newest first: one query over the five tables."""
    scope = _deletion_scope(meeting_id)
    who = t.members.alias("who")
    r, a, c, v, p = t.rounds, t.advice, t.commitments, t.reviews, t.parking
    made = t.commitments.alias("made")

    def kind(name: str) -> Any:
        return sa.literal_column(f"'{name}'", sa.String).label("kind")

    def name(column: Any) -> Any:
        return column.label("name")

    parts = [
        sa.select(r.c.deleted_at, kind("round"), r.c.id, r.c.format_name, name(who.c.name))
        .select_from(r.outerjoin(who, who.c.id == r.c.presenter_id))
        .where(scope[r]),
        sa.select(c.c.deleted_at, kind("commitment"), c.c.id, c.c.text, name(who.c.name))
        .select_from(c.outerjoin(who, who.c.id == c.c.owner_id))
        .where(scope[c]),
        sa.select(v.c.deleted_at, kind("review"), v.c.id, made.c.text, name(who.c.name))
        .select_from(
            v.join(made, made.c.id == v.c.commitment_id).outerjoin(who, who.c.id == made.c.owner_id)
        )
        .where(scope[v]),
        sa.select(a.c.deleted_at, kind("advice"), a.c.id, a.c.text, name(who.c.name))
        .select_from(a.outerjoin(who, who.c.id == a.c.giver_id))
        .where(scope[a]),
        sa.select(
            p.c.deleted_at, kind("parking"), p.c.id, p.c.text, name(sa.null().cast(sa.String))
        ).where(scope[p]),
    ]
    wanted = [
        part.where(part.selected_columns[0].is_not(None))
        if at is None
        else part.where(part.selected_columns[0] == at)
        for part in parts
    ]
    rows = conn.execute(sa.union_all(*wanted)).all()
    batches: dict[float, list[Any]] = {}
    for row in rows:
        batches.setdefault(float(row[0]), []).append(row)
    found = []
    for stamp in sorted(batches, reverse=True):
        batch = batches[stamp]
        main = min(batch, key=lambda row: (_KINDS.index(row[1]), row[2]))
        found.append(
            Deletion(meeting_id, stamp, main[1], main[2], main[3] or "", main[4], len(batch))
        )
    return found


def _renumber(
    conn: Connection, meeting_id: int, first: set[int] | frozenset[int] = frozenset()
) -> None:
    """Number the meeting's rounds 0, 1, 2… in queue order; a round in ``first`` (one brought
    back) goes before another that holds its old place now."""
    rows = conn.execute(
        sa.select(t.rounds.c.id, t.rounds.c.position).where(
            t.rounds.c.meeting_id == meeting_id, t.rounds.c.deleted_at.is_(None)
        )
    ).all()
    order = sorted(rows, key=lambda row: (row.position, row.id not in first, row.id))
    for place, row in enumerate(order):
        if row.position != place:
            conn.execute(sa.update(t.rounds).where(t.rounds.c.id == row.id).values(position=place))


def _first_line(exc: BaseException) -> str:
    return str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200]


def _refuse_if_keeps_nothing(the_round: Round, what: str) -> None:
    if the_round.keeps_nothing:
        raise PeerkitError(
            f"The {what} was not saved: this private round keeps nothing written. "
            "Mark it 'keep for me only' to write things down."
        )


def _enum(kind: Any, value: Any, what: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(k.value for k in kind)
        raise PeerkitError(f"Unknown {what} {value!r}: use one of {choices}.") from None


def _is_connection_error(exc: DBAPIError) -> bool:
    return isinstance(exc, sa.exc.OperationalError)


def _integrity_message(exc: IntegrityError) -> str:
    text = str(exc.orig)
    if "UNIQUE" in text.upper():
        if "name" in text:
            return "that name is already taken"
        return "another window saved the same thing at the same moment: look, then try again"
    if "FOREIGN KEY" in text.upper():
        return "it refers to something that does not exist"
    return text


def _member(r: Any) -> Member:
    return Member(
        r.id,
        r.cohort_id,
        r.name,
        r.email,
        r.role,
        r.joined,
        MemberStatus(r.status),
        r.left_on,
        bool(r.redacted),
    )


def _started(meeting_id: Any, at: float | None = None) -> Any:
    """The meeting starts with the first thing recorded at it (attendance, ground rules, a review,
    a round's start): its time budget counts from there. Later writes leave the start as it is."""
    meetings = t.meetings.c
    return (
        sa.update(t.meetings)
        .where(meetings.id == meeting_id, meetings.started_at.is_(None))
        .values(started_at=time.time() if at is None else at)
    )


#: The outcomes that close a commitment (a renegotiation carries it forward).
CLOSING_OUTCOMES = ("done", "partial", "not done", "dropped")


def _day(value: Any) -> Any:
    """A date read through an aggregate or a subquery (SQLite returns it as text there)."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _phase_event(r: Any) -> PhaseEvent:
    return PhaseEvent(
        r.round_id,
        PhaseEventKind(r.kind),
        r.at,
        r.value,
        tuple(json.loads(r.plan)) if r.plan else None,
    )


def _meeting(r: Any) -> Meeting:
    return Meeting(r.id, r.cohort_id, r.date, r.place, r.planned_minutes, r.next_date, r.started_at)


def _round(r: Any) -> Round:
    return Round(
        r.id,
        r.meeting_id,
        r.presenter_id,
        r.format_name,
        r.issue,
        r.position,
        bool(r.private),
        bool(r.keeps_text),
    )


def _advice(r: Any) -> Advice:
    return Advice(
        r.id,
        r.round_id,
        r.giver_id,
        AdviceKind(r.kind),
        r.text,
        r.at,
        bool(r.starred),
        bool(r.private),
    )


def _commitment(r: Any) -> Commitment:
    levels = tuple(json.loads(r.levels)) if r.levels else None
    return Commitment(
        r.id,
        r.owner_id,
        r.meeting_id,
        r.round_id,
        r.text,
        r.target_date,
        r.weight,
        levels,
        bool(r.private),
    )


def _review(r: Any) -> Review:
    return Review(
        r.id,
        r.commitment_id,
        r.meeting_id,
        Outcome(r.outcome),
        r.level,
        r.note,
        r.new_target_date,
    )


__all__ = [
    "DEFAULT_DB",
    "HEAD",
    "Closing",
    "Deletion",
    "GroundRules",
    "Screen",
    "Store",
    "database_url",
]
