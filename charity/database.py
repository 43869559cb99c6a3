"""Declarative base with a constraint naming convention, and small column helpers."""

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
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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


def _may_write() -> bool:
    """Whether the transaction about to begin may write: anything but a reading request."""
    return not (has_request_context() and request.method in READ_ONLY_METHODS)


def configure_engine(engine: Engine) -> None:
    """SQLite: enforce foreign keys, let SQLAlchemy own transactions so savepoints work, and
    queue writers instead of failing them. In WAL mode readers never wait; a transaction that
    may write begins IMMEDIATE, taking the write lock first, and waits up to the busy timeout
    for it: two writers that both read first and then write would otherwise fail with
    "database is locked" (a burst of webhook deliveries on the embedded default)."""
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
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _may_write() else "BEGIN")
