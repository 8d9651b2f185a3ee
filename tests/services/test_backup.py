"""Backup and restore: one SQLite file format, restorable into SQLite or PostgreSQL, all or nothing."""

from __future__ import annotations

import pytest

from quarantine_desk.domain.errors import BadFile, Cancelled, NotAllowed
from quarantine_desk.domain.roles import Role
from quarantine_desk.services import backup, facilities, people, stays
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
    with pytest.raises(Cancelled):
        backup.backup(desk, folder / "b.sqlite3", should_stop=lambda: True)
    assert list(folder.iterdir()) == []


def test_only_an_administrator_backs_up_or_restores(desk, tmp_path):
    with pytest.raises(NotAllowed):
        backup.backup(as_role(desk, Role.MANAGER), tmp_path / "b.sqlite3")
    with pytest.raises(NotAllowed):
        backup.restore(as_role(desk, Role.VIEWER), tmp_path / "b.sqlite3")
