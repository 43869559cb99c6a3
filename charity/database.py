"""Declarative base with a constraint naming convention, and small column helpers."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import has_request_context, request
from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Engine,
    Index,
    MetaData,
    TypeDecorator,
    event,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Every model's base: constraints and indexes get names by convention, so migrations can
    refer to them."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _one_of(column: str, values) -> str:
    """A CHECK constraint's text: `column` holds one of `values`."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def check_one_of(column: str, values, nullable: bool = False) -> CheckConstraint:
    """The CHECK constraint, named after `column`, that it holds one of the code names in
    `values` (or is empty, when `nullable`)."""
    text = _one_of(column, values)
    return CheckConstraint(f"{column} IS NULL OR {text}" if nullable else text, name=column)


def check_positive(column: str, name: str) -> CheckConstraint:
    """The CHECK constraint `name` that `column` holds more than zero."""
    return CheckConstraint(f"{column} > 0", name=name)


def unique_where(name: str, *columns: str, where: str) -> Index:
    """A partial unique index: `columns` unique among the rows where `where` holds (the live
    rows), on SQLite and PostgreSQL alike."""
    return Index(name, *columns, unique=True, sqlite_where=text(where),
                 postgresql_where=text(where))


def check_four_eyes() -> CheckConstraint:
    """Four eyes: whoever decides a row (`decided_by_id`) is never whoever made it."""
    return CheckConstraint("decided_by_id IS NULL OR decided_by_id <> created_by_id",
                           name="four_eyes")


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets the zone).
    A naive value (Flask-Security writes those) is taken to be UTC already."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """A timestamp on its way into the database, in UTC."""
        if value is not None:
            value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        """A timestamp read back, with its UTC zone restored."""
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class CreatedAt:
    """A mixin for rows that keep when they were written (in UTC)."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


#: How long a SQLite writer waits for another to finish, instead of failing at once (ms).
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: Requests that only read; everything else (other requests, commands, jobs) may write.
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


#: Set while a block that writes runs inside a request that otherwise only reads.
_WRITING: ContextVar[bool] = ContextVar("writing", default=False)
#: A write statement's first word, and the first words of statements that neither read nor
#: write (a savepoint does not start a reading transaction's snapshot).
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_NEITHER = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK", "PRAGMA")
#: What may come before a statement's first word: blanks and comments.
_LEADING = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.DOTALL)
#: A common table expression's write: `WITH ... ) INSERT|UPDATE|DELETE|REPLACE ...`.
_CTE_WRITE = re.compile(r"\)\s*(?:INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
#: On a SQLite connection's info: whether its transaction has written.
_WROTE = "songtan_wrote"


def _may_write() -> bool:
    """Whether the transaction about to begin may write: anything but a reading request, and
    within one, a block that may write (`may_write`)."""
    return _WRITING.get() or not (has_request_context()
                                  and request.method in READ_ONLY_METHODS)


def in_reading_request() -> bool:
    """Whether this is a request that only reads, outside a block that may write."""
    return not _may_write()


@contextmanager
def may_write() -> Iterator[None]:
    """Let the transactions that begin in the block write: on SQLite they begin IMMEDIATE (see
    `charity.transaction.writes`, which ends a reading request's transaction first)."""
    token = _WRITING.set(True)
    try:
        yield
    finally:
        _WRITING.reset(token)


def wrote(session) -> bool:
    """Whether the session's SQLite transaction has written anything yet."""
    return bool(session.connection().info.get(_WROTE))


#: The reads of the request being served (set while the app dispatches one, so a test's own
#: setup in a request context is not taken for a page's work): True once its transaction read.
_SERVED: ContextVar[dict | None] = ContextVar("served", default=None)


def watch_requests(app) -> None:
    """With `SQLITE_STRICT_WRITES` (the tests, on SQLite), refuse a write that a reading
    request makes in the transaction it read in: on SQLite that write fails whenever another
    writer committed in between (see `charity.transaction.writes`)."""

    @app.before_request
    def _serving():
        _SERVED.set({} if app.config.get("SQLITE_STRICT_WRITES") else None)

    @app.teardown_request
    def _served(_error=None):
        _SERVED.set(None)


@event.listens_for(Session, "after_transaction_end")
def _forget_reads(session, transaction) -> None:
    """A request's transaction ended: the next one's snapshot begins at its first read."""
    served = _SERVED.get()
    if transaction.parent is None and served:
        served.clear()


def _writes(statement: str) -> bool | None:
    """Whether a statement writes (True), reads (False), or neither (None: a transaction's
    control), whatever comments come before it; `WITH ...` writes when its body does."""
    start = _LEADING.match(statement).end()  # every statement: only its first word is copied
    first = statement[start:start + 10].upper()
    if first.startswith(_NEITHER):
        return None
    if first.startswith("WITH"):
        return _CTE_WRITE.search(statement, start) is not None
    return first.startswith(_WRITES)


def _watch_reads_then_writes(engine: Engine) -> None:
    """Note whether a transaction wrote (`wrote`), and a served reading request's reads, and
    refuse its write after one (see `watch_requests`)."""

    @event.listens_for(engine, "before_cursor_execute")
    def _before(connection, cursor, statement, parameters, context, executemany):
        writing = _writes(statement)
        if writing is None:
            return
        if writing:
            connection.info[_WROTE] = True
        served = _SERVED.get()
        if served is None or _may_write():
            return
        if not writing:
            served["read"] = True
        elif served.get("read"):
            raise RuntimeError("a write after a read in a reading request's transaction "
                               "(write in a unit of work, charity.transaction): "
                               + statement[:80])


def configure_engine(engine: Engine) -> None:
    """SQLite: enforce foreign keys, let SQLAlchemy own transactions so savepoints work, and
    queue writers instead of failing them. In WAL mode readers never wait; a transaction that
    may write begins IMMEDIATE, taking the write lock first, and waits up to the busy timeout
    for it: two writers that both read first and then write would otherwise fail with
    "database is locked" (a burst of webhook deliveries on the embedded default). A reading
    request that writes does so in a unit of work (`charity.transaction.writes`)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, record):
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        dbapi_connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            dbapi_connection.execute("PRAGMA journal_mode=WAL")

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.info[_WROTE] = False
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _may_write() else "BEGIN")

    _watch_reads_then_writes(engine)
