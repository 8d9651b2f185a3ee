"""One truth about a stay, as pure rules: present at a moment, the report's moment, R2 by day, R9, policy copies."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from quarantine_desk.domain.cohorts import CohortKind, check_joins_cohort, parse_kind, parse_source
from quarantine_desk.domain.errors import ChildAlone, CohortDayConflict, InvalidInput, RoomCohortConflict
from quarantine_desk.domain.people import Sex
from quarantine_desk.domain.placement import choose_beds
from quarantine_desk.domain.policy import PolicyKind, PolicyProfile, planned_release
from quarantine_desk.domain.rooms import (
    Arrival,
    BedSnapshot,
    Occupant,
    RoomSex,
    RoomSnapshot,
    check_admission,
    fitting_rooms,
)
from quarantine_desk.domain.stays import (
    StayPolicy,
    days_stayed,
    end_of_day,
    is_child,
    is_present,
    report_moment,
    roster_moment,
)

M, F = Sex.MALE, Sex.FEMALE
D = date(2021, 12, 1)
NOV24 = date(2021, 11, 24)


# --- present at a moment -----------------------------------------------------------------------------------------


def test_release_at_eight_is_present_at_seven_fifty_nine_and_gone_at_the_end_of_the_day() -> None:
    admitted = datetime(2021, 11, 17, 9, 0)
    released = datetime(2021, 12, 1, 8, 0)
    assert is_present(admitted, released, datetime(2021, 12, 1, 7, 59))
    assert not is_present(admitted, released, datetime(2021, 12, 1, 8, 0))
    assert not is_present(admitted, released, end_of_day(D))


def test_admission_counts_from_its_own_second() -> None:
    admitted = datetime(2021, 12, 1, 15, 59)
    assert not is_present(admitted, None, datetime(2021, 12, 1, 15, 58, 59))
    assert is_present(admitted, None, datetime(2021, 12, 1, 15, 59))
    assert is_present(admitted, None, end_of_day(D))


def test_roster_of_today_is_now_and_of_another_day_its_end() -> None:
    now = datetime(2021, 12, 1, 13, 9)
    assert roster_moment(None, now) == now
    assert roster_moment(D, now) == now
    assert roster_moment(date(2021, 11, 30), now) == datetime(2021, 11, 30, 23, 59, 59)


def test_report_is_taken_at_sixteen_or_when_made_if_earlier() -> None:
    on_time = report_moment(D, datetime(2021, 12, 1, 17, 30))
    assert (on_time.at, on_time.since, on_time.early) == (
        datetime(2021, 12, 1, 16, 0),
        datetime(2021, 11, 30, 16, 0),
        False,
    )
    early = report_moment(D, datetime(2021, 12, 1, 13, 9, 12, 5000))
    assert (early.at, early.early) == (datetime(2021, 12, 1, 13, 9, 12), True)
    past = report_moment(date(2021, 11, 20), datetime(2021, 12, 1, 9, 0))
    assert (past.at, past.early) == (datetime(2021, 11, 20, 16, 0), False)


def test_admissions_at_15_59_and_16_01_fall_either_side_of_the_report() -> None:
    moment = report_moment(D, datetime(2021, 12, 1, 18, 0))
    assert is_present(datetime(2021, 12, 1, 15, 59), None, moment.at)
    assert not is_present(datetime(2021, 12, 1, 16, 1), None, moment.at)


def test_days_stayed_counts_the_real_days() -> None:
    assert days_stayed(datetime(2021, 11, 24, 9, 0), datetime(2021, 11, 29, 8, 0)) == 5
    assert days_stayed(datetime(2021, 11, 24, 9, 0), datetime(2021, 11, 24, 18, 0)) == 1


# --- children (R9) -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "born", "child"),
    [
        (None, date(2014, 5, 1), True),
        (None, date(2005, 12, 1), False),  # 16 on the day itself
        (None, date(2005, 12, 2), True),  # 16 tomorrow
        (2006, None, True),
        (2005, None, False),
        (None, None, False),
    ],
)
def test_child_is_under_sixteen_on_the_admission_day(
    year: int | None, born: date | None, child: bool
) -> None:
    assert is_child(year, born, D) is child


# --- rooms: R2 by day and R9 ---------------------------------------------------------------------------------------


def _room(*occupants: Occupant, beds: int = 4, room_id: int = 1, sex: RoomSex = RoomSex.ANY) -> RoomSnapshot:
    return RoomSnapshot(
        room_id,
        "A",
        str(100 + room_id),
        sex,
        True,
        False,
        False,
        tuple(
            BedSnapshot(room_id * 10 + n, str(n), True, occupants[n] if n < len(occupants) else None)
            for n in range(beds)
        ),
        "Nhóm A 24/11" if occupants else None,
    )


def test_a_later_day_never_joins_a_room_that_started_earlier() -> None:
    room = _room(Occupant(1, M, None, 7, NOV24))
    late = Arrival(2, M, None, D)
    with pytest.raises(RoomCohortConflict) as info:
        check_admission(room, late, 7, "Nhóm A 24/11", None)
    assert (info.value.room_day, info.value.person_day) == ("2021-11-24", "2021-12-01")
    # The same day is welcome; a manager may accept the late arrival as a contact (the caller restarts the room).
    assert check_admission(room, Arrival(3, M, None, NOV24), 7, "Nhóm A 24/11", None).bed_id == 11
    assert check_admission(room, late, 8, "Nhóm B", None, as_contact=True).bed_id == 11


def test_fitting_rooms_and_the_automatic_choice_never_offer_an_earlier_room() -> None:
    earlier = _room(Occupant(1, M, None, 7, NOV24), room_id=1)
    empty = _room(room_id=2)
    late = Arrival(2, M, None, D)
    assert [o.room for o in fitting_rooms([earlier, empty], late, 7, "Nhóm A")] == ["102"]
    plan = choose_beds([earlier, empty], [late], 7, "Nhóm A")
    assert [a.room_id for a in plan] == [2]


def test_a_child_is_never_placed_alone() -> None:
    child = Arrival(5, M, None, D, child=True)
    with pytest.raises(ChildAlone) as info:
        check_admission(_room(), child, 1, "Nhóm", None)
    assert (info.value.reason, info.value.rule) == ("no_household", "R9")
    with_household = Arrival(5, M, 40, D, child=True)
    with pytest.raises(ChildAlone) as info:
        check_admission(_room(), with_household, 1, "Nhóm", None)
    assert info.value.reason == "no_adult"
    # Another household's adult, or a sibling who is a child too, is not enough.
    with pytest.raises(ChildAlone):
        check_admission(_room(Occupant(1, M, 41, 1, D)), with_household, 1, "Nhóm", None)
    with pytest.raises(ChildAlone):
        check_admission(_room(Occupant(1, M, 40, 1, D, child=True)), with_household, 1, "Nhóm", None)
    assert check_admission(_room(Occupant(1, F, 40, 1, D)), with_household, 1, "Nhóm", None).bed_id == 11


def test_the_automatic_choice_keeps_a_child_with_the_household_adult() -> None:
    small = _room(beds=1, room_id=1)
    big = _room(beds=3, room_id=2)
    family = [Arrival(9, M, 40, D, child=True), Arrival(10, F, 40, D)]
    plan = {a.person_id: a.room_id for a in choose_beds([small, big], family, 1, "Nhóm")}
    assert plan == {9: 2, 10: 2}
    # Split over single-bed rooms: the child would be alone, so there is no plan.
    with pytest.raises(Exception, match="no_bed_available"):
        choose_beds([_room(beds=1, room_id=1), _room(beds=1, room_id=2)], family, 1, "Nhóm")


# --- cohorts -------------------------------------------------------------------------------------------------------


def test_a_cohort_is_joined_only_on_its_day() -> None:
    check_joins_cohort("Nhóm A", None, D)
    check_joins_cohort("Nhóm A", D, D)
    with pytest.raises(CohortDayConflict) as info:
        check_joins_cohort("Nhóm A 24/11", NOV24, D)
    assert (info.value.cohort_day, info.value.admitted_on, info.value.rule) == (
        "2021-11-24",
        "2021-12-01",
        "R2",
    )


def test_cohort_kind_and_source() -> None:
    assert parse_kind("F1") is CohortKind.F1_CONTACT
    assert parse_kind("returnee") is CohortKind.RETURNEE
    assert parse_kind(None) is CohortKind.OTHER
    with pytest.raises(InvalidInput):
        parse_kind("tourist")
    assert parse_source("  VN123  ") == "VN123"
    with pytest.raises(InvalidInput):
        parse_source("x" * 201)


# --- the policy a stay keeps ---------------------------------------------------------------------------------------


def test_a_stay_keeps_its_copy_of_the_policy() -> None:
    fourteen = PolicyProfile(3, "14 ngày", date(2021, 7, 14), None, PolicyKind.STANDARD, 14, (1, 7, 14), 2)
    kept = StayPolicy.of(fourteen)
    assert (kept.name, kept.version, kept.days) == ("14 ngày", 2, 14)
    seven = PolicyProfile(3, "7 ngày", date(2021, 7, 14), None, PolicyKind.STANDARD, 7, (1, 7), 3)
    assert kept.differs_from(seven)
    assert not kept.differs_from(fourteen)
    assert planned_release(NOV24, kept) == date(2021, 12, 8)
