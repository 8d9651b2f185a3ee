"""Backup and restore, the same on SQLite and PostgreSQL.

A backup is always a SQLite file with this program's schema and every row, whatever the database it comes from:
one format that a district can keep on a USB stick, open on any PC, and restore into SQLite or PostgreSQL.
A restore replaces every row of the current database in one transaction (R8), after checking the file and
bringing an older backup's schema up to date on a copy; the database being replaced is first backed up itself.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, Table, delete, func, insert, select, text
from sqlalchemy.exc import DatabaseError

from quarantine_desk.db.engine import READ_ONLY, make_engine
from quarantine_desk.db.migrate import current_revision, head_revision, upgrade
from quarantine_desk.db.models import Base
from quarantine_desk.domain.errors import BadFile, Cancelled, OutsideFacility
from quarantine_desk.domain.progress import Progress, ShouldStop
from quarantine_desk.domain.roles import Permission
from quarantine_desk.resources import data_dir
from quarantine_desk.services import audit, changes
from quarantine_desk.services.context import Desk

log = logging.getLogger(__name__)

BATCH = 2000


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    revision: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _tables() -> list[Table]:
    """Every table, parents before children (the order rows can be inserted in)."""
    return list(Base.metadata.sorted_tables)


def _copy(
    source: Engine,
    target: Engine,
    progress: Progress | None,
    should_stop: ShouldStop | None,
    *,
    clear_target: bool,
) -> dict[str, int]:
    tables = _tables()
    counts: dict[str, int] = {}
    # A read transaction on SQLite does not take the write lock: the copy is a consistent snapshot (WAL) and
    # the other PCs go on working meanwhile.
    with source.execution_options(**{READ_ONLY: True}).connect() as src:
        totals = {t.name: src.scalar(select(func.count()).select_from(t)) or 0 for t in tables}
        grand_total = sum(totals.values()) or 1
        done = 0
        with target.begin() as dst:
            if clear_target:
                for table in reversed(tables):
                    if table.name == "audit_event" and target.dialect.name == "postgresql":
                        # The trail is append-only (a trigger refuses row deletes); a restore replaces it whole.
                        dst.execute(text("TRUNCATE audit_event"))
                    else:
                        dst.execute(delete(table))
            for table in tables:
                counts[table.name] = 0
                order = list(table.primary_key.columns)
                result = src.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
                for rows in result.mappings().partitions(BATCH):
                    if should_stop and should_stop():
                        raise Cancelled()
                    dst.execute(insert(table), [dict(r) for r in rows])
                    counts[table.name] += len(rows)
                    done += len(rows)
                    if progress:
                        progress(done, grand_total)
            if target.dialect.name == "postgresql":
                _reset_sequences(dst, tables)
    return counts


def _reset_sequences(connection: Connection, tables: list[Table]) -> None:
    """After rows come in with their ids, PostgreSQL's id counters must continue after the largest one."""
    for table in tables:
        if "id" in table.c and table.c.id.primary_key:
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )


def _whole_district(desk: Desk) -> None:
    """A backup holds, and a restore replaces, every facility's data: the district's administrators only."""
    if desk.facilities is not None:
        raise OutsideFacility("district", desk.user.role.value if desk.user else None)


def backup(
    desk: Desk, out: Path, progress: Progress | None = None, should_stop: ShouldStop | None = None
) -> BackupSummary:
    """Write every row of the database to a new SQLite file ``out`` (written aside, then moved in place)."""
    desk.require(Permission.BACKUP)
    _whole_district(desk)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    partial.unlink(missing_ok=True)
    target = make_engine(f"sqlite:///{partial}")
    try:
        upgrade(target, f"sqlite:///{partial}")
        counts = _copy(desk.engine, target, progress, should_stop, clear_target=True)
        revision = current_revision(target) or ""
    except BaseException:
        target.dispose()
        partial.unlink(missing_ok=True)
        raise
    target.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.replace(out)
    with desk.write(Permission.BACKUP) as session:
        audit.record(
            session, desk, "database.backup", "database", None, file=out.name, rows=sum(counts.values())
        )
    log.info("backup of %s written to %s (%d rows)", desk.display_url, out, sum(counts.values()))
    return BackupSummary(out, revision, counts)


def _checked_copy(path: Path, folder: Path) -> Path:
    """A working copy of a backup file, checked to be one of ours and brought to the current schema."""
    if not path.exists():
        raise BadFile(str(path), "not_found")
    with path.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise BadFile(str(path), "not_a_backup")
    copy = folder / "restore.sqlite3"
    shutil.copyfile(path, copy)
    try:
        with sqlite3.connect(copy) as connection:
            tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise BadFile(str(path), "not_a_backup") from exc
    if "alembic_version" not in tables or not {"facility", "person", "stay", "app_user"} <= tables:
        raise BadFile(str(path), "not_a_backup")
    engine = make_engine(f"sqlite:///{copy}")
    try:
        upgrade(engine, f"sqlite:///{copy}")
    except DatabaseError as exc:
        raise BadFile(str(path), "not_a_backup") from exc
    finally:
        engine.dispose()
    return copy


def restore(
    desk: Desk, path: Path, progress: Progress | None = None, should_stop: ShouldStop | None = None
) -> BackupSummary:
    """Replace every row of the current database with those of a backup, in one transaction.

    The current data is first saved as a backup in the data folder's ``backups`` folder, so a restore of the
    wrong file can itself be undone.
    """
    desk.require(Permission.BACKUP)
    _whole_district(desk)
    with tempfile.TemporaryDirectory(prefix="qd-restore-") as folder:
        copy = _checked_copy(Path(path), Path(folder))
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        safety = backup(desk, data_dir() / "backups" / f"before-restore-{stamp}.sqlite3")
        source = make_engine(f"sqlite:///{copy}")
        try:
            counts = _copy(source, desk.engine, progress, should_stop, clear_target=True)
        finally:
            source.dispose()
    changes.record(changes.EVERYTHING)  # the copy writes through the engine, which the session cannot see
    with desk.write(None) as session:
        audit.record(
            session,
            desk,
            "database.restore",
            "database",
            None,
            file=Path(path).name,
            rows=sum(counts.values()),
            previous_data=safety.path.name,
        )
    log.warning("database %s restored from %s; previous data kept in %s", desk.display_url, path, safety.path)
    return BackupSummary(Path(path), head_revision(), counts)
