"""Automatic bed choice: examples of households, cohorts and the fewest rooms."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from quarantine_desk.domain.errors import NoBedAvailable
from quarantine_desk.domain.people import Sex
from quarantine_desk.domain.placement import Assignment, Reason, choose_beds
from quarantine_desk.domain.rooms import Arrival, BedSnapshot, Occupant, RoomSex, RoomSnapshot

M, F = Sex.MALE, Sex.FEMALE
COHORT, OTHER = 1, 2
NAME = "Đợt 1"


def room(
    room_id: int,
    beds: int,
    *occupants: Occupant,
    sex: RoomSex = RoomSex.ANY,
    zone: str = "A",
    closed: bool = False,
    in_service: bool = True,
    needs_disinfection: bool = False,
    beds_out: tuple[int, ...] = (),
) -> RoomSnapshot:
    """Room ``P<room_id>`` with beds labelled 1…n (bed ids room_id*100 + n), the first ones taken."""
    return RoomSnapshot(
        room_id,
        zone,
        f"P{room_id}",
        sex,
        in_service,
        closed,
        needs_disinfection,
        tuple(
            BedSnapshot(
                room_id * 100 + n,
                str(n),
                n not in beds_out,
                occupants[n - 1] if n <= len(occupants) else None,
            )
            for n in range(1, beds + 1)
        ),
        "Đợt 0" if occupants else None,
    )


def occ(person_id: int, sex: Sex = M, household: int | None = None, cohort: int = COHORT) -> Occupant:
    return Occupant(person_id, sex, household, cohort)


def people(sexes: str, first_id: int = 1, household: int | None = None) -> list[Arrival]:
    """Arrivals from a string of sexes: people("MMF") is two men and a woman."""
    return [Arrival(first_id + i, Sex(s), household) for i, s in enumerate(sexes)]


def rooms_used(plan: tuple[Assignment, ...]) -> Counter[int]:
    return Counter(a.room_id for a in plan)


def by_person(plan: tuple[Assignment, ...]) -> dict[int, Assignment]:
    return {a.person_id: a for a in plan}


# --- the examples of the brief ---------------------------------------------------------------------------------


def test_family_of_four_goes_into_one_any_room() -> None:
    rooms = [room(1, 4, sex=RoomSex.MALE), room(2, 4, sex=RoomSex.FEMALE), room(3, 4), room(4, 6)]
    family = people("MFMF", household=7)
    plan = choose_beds(rooms, family, COHORT, NAME)
    assert rooms_used(plan) == Counter({3: 4})  # the 4-bed "any" room fits best
    assert {a.reason for a in plan} == {Reason.KEEPS_HOUSEHOLD}
    assert sorted(a.bed_id for a in plan) == [301, 302, 303, 304]


def test_cohort_of_ten_men_fills_its_room_first() -> None:
    existing = room(5, 8, occ(1), occ(2), sex=RoomSex.MALE, zone="Z")
    rooms = [room(1, 8), room(2, 4, sex=RoomSex.MALE), room(3, 6), existing]
    plan = choose_beds(rooms, people("M" * 10, first_id=10), COHORT, NAME)
    assert rooms_used(plan) == Counter({5: 6, 2: 4})  # the 4 left over fit the 4-bed room exactly
    assert [a.reason for a in plan if a.room_id == 5] == [Reason.FILLS_COHORT_ROOM] * 6
    assert [a.reason for a in plan if a.room_id == 2][0] is Reason.OPENS_ROOM


def test_second_cohort_never_enters_a_room_of_the_first() -> None:
    first = room(1, 8, occ(1, cohort=COHORT))
    rooms = [first, room(2, 2)]
    plan = choose_beds(rooms, people("MM", first_id=10), OTHER, "Đợt 2")
    assert rooms_used(plan) == Counter({2: 2})
    with pytest.raises(NoBedAvailable) as exc:
        choose_beds(rooms, people("MMM", first_id=10), OTHER, "Đợt 2")
    assert (exc.value.cohort, exc.value.arrivals, exc.value.facility) == ("Đợt 2", 3, "")


# --- rules never broken ----------------------------------------------------------------------------------------


def test_unusable_rooms_and_beds_are_skipped() -> None:
    rooms = [
        room(1, 4, closed=True),
        room(2, 4, in_service=False),
        room(3, 4, needs_disinfection=True),
        room(4, 4, beds_out=(1, 2, 3)),
    ]
    plan = choose_beds(rooms, people("F"), COHORT, NAME)
    assert plan == (Assignment(1, 4, 404, Reason.OPENS_ROOM),)
    with pytest.raises(NoBedAvailable):
        choose_beds(rooms, people("FF"), COHORT, NAME)


def test_nothing_partial_when_one_arrival_has_no_bed() -> None:
    rooms = [room(1, 3, sex=RoomSex.MALE), room(2, 3, sex=RoomSex.FEMALE)]
    assert len(choose_beds(rooms, people("MMMFFF"), COHORT, NAME)) == 6
    with pytest.raises(NoBedAvailable) as exc:
        choose_beds(rooms, people("MMMMFF"), COHORT, NAME)
    assert exc.value.arrivals == 6
    assert exc.value.rule == "R7"


def test_sexes_kept_apart_outside_households() -> None:
    plan = choose_beds([room(1, 8), room(2, 8)], people("MFMF"), COHORT, NAME)
    placed = by_person(plan)
    assert placed[1].room_id == placed[3].room_id
    assert placed[2].room_id == placed[4].room_id
    assert placed[1].room_id != placed[2].room_id


def test_sex_rule_of_rooms_honoured() -> None:
    rooms = [room(1, 4, sex=RoomSex.FEMALE), room(2, 4, sex=RoomSex.MALE)]
    placed = by_person(choose_beds(rooms, people("MF"), COHORT, NAME))
    assert placed[1].room_id == 2
    assert placed[2].room_id == 1


def test_mixed_household_does_not_join_a_room_with_others() -> None:
    # Room 1 holds a man of the cohort: the family cannot join him, it takes the empty "any" room.
    rooms = [room(1, 8, occ(50)), room(2, 3)]
    plan = choose_beds(rooms, people("MF", household=3), COHORT, NAME)
    assert rooms_used(plan) == Counter({2: 2})


def test_single_man_does_not_join_a_mixed_household() -> None:
    rooms = [room(1, 8, occ(50, M, household=3), occ(51, F, household=3)), room(2, 1)]
    assert rooms_used(choose_beds(rooms, people("M"), COHORT, NAME)) == Counter({2: 1})


def test_household_joins_its_members_already_there() -> None:
    rooms = [room(1, 4, occ(50, F)), room(2, 4, occ(51, F, household=9))]
    plan = choose_beds(rooms, people("F", household=9), COHORT, NAME)
    assert plan == (Assignment(1, 2, 202, Reason.KEEPS_HOUSEHOLD),)


def test_mixed_household_joins_its_members_in_an_any_room() -> None:
    rooms = [room(1, 6), room(2, 4, occ(51, F, household=9))]
    plan = choose_beds(rooms, people("MM", household=9), COHORT, NAME)
    assert rooms_used(plan) == Counter({2: 2})


# --- households ------------------------------------------------------------------------------------------------


def test_household_kept_together_over_a_tighter_fit() -> None:
    rooms = [room(1, 2), room(2, 2), room(3, 3)]
    plan = choose_beds(rooms, people("MMM", household=4), COHORT, NAME)
    assert rooms_used(plan) == Counter({3: 3})


def test_household_too_big_for_any_room_is_split() -> None:
    rooms = [room(1, 4, sex=RoomSex.MALE), room(2, 4, sex=RoomSex.MALE)]
    plan = choose_beds(rooms, people("MMMMMM", household=4), COHORT, NAME)
    assert {a.reason for a in plan} == {Reason.SPLITS_HOUSEHOLD}
    assert sorted(rooms_used(plan).values()) == [2, 4]  # as few pieces as possible


def test_mixed_household_split_by_sex_without_an_any_room() -> None:
    rooms = [room(1, 4, sex=RoomSex.MALE), room(2, 4, sex=RoomSex.FEMALE)]
    plan = choose_beds(rooms, people("MFFM", household=2), COHORT, NAME)
    placed = by_person(plan)
    assert {placed[1].room_id, placed[4].room_id} == {1}
    assert {placed[2].room_id, placed[3].room_id} == {2}
    assert {a.reason for a in plan} == {Reason.SPLITS_HOUSEHOLD}


def test_mixed_households_get_any_rooms_before_single_sex_groups() -> None:
    # Only room 2 takes both sexes; the men, listed first, must not take it.
    rooms = [room(1, 3, sex=RoomSex.MALE), room(2, 3)]
    arrivals = people("MMM", first_id=1) + people("MF", first_id=10, household=5)
    plan = choose_beds(rooms, arrivals, COHORT, NAME)
    placed = by_person(plan)
    assert placed[10].room_id == placed[11].room_id == 2
    assert {placed[i].room_id for i in (1, 2, 3)} == {1}


def test_two_households_of_one_sex_share_a_room() -> None:
    rooms = [room(1, 4), room(2, 4)]
    arrivals = people("FF", first_id=1, household=1) + people("FF", first_id=3, household=2)
    plan = choose_beds(rooms, arrivals, COHORT, NAME)
    assert rooms_used(plan) == Counter({1: 4})


# --- the fewest rooms ------------------------------------------------------------------------------------------


def test_opens_the_room_that_fits_everyone() -> None:
    rooms = [room(1, 2), room(2, 4), room(3, 8), room(4, 6)]
    plan = choose_beds(rooms, people("FFFFFF"), COHORT, NAME)
    assert rooms_used(plan) == Counter({4: 6})


def test_opens_the_largest_room_when_none_fits_everyone() -> None:
    rooms = [room(1, 4), room(2, 4), room(3, 8), room(4, 3)]
    plan = choose_beds(rooms, people("M" * 10), COHORT, NAME)
    assert len(rooms_used(plan)) == 2
    assert rooms_used(plan)[3] == 8


def test_prefers_single_sex_rooms_over_any_rooms_for_one_sex() -> None:
    rooms = [room(1, 4), room(2, 4, sex=RoomSex.MALE)]
    assert rooms_used(choose_beds(rooms, people("MM"), COHORT, NAME)) == Counter({2: 2})


def test_beds_taken_in_label_order() -> None:
    plan = choose_beds([room(1, 4, occ(50))], people("MM"), COHORT, NAME)
    assert [a.bed_id for a in plan] == [102, 103]


# --- determinism -----------------------------------------------------------------------------------------------


def test_same_plan_whatever_the_order_of_rooms_and_arrivals() -> None:
    rooms = [
        room(1, 4, occ(50, F), zone="B"),
        room(2, 6, zone="A"),
        room(3, 2, sex=RoomSex.MALE, zone="A"),
        room(4, 5, occ(60, M, cohort=OTHER)),
        room(5, 3, zone="C"),
        room(6, 6, zone="B"),
    ]
    arrivals = people("MMFMF", first_id=1) + people("MF", first_id=20, household=3) + people("MM", 30, 4)
    expected = choose_beds(rooms, arrivals, COHORT, NAME)
    shuffler = random.Random(11)
    for _ in range(20):
        shuffled_rooms, shuffled_arrivals = rooms[:], arrivals[:]
        shuffler.shuffle(shuffled_rooms)
        shuffler.shuffle(shuffled_arrivals)
        assert choose_beds(shuffled_rooms, shuffled_arrivals, COHORT, NAME) == expected


def test_no_arrivals_no_assignments() -> None:
    assert choose_beds([room(1, 4)], [], COHORT, NAME) == ()
    assert choose_beds([], [], COHORT, NAME) == ()


def test_no_rooms() -> None:
    with pytest.raises(NoBedAvailable):
        choose_beds([], people("M"), COHORT, NAME)


def test_men_leave_the_any_room_to_the_women_who_need_it() -> None:
    # The 2-bed "any" room fits the two men exactly, but the women have no other room.
    rooms = [room(1, 4, sex=RoomSex.MALE), room(2, 2)]
    plan = choose_beds(rooms, people("MFMF"), COHORT, NAME)
    placed = by_person(plan)
    assert {placed[1].room_id, placed[3].room_id} == {1}
    assert {placed[2].room_id, placed[4].room_id} == {2}


def test_any_room_taken_when_the_other_sex_has_its_own_rooms() -> None:
    # The women have their room; the men take the "any" room that fits them exactly rather than open 4 beds.
    rooms = [room(1, 4, sex=RoomSex.MALE), room(2, 2), room(3, 2, sex=RoomSex.FEMALE)]
    plan = choose_beds(rooms, people("MFMF"), COHORT, NAME)
    assert rooms_used(plan) == Counter({2: 2, 3: 2})
