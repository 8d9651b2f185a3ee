"""Backup and restore: one SQLite file format, restorable into SQLite or PostgreSQL, all or nothing."""

from __future__ import annotations

import contextlib
import sqlite3
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from quarantine_desk.db.models import Facility
from quarantine_desk.domain import certificates as certs
from quarantine_desk.domain.errors import BadFile, Cancelled, InvalidInput, NotAllowed, SigningKeyMissing
from quarantine_desk.domain.roles import Role
from quarantine_desk.services import autobackup, backup, documents, facilities, medical, people, sealed, stays
from tests.helpers import as_role
from tests.services.fixtures import AUG1, facility, person


def test_backup_then_restore_brings_everything_back(desk, tmp_path):
    facility(desk)
    a = person(desk, "Nguyễn Thị Hường", "F", id_number="062190000123")
    stays.admit(desk, a, "F01", "F1 chợ Đầm", at=AUG1)
    summary = backup.backup(desk, tmp_path / "sao-luu.sqlite3")
    assert summary.rows["person"] == 1 and summary.rows["stay"] == 1 and summary.rows["bed"] == 16

    # Work goes on after the backup, then the backup is restored: the later changes are gone.
    facilities.add_facility(desk, "F02", "Khu mới")
    person(desk, "Trần Văn Sau")
    restored = backup.restore(desk, tmp_path / "sao-luu.sqlite3")
    assert restored.rows["person"] == 1
    assert [f.code for f in facilities.list_facilities(desk)] == ["F01"]
    assert [p.full_name for p in people.search_people(desk, "")] == ["Nguyễn Thị Hường"]
    assert stays.roster(desk, "F01", AUG1.date())[0].full_name == "Nguyễn Thị Hường"
    # New rows after a restore get fresh ids (PostgreSQL's counters were moved past the restored rows).
    assert person(desk, "Lê Văn Mới") > 1


def test_restore_of_a_file_that_is_not_a_backup_changes_nothing(desk, tmp_path):
    facility(desk)
    not_backup = tmp_path / "x.sqlite3"
    not_backup.write_text("danh sách")
    with pytest.raises(BadFile):
        backup.restore(desk, not_backup)
    with pytest.raises(BadFile):
        backup.restore(desk, tmp_path / "missing.sqlite3")
    assert [f.code for f in facilities.list_facilities(desk)] == ["F01"]


def test_cancelled_backup_leaves_no_file(desk, tmp_path):
    facility(desk)
    folder = tmp_path / "usb"
    folder.mkdir()
    with pytest.raises(Cancelled):
        backup.backup(desk, folder / "b.sqlite3", should_stop=lambda: True)
    assert list(folder.iterdir()) == []


def test_only_an_administrator_backs_up_or_restores(desk, tmp_path):
    with pytest.raises(NotAllowed):
        backup.backup(as_role(desk, Role.MANAGER), tmp_path / "b.sqlite3")
    with pytest.raises(NotAllowed):
        backup.restore(as_role(desk, Role.VIEWER), tmp_path / "b.sqlite3")


# --- owner-only files, encryption, the signing keys ---------------------------------------------------------------


def _keys(path):
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT code, public_key, signing_key FROM facility ORDER BY code").fetchall()


def _completed_certificate(desk, clock, tmp_path):
    """A person whose stay ended as completed, and their signed certificate."""
    facility(desk)
    a = person(desk, "Nguyễn Thị Hường", "F", id_number="062190000123")
    stays.admit(desk, a, "F01", "F1 chợ Đầm", at=AUG1)
    clock.now = datetime(2021, 8, 15, 9)
    for day in (1, 7, 14):
        medical.record_test(desk, a, "rapid", "negative", at=AUG1 + timedelta(days=day - 1))
    stays.release(desk, a)
    return a, documents.certificate(desk, a, tmp_path / "gxn.pdf")


def test_a_plain_backup_is_owner_only_and_holds_no_signing_key(desk, tmp_path):
    facility(desk)
    usb = tmp_path / "usb"
    usb.mkdir()
    out = backup.backup(desk, usb / "b.sqlite3").path
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    [(code, public, signing)] = _keys(out)
    assert code == "F01" and public and signing is None
    # the key's bytes are nowhere in the file either
    with desk.read() as session:
        secret = session.scalar(select(Facility.signing_key))
    assert secret and secret.encode() not in out.read_bytes()
    assert [p.name for p in usb.iterdir()] == ["b.sqlite3"]  # no temporary file beside it


def test_an_encrypted_backup_restores_only_with_its_passphrase(desk, clock, tmp_path):
    a, cert = _completed_certificate(desk, clock, tmp_path)
    out = tmp_path / "b.qdb"
    backup.backup(desk, out, passphrase="mật khẩu sao lưu 2021")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    raw = out.read_bytes()
    assert raw.startswith(sealed.MAGIC) and "Hường".encode() not in raw and b"SQLite format" not in raw
    for given, reason in ((None, "needs_passphrase"), ("sai mật khẩu rồi", "wrong_passphrase")):
        with pytest.raises(BadFile) as info:
            backup.restore(desk, out, passphrase=given)
        assert info.value.reason == reason and info.value.exit_code == 6
    damaged = tmp_path / "damaged.qdb"
    damaged.write_bytes(raw[:-100] + bytes([raw[-100] ^ 1]) + raw[-99:])
    cut = tmp_path / "cut.qdb"
    cut.write_bytes(raw[: len(raw) // 2])
    for bad in (damaged, cut):
        with pytest.raises(BadFile) as info:
            backup.restore(desk, bad, passphrase="mật khẩu sao lưu 2021")
        assert info.value.reason == "damaged"
    person(desk, "Trần Văn Sau")
    backup.restore(desk, out, passphrase="mật khẩu sao lưu 2021")
    assert [p.full_name for p in people.search_people(desk, "")] == ["Nguyễn Thị Hường"]
    # the keys came back with it: the old certificate checks out and a new one is signed with the same key
    keys = documents.known_public_keys(desk)
    assert documents.verify_certificate(cert.verification_code, keys).valid
    again = documents.certificate(desk, a, tmp_path / "again.pdf")
    assert documents.verify_certificate(again.verification_code, keys).valid


def test_a_short_passphrase_is_refused(desk, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    with pytest.raises(InvalidInput):
        backup.backup(desk, usb / "b.qdb", passphrase="ngắn")
    assert list(usb.iterdir()) == []


def test_a_plain_backup_restored_here_keeps_this_databases_keys(desk, clock, tmp_path):
    a, cert = _completed_certificate(desk, clock, tmp_path)
    out = backup.backup(desk, tmp_path / "b.sqlite3").path
    backup.restore(desk, out)
    keys = documents.known_public_keys(desk)
    assert documents.verify_certificate(cert.verification_code, keys).valid
    again = documents.certificate(desk, a, tmp_path / "again.pdf")
    assert documents.verify_certificate(again.verification_code, keys).valid


def test_a_plain_backup_restored_elsewhere_checks_but_does_not_sign(desk, clock, tmp_path):
    a, cert = _completed_certificate(desk, clock, tmp_path)
    out = backup.backup(desk, tmp_path / "b.sqlite3").path
    # another database (another PC): its facility F01 has another key pair, which the restore cannot use
    with desk.write(None) as session:
        facility_row = session.scalars(select(Facility)).one()
        facility_row.signing_key, facility_row.public_key = certs.new_key_pair()
    backup.restore(desk, out)
    keys = documents.known_public_keys(desk)
    assert documents.verify_certificate(cert.verification_code, keys).valid  # checking still works
    with pytest.raises(SigningKeyMissing):
        documents.certificate(desk, a, tmp_path / "again.pdf")
    assert not (tmp_path / "again.pdf").exists()
    documents.renew_signing_key(desk, "F01")  # the administrator's way out: a new pair, audited
    again = documents.certificate(desk, a, tmp_path / "again.pdf")
    assert documents.verify_certificate(again.verification_code, documents.known_public_keys(desk)).valid


def test_a_backup_of_a_newer_program_is_refused(desk, tmp_path):
    facility(desk)
    out = backup.backup(desk, tmp_path / "b.sqlite3").path
    with contextlib.closing(sqlite3.connect(out)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    with pytest.raises(BadFile) as info:
        backup.restore(desk, out)
    assert info.value.reason == "newer_schema"
    assert [f.code for f in facilities.list_facilities(desk)] == ["F01"]


def test_a_backup_to_a_folder_or_a_missing_folder_is_refused(desk, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    for out, reason in ((usb, "is_a_folder"), (usb / "missing" / "b.sqlite3", "no_folder")):
        with pytest.raises(BadFile) as info:
            backup.backup(desk, out)
        assert info.value.reason == reason and info.value.exit_code == 6
    assert list(usb.iterdir()) == []


# --- automatic backups ----------------------------------------------------------------------------------------------


def test_automatic_backups_of_sqlite_are_rotated(sqlite_only_desk, tmp_path):
    desk = sqlite_only_desk
    facility(desk)
    start = datetime(2021, 8, 1, 8, 0)
    for day in range(30):
        made = autobackup.take_scheduled(desk, start + timedelta(days=day))
        assert len(made) == 2
    listed = autobackup.list_backups(desk)
    kinds = [b.kind for b in listed]
    assert kinds.count("daily") == 7 and kinds.count("weekly") == 4
    for b in listed:
        assert stat.S_IMODE(b.path.stat().st_mode) == 0o600 and not b.encrypted
        # a consistent copy that opens on its own, without a -wal file beside it
        assert _keys(b.path)[0][0] == "F01"
        assert not Path(f"{b.path}-wal").exists()
    newest_daily = max(b.path.name for b in listed if b.kind == "daily")
    assert newest_daily.endswith("daily-2021-08-30.sqlite3")


def test_a_restore_first_saves_the_current_data_automatically(desk, tmp_path):
    facility(desk)
    out = backup.backup(desk, tmp_path / "b.sqlite3").path
    facilities.add_facility(desk, "F02", "Khu mới")
    backup.restore(desk, out)
    [before] = [b for b in autobackup.list_backups(desk) if b.kind == "before-restore"]
    assert stat.S_IMODE(before.path.stat().st_mode) == 0o600
    backup.restore(desk, before.path)  # the restore undone
    assert [f.code for f in facilities.list_facilities(desk)] == ["F01", "F02"]
