"""Facility set-up: facilities, bulk rooms, bed changes, and the refusals that change nothing."""

from __future__ import annotations

import pytest

from quarantine_desk.domain.errors import AlreadyExists, InvalidInput, NotAllowed, RoomNotEmpty
from quarantine_desk.domain.roles import Role
from quarantine_desk.domain.rooms import RoomState, near_full
from quarantine_desk.services import facilities, stays
from quarantine_desk.services.audit import list_events
from quarantine_desk.services.facilities import parse_room_names
from tests.helpers import as_role
from tests.services.fixtures import AUG1, facility, person


def test_bulk_rooms_from_a_range(desk):
    facilities.add_facility(desk, "f01", "Trường Quân sự", district="Kon Tum", province="Kon Tum")
    added = facilities.add_rooms(desk, "F01", "Tầng 2", "201–220", 4, "M")
    assert added == [str(n) for n in range(201, 221)]
    board = facilities.room_board(desk, "F01")
    assert len(board) == 20
    assert {r.beds for r in board} == {4}
    assert {r.sex for r in board} == {"M"}
    assert all(r.state is RoomState.READY for r in board)
    assert facilities.get_facility(desk, "F01").name == "Trường Quân sự"


@pytest.mark.parametrize("beds", [0, -1, 51, 500])
def test_room_with_impossible_bed_count_is_refused_and_nothing_added(desk, beds):
    facility(desk)
    with pytest.raises(InvalidInput) as info:
        facilities.add_rooms(desk, "F01", "Tầng 2", "201-203", beds)
    assert info.value.field == "beds"
    assert len(facilities.room_board(desk, "F01")) == 4


def test_duplicate_facility_code_is_refused(desk):
    facility(desk)
    with pytest.raises(AlreadyExists):
        facilities.add_facility(desk, "F01", "Khác")
    assert len(facilities.list_facilities(desk)) == 1


def test_duplicate_room_refused_whole(desk):
    facility(desk)
    with pytest.raises(AlreadyExists):
        facilities.add_rooms(desk, "F01", "Tầng 1", "103-106", 4)
    assert [r.room for r in facilities.room_board(desk, "F01")] == ["101", "102", "103", "104"]


@pytest.mark.parametrize("spec", ["", "220-201", "A1-B5", "1-1000"])
def test_bad_room_specs(spec):
    with pytest.raises(InvalidInput):
        parse_room_names(spec)


def test_room_specs_keep_leading_zeros_and_lists():
    assert parse_room_names("01-03, A1") == ["01", "02", "03", "A1"]


def test_bad_facility_code(desk):
    with pytest.raises(InvalidInput):
        facilities.add_facility(desk, "F 01!", "Khu")


def test_only_managers_set_up_facilities(desk):
    medical = as_role(desk, Role.MEDICAL)
    with pytest.raises(NotAllowed):
        facilities.add_facility(medical, "F02", "Khu 2")
    viewer = as_role(desk, Role.VIEWER)
    with pytest.raises(NotAllowed):
        facilities.add_facility(viewer, "F02", "Khu 2")
    manager = as_role(desk, Role.MANAGER)
    facilities.add_facility(manager, "F02", "Khu 2")


def test_resize_room_keeps_occupied_beds(desk):
    facility(desk, rooms="101", beds=2)
    a = person(desk, "Nguyễn Văn An")
    b = person(desk, "Trần Văn Bình")
    stays.admit(desk, a, "F01", "Nhóm 1", room="101", at=AUG1)
    stays.admit(desk, b, "F01", "Nhóm 1", room="101", at=AUG1)
    with pytest.raises(RoomNotEmpty):
        facilities.update_room(desk, "F01", "101", beds=1)
    facilities.update_room(desk, "F01", "101", beds=5)
    assert facilities.room_board(desk, "F01")[0].beds_in_service == 5


def test_out_of_service_only_when_empty(desk):
    facility(desk, rooms="101-102")
    stays.admit(desk, person(desk), "F01", "Nhóm 1", room="101", at=AUG1)
    with pytest.raises(RoomNotEmpty):
        facilities.set_room_in_service(desk, "F01", "101", False)
    facilities.set_room_in_service(desk, "F01", "102", False)
    states = {r.room: r.state for r in facilities.room_board(desk, "F01")}
    assert states == {"101": RoomState.OCCUPIED, "102": RoomState.OUT_OF_SERVICE}


def test_every_write_is_audited(desk):
    facility(desk)
    events = [e for e in list_events(desk) if e.entity != "user"]  # the administrator was made earlier
    assert [e.action for e in events][:2] == ["room.add", "facility.add"]
    assert all(e.username == "admin" for e in events)
    assert "Tầng 1" in events[0].summary
    assert list_events(desk, text="tang 1")[0].action == "room.add"


def test_occupancy_warns_at_ninety_percent(desk):
    facility(desk, rooms="101", beds=10)
    for i in range(9):
        stays.admit(desk, person(desk, f"Người Số {chr(65 + i)}"), "F01", "Nhóm 1", at=AUG1)
    occupancy = facilities.occupancy_of(facilities.room_board(desk, "F01"))
    assert (occupancy.beds, occupancy.occupied, occupancy.free) == (10, 9, 1)
    assert occupancy.warning


def test_the_occupancy_warning_is_the_domain_rule() -> None:
    """R7 has one definition: the services' occupancy asks the domain, at every bed count."""
    for beds in range(1, 200):
        for occupied in range(beds + 1):
            assert facilities.Occupancy(beds, occupied, 0).warning is near_full(occupied, beds)


def test_a_control_character_is_refused_and_nothing_is_added(desk):
    with pytest.raises(InvalidInput) as exc:
        facilities.add_facility(desk, "F09", "Khu\x00 cách ly", district="Đắk Hà")
    assert (exc.value.field, exc.value.reason) == ("facility_name", "control_character")
    with pytest.raises(InvalidInput) as exc:
        facilities.add_facility(desk, "F09", "Khu cách ly", district="Đắk\x07 Hà")
    assert exc.value.field == "district"
    assert [f.code for f in facilities.list_facilities(desk)] == []
    facilities.add_facility(desk, "F09", "Khu cách ly")
    with pytest.raises(InvalidInput) as exc:
        facilities.add_rooms(desk, "F09", "Tầng\x00 1", "101", 4, "any")
    assert exc.value.field == "zone"
    with pytest.raises(InvalidInput) as exc:
        facilities.add_facility(desk, "F10", "K" * 201)
    assert (exc.value.reason, exc.value.params) == ("too_long", {"maximum": 200})
    assert facilities.room_board(desk, "F09") == []
