"""An edit made on stale data is refused, never written over another PC's change: people, rooms and policies
carry a version; the editor hands back the one it showed (R8)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from quarantine_desk.domain.errors import StaleEdit
from quarantine_desk.services import facilities, people, policies, vaccination
from tests.services.fixtures import facility, person


def test_a_person_edited_elsewhere_refuses_the_stale_edit(desk):
    pid = person(desk, "Nguyễn Văn An")
    shown = people.get_person(desk, pid)  # what this PC's editor opened
    elsewhere = people.get_person(desk, pid)
    vaccination.edit_person(desk, pid, vaccination.PersonEdit(phone="0905123456", version=elsewhere.version))
    with pytest.raises(StaleEdit) as info:
        vaccination.edit_person(desk, pid, vaccination.PersonEdit(phone="0911000111", version=shown.version))
    assert (info.value.kind, info.value.key) == ("person", "Nguyễn Văn An")
    now = people.get_person(desk, pid)
    assert now.phone == "0905123456"  # the other PC's change stands
    assert now.version == shown.version + 1
    # Opened again, the edit goes through.
    vaccination.edit_person(desk, pid, vaccination.PersonEdit(phone="0911000111", version=now.version))
    assert people.get_person(desk, pid).phone == "0911000111"


def test_an_edit_without_a_version_is_the_command_lines_read_then_write(desk):
    pid = person(desk)
    vaccination.edit_person(desk, pid, vaccination.PersonEdit(phone="0905123456"))
    vaccination.edit_person(desk, pid, vaccination.PersonEdit(phone="0905999999"))
    assert people.get_person(desk, pid).phone == "0905999999"


def test_a_room_edited_elsewhere_refuses_the_stale_edit(desk):
    facility(desk, rooms="101-102", beds=4)
    [shown, _] = facilities.room_board(desk, "F01")
    facilities.update_room(desk, "F01", "101", beds=6, version=shown.version)
    with pytest.raises(StaleEdit) as info:
        facilities.update_room(desk, "F01", "101", sex="M", version=shown.version)
    assert info.value.key == "F01/101"
    [room, _] = facilities.room_board(desk, "F01")
    assert (room.beds, room.sex) == (6, "any")
    facilities.set_room_in_service(desk, "F01", "101", False)  # taken out of service meanwhile: also an edit
    with pytest.raises(StaleEdit):
        facilities.update_room(desk, "F01", "101", sex="M", version=room.version)
    [room, _] = facilities.room_board(desk, "F01")
    facilities.update_room(desk, "F01", "101", sex="M", version=room.version)
    assert facilities.room_board(desk, "F01")[0].sex == "M"


def test_a_policy_saved_elsewhere_refuses_the_stale_edit(desk):
    shown = next(p for p in policies.list_policies(desk) if p.days == 14)
    policies.save_policy(desk, replace(shown, days=21, test_days=(1, 7, 21)), expected_version=shown.version)
    with pytest.raises(StaleEdit) as info:
        policies.save_policy(desk, replace(shown, days=10, test_days=(1, 10)), expected_version=shown.version)
    assert info.value.kind == "policy"
    assert next(p for p in policies.list_policies(desk) if p.id == shown.id).days == 21
