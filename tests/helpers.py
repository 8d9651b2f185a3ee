"""Shared test helpers: databases (a SQLite file and a PostgreSQL database), users, a fixed clock."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import psycopg
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from quarantine_desk.db.engine import make_engine
from quarantine_desk.db.models import Base, User
from quarantine_desk.domain.roles import Role
from quarantine_desk.services import audit
from quarantine_desk.services.context import Desk, UserRow
from quarantine_desk.services.policies import ensure_default_policies
from quarantine_desk.services.setup import initialise

PG_ADMIN_URL = os.environ.get("QD_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
ADMIN_PASSWORD = "mật-khẩu-quản-trị"
NOW = datetime(2021, 8, 10, 9, 0)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def sqlite_template(folder: Path) -> Path:
    """A SQLite file with the schema, the default policies and an administrator, made once per run."""
    path = folder / "template.sqlite3"
    if not path.exists():
        desk, _ = initialise(f"sqlite:///{path}", "admin", ADMIN_PASSWORD)
        desk.close()
    return path


def sqlite_desk(template: Path, folder: Path, clock: Clock) -> Desk:
    path = folder / f"{uuid.uuid4().hex}.sqlite3"
    shutil.copyfile(template, path)
    desk, _ = initialise(f"sqlite:///{path}")
    return as_admin(Desk(desk.engine, desk.url, clock=clock))


def sqlite_copy(template: Path, path: Path) -> str:
    """A copy of ``template`` at ``path`` (a new file, as ``init --admin admin`` leaves it); returns its URL."""
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def create_pg_database() -> str:
    """A fresh database on the PostgreSQL server for this test run; returns its URL."""
    name = f"qd_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(PG_ADMIN_URL.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    url = f"{base}/{name}"
    desk, _ = initialise(url, "admin", ADMIN_PASSWORD)
    desk.close()
    return url


def drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_desk(url: str, clock: Clock) -> Desk:
    """The run's PostgreSQL database emptied to the state of a new one (policies and the administrator kept)."""
    engine = make_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        _empty_pg_tables(conn)
        conn.execute(text("DELETE FROM app_user WHERE username <> 'admin'"))
        # The seal key stays: the administrator kept from the first test is sealed with it.
        conn.execute(text("DELETE FROM setting WHERE key <> 'user_seal_key'"))
    # The policies as a new database has them: a test that edits one must not change the next test's.
    with Session(engine) as session, session.begin():
        ensure_default_policies(session)
        admin = session.query(User).filter_by(username="admin").one()
        admin.active = True
        admin.role = Role.ADMIN.value  # a test may have changed it (the role tests, a role changed by hand)
        audit.reseal(session, admin)
    return as_admin(Desk(engine, url.replace("postgresql://", "postgresql+psycopg://"), clock=clock))


# Emptied before each PostgreSQL test; the users, the settings and the schema version are kept (and pruned).
_PG_KEEP = {"app_user", "alembic_version", "setting"}


def _empty_pg_tables(conn: Connection) -> None:
    """Empty every table but the kept ones and start their ids at 1 again, as TRUNCATE ... RESTART IDENTITY would.

    TRUNCATE of all the tables costs about a second a test (a new file for every table and index, flushed to disk
    at commit); DELETE on the few small tables a test filled costs milliseconds. The trigger that refuses to delete
    audit events is switched off for this transaction only (a test that checks it finds it on).
    """
    tables = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name not in _PG_KEEP]
    statements = []
    for name in tables:
        if name == "audit_event":
            statements += [
                "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only",
                "DELETE FROM audit_event",
                "ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only",
            ]
        else:
            statements.append(f"DELETE FROM {name}")
    conn.exec_driver_sql("; ".join(statements))  # one round trip
    # The ids of the emptied tables start again at 1 (the sequences used since they last did).
    conn.execute(
        text(
            "SELECT setval(format('%I.%I', s.schemaname, s.sequencename), s.start_value, false) "
            "FROM pg_sequences s JOIN pg_class q ON q.relname = s.sequencename "
            "JOIN pg_namespace n ON n.oid = q.relnamespace AND n.nspname = s.schemaname "
            "JOIN pg_depend d ON d.objid = q.oid AND d.deptype IN ('a', 'i') "
            "JOIN pg_class t ON t.oid = d.refobjid "
            "WHERE s.schemaname = current_schema() AND s.last_value IS NOT NULL AND t.relname = ANY(:tables)"
        ),
        {"tables": tables},
    )


def as_admin(desk: Desk) -> Desk:
    with desk.write(None) as session:
        admin = session.query(User).filter_by(username="admin").one()
        row = UserRow(admin.id, admin.username, admin.full_name, Role.ADMIN)
    return desk.as_user(row)


def as_role(desk: Desk, role: Role, username: str | None = None) -> Desk:
    """The same database acting as a user of ``role`` (created without the slow password hash)."""
    username = username or f"user_{role.value}"
    with desk.write(None) as session:
        user = session.query(User).filter_by(username=username).one_or_none()
        if user is None:
            user = User(
                username=username,
                role=role.value,
                password_hash="!",
                active=True,
                failed_logins=0,
                created_at=NOW,
            )
            session.add(user)
            audit.reseal(session, user)
        row = UserRow(user.id, user.username, None, role)
    return desk.as_user(row)


def iter_backends() -> Iterator[str]:
    yield "sqlite"
    yield "postgresql"


def damage(path: Path | str, table: str = "person") -> None:
    """Write over the start of a table's pages (it must hold rows), as a failing disk would."""
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    with open(path, "r+b") as handle:
        handle.seek((root - 1) * page_size + 8)
        handle.write(b"\xff" * 64)
