"""Hearing other PCs: which areas of the data changed since the last look, whoever changed them.

The window's pages reload on the areas a write of this window changed (``services.changes``); a ``Watcher``
brings the same news from every other process and PC working on the database, so open pages follow within a
few seconds:

- SQLite: ``PRAGMA data_version`` on a connection of the watcher's own. The number changes whenever another
  connection has committed; it does not say what changed, so every area counts as changed.
- PostgreSQL: every write of a ``Desk`` sends ``NOTIFY quarantine_desk`` with the tables it changed, delivered
  when (and only if) it commits; the watcher ``LISTEN``s and turns the tables into areas. Its own process's
  notices are skipped: the window already heard of those writes.

``poll()`` never blocks for long and touches no widget: the window calls it on a reader thread. It is not meant
to be called from two threads at once (the window polls one at a time); a lock keeps it safe all the same.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import uuid
from collections.abc import Iterable
from itertools import chain
from typing import Any

from sqlalchemy import Connection, Engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from quarantine_desk.db.engine import sqlite_file
from quarantine_desk.services.changes import EVERYTHING, Area, areas_of

log = logging.getLogger(__name__)

CHANNEL = "quarantine_desk"
# Tells this process's notices from the others'.
SENDER = uuid.uuid4().hex[:12]


def announce(session: Session, tables: Iterable[str]) -> None:
    """Inside a PostgreSQL write transaction: tell the listening PCs which tables it changes. The tables are kept
    on the transaction's connection and sent in one notice just before it commits (delivered when, and only if,
    it commits): one statement for the whole transaction instead of one for each flush."""
    names = set(tables)
    if not names or session.get_bind().dialect.name != "postgresql":
        return
    connection = session.connection()
    _send_on_commit(connection.engine)
    connection.info.setdefault(_QUEUED, set()).update(names)


# The tables a connection's open transaction has changed, not yet announced.
_QUEUED = "quarantine_desk_tables_to_announce"


def _send_on_commit(engine: Engine) -> None:
    if engine.dialect.name == "postgresql" and not event.contains(engine, "commit", _send_queued):
        event.listen(engine, "begin", _drop_queued)
        event.listen(engine, "commit", _send_queued)
        event.listen(engine, "rollback", _drop_queued)


def _send_queued(connection: Connection) -> None:
    names = sorted(connection.info.pop(_QUEUED, None) or ())
    if names:
        payload = f"{SENDER}:{','.join(names)}"[:7900]  # NOTIFY payloads stop short of 8000 bytes
        connection.exec_driver_sql(
            "SELECT pg_notify(%(channel)s, %(payload)s)", {"channel": CHANNEL, "payload": payload}
        )


def _drop_queued(connection: Connection) -> None:
    connection.info.pop(_QUEUED, None)


def announce_flushes(sessions: sessionmaker[Session], engine: Engine) -> None:
    """Announce what each flush of ``sessions`` on ``engine`` writes, the last one too: the one a commit makes
    after the ``before_commit`` hooks have added their rows (the audit trail's events are added there)."""
    _send_on_commit(engine)
    event.listen(sessions, "after_flush", _after_flush)


def _after_flush(session: Session, _context: Any) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return
    tables = {
        table.name
        for instance in chain(session.new, session.dirty, session.deleted)
        for table in inspect(instance).mapper.tables
    }
    announce(session, tables)


class Watcher:
    """One per open database in the window; ``poll()`` returns the areas others changed since the last poll."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.Lock()
        self._connection: Any = None
        self._version: int | None = None
        self._heard: list[str] = []
        self._path = sqlite_file(url)

    def poll(self) -> frozenset[Area]:
        with self._lock:
            try:
                return self._poll()
            except Exception as exc:  # a network hiccup: say nothing changed, try again next time
                log.info("change watch failed, reconnecting next time: %r", exc)
                self._drop()
                return frozenset()

    def _poll(self) -> frozenset[Area]:
        if self.url.startswith("sqlite"):
            return self._poll_sqlite()
        return self._poll_postgresql()

    def _poll_sqlite(self) -> frozenset[Area]:
        if self._path is None:
            return frozenset()
        if self._connection is None:
            self._connection = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)
        version = int(self._connection.execute("PRAGMA data_version").fetchone()[0])
        before, self._version = self._version, version
        return EVERYTHING if before is not None and version != before else frozenset()

    def _poll_postgresql(self) -> frozenset[Area]:
        import psycopg
        from sqlalchemy.engine import make_url

        if self._connection is None:
            url = make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)
            self._connection = psycopg.connect(url, autocommit=True, connect_timeout=5)
            self._connection.add_notify_handler(lambda notice: self._heard.append(notice.payload))
            self._connection.execute(f"LISTEN {CHANNEL}")
        # A round trip: the server hands over every notice of a commit made before it, so a change committed
        # before poll() is heard by this poll, not by some later one.
        self._connection.execute("SELECT 1")
        heard, self._heard = self._heard, []
        tables: set[str] = set()
        for payload in heard:
            sender, _, names = payload.partition(":")
            if sender != SENDER:
                tables.update(t for t in names.split(",") if t)
        return areas_of(tables) if tables else frozenset()

    def _drop(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):  # already gone
                self._connection.close()
        self._connection = None
        self._version = None

    def close(self) -> None:
        with self._lock:
            self._drop()
