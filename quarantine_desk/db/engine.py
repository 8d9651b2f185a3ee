"""Opening the database: which URL, engine options per dialect, and plain errors instead of driver tracebacks.

SQLite (the default, one file in the user's data folder) runs with WAL, foreign keys on, and every transaction
started with ``BEGIN IMMEDIATE`` so that two writers queue instead of failing half-way. PostgreSQL is chosen by a
URL, for several PCs sharing one database (a SQLite file on a network share is not safe).
"""

from __future__ import annotations

import logging
import os
import random
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError

from quarantine_desk.domain.errors import DatabaseBusy, DatabaseUnavailable, DeskError
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
    if any(ord(ch) < 32 for ch in url):
        raise DatabaseUnavailable("".join("?" if ord(ch) < 32 else ch for ch in url[:200]), "bad_url")
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def safe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):  # a URL SQLAlchemy cannot read (a port that is not a number…)
        return re.sub(r"(//[^:/@]*):[^@/]*@", r"\1:***@", url)


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
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


READ_ONLY = "quarantine_desk_read_only"
WAIT = "quarantine_desk_wait"  # execution option: seconds a write waits for the lock, when not BUSY_TIMEOUT_SECONDS
# How long a write waits for another PC's write to end; then the database is named as busy (DatabaseBusy), not as
# unreachable.
BUSY_TIMEOUT_SECONDS = 15
# While it waits for the write lock, a write asks again every few milliseconds, more often the longer it has waited.
# SQLite's own busy handler sleeps up to 100 ms between tries: with several writers at once the lock went to whoever
# asked last, and one PC's write waited 9 s beside writes of 50 ms (tests/services/test_import_under_load.py).
_FIRST_PAUSE = 0.005
_LONG_WAIT = 0.25  # waited this long: ask every _SHORT_PAUSE
_SHORT_PAUSE = 0.002


def _on_sqlite_begin(connection: Any) -> None:
    # A write takes the lock at its start: a read-then-write transaction cannot be overtaken by another PC (R8).
    # A read (engine.execution_options(READ_ONLY=True)) does not, so lists never wait for writers (WAL).
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
    else:
        _begin_immediate(connection)


def _begin_immediate(connection: Any) -> None:
    """``BEGIN IMMEDIATE``, waiting for the write lock within BUSY_TIMEOUT_SECONDS by asking again and again."""
    raw = connection.connection.dbapi_connection
    deadline = time.monotonic() + connection.get_execution_options().get(WAIT, BUSY_TIMEOUT_SECONDS)
    start = time.monotonic()
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as exc:
                now = time.monotonic()
                name = getattr(exc.orig, "sqlite_errorname", "")  # also SQLITE_BUSY_RECOVERY at many starts
                busy = name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc.orig)
                if not busy or now >= deadline:
                    raise  # named busy (or what it is) by the caller
                pause = _SHORT_PAUSE if now - start >= _LONG_WAIT else _FIRST_PAUSE
                time.sleep(min(pause * (0.5 + random.random()), max(0.0, deadline - now)))
    finally:
        raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")


def make_engine(url: str, *, check: bool = True) -> Engine:
    """An engine for ``url``; with ``check``, connects once so that a bad URL fails here with a plain error."""
    if not url.startswith(("sqlite", "postgresql")):
        # MySQL, SQL Server…: SQLAlchemy may know them, this program's schema and locks do not.
        raise DatabaseUnavailable(safe_url(url), "unsupported")
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
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
            event.listen(engine, "connect", _on_sqlite_connect)
            event.listen(engine, "begin", _on_sqlite_begin)
        else:
            # No parallel workers: the program's statements read a few rows or one facility's, and starting workers
            # for them costs more than the reading on the 2-core server of a district (10-20 ms a statement).
            engine = create_engine(
                url,
                pool_pre_ping=True,
                # quarantine_desk.sender: the program's own connection, which announces its writes itself (the
                # triggers of migration 0018 announce those made around it, in psql for instance)
                connect_args={
                    "connect_timeout": 5,
                    "options": "-c max_parallel_workers_per_gather=0 -c quarantine_desk.sender=program",
                },
                pool_size=2,
                max_overflow=4,
            )
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:  # ValueError: a port that is not a number
        raise DatabaseUnavailable(safe_url(url), "bad_url", str(exc)) from exc
    if check:
        check_connection(engine, url)
    return engine


def check_connection(engine: Engine, url: str) -> None:
    try:
        # A read: opening never waits for, nor blocks, another PC's write.
        with engine.execution_options(**{READ_ONLY: True}).connect() as connection:
            if is_sqlite(url):
                # Reading the schema fails on a file that is not a SQLite database.
                connection.execute(text("SELECT count(*) FROM sqlite_master"))
            else:
                connection.execute(text("SELECT 1"))
    except DatabaseError as exc:
        engine.dispose()
        raise database_problem(url, exc) from exc
    log.info("database opened: %s", safe_url(url))


def check_integrity(engine: Engine, url: str) -> None:
    """``PRAGMA quick_check`` on a SQLite database (at start, before a backup): a damaged file is named as
    such before anyone works on it. A read; other PCs go on meanwhile. Nothing to do on PostgreSQL."""
    if not is_sqlite(url):
        return
    try:
        with engine.execution_options(**{READ_ONLY: True}).connect() as connection:
            rows = [r[0] for r in connection.exec_driver_sql("PRAGMA quick_check").fetchall()]
    except DatabaseError as exc:
        raise database_problem(url, exc) from exc
    if rows != ["ok"]:
        log.error("quick_check of %s failed: %s", safe_url(url), rows[:10])
        raise DatabaseUnavailable(safe_url(url), "damaged", "; ".join(str(r) for r in rows[:10]))


# What the drivers say, by the problem the user can do something about. SQLite names its errors
# (sqlite3.Error.sqlite_errorname); PostgreSQL gives a SQLSTATE, except for connection failures, which only
# have their text.
_SQLITE_REASONS = {
    "SQLITE_BUSY": "busy",
    "SQLITE_LOCKED": "busy",
    "SQLITE_READONLY": "read_only",
    "SQLITE_FULL": "disk_full",
    "SQLITE_IOERR": "disk_full",
    "SQLITE_CORRUPT": "damaged",
    "SQLITE_NOTADB": "not_sqlite",
    "SQLITE_CANTOPEN": "unreachable",
    "SQLITE_PERM": "read_only",
}
_PG_STATES = {
    "53100": "disk_full",
    "25006": "read_only",
    "42501": "read_only",
    "28P01": "login_refused",
    "28000": "login_refused",
    "3D000": "login_refused",
    "55P03": "busy",
    "57P03": "unreachable",
    "XX001": "damaged",
    "XX002": "damaged",
}
_TEXTS = (
    ("password authentication failed", "login_refused"),
    ('fatal:  role "', "login_refused"),
    ('fatal:  database "', "login_refused"),
    ("no pg_hba.conf entry", "login_refused"),
    ("database is locked", "busy"),
    ("readonly database", "read_only"),
    ("read-only", "read_only"),
    ("disk is full", "disk_full"),
    ("no space left", "disk_full"),
    ("disk image is malformed", "damaged"),
    ("not a database", "not_sqlite"),
)


def problem_reason(exc: BaseException) -> str:
    """The reason code of a driver error: busy, read_only, disk_full, damaged, not_sqlite, login_refused or
    unreachable (anything else that stops the connection)."""
    orig = getattr(exc, "orig", None) or exc
    name = getattr(orig, "sqlite_errorname", None)
    if isinstance(name, str):
        for prefix, reason in _SQLITE_REASONS.items():
            if name == prefix or name.startswith(prefix + "_"):
                return reason
    state = getattr(orig, "sqlstate", None)
    if state in _PG_STATES:
        return _PG_STATES[state]
    message = str(orig).lower()
    for words, reason in _TEXTS:
        if words in message:
            return reason
    return "unreachable"


def database_problem(url: str, exc: BaseException) -> DeskError:
    """The typed error for a driver error that stops work on the database at ``url``."""
    reason = problem_reason(exc)
    orig = getattr(exc, "orig", None) or exc
    detail = str(orig).strip()
    if reason == "busy":
        return DatabaseBusy(safe_url(url))
    return DatabaseUnavailable(safe_url(url), reason, detail)
