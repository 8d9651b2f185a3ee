"""Creating and upgrading the schema with Alembic, from the packaged migrations folder.

Before an existing SQLite file is upgraded, it is copied aside (``<file>.before-<revision>-<time>``), so a failed
or unwanted upgrade can be undone by hand. A PostgreSQL database is upgraded in place, inside one transaction.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from quarantine_desk.db.engine import READ_ONLY, sqlite_file
from quarantine_desk.resources import migrations_path

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

# The scripts' own lines naming their revision and the one before it.
_REVISION_LINE = re.compile(
    r'^(down_revision|revision)\s*(?::[^=]*)?=\s*["\']?([^"\'\s]+)["\']?', re.MULTILINE
)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _revisions() -> tuple[set[str], set[str]]:
    """The revisions of the scripts, and the ones they name as the one before."""
    revisions: set[str] = set()
    previous: set[str] = set()
    for script in (migrations_path() / "versions").glob("*.py"):
        found = dict(
            (key, value) for key, value in _REVISION_LINE.findall(script.read_text(encoding="utf-8"))
        )
        if "revision" in found:
            revisions.add(found["revision"])
            previous.add(found.get("down_revision", "None"))
    return revisions, previous


def head_revision() -> str:
    """The newest revision: the one no other script names as the one before it.

    Read from the scripts' ``revision`` and ``down_revision`` lines rather than through Alembic, which takes
    half a second to import and is needed only when a schema is actually upgraded (a test holds the two answers
    equal).
    """
    revisions, previous = _revisions()
    heads = revisions - previous
    if len(heads) != 1:
        raise RuntimeError(f"the migrations must form one line; heads: {sorted(heads)}")
    return heads.pop()


def known_revisions() -> set[str]:
    """Every revision this version of the program knows (a database of a newer version has another)."""
    return _revisions()[0]


def current_revision(engine: Engine) -> str | None:
    """The schema's revision, None for a database without one."""
    # A read: on SQLite it must not take the write lock (see engine.READ_ONLY).
    with engine.execution_options(**{READ_ONLY: True}).connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(versions) > 1:
        raise RuntimeError(f"the database has several schema revisions: {versions}")
    return versions[0] if versions else None


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
    from alembic import command

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
    # The backup API copies a consistent snapshot even while WAL holds recent pages. The copy holds what the
    # database holds, so it is the owner's only, as the backups are.
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
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


__all__ = [
    "alembic_config",
    "current_revision",
    "head_revision",
    "known_revisions",
    "needs_upgrade",
    "upgrade",
]
