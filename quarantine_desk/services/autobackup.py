"""Automatic backups of a SQLite database, kept in the data folder's ``backups`` folder and rotated.

A SQLite file is copied with SQLite's online backup API (a consistent snapshot, while the other windows go on
working): when the window starts and every few hours while it is open (``take_scheduled``: the day's copy and
the week's copy, each replaced by the newest), and before a restore. Before a schema upgrade the database is
copied aside beside its file (``db.migrate``); those copies are listed here too. Seven daily and four weekly
copies are kept, and the five newest made before a restore.

These copies stay in the data folder beside the database itself, owner-only (0600), and hold what the database
holds, the certificate signing keys included; a backup that leaves the data folder is written by
``backup.backup`` (encrypted, or without the keys). A PostgreSQL database is backed up by its server
(``pg_dump``) or by ``backup``; only the copy before a restore is made here for it.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from quarantine_desk.db.engine import sqlite_file
from quarantine_desk.exports.common import atomic_output, write_error
from quarantine_desk.resources import data_dir
from quarantine_desk.services import sealed
from quarantine_desk.services.context import Desk

log = logging.getLogger(__name__)

#: How many copies of each kind are kept (the oldest go first).
KEEP = {"daily": 7, "weekly": 4, "before-restore": 5}
#: How often the window takes its copy while it is open.
EVERY_HOURS = 4
SUFFIX = ".sqlite3"


@dataclass(frozen=True)
class BackupFile:
    """A backup the program knows of: where, what kind (daily, weekly, before-restore, before-upgrade, or
    manual for a file the user put there), when it was made, its size and whether it is encrypted."""

    path: Path
    kind: str
    made_at: datetime
    size: int
    encrypted: bool


def folder() -> Path:
    path = data_dir() / "backups"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(path, exc) from exc
    with contextlib.suppress(OSError):
        path.chmod(0o700)
    return path


def label(desk: Desk) -> str:
    """The name that keeps one database's copies apart from another's in the folder."""
    path = sqlite_file(desk.url)
    name = path.stem if path is not None else "pg-" + (make_url(desk.url).database or "database")
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "database"


def new_path(desk: Desk, kind: str, now: datetime) -> Path:
    stamp = {
        "daily": f"{now:%Y-%m-%d}",
        "weekly": f"{now.isocalendar().year}-W{now.isocalendar().week:02d}",
    }.get(kind, f"{now:%Y%m%d-%H%M%S}")
    return folder() / f"{label(desk)}.{kind}-{stamp}{SUFFIX}"


def copy_sqlite(database: Path, out: Path) -> Path:
    """A consistent copy of the SQLite file ``database`` at ``out`` (owner-only), through the online backup
    API: the copy is taken while other connections keep reading and writing."""
    with atomic_output(out, private=True) as temp:
        source = sqlite3.connect(database, timeout=15)
        try:
            target = sqlite3.connect(temp)
            try:
                source.backup(target)
                # One file, no -wal beside it, whatever the database's own journal mode.
                target.execute("PRAGMA journal_mode = DELETE")
            finally:
                target.close()
        finally:
            source.close()
    return out


def snapshot(desk: Desk, kind: str, now: datetime | None = None) -> Path | None:
    """Copies a SQLite database into the backups folder as ``kind``; None on PostgreSQL."""
    database = sqlite_file(desk.url)
    if database is None or not database.exists():
        return None
    out = copy_sqlite(database, new_path(desk, kind, now or datetime.now()))
    rotate(desk)
    log.info("automatic %s backup of %s written to %s", kind, desk.display_url, out)
    return out


def take_scheduled(desk: Desk, now: datetime | None = None) -> list[Path]:
    """The day's and the week's copy of a SQLite database, each replacing the older copy of the same day or
    week; at start and every ``EVERY_HOURS`` hours while the window is open. Nothing on PostgreSQL."""
    now = now or datetime.now()
    daily = snapshot(desk, "daily", now)
    if daily is None:
        return []
    weekly = copy_sqlite(daily, new_path(desk, "weekly", now))
    rotate(desk)
    return [daily, weekly]


def rotate(desk: Desk) -> list[Path]:
    """Removes the oldest copies beyond ``KEEP`` of each kind; returns what was removed."""
    removed: list[Path] = []
    mine = [b for b in list_backups(desk) if b.path.parent == folder()]
    for kind, keep in KEEP.items():
        of_kind = sorted((b for b in mine if b.kind == kind), key=lambda b: b.path.name, reverse=True)
        for old in of_kind[keep:]:
            with contextlib.suppress(OSError):
                old.path.unlink()
                removed.append(old.path)
    return removed


def _kind(name: str, prefix: str) -> str | None:
    if not name.startswith(prefix + ".") or not name.endswith(SUFFIX):
        return None
    rest = name[len(prefix) + 1 :]
    for kind in KEEP:
        if rest.startswith(kind + "-"):
            return kind
    return "manual"


def list_backups(desk: Desk) -> list[BackupFile]:
    """The backups of this database in the backups folder and the copies made before an upgrade, newest first."""
    found: list[BackupFile] = []
    prefix = label(desk)
    candidates = [(p, _kind(p.name, prefix)) for p in folder().iterdir()]
    database = sqlite_file(desk.url)
    if database is not None and database.parent.is_dir():
        candidates += [
            (p, "before-upgrade") for p in database.parent.glob(f"{glob_escape(database.name)}.before-*")
        ]
    for path, kind in candidates:
        if kind is None or not path.is_file() or path.name.endswith(".part"):
            continue
        with contextlib.suppress(OSError):
            stat = path.stat()
            found.append(
                BackupFile(
                    path, kind, datetime.fromtimestamp(stat.st_mtime), stat.st_size, sealed.is_sealed(path)
                )
            )
    return sorted(found, key=lambda b: (b.made_at, b.path.name), reverse=True)


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)
