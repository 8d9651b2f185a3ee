"""An edit made on stale data is refused, never written over another PC's change: people, rooms, policies,
facilities and stays carry a version; the editor hands back the one it showed (R8)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from quarantine_desk.domain.errors import StaleEdit
from quarantine_desk.messages import describe
from quarantine_desk.services import facilities, medical, people, policies, stays, vaccination
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


def test_a_facility_edited_elsewhere_refuses_the_stale_edit(desk):
    facility(desk, rooms="101", beds=2)
    [shown] = facilities.list_facilities(desk)  # what this PC's dialog opened
    facilities.update_facility(desk, "F01", name="Khu A (đổi trên máy khác)", version=shown.version)
    with pytest.raises(StaleEdit) as info:
        facilities.update_facility(desk, "F01", capacity=40, version=shown.version)
    assert (info.value.kind, info.value.key) == ("facility", "F01")
    [now] = facilities.list_facilities(desk)
    assert (now.name, now.capacity, now.version) == ("Khu A (đổi trên máy khác)", None, shown.version + 1)
    assert facilities.update_facility(desk, "F01", capacity=40, version=now.version).capacity == 40
    assert describe(info.value, "vi").startswith("Khu cách ly “F01” vừa được sửa trên một máy khác")


def test_a_release_chosen_on_a_stay_changed_elsewhere_is_refused(desk, clock):
    facility(desk, rooms="101-102", beds=2)
    a, b = person(desk, "Nguyễn Văn An"), person(desk, "Trần Văn Bình")
    stays.admit(desk, a, "F01", "Nhóm A", room="101")
    stays.admit(desk, b, "F01", "Nhóm B", room="102")
    clock.now += timedelta(days=1)
    [line_a, line_b] = sorted(
        stays.release_worklist(desk, "F01", clock.now.date() + timedelta(days=30)), key=lambda r: r.person
    )
    # Another PC records a positive test for An: the release the window showed is no longer the one to make.
    medical.record_test(desk, line_a.stay, "rapid", "positive")
    with pytest.raises(StaleEdit) as info:
        stays.release(desk, a, override="Về theo đề nghị", shown=(line_a.stay, line_a.version))
    assert (info.value.kind, info.value.key) == ("stay", "Nguyễn Văn An")
    assert [s.released_at for s in stays.person_stays(desk, a)] == [None]
    # Bình was released and admitted again elsewhere in the meantime: the stay shown is not the open one.
    stays.release(desk, b, override="Về theo đề nghị")
    stays.disinfect(desk, "F01", "102")
    stays.admit(desk, b, "F01", "Nhóm C", room="102")
    with pytest.raises(StaleEdit):
        stays.transfer(desk, b, "Bệnh viện tỉnh", shown=(line_b.stay, line_b.version))
    # The stay as it is now goes through.
    [now_b] = [
        r for r in stays.release_worklist(desk, "F01", clock.now.date() + timedelta(days=30)) if r.person == b
    ]
    assert (
        stays.transfer(desk, b, "Bệnh viện tỉnh", shown=(now_b.stay, now_b.version)).outcome == "transferred"
    )
