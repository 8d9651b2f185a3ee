"""Backup and restore, the same on SQLite and PostgreSQL.

A backup is always a SQLite file with this program's schema and every row, whatever the database it comes from:
one format that a district can keep on a USB stick, open on any PC, and restore into SQLite or PostgreSQL.
A restore replaces every row of the current database in one transaction (R8), after checking the file and
bringing an older backup's schema up to date on a copy; the database being replaced is first backed up itself.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, Table, delete, func, insert, select, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session

from quarantine_desk import faults, tempfiles
from quarantine_desk.db.engine import READ_ONLY, check_integrity, make_engine, resolve_url, sqlite_file
from quarantine_desk.db.migrate import current_revision, head_revision, known_revisions, upgrade
from quarantine_desk.db.models import Base, Facility
from quarantine_desk.domain.errors import BadFile, Cancelled, OutsideFacility, UnsoundBackup
from quarantine_desk.domain.progress import Progress, ShouldStop
from quarantine_desk.domain.roles import Permission
from quarantine_desk.exports.common import atomic_output, check_output_path, write_error
from quarantine_desk.services import audit, autobackup, changes, check, sealed
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
    keep_signing_keys: bool = True,
    signing_keys: Mapping[str, str] | None = None,
    crash_point: str = "copy",
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
                    values = [dict(r) for r in rows]
                    if table.name == "facility":
                        for value in values:
                            if not keep_signing_keys:
                                value["signing_key"] = None
                            elif value["signing_key"] is None and signing_keys:
                                value["signing_key"] = signing_keys.get(value["public_key"] or "")
                    dst.execute(insert(table), values)
                    faults.point(crash_point)
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
    desk: Desk,
    out: Path,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
    *,
    passphrase: str | None = None,
) -> BackupSummary:
    """Write every row of the database to a new file ``out``, owner-only, written aside and moved in place.

    With a ``passphrase`` the file is encrypted (``sealed``) and holds everything. Without one it is a plain
    SQLite file that holds everything except the facilities' certificate signing keys: a key never leaves the
    database in clear. (Their public halves stay, so certificates already issued can still be checked; see
    ``restore`` for how the keys come back.)
    """
    desk.require(Permission.BACKUP)
    _whole_district(desk)
    check_integrity(desk.engine, desk.url)  # a damaged database is named, not copied into a damaged backup
    out = check_output_path(Path(out))
    if passphrase is not None:
        sealed.check_passphrase(passphrase)
    summary = _write(
        desk, out, progress, should_stop, passphrase=passphrase, keep_signing_keys=bool(passphrase)
    )
    with desk.write(Permission.BACKUP) as session:
        audit.record(
            session,
            desk,
            "database.backup",
            "database",
            None,
            file=out.name,
            rows=summary.total,
            encrypted=passphrase is not None,
        )
    log.info("backup of %s written to %s (%d rows)", desk.display_url, out, summary.total)
    return summary


def _write(
    desk: Desk,
    out: Path,
    progress: Progress | None,
    should_stop: ShouldStop | None,
    *,
    passphrase: str | None,
    keep_signing_keys: bool,
) -> BackupSummary:
    # The rows are put together in the private scratch folder, never in clear beside an encrypted target.
    with tempfiles.scratch_folder() as folder:
        plain = folder / "backup.sqlite3"
        os.close(os.open(plain, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        target = make_engine(f"sqlite:///{plain}")
        try:
            upgrade(target, f"sqlite:///{plain}")
            counts = _copy(
                desk.engine,
                target,
                progress,
                should_stop,
                clear_target=True,
                keep_signing_keys=keep_signing_keys,
                crash_point="backup",
            )
            revision = current_revision(target) or ""
        except OperationalError as exc:
            if "full" in str(exc.orig).lower():
                raise BadFile(str(out), "no_space") from exc
            raise
        finally:
            target.dispose()
        with contextlib.closing(sqlite3.connect(plain)) as connection:
            # One file, no -wal beside it: the backup is a single file wherever it is copied.
            connection.execute("PRAGMA journal_mode = DELETE")
        with atomic_output(out, private=True) as temp:
            try:
                if passphrase is not None:
                    with temp.open("wb") as handle:
                        sealed.seal(plain, handle, passphrase)
                else:
                    shutil.copyfile(plain, temp)
            except OSError as exc:
                raise write_error(out, exc) from exc
    return BackupSummary(out, revision, counts)


def _checked_copy(path: Path, folder: Path, passphrase: str | None) -> Path:
    """A working copy of a backup file (decrypted when it is encrypted), checked to be one of ours and brought to
    the current schema."""
    if not path.exists():
        raise BadFile(str(path), "not_found")
    if path.is_dir():
        raise BadFile(str(path), "is_a_folder")
    copy = folder / "restore.sqlite3"
    try:
        if sealed.is_sealed(path):
            if passphrase is None:
                raise BadFile(str(path), "needs_passphrase")
            with copy.open("wb") as handle:
                sealed.unseal(path, handle, passphrase)
        else:
            with path.open("rb") as handle:
                if handle.read(16) != b"SQLite format 3\x00":
                    raise BadFile(str(path), "not_a_backup")
            shutil.copyfile(path, copy)
    except OSError as exc:
        raise BadFile(str(path), "unreadable") from exc
    try:
        with contextlib.closing(sqlite3.connect(copy)) as connection:
            tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            versions = (
                [r[0] for r in connection.execute("SELECT version_num FROM alembic_version")]
                if "alembic_version" in tables
                else []
            )
    except sqlite3.DatabaseError as exc:
        raise BadFile(str(path), "not_a_backup") from exc
    if len(versions) != 1 or not {"facility", "person", "stay", "app_user"} <= tables:
        raise BadFile(str(path), "not_a_backup")
    if versions[0] not in known_revisions():
        # Made by a newer version of the program: this one cannot know what its tables mean.
        raise BadFile(str(path), "newer_schema", revision=versions[0])
    with contextlib.closing(sqlite3.connect(copy)) as connection:
        sound = connection.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    if not sound:
        raise BadFile(str(path), "damaged")
    engine = make_engine(f"sqlite:///{copy}")
    try:
        upgrade(engine, f"sqlite:///{copy}")
        # The rules read back from the copy (the invariant checker): a file that breaks them is refused whole.
        with Session(engine) as session:
            found = check.problems(session)
    except DatabaseError as exc:
        raise BadFile(str(path), "not_a_backup") from exc
    finally:
        engine.dispose()
    if found:
        log.warning("restore of %s refused: %d problems, first %s", path.name, len(found), found[:5])
        raise UnsoundBackup(str(path), [(p.problem, p.where) for p in found])
    return copy


def _safety_copy(desk: Desk) -> Path:
    """The current data, saved in the backups folder before a restore replaces it (keys included: the copy stays
    in the data folder, owner-only, like the database itself)."""
    made = autobackup.snapshot(desk, "before-restore")
    if made is not None:
        return made
    out = autobackup.new_path(desk, "before-restore", datetime.now())
    _write(desk, out, None, None, passphrase=None, keep_signing_keys=True)
    autobackup.rotate(desk)
    return out


def _signing_keys(desk: Desk) -> dict[str, str]:
    """The signing keys of the current database, by their public key."""
    with desk.engine.execution_options(**{READ_ONLY: True}).connect() as connection:
        rows = connection.execute(
            select(Facility.public_key, Facility.signing_key).where(Facility.signing_key.is_not(None))
        )
        return {public: signing for public, signing in rows if public}


def restore(
    desk: Desk,
    path: Path,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
    *,
    passphrase: str | None = None,
) -> BackupSummary:
    """Replace every row of the current database with those of a backup, in one transaction.

    An encrypted backup needs its ``passphrase``. The current data is first saved in the data folder's
    ``backups`` folder (``autobackup``), so a restore of the wrong file can itself be undone. A backup without
    signing keys (an unencrypted one) gets the current database's key of each facility whose public key it
    holds; a facility whose key is nowhere stays without one: its certificates can still be checked, but no new
    one is signed until an administrator makes a new key pair (``facility key new``).
    """
    desk.require(Permission.BACKUP)
    _whole_district(desk)
    path = Path(path)
    with tempfiles.scratch_folder() as folder:
        copy = _checked_copy(path, folder, passphrase)
        safety = _safety_copy(desk)
        keys = _signing_keys(desk)
        source = make_engine(f"sqlite:///{copy}")
        try:
            counts = _copy(
                source,
                desk.engine,
                progress,
                should_stop,
                clear_target=True,
                signing_keys=keys,
                crash_point="restore",
            )
        finally:
            source.dispose()
    changes.record(changes.EVERYTHING)  # the copy writes through the engine, which the session cannot see
    with desk.write(None) as session:
        changes.wrote(session, *(t.name for t in _tables()))  # so the other PCs hear of every table too
        audit.record(
            session,
            desk,
            "database.restore",
            "database",
            None,
            file=path.name,
            rows=sum(counts.values()),
            previous_data=safety.name,
        )
    log.warning("database %s restored from %s; previous data kept in %s", desk.display_url, path, safety)
    return BackupSummary(path, head_revision(), counts)


def replace_damaged(url: str | None, path: Path, passphrase: str | None = None) -> Path:
    """A SQLite database that fails its integrity check, replaced by a backup before anyone logs in (the window
    offers it when the file is damaged; the users and their passwords come back with the backup).

    The backup is checked as for ``restore`` (schema, integrity, the rules) before anything moves; the damaged
    file is then kept aside as ``<file>.damaged-<time>`` and the checked copy takes its place. Returns where the
    damaged file went. ``passphrase``: that of an encrypted backup (a wrong one refuses it, moving nothing).
    """
    target = sqlite_file(resolve_url(url))
    if target is None:
        raise BadFile(str(path), "not_a_backup")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = target.with_name(f"{target.name}.damaged-{stamp}")
    with tempfiles.scratch_folder() as folder:
        copy = _checked_copy(Path(path), folder, passphrase)
        for suffix in ("", "-wal", "-shm"):
            old = Path(f"{target}{suffix}")
            if old.exists():
                old.replace(Path(f"{aside}{suffix}"))
        shutil.copyfile(copy, target)
    log.warning(
        "damaged database %s replaced by the backup %s; the damaged file kept as %s", target, path, aside
    )
    return aside
