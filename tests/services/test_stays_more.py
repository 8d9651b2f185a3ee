"""Tests of a whole room recorded at once (one transaction, R5 inside it) and the health check lists."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from quarantine_desk.domain.errors import InvalidInput, NotAllowed, NotFound
from quarantine_desk.domain.roles import Role
from quarantine_desk.domain.rooms import RoomState
from quarantine_desk.services import audit, facilities, medical, stays
from tests.helpers import as_role
from tests.services.fixtures import AUG1, facility, person

AUG6 = datetime(2021, 8, 6, 8)


def room_of_three(desk, clock) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """Three people of one cohort in room 101 since 1 August; the clock at 6 August."""
    facility(desk)
    people = (
        person(desk, "Nguyễn Văn An"),
        person(desk, "Trần Văn Bình"),
        person(desk, "Lê Văn Cường"),
    )
    for pid in people:
        stays.admit(desk, pid, "F01", "Nhóm A", room="101", at=AUG1)
    clock.now = datetime(2021, 8, 6, 9)
    return people


def recorded_tests(desk, pid: int) -> list[medical.TestRow]:  # type: ignore[no-untyped-def]
    return medical.stay_tests(desk, stays.person_stays(desk, pid)[0].stay)


def state_of(desk, room: str) -> RoomState:  # type: ignore[no-untyped-def]
    return next(r.state for r in facilities.room_board(desk, "F01") if r.room == room)


def test_room_results_are_recorded_together(desk, clock):
    a, b, c = room_of_three(desk, clock)
    rows = medical.record_room_tests(
        desk, "F01", "101", "rapid", {a: "negative", b: "negative", c: "negative"}, at=AUG6
    )
    assert [(r.person, r.result, r.room_closed) for r in rows] == [
        (a, "negative", None),
        (b, "negative", None),
        (c, "negative", None),
    ]
    assert all(len(recorded_tests(desk, pid)) == 1 for pid in (a, b, c))
    assert state_of(desk, "101") is RoomState.OCCUPIED


def test_one_unknown_person_records_nothing(desk, clock):
    a, b, _c = room_of_three(desk, clock)
    with pytest.raises(NotFound) as refused:
        medical.record_room_tests(desk, "F01", "101", "rapid", {a: "negative", 999_999: "negative"}, at=AUG6)
    assert refused.value.kind == "person"
    # The result for the first person, written before the unknown id was met, was rolled back with it.
    assert recorded_tests(desk, a) == [] and recorded_tests(desk, b) == []
    assert "test.record" not in {e.action for e in audit.list_events(desk)}


def test_a_person_of_another_room_records_nothing(desk, clock):
    a, _b, _c = room_of_three(desk, clock)
    elsewhere = person(desk, "Phạm Văn Dũng")
    stays.admit(desk, elsewhere, "F01", "Nhóm A", room="102", at=AUG1)
    with pytest.raises(NotFound) as refused:
        medical.record_room_tests(desk, "F01", "101", "pcr", {a: "negative", elsewhere: "negative"}, at=AUG6)
    assert refused.value.kind == "stay"
    assert recorded_tests(desk, a) == [] and recorded_tests(desk, elsewhere) == []


def test_a_bad_result_records_nothing(desk, clock):
    a, b, _c = room_of_three(desk, clock)
    with pytest.raises(InvalidInput):
        medical.record_room_tests(desk, "F01", "101", "rapid", {a: "negative", b: "maybe"}, at=AUG6)
    assert recorded_tests(desk, a) == []
    with pytest.raises(InvalidInput):
        medical.record_room_tests(desk, "F01", "101", "rapid", {}, at=AUG6)


def test_a_result_before_admission_rolls_back_a_positive_too(desk, clock):
    a, b, _c = room_of_three(desk, clock)
    late = person(desk, "Võ Thị Hoa", sex="F")
    facilities.add_rooms(desk, "F01", "Tầng 1", "105", 4)
    stays.admit(desk, late, "F01", "Nhóm B", room="105", at=datetime(2021, 8, 5, 8))
    with pytest.raises(InvalidInput):
        medical.record_room_tests(desk, "F01", "105", "rapid", {late: "positive"}, at=datetime(2021, 8, 2, 8))
    # R5 was not applied: the room is open and nobody is marked positive.
    assert state_of(desk, "105") is RoomState.OCCUPIED
    assert stays.person_stays(desk, late)[0].positive_at is None
    assert recorded_tests(desk, a) == [] and recorded_tests(desk, b) == []


def test_a_positive_among_them_closes_the_room_in_the_same_call(desk, clock):
    a, b, c = room_of_three(desk, clock)
    rows = medical.record_room_tests(
        desk, "F01", "101", "pcr", {a: "negative", b: "positive", c: "negative"}, at=AUG6
    )
    positive = next(r for r in rows if r.person == b)
    assert positive.room_closed == "101"
    assert set(positive.roommates_restarted) == {a, c}
    assert state_of(desk, "101") is RoomState.CLOSED
    roster = {r.person: r for r in stays.roster(desk, "F01")}
    assert roster[b].positive_at == AUG6
    assert roster[a].period_start == roster[c].period_start == date(2021, 8, 6)
    assert roster[a].planned_release == date(2021, 8, 20)


def test_two_positives_are_not_restarted_as_roommates(desk, clock):
    a, b, c = room_of_three(desk, clock)
    rows = medical.record_room_tests(
        desk, "F01", "101", "pcr", {a: "positive", b: "positive", c: "negative"}, at=AUG6
    )
    assert [set(r.roommates_restarted) for r in rows if r.result == "positive"] == [{c}, set()]
    roster = {r.person: r for r in stays.roster(desk, "F01")}
    assert roster[a].period_start == roster[b].period_start == date(2021, 8, 1)
    assert roster[c].period_start == date(2021, 8, 6)


def test_room_tests_need_the_medical_permission(desk, clock):
    a, _b, _c = room_of_three(desk, clock)
    viewer = as_role(desk, Role.VIEWER)
    with pytest.raises(NotAllowed):
        medical.record_room_tests(viewer, "F01", "101", "rapid", {a: "negative"}, at=AUG6)
    assert recorded_tests(desk, a) == []


def test_health_checks_of_a_stay_oldest_first(desk, clock):
    a, b, _c = room_of_three(desk, clock)
    medical.record_health_check(desk, a, 37.9, "Ho, sốt", at=datetime(2021, 8, 6, 7))
    medical.record_health_check(desk, a, 36.6, at=datetime(2021, 8, 5, 7))
    medical.record_health_check(desk, b, 36.8, at=datetime(2021, 8, 5, 7, 5))
    stay = stays.person_stays(desk, a)[0].stay
    rows = medical.health_checks(desk, stay)
    assert [(r.checked_at, r.temperature, r.symptoms, r.recorded_by, r.fever) for r in rows] == [
        (datetime(2021, 8, 5, 7), 36.6, "", "admin", False),
        (datetime(2021, 8, 6, 7), 37.9, "Ho, sốt", "admin", True),
    ]
    with pytest.raises(NotFound):
        medical.health_checks(desk, 999_999)


def test_recent_health_checks_of_a_facility(desk, clock):
    a, b, _c = room_of_three(desk, clock)
    facility(desk, "F02", rooms="201")
    other = person(desk, "Đặng Văn Em")
    stays.admit(desk, other, "F02", "Nhóm X", at=AUG1)
    medical.record_health_check(desk, a, 36.5, at=datetime(2021, 8, 4, 7))  # before the window
    medical.record_health_check(desk, a, 37.6, "Sốt nhẹ", at=datetime(2021, 8, 5, 7))
    medical.record_health_check(desk, b, 36.7, at=datetime(2021, 8, 6, 7))
    medical.record_health_check(desk, other, 36.9, at=datetime(2021, 8, 6, 7))  # another facility
    rows = medical.recent_health_checks(desk, "F01", datetime(2021, 8, 5))
    assert [(r.full_name, r.room, r.temperature, r.symptoms, r.fever) for r in rows] == [
        ("Trần Văn Bình", "101", 36.7, "", False),
        ("Nguyễn Văn An", "101", 37.6, "Sốt nhẹ", True),
    ]
    assert rows[0].person == b and rows[0].checked_at == datetime(2021, 8, 6, 7)
    assert medical.recent_health_checks(desk, "F01", AUG6 + timedelta(hours=1)) == []
    with pytest.raises(NotFound):
        medical.recent_health_checks(desk, "NOPE", AUG1)
