"""Each write says which areas of the data it changed; reads and refused writes change none."""

from __future__ import annotations

import pytest

from quarantine_desk.domain.errors import DeskError
from quarantine_desk.services import changes, facilities, medical, stays, supplies
from quarantine_desk.services.changes import Area
from tests.services.fixtures import AUG1, facility, person


def test_an_admission_changes_stays_and_rooms_not_stock(desk, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now = AUG1
    facility(desk)
    someone = person(desk)
    with changes.track() as changed:
        stays.admit(desk, someone, "F01", "Chuyến bay VN123")
    assert Area.STAYS in changed and Area.AUDIT in changed
    assert Area.STOCK not in changed and Area.USERS not in changed


def test_a_positive_test_changes_tests_stays_and_rooms(desk, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now = AUG1
    facility(desk)
    someone = person(desk)
    stays.admit(desk, someone, "F01", "Nhóm A")
    with changes.track() as changed:
        medical.record_test(desk, someone, "rapid", "positive", at=AUG1)
    assert {Area.TESTS, Area.STAYS, Area.ROOMS} <= changed


def test_stock_and_facility_writes_name_their_own_areas(desk) -> None:  # type: ignore[no-untyped-def]
    facility(desk)
    with changes.track() as changed:
        supplies.add_item(desk, "F01", "KHAU-TRANG", "Khẩu trang", "cái", 100)
    assert Area.STOCK in changed and Area.FACILITIES not in changed
    with changes.track() as changed:
        facilities.add_facility(desk, "F02", "Khu cách ly số 2")
    assert Area.FACILITIES in changed and Area.STOCK not in changed


def test_reads_and_refused_writes_change_nothing(desk) -> None:  # type: ignore[no-untyped-def]
    facility(desk)
    with changes.track() as changed:
        facilities.room_board(desk, "F01")
        with pytest.raises(DeskError):
            facilities.add_facility(desk, "F01", "Trùng mã")
    assert changed == set()


def test_outside_a_record_nothing_is_kept() -> None:
    changes.record([Area.MEALS])  # no track(): nobody asked, nothing to keep
    with changes.track() as changed:
        pass
    assert changed == set()


def test_every_table_has_an_area() -> None:
    from quarantine_desk.db.models import Base

    assert {t.name for t in Base.metadata.sorted_tables} == set(changes.TABLE_AREAS)
