"""Creating and upgrading the schema with Alembic, from the packaged migrations folder.

Before an existing SQLite file is upgraded, it is copied aside (``<file>.before-<revision>-<time>``), so a failed
or unwanted upgrade can be undone by hand. A PostgreSQL database is upgraded in place, inside one transaction.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from quarantine_desk.db.engine import READ_ONLY, sqlite_file
from quarantine_desk.resources import migrations_path

log = logging.getLogger(__name__)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    # A read: on SQLite it must not take the write lock (see engine.READ_ONLY).
    with engine.execution_options(**{READ_ONLY: True}).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def needs_upgrade(engine: Engine) -> bool:
    return current_revision(engine) != head_revision()


def upgrade(engine: Engine, url: str, revision: str = "head") -> Path | None:
    """Bring the schema to ``revision``; returns the path of the copy made aside, if one was made."""
    current = current_revision(engine)
    target = head_revision() if revision == "head" else revision
    if current == target:
        return None
    backup = None
    path = sqlite_file(url)
    if current is not None and path is not None and path.exists():
        backup = _copy_aside(path, current)
    log.info("upgrading schema from %s to %s", current, target)
    config = alembic_config(url)
    with engine.connect() as connection:
        if url.startswith("sqlite"):
            # Batch mode rebuilds a table by copying it and dropping the old one; with foreign keys on, that drop
            # would cascade into the rows that refer to it. The pragma only takes effect outside a transaction.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if url.startswith("sqlite"):
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"foreign keys broken by the upgrade: {broken[:5]}")
        finally:
            if url.startswith("sqlite"):
                connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]
    return backup


def _copy_aside(path: Path, revision: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.before-{revision}-{stamp}")
    # The backup API copies a consistent snapshot even while WAL holds recent pages.
    source = sqlite3.connect(path)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    log.info("database copied aside to %s before upgrade", target)
    return target


__all__ = ["alembic_config", "current_revision", "head_revision", "needs_upgrade", "upgrade"]
