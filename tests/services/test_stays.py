"""Stays and the rules R1–R7, each tried by a test that attempts to break it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from quarantine_desk.domain.errors import (
    BedTaken,
    FacilityInactive,
    InvalidInput,
    NoBedAvailable,
    NotAllowed,
    PersonAlreadyStaying,
    ProblemKind,
    ReleaseNeedsOverride,
    ReleaseProblem,
    RoomAwaitingDisinfection,
    RoomClosed,
    RoomCohortConflict,
    RoomNotEmpty,
    RoomSexConflict,
)
from quarantine_desk.domain.policy import PolicyKind, PolicyProfile
from quarantine_desk.domain.roles import Role
from quarantine_desk.domain.rooms import RoomState
from quarantine_desk.messages import describe
from quarantine_desk.services import audit, facilities, medical, policies, stays
from tests.helpers import as_role
from tests.services.fixtures import AUG1, facility, person


def states(desk) -> dict[str, RoomState]:
    return {r.room: r.state for r in facilities.room_board(desk, "F01")}


def test_admission_gets_policy_release_and_test_days(desk):
    facility(desk)
    result = stays.admit(desk, person(desk), "F01", "F1 chợ Đầm", room="101", at=AUG1)
    assert result.planned_release == date(2021, 8, 15)
    assert result.test_days == (date(2021, 8, 1), date(2021, 8, 7), date(2021, 8, 14))
    assert "5599" in result.policy


def test_fully_vaccinated_get_seven_days(desk):
    facility(desk)
    pid = person(desk, doses="2", last_dose_on="2021-06-01")
    # The 7-day profile is in force from 4 August 2021 (dispatch 6288/BYT-MT).
    before = stays.admit(desk, pid, "F01", "Nhóm 1", at=datetime(2021, 8, 3, 8))
    assert before.planned_release == date(2021, 8, 17)
    stays.release(desk, pid, override="Thử quy định mới", at=datetime(2021, 8, 3, 9))
    result = stays.admit(desk, pid, "F01", "Nhóm 2", at=datetime(2021, 8, 10, 8))
    assert result.planned_release == date(2021, 8, 17)
    assert result.test_days == (date(2021, 8, 10), date(2021, 8, 16))


def test_twenty_one_days_before_july_2021(desk):
    facility(desk)
    result = stays.admit(desk, person(desk), "F01", "Nhóm 1", at=datetime(2021, 6, 1, 8))
    assert result.planned_release == date(2021, 6, 22)


def test_r1_one_person_per_bed(desk):
    facility(desk)
    stays.admit(desk, person(desk, "Nguyễn Văn An"), "F01", "Nhóm 1", room="101", bed="1", at=AUG1)
    with pytest.raises(BedTaken):
        stays.admit(desk, person(desk, "Trần Văn Bình"), "F01", "Nhóm 1", room="101", bed="1", at=AUG1)


def test_r1_one_open_stay_per_person(desk):
    facility(desk)
    pid = person(desk)
    stays.admit(desk, pid, "F01", "Nhóm 1", at=AUG1)
    with pytest.raises(PersonAlreadyStaying):
        stays.admit(desk, pid, "F01", "Nhóm 1", room="102", at=AUG1)
    with pytest.raises(PersonAlreadyStaying):
        stays.admit_group(desk, [pid], "F01", "Nhóm 1", at=AUG1)


def test_r2_other_cohort_refused_with_rooms_that_fit(desk):
    facility(desk)
    stays.admit(desk, person(desk, "Nguyễn Văn An"), "F01", "Nhóm A", room="101", at=AUG1)
    with pytest.raises(RoomCohortConflict) as info:
        stays.admit(desk, person(desk, "Trần Văn Bình"), "F01", "Nhóm B", room="101", at=AUG1)
    assert info.value.room_cohort == "Nhóm A"
    assert info.value.rule == "R2"
    assert {o.room for o in info.value.options} == {"102", "103", "104"}
    assert [r.occupants for r in facilities.room_board(desk, "F01")] == [1, 0, 0, 0]


def test_r3_single_sex_except_household(desk):
    facility(desk)
    stays.admit(desk, person(desk, "Nguyễn Văn An", "M"), "F01", "Nhóm A", room="101", at=AUG1)
    with pytest.raises(RoomSexConflict):
        stays.admit(desk, person(desk, "Trần Thị Bình", "F"), "F01", "Nhóm A", room="101", at=AUG1)
    husband = person(desk, "Lê Văn Cường", "M", household="HGD-7")
    wife = person(desk, "Phạm Thị Dung", "F", household="HGD-7")
    stays.admit(desk, husband, "F01", "Nhóm A", room="102", at=AUG1)
    stays.admit(desk, wife, "F01", "Nhóm A", room="102", at=AUG1)


def test_r3_room_sex_rule(desk):
    facility(desk, sex="M")
    with pytest.raises(RoomSexConflict):
        stays.admit(desk, person(desk, "Trần Thị Bình", "F"), "F01", "Nhóm A", room="101", at=AUG1)


def test_automatic_choice_keeps_household_and_cohort(desk):
    facility(desk)
    family = [
        person(desk, n, s, household="HGD-1")
        for n, s in [("Nguyễn Văn Bố", "M"), ("Trần Thị Mẹ", "F"), ("Nguyễn Văn Con", "M")]
    ]
    results = stays.admit_group(desk, family, "F01", "Nhóm gia đình", at=AUG1)
    assert len({r.room for r in results}) == 1
    other = stays.admit(desk, person(desk, "Lê Văn Khác"), "F01", "Nhóm khác", at=AUG1)
    assert other.room != results[0].room


def test_automatic_choice_fills_cohort_rooms_first(desk):
    facility(desk)
    first = stays.admit(desk, person(desk, "Nguyễn Văn An"), "F01", "Nhóm A", room="103", at=AUG1)
    second = stays.admit(desk, person(desk, "Trần Văn Bình"), "F01", "Nhóm A", at=AUG1)
    assert second.room == first.room == "103"
    assert second.reason == "fills_cohort_room"


def test_group_all_or_nothing_when_full(desk):
    facility(desk, rooms="101", beds=2)
    group = [person(desk, f"Người Số {c}") for c in "ABC"]
    with pytest.raises(NoBedAvailable):
        stays.admit_group(desk, group, "F01", "Nhóm A", at=AUG1)
    assert stays.roster(desk, "F01", AUG1.date()) == []


def test_r5_positive_closes_room_and_restarts_roommates(desk, clock):
    facility(desk)
    a = person(desk, "Nguyễn Văn An")
    b = person(desk, "Trần Văn Bình")
    stays.admit(desk, a, "F01", "Nhóm A", room="101", at=AUG1)
    stays.admit(desk, b, "F01", "Nhóm A", room="101", at=AUG1)
    clock.now = datetime(2021, 8, 6, 9)
    result = medical.record_test(desk, a, "pcr", "positive", at=datetime(2021, 8, 6, 8))
    assert result.room_closed == "101"
    assert result.roommates_restarted == (b,)
    assert states(desk)["101"] is RoomState.CLOSED
    mate = next(r for r in stays.roster(desk, "F01") if r.person == b)
    assert mate.period_start == date(2021, 8, 6)
    assert mate.planned_release == date(2021, 8, 20)
    with pytest.raises(RoomClosed):
        stays.admit(desk, person(desk, "Lê Văn Cường"), "F01", "Nhóm B", room="101")
    actions = [e.action for e in audit.list_events(desk)]
    assert {"test.record", "room.close", "stay.restart"} <= set(actions)
    # The closed room stays closed until its last occupant has left, then awaits disinfection (R4).
    stays.transfer(desk, a, "Bệnh viện dã chiến số 2")
    assert states(desk)["101"] is RoomState.CLOSED
    stays.release(desk, b, override="Chuyển cách ly tại nhà theo chỉ đạo")
    assert states(desk)["101"] is RoomState.AWAITING_DISINFECTION


def test_r4_disinfection_before_next_cohort(desk, clock):
    facility(desk, rooms="101")
    a = person(desk)
    stays.admit(desk, a, "F01", "Nhóm A", room="101", at=AUG1)
    with pytest.raises(RoomNotEmpty):
        stays.disinfect(desk, "F01", "101")
    clock.now = datetime(2021, 8, 15, 9)
    for day in (1, 7, 14):
        medical.record_test(desk, a, "rapid", "negative", at=AUG1 + timedelta(days=day - 1))
    stays.release(desk, a)
    assert states(desk)["101"] is RoomState.AWAITING_DISINFECTION
    with pytest.raises(RoomAwaitingDisinfection):
        stays.admit(desk, person(desk, "Trần Văn Bình"), "F01", "Nhóm B", room="101")
    with pytest.raises(NoBedAvailable):
        stays.admit(desk, person(desk, "Lê Văn Cường"), "F01", "Nhóm C")
    stays.disinfect(desk, "F01", "101", by="Tổ khử khuẩn")
    board = facilities.room_board(desk, "F01")[0]
    assert board.state is RoomState.READY and board.disinfected_by == "Tổ khử khuẩn"
    stays.admit(desk, person(desk, "Võ Văn Dũng"), "F01", "Nhóm B", room="101")


def test_r6_early_release_needs_manager_and_reason(desk, clock):
    facility(desk)
    a = person(desk)
    stays.admit(desk, a, "F01", "Nhóm A", at=AUG1)
    clock.now = datetime(2021, 8, 10, 9)
    with pytest.raises(ReleaseNeedsOverride) as info:
        stays.release(desk, a)
    assert {p.kind for p in info.value.problems} >= {"early", "missing_test"}
    nurse = as_role(desk, Role.MEDICAL)
    with pytest.raises(NotAllowed):
        stays.release(nurse, a, override="Gia đình có việc gấp")
    with pytest.raises(InvalidInput):
        stays.release(desk, a, override="x")
    for empty in ("", "   "):
        with pytest.raises(InvalidInput) as info:
            stays.release(desk, a, override=empty)
        assert (info.value.field, info.value.reason) == ("override", "empty")
        assert describe(info.value) == "Lý do không được để trống."
    assert stays.roster(desk, "F01")[0].person == a
    row = stays.release(desk, a, override="Có quyết định của Ban chỉ đạo huyện")
    assert row.outcome == "released_early"


def test_r6_release_on_time_with_tests_by_medical_staff(desk, clock):
    facility(desk)
    a = person(desk)
    stays.admit(desk, a, "F01", "Nhóm A", at=AUG1)
    clock.now = datetime(2021, 8, 15, 8)
    for day in (1, 7, 14):
        medical.record_test(desk, a, "pcr", "negative", at=AUG1 + timedelta(days=day - 1))
    assert stays.releases_due(desk, "F01")[0].problems == ()
    row = stays.release(as_role(desk, Role.MEDICAL), a)
    assert row.released_at == datetime(2021, 8, 15, 8)


def test_release_worklist_gives_typed_problems(desk, clock):
    facility(desk)
    clock.now = datetime(2021, 8, 15, 8)
    today_ = person(desk, "Trần Văn Hôm", id_number="001085000111")
    tomorrow_ = person(desk, "Lê Thị Mai", sex="F", id_number="001190000222")
    sick = person(desk, "Phạm Văn Ốm", id_number="001085000333")
    later = person(desk, "Võ Văn Sau", id_number="001085000444")
    stays.admit(desk, today_, "F01", "Nhóm A", room="101", at=AUG1)
    stays.admit(desk, tomorrow_, "F01", "Nhóm B", room="102", at=AUG1 + timedelta(days=1))
    stays.admit(desk, sick, "F01", "Nhóm C", room="103", at=AUG1 + timedelta(days=5))
    stays.admit(desk, later, "F01", "Nhóm D", room="104", at=AUG1 + timedelta(days=5))
    for day in (1, 7, 14):
        medical.record_test(desk, today_, "pcr", "negative", at=AUG1 + timedelta(days=day - 1))
    medical.record_test(desk, tomorrow_, "rapid", "negative", at=AUG1 + timedelta(days=1))
    medical.record_test(desk, sick, "pcr", "positive", at=clock.now)

    rows = stays.release_worklist(desk, "F01", date(2021, 8, 15))
    assert [(r.full_name, r.when) for r in rows] == [
        ("Trần Văn Hôm", stays.Leaving.TODAY),
        ("Lê Thị Mai", stays.Leaving.TOMORROW),
        ("Phạm Văn Ốm", stays.Leaving.POSITIVE),
    ]
    assert rows[0].problems == ()
    # Tomorrow's release would be early today, and her day-7 and day-14 tests have no sample yet.
    assert rows[1].problems == (
        ReleaseProblem(ProblemKind.EARLY, day=14, due=date(2021, 8, 16)),
        ReleaseProblem(ProblemKind.MISSING_TEST, day=7, due=date(2021, 8, 8)),
        ReleaseProblem(ProblemKind.MISSING_TEST, day=14, due=date(2021, 8, 15)),
    )
    assert rows[2].problems == (ReleaseProblem(ProblemKind.POSITIVE),) and rows[2].positive
    assert not rows[0].positive and not rows[1].positive
    # The problems are the ones the release itself finds: medical staff release the first, not the second.
    stays.release(as_role(desk, Role.MEDICAL), today_)
    with pytest.raises(ReleaseNeedsOverride) as info:
        stays.release(as_role(desk, Role.MEDICAL), tomorrow_)
    assert {p.kind for p in info.value.problems} == {ProblemKind.EARLY, ProblemKind.MISSING_TEST}
    assert [r.full_name for r in stays.release_worklist(desk, "F01", date(2021, 8, 15))] == [
        "Lê Thị Mai",
        "Phạm Văn Ốm",
    ]


def test_tests_due_list(desk, clock):
    facility(desk)
    a = person(desk)
    stays.admit(desk, a, "F01", "Nhóm A", at=AUG1)
    clock.now = datetime(2021, 8, 7, 9)
    due = medical.tests_due_list(desk, "F01")
    assert [(d.day, d.due) for d in due] == [(1, date(2021, 8, 1)), (7, date(2021, 8, 7))]
    assert due[0].overdue(clock.now.date())
    medical.record_test(desk, a, "rapid", "negative", at=datetime(2021, 8, 7, 8))
    assert [d.day for d in medical.tests_due_list(desk, "F01")] == [1]


def test_inactive_facility_takes_nobody(desk):
    facility(desk)
    facilities.set_facility_active(desk, "F01", False)
    with pytest.raises(FacilityInactive):
        stays.admit(desk, person(desk), "F01", "Nhóm A", at=AUG1)


def test_roster_on_a_day(desk, clock):
    facility(desk)
    a = person(desk, "Nguyễn Văn An")
    b = person(desk, "Trần Văn Bình")
    stays.admit(desk, a, "F01", "Nhóm A", at=AUG1)
    stays.admit(desk, b, "F01", "Nhóm B", at=datetime(2021, 8, 3, 8))
    assert [r.full_name for r in stays.roster(desk, "F01", date(2021, 8, 2))] == ["Nguyễn Văn An"]
    assert [r.full_name for r in stays.roster(desk, "F01", date(2021, 8, 3))] == [
        "Nguyễn Văn An",
        "Trần Văn Bình",
    ]
    assert stays.roster(desk, "F01", date(2021, 7, 31)) == []


def test_viewer_changes_nothing(desk):
    facility(desk)
    pid = person(desk)
    viewer = as_role(desk, Role.VIEWER)
    with pytest.raises(NotAllowed):
        stays.admit(viewer, pid, "F01", "Nhóm A", at=AUG1)
    assert stays.roster(viewer, "F01", AUG1.date()) == []


def test_policy_editor(desk):
    saved = policies.save_policy(
        desk, PolicyProfile(None, "10 ngày thử", date(2022, 1, 1), None, PolicyKind.STANDARD, 10, (1, 10))
    )
    assert saved.id is not None
    assert any(p.name == "10 ngày thử" for p in policies.list_policies(desk))
    with pytest.raises(InvalidInput):
        policies.save_policy(
            desk, PolicyProfile(None, "Sai", date(2022, 1, 1), None, PolicyKind.STANDARD, 7, (9,))
        )
    with pytest.raises(NotAllowed):
        policies.save_policy(as_role(desk, Role.MEDICAL), saved)


def test_time_in_the_future_refused(desk, clock):
    facility(desk)
    with pytest.raises(InvalidInput):
        stays.admit(desk, person(desk), "F01", "Nhóm A", at=clock.now + timedelta(days=3))


def test_roster_read_a_page_at_a_time_is_the_roster_room_by_room(desk, clock):
    """Pages read one after the other, joined, give everyone present once, room by room as the corridors go: zone,
    then room, naturally ("Tầng 2" before "Tầng 10", "P2" before "P10"; rooms whose names sort alike by the order
    they were made in), then bed, also across people of the same name and past empty rooms; nobody who has left.
    The first page counts the whole roster, a later page does not count."""
    facility(desk, rooms="P10", beds=3, zone="Tầng 2")
    facilities.add_rooms(desk, "F01", "Tầng 10", "P1", 3)
    facilities.add_rooms(desk, "F01", "Tầng 2", ["P2", "P02"], 3)
    facilities.add_rooms(desk, "F01", "Tầng 1", "p3", 3)
    facilities.add_rooms(desk, "F01", "Tầng 1", "p4-p20", 3)  # empty rooms: a page reads on past them
    admissions = [
        ("P10", "2", "Trần Văn Bình"),
        ("P10", "1", "Nguyễn Văn An"),
        ("P1", "1", "Nguyễn Văn An"),
        ("P2", "3", "Lê Văn Hòa"),
        ("P2", "1", "Nguyễn Văn An"),
        ("P02", "2", "Đỗ Minh Đức"),
        ("p3", "1", "Phạm Văn Cường"),
    ]
    for number, (room, bed, name) in enumerate(admissions):
        pid = person(desk, name, born=str(1980 + number))
        stays.admit(desk, pid, "F01", "Nhóm A", room=room, bed=bed, at=AUG1)
    left = person(desk, "Vũ Văn Giang")
    stays.admit(desk, left, "F01", "Nhóm A", room="p3", bed="2", at=AUG1)
    stays.release(desk, left, override="Chuyển cách ly tại nhà", at=AUG1 + timedelta(days=1))
    clock.now = AUG1 + timedelta(days=2)
    corridor = [("p3", "1"), ("P2", "1"), ("P2", "3"), ("P02", "2"), ("P10", "1"), ("P10", "2"), ("P1", "1")]
    whole = stays.roster(desk, "F01")
    assert len(whole) == 7
    for limit in (1, 2, 3, 6, 7, 8):
        first = stays.roster_page(desk, "F01", limit=limit)
        assert first.total == 7
        rows, page = list(first.rows), first
        while page.after is not None:
            assert len(page.rows) == limit  # only the last page is short
            page = stays.roster_page(desk, "F01", at=first.moment, after=page.after, limit=limit)
            assert page.total is None and len(page.rows) <= limit
            rows.extend(page.rows)
        assert [(r.room, r.bed) for r in rows] == corridor, limit
        assert sorted(r.stay for r in rows) == sorted(r.stay for r in whole), limit
        assert left not in {r.person for r in rows}
    # A past moment: the one who left is on it, in the room's order, and counted.
    earlier = stays.roster_page(desk, "F01", at=AUG1 + timedelta(hours=1), limit=3)
    assert earlier.total == 8 and earlier.after is not None
    assert [(r.room, r.bed) for r in earlier.rows] == [("p3", "1"), ("p3", "2"), ("P2", "1")]
    assert earlier.rows[1].person == left
