"""Opening the database: which URL, engine options per dialect, and plain errors instead of driver tracebacks.

SQLite (the default, one file in the user's data folder) runs with WAL, foreign keys on, and every transaction
started with ``BEGIN IMMEDIATE`` so that two writers queue instead of failing half-way. PostgreSQL is chosen by a
URL, for several PCs sharing one database (a SQLite file on a network share is not safe).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError

from quarantine_desk.domain.errors import DatabaseUnavailable
from quarantine_desk.resources import data_dir

log = logging.getLogger(__name__)

ENV_URL = "QUARANTINE_DESK_DB"


def default_url() -> str:
    return f"sqlite:///{data_dir() / 'quarantine-desk.sqlite3'}"


def resolve_url(explicit: str | None) -> str:
    """``--db`` first, then the environment variable, then the default SQLite file."""
    if explicit:
        return normalise_url(explicit)
    env = os.environ.get(ENV_URL)
    if env:
        return normalise_url(env)
    return default_url()


def normalise_url(url: str) -> str:
    """Accept a bare file path for SQLite and ``postgresql://`` for the psycopg 3 driver."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def safe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlite_file(url: str) -> Path | None:
    if not is_sqlite(url):
        return None
    database = make_url(url).database
    if not database or database == ":memory:":
        return None
    return Path(database)


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 15000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


READ_ONLY = "quarantine_desk_read_only"


def _on_sqlite_begin(connection: Any) -> None:
    # A write takes the lock at its start: a read-then-write transaction cannot be overtaken by another PC (R8).
    # A read (engine.execution_options(READ_ONLY=True)) does not, so lists never wait for writers (WAL).
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, *, check: bool = True) -> Engine:
    """An engine for ``url``; with ``check``, connects once so that a bad URL fails here with a plain error."""
    try:
        if is_sqlite(url):
            path = sqlite_file(url)
            if path is not None:
                if path.exists() and path.is_dir():
                    raise DatabaseUnavailable(safe_url(url), "is_a_directory")
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise DatabaseUnavailable(safe_url(url), "folder_not_writable", str(exc)) from exc
            engine = create_engine(url, connect_args={"timeout": 15})
            event.listen(engine, "connect", _on_sqlite_connect)
            event.listen(engine, "begin", _on_sqlite_begin)
        else:
            engine = create_engine(
                url, pool_pre_ping=True, connect_args={"connect_timeout": 5}, pool_size=2, max_overflow=4
            )
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseUnavailable(safe_url(url), "bad_url", str(exc)) from exc
    if check:
        check_connection(engine, url)
    return engine


def check_connection(engine: Engine, url: str) -> None:
    try:
        with engine.connect() as connection:
            if is_sqlite(url):
                # Reading the schema fails on a file that is not a SQLite database.
                connection.execute(text("SELECT count(*) FROM sqlite_master"))
            else:
                connection.execute(text("SELECT 1"))
    except DatabaseError as exc:
        engine.dispose()
        message = str(exc.orig) if getattr(exc, "orig", None) else str(exc)
        if is_sqlite(url) and "not a database" in message:
            raise DatabaseUnavailable(safe_url(url), "not_sqlite", message) from exc
        if isinstance(exc, OperationalError):
            raise DatabaseUnavailable(safe_url(url), "unreachable", message.strip()) from exc
        raise DatabaseUnavailable(safe_url(url), "error", message.strip()) from exc
    log.info("database opened: %s", safe_url(url))
