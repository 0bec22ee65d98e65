"""Declarative base, the `db` handle and shared column helpers."""

from __future__ import annotations

import enum
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import UTC, datetime

from flask import current_app, g, has_app_context, request, request_started
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Enum, Integer, MetaData, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.sql.expression import ClauseElement, Executable
from sqlalchemy.types import TypeDecorator

from tracker.wording import in_sentence as label_in_sentence

# A naming convention lets Alembic name (and so drop) constraints, which batch
# migrations on SQLite need.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class for every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An instant stored as `DateTime(timezone=True)` and always read back aware, in UTC.

    PostgreSQL keeps the time zone; SQLite keeps none and hands back naive values, which
    were written in UTC and are read back as such. A naive datetime is refused on write,
    because nothing could say which zone it was meant in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"Refusing to store a naive datetime ({value!r}): give it a zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class LabelledEnum(enum.StrEnum):
    """A string-valued enum whose members carry a human label for templates."""

    label: str

    def __new__(cls, value: str, label: str) -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    def __str__(self) -> str:
        return self.value

    @property
    def in_sentence(self) -> str:
        """The label as it reads inside a sentence ("awaiting OPCC review")."""
        return label_in_sentence(self.label)


def enum_column(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum column stored as its string value, with a named CHECK constraint."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )


class TimestampMixin:
    """created_at / updated_at instants in UTC."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class VersionedMixin:
    """Optimistic locking: every editable record carries a version number.

    The ORM adds "WHERE version = <loaded>" to each UPDATE and bumps the number, so two
    saves from the same starting point cannot both succeed; forms carry the version
    they started from so a stale save is refused before it is attempted.
    """

    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:  # noqa: N805 - declared_attr receives the class
        return {"version_id_col": cls.__table__.c.version}


# Statements built once ------------------------------------------------------------------
# Building a SQLAlchemy statement, and the key its compiled form is cached under, costs
# more than running a small one. Pages that build the same statement on every request
# (the navigation's counts, a list page) keep it here and run it again. A list page's
# statement takes about 64 KB, so each worker process keeps at most about 8 MB.

BUILT_STATEMENTS_KEPT = 128


def built_statement(key: Hashable, build: Callable[[], Executable]) -> Executable:
    """The statement `build()` returns, built once per `key` for this app and then reused
    (the least recently used are forgotten past BUILT_STATEMENTS_KEPT).

    `key` must hold everything the statement is built from, values included: use
    `clause_key` for a clause such as a visibility rule.
    """
    built: OrderedDict[Hashable, Executable] = current_app.extensions.setdefault(
        "tracker_built_statements", OrderedDict()
    )
    with _built_lock:
        statement = built.get(key)
        if statement is not None:
            built.move_to_end(key)
            return statement
    statement = build()
    with _built_lock:
        built[key] = statement
        while len(built) > BUILT_STATEMENTS_KEPT:
            built.popitem(last=False)
    return statement


_built_lock = threading.Lock()


def clause_key(clause: ClauseElement) -> Hashable:
    """What `clause` says, values included, as a key for `built_statement`: two clauses
    have the same key only if they compile to the same SQL with the same parameters."""
    cache_key = clause._generate_cache_key()
    if cache_key is None:  # a construct SQLAlchemy cannot key: never share it
        return object()
    return (cache_key.key, repr([b.effective_value for b in cache_key.bindparams]))


def _lower(text: str | None) -> str | None:
    return text.lower() if isinstance(text, str) else text


# Pages each SQLite connection keeps in memory (SQLite's default is 2 MB). A list page
# reads a few hundred pages of indexes (its counts) and the pages of its rows; with 2 MB
# the other pages served in between push them out and every request reads them again
# from the operating system. Memory is only taken as pages are read.
SQLITE_CACHE_KIB = 32 * 1024


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """Foreign keys on, WAL journal, a busy timeout, a larger page cache and Unicode
    lower() for every SQLite connection."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    from flask import current_app

    from config import Config

    timeout_ms = Config.SQLITE_BUSY_TIMEOUT_MS
    if has_app_context():
        timeout_ms = current_app.config.get("SQLITE_BUSY_TIMEOUT_MS", timeout_ms)
    # SQLite's own lower() changes ASCII letters only; searches lowercase every letter,
    # as PostgreSQL's lower() and Python's str.lower do.
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={timeout_ms:d}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB:d}")
    cursor.close()


@event.listens_for(Engine, "connect")
def _configure_postgresql(dbapi_connection, connection_record) -> None:
    """No JIT compilation for PostgreSQL connections.

    PostgreSQL compiles a statement to machine code when its estimated cost is high,
    whatever it will really read: the force's count of open asks (tracker.asks), run by
    the navigation on every page, is estimated over the whole action table though it
    reads a few thousand index entries, and at 1,000,000 actions spent about 1.5 s of
    every page compiling. The tracker's statements are short; none gains from JIT.
    """
    if not type(dbapi_connection).__module__.startswith("psycopg"):
        return
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    dbapi_connection.commit()  # a setting made in a transaction that rolls back is undone


# Rows ANALYZE reads per index: enough for the planner to tell a selective index from a
# poor one, quick on any size of table.
SQLITE_ANALYSIS_LIMIT = 1000


def optimize_sqlite() -> bool:
    """Refresh SQLite's planner statistics (False on other databases, which keep their own:
    PostgreSQL's autovacuum analyses tables as they change).

    Without statistics SQLite guesses, and picks poor indexes on big tables (the
    dashboard's overdue-by-owner count used the due date index, matching two thirds of
    the rows). SQLite 3.46 and later decide themselves which tables need it (`PRAGMA
    optimize=0x10002`); earlier versions only consider the queries of the connection
    that asks, so those run a bounded ANALYZE instead. Run by the scheduler at start and
    every few hours, never per request.
    """
    import sqlite3

    if db.engine.dialect.name != "sqlite":
        return False
    with db.engine.connect() as connection:
        connection.exec_driver_sql(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT:d}")
        if sqlite3.sqlite_version_info >= (3, 46):
            connection.exec_driver_sql("PRAGMA optimize=0x10002")
        else:
            connection.exec_driver_sql("ANALYZE")
        connection.commit()
    return True


READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@request_started.connect
def _note_writing_request(sender, **extra) -> None:
    """Remember whether the request being served may write (see _begin_sqlite)."""
    view = sender.view_functions.get(request.endpoint) if request.endpoint else None
    g.sqlite_write_request = request.method not in READ_ONLY_METHODS and not getattr(
        view, "reads_before_writing", False
    )


def reads_before_writing(view):
    """Mark a POST view that reads at length (counts, builds a report) before one short
    write: on SQLite it does not take the write lock up front, so nobody waits while
    it reads; it calls `take_write_lock()` just before it writes."""
    view.reads_before_writing = True
    return view


def take_write_lock() -> None:
    """End the reads so far; on SQLite the next statement starts with BEGIN IMMEDIATE,
    so the checks and the write that follow see the latest data and cannot interleave."""
    db.session.commit()
    g.sqlite_write_request = True


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection) -> None:
    """On SQLite, a request that may write takes the database write lock up front.

    Python's sqlite3 opens a transaction only at the first write, so the reads before
    it (the record and its version) ran outside any transaction: two saves of the same
    record could both pass the version check and the second then failed half-way.
    BEGIN IMMEDIATE makes a POST wait (up to the busy timeout) for the write lock
    before it reads anything, so it reads the latest committed data and saves or is
    refused cleanly. Pages served for GET, and work outside requests (the reminder
    jobs, the command line), keep sqlite3's own behaviour: reads never wait.
    """
    if connection.dialect.name != "sqlite" or not has_app_context():
        return
    writing = g.get("sqlite_write_request", False)
    if writing and not connection.connection.driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
