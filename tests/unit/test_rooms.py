"""Room snapshots and the admission check: R1 beds, R2 cohorts, R3 sexes, R4 disinfection, R5 closed rooms."""

from __future__ import annotations

from dataclasses import replace

import pytest

from quarantine_desk.domain.errors import (
    BedTaken,
    RoomAwaitingDisinfection,
    RoomClosed,
    RoomCohortConflict,
    RoomOption,
    RoomOutOfService,
    RoomSexConflict,
)
from quarantine_desk.domain.people import Sex
from quarantine_desk.domain.rooms import (
    Arrival,
    BedSnapshot,
    Occupant,
    RoomSex,
    RoomSnapshot,
    RoomState,
    check_admission,
    fitting_rooms,
    natural_key,
    near_full,
    percent_used,
    with_occupant,
)

M, F = Sex.MALE, Sex.FEMALE
COHORT, OTHER = 1, 2


def occ(person_id: int, sex: Sex = M, household: int | None = None, cohort: int = COHORT) -> Occupant:
    return Occupant(person_id, sex, household, cohort)


def room(
    room_id: int = 1,
    *occupants: Occupant | None,
    beds: int = 4,
    sex: RoomSex = RoomSex.ANY,
    zone: str = "A",
    name: str | None = None,
    in_service: bool = True,
    closed: bool = False,
    needs_disinfection: bool = False,
    beds_out: tuple[int, ...] = (),
    cohort_name: str | None = None,
) -> RoomSnapshot:
    """A room with ``beds`` beds labelled 1…n (bed ids room_id*100 + n), the first ones taken by ``occupants``."""
    snapshot_beds = tuple(
        BedSnapshot(
            room_id * 100 + n,
            str(n),
            n not in beds_out,
            occupants[n - 1] if n - 1 < len(occupants) else None,
        )
        for n in range(1, beds + 1)
    )
    has_people = any(o is not None for o in occupants)
    return RoomSnapshot(
        room_id,
        zone,
        name or f"P{room_id}",
        sex,
        in_service,
        closed,
        needs_disinfection,
        snapshot_beds,
        cohort_name if cohort_name is not None else ("Đợt 1" if has_people else None),
    )


def arrival(person_id: int = 100, sex: Sex = M, household: int | None = None) -> Arrival:
    return Arrival(person_id, sex, household)


def admit(r: RoomSnapshot, a: Arrival, bed_id: int | None = None, cohort: int = COHORT) -> BedSnapshot:
    return check_admission(r, a, cohort, "Đợt 1" if cohort == COHORT else "Đợt 2", bed_id)


# --- snapshot properties ---------------------------------------------------------------------------------------


def test_occupants_and_free_beds() -> None:
    r = room(1, occ(1), None, occ(3), beds=5, beds_out=(4,))
    assert [o.person_id for o in r.occupants] == [1, 3]
    assert [b.label for b in r.free_beds] == ["2", "5"]
    assert r.cohort_id == COHORT


def test_free_beds_in_natural_label_order() -> None:
    beds = tuple(BedSnapshot(i, label, True, None) for i, label in enumerate(["10", "2", "1", "B", "a"]))
    r = RoomSnapshot(1, "A", "P1", RoomSex.ANY, True, False, False, beds)
    assert [b.label for b in r.free_beds] == ["1", "2", "10", "a", "B"]


def test_empty_room_has_no_cohort() -> None:
    assert room(1).cohort_id is None


@pytest.mark.parametrize(
    ("kwargs", "occupied", "expected"),
    [
        ({}, False, RoomState.READY),
        ({}, True, RoomState.OCCUPIED),
        ({"needs_disinfection": True}, False, RoomState.AWAITING_DISINFECTION),
        ({"needs_disinfection": True}, True, RoomState.OCCUPIED),
        ({"closed": True}, True, RoomState.CLOSED),
        ({"closed": True}, False, RoomState.CLOSED),
        ({"closed": True, "needs_disinfection": True}, False, RoomState.CLOSED),
        ({"in_service": False}, False, RoomState.OUT_OF_SERVICE),
        ({"in_service": False, "closed": True}, True, RoomState.OUT_OF_SERVICE),
    ],
)
def test_state_precedence(kwargs: dict[str, bool], occupied: bool, expected: RoomState) -> None:
    occupants = (occ(1),) if occupied else ()
    assert room(1, *occupants, **kwargs).state is expected  # type: ignore[arg-type]


def test_state_values_match_the_command_line() -> None:
    assert {s.value for s in RoomState} == {
        "ready",
        "occupied",
        "closed",
        "awaiting_disinfection",
        "out_of_service",
    }
    assert [s.value for s in RoomSex] == ["M", "F", "any"]


def test_room_whose_beds_are_all_out_of_service_has_no_free_bed() -> None:
    assert room(1, beds=2, beds_out=(1, 2)).free_beds == ()


# --- check_admission: the bed ----------------------------------------------------------------------------------


def test_first_free_bed_by_label() -> None:
    r = room(1, occ(1), None, beds=3)
    assert admit(r, arrival()).bed_id == 102


def test_chosen_bed() -> None:
    assert admit(room(1), arrival(), bed_id=103).label == "3"


def test_bed_taken() -> None:
    r = room(1, occ(1))
    with pytest.raises(BedTaken) as exc:
        admit(r, arrival(), bed_id=101)
    assert (exc.value.room, exc.value.bed, exc.value.rule) == ("P1", "1", "R1")


def test_bed_out_of_service() -> None:
    with pytest.raises(BedTaken) as exc:
        admit(room(1, beds_out=(2,)), arrival(), bed_id=102)
    assert exc.value.bed == "2"


def test_bed_of_another_room() -> None:
    with pytest.raises(BedTaken) as exc:
        admit(room(1), arrival(), bed_id=201)
    assert exc.value.room == "P1"
    assert exc.value.bed == "201"


def test_full_room() -> None:
    r = room(1, occ(1), occ(2), beds=2)
    with pytest.raises(BedTaken) as exc:
        admit(r, arrival())
    assert exc.value.bed == ""


def test_full_room_by_beds_out_of_service() -> None:
    with pytest.raises(BedTaken):
        admit(room(1, occ(1), beds=3, beds_out=(2, 3)), arrival())


# --- check_admission: room state (R4, R5) ----------------------------------------------------------------------


def test_out_of_service_room() -> None:
    with pytest.raises(RoomOutOfService) as exc:
        admit(room(1, in_service=False), arrival())
    assert exc.value.room == "P1"


def test_closed_room_refuses_even_its_own_cohort() -> None:
    with pytest.raises(RoomClosed) as exc:
        admit(room(1, occ(1), closed=True), arrival())
    assert exc.value.rule == "R5"


def test_empty_room_awaiting_disinfection() -> None:
    with pytest.raises(RoomAwaitingDisinfection) as exc:
        admit(room(1, needs_disinfection=True), arrival())
    assert exc.value.rule == "R4"


def test_occupied_room_flagged_for_disinfection_still_takes_its_cohort() -> None:
    r = room(1, occ(1), needs_disinfection=True)
    assert admit(r, arrival()).bed_id == 102


def test_out_of_service_comes_before_closed() -> None:
    with pytest.raises(RoomOutOfService):
        admit(room(1, in_service=False, closed=True, needs_disinfection=True), arrival())


# --- check_admission: cohorts (R2) -----------------------------------------------------------------------------


def test_other_cohort_refused_with_names() -> None:
    r = room(1, occ(1, cohort=OTHER), cohort_name="Đợt 2 – Chợ Bình Điền")
    with pytest.raises(RoomCohortConflict) as exc:
        check_admission(r, arrival(), COHORT, "Đợt 1 – KCN Tân Bình", None)
    assert exc.value.room == "P1"
    assert exc.value.room_cohort == "Đợt 2 – Chợ Bình Điền"
    assert exc.value.person_cohort == "Đợt 1 – KCN Tân Bình"
    assert exc.value.rule == "R2"


def test_other_cohort_refused_without_a_known_name() -> None:
    r = replace(room(1, occ(1, cohort=OTHER)), cohort_name=None)
    with pytest.raises(RoomCohortConflict) as exc:
        admit(r, arrival())
    assert exc.value.room_cohort == ""


def test_cohort_conflict_even_for_the_same_household() -> None:
    r = room(1, occ(1, household=7, cohort=OTHER))
    with pytest.raises(RoomCohortConflict):
        admit(r, arrival(household=7))


def test_cohort_conflict_comes_before_a_full_room() -> None:
    with pytest.raises(RoomCohortConflict):
        admit(room(1, occ(1, cohort=OTHER), beds=1), arrival())


def test_any_occupant_of_another_cohort_is_a_conflict() -> None:
    # A room that already broke R2 (data from before the rule) takes no one of either cohort.
    r = room(1, occ(1), occ(2, cohort=OTHER))
    with pytest.raises(RoomCohortConflict):
        admit(r, arrival())


def test_empty_room_takes_any_cohort() -> None:
    assert admit(room(1), arrival(), cohort=OTHER).bed_id == 101


# --- check_admission: sexes (R3) -------------------------------------------------------------------------------


@pytest.mark.parametrize(("rule", "sex"), [(RoomSex.MALE, F), (RoomSex.FEMALE, M)])
def test_sex_rule_of_the_room(rule: RoomSex, sex: Sex) -> None:
    with pytest.raises(RoomSexConflict) as exc:
        admit(room(1, sex=rule), arrival(sex=sex))
    assert exc.value.room_sex == rule.value
    assert exc.value.person_sex == sex.value
    assert exc.value.rule == "R3"


@pytest.mark.parametrize(("rule", "sex"), [(RoomSex.MALE, M), (RoomSex.FEMALE, F)])
def test_sex_rule_allows_its_sex(rule: RoomSex, sex: Sex) -> None:
    assert admit(room(1, sex=rule), arrival(sex=sex)).bed_id == 101


def test_household_exception_does_not_override_a_sex_rule() -> None:
    r = room(1, occ(1, M, household=5), sex=RoomSex.MALE)
    with pytest.raises(RoomSexConflict):
        admit(r, arrival(sex=F, household=5))


def test_any_room_follows_its_occupants() -> None:
    men = room(1, occ(1, M))
    assert admit(men, arrival(sex=M)).bed_id == 102
    with pytest.raises(RoomSexConflict) as exc:
        admit(men, arrival(sex=F))
    assert exc.value.room_sex == "M"


def test_empty_any_room_takes_either_sex() -> None:
    assert admit(room(1), arrival(sex=F)).bed_id == 101
    assert admit(room(1), arrival(sex=M)).bed_id == 101


def test_household_of_both_sexes_shares_an_any_room() -> None:
    r = room(1, occ(1, M, household=5), occ(2, F, household=5))
    assert admit(r, arrival(sex=F, household=5)).bed_id == 103
    assert admit(r, arrival(sex=M, household=5)).bed_id == 103


def test_household_room_refuses_outsiders_of_either_sex() -> None:
    r = room(1, occ(1, M, household=5), occ(2, F, household=5))
    for sex in (M, F):
        with pytest.raises(RoomSexConflict) as exc:
            admit(r, arrival(sex=sex, household=6))
        assert exc.value.room_sex == "household"
        with pytest.raises(RoomSexConflict):
            admit(r, arrival(sex=sex))


def test_woman_of_the_household_cannot_join_when_an_outsider_is_there() -> None:
    r = room(1, occ(1, M, household=5), occ(2, M, household=None))
    with pytest.raises(RoomSexConflict):
        admit(r, arrival(sex=F, household=5))


def test_single_sex_room_takes_strangers_of_that_sex() -> None:
    r = room(1, occ(1, F, household=5), occ(2, F, household=9))
    assert admit(r, arrival(sex=F)).bed_id == 103


def test_household_without_an_id_is_no_household() -> None:
    r = room(1, occ(1, M, household=None))
    with pytest.raises(RoomSexConflict):
        admit(r, arrival(sex=F, household=None))


def test_sex_conflict_comes_before_bed_checks() -> None:
    with pytest.raises(RoomSexConflict):
        admit(room(1, occ(1, M), beds=1), arrival(sex=F))


# --- options are passed through --------------------------------------------------------------------------------

OPTIONS = (RoomOption("P9", "B", 3),)


@pytest.mark.parametrize(
    ("r", "a", "bed_id", "error"),
    [
        (room(1, in_service=False), arrival(), None, RoomOutOfService),
        (room(1, closed=True), arrival(), None, RoomClosed),
        (room(1, needs_disinfection=True), arrival(), None, RoomAwaitingDisinfection),
        (room(1, occ(1, cohort=OTHER)), arrival(), None, RoomCohortConflict),
        (room(1, sex=RoomSex.FEMALE), arrival(sex=M), None, RoomSexConflict),
        (room(1, occ(1)), arrival(), 101, BedTaken),
        (room(1, occ(1), beds=1), arrival(), None, BedTaken),
    ],
)
def test_options_travel_with_every_refusal(
    r: RoomSnapshot,
    a: Arrival,
    bed_id: int | None,
    error: type[RoomOutOfService],
) -> None:
    with pytest.raises(error) as exc:
        check_admission(r, a, COHORT, "Đợt 1", bed_id, OPTIONS)
    assert exc.value.options == OPTIONS


# --- fitting_rooms ---------------------------------------------------------------------------------------------


def test_fitting_rooms_cohort_rooms_first_then_zone_and_name() -> None:
    rooms = [
        room(1, zone="B", name="P1"),
        room(2, zone="A", name="P10"),
        room(3, zone="A", name="P2"),
        room(4, occ(40), zone="C", name="P1", beds=3),
        room(5, occ(50, cohort=OTHER), zone="A", name="P0"),
        room(6, zone="A", name="P3", closed=True),
        room(7, zone="A", name="P4", sex=RoomSex.FEMALE),
    ]
    options = fitting_rooms(rooms, arrival(sex=M), COHORT, "Đợt 1")
    assert options == (
        RoomOption("P1", "C", 2),
        RoomOption("P2", "A", 4),
        RoomOption("P10", "A", 4),
        RoomOption("P1", "B", 4),
    )


def test_fitting_rooms_limit() -> None:
    rooms = [room(i) for i in range(1, 10)]
    assert len(fitting_rooms(rooms, arrival(), COHORT, "Đợt 1")) == 5
    assert len(fitting_rooms(rooms, arrival(), COHORT, "Đợt 1", limit=2)) == 2
    assert fitting_rooms(rooms, arrival(), COHORT, "Đợt 1", limit=0) == ()


def test_fitting_rooms_empty_when_nothing_fits() -> None:
    rooms = [room(1, occ(1), beds=1), room(2, needs_disinfection=True), room(3, in_service=False)]
    assert fitting_rooms(rooms, arrival(), COHORT, "Đợt 1") == ()


def test_fitting_rooms_agree_with_check_admission() -> None:
    rooms = [
        room(1, occ(1, F, household=3), sex=RoomSex.ANY),
        room(2, occ(2, M), sex=RoomSex.MALE),
        room(3, sex=RoomSex.FEMALE),
        room(4, occ(4, M, household=3), occ(5, F, household=3)),
    ]
    for a in (arrival(sex=M), arrival(sex=F), arrival(sex=M, household=3), arrival(sex=F, household=3)):
        names = {o.room for o in fitting_rooms(rooms, a, COHORT, "Đợt 1", limit=10)}
        admitted: set[str] = set()
        for r in rooms:
            try:
                admit(r, a)
            except (RoomSexConflict, RoomCohortConflict, BedTaken):
                continue
            admitted.add(r.name)
        assert names == admitted


# --- helpers ---------------------------------------------------------------------------------------------------


def test_with_occupant_takes_the_bed_and_names_the_cohort() -> None:
    r = with_occupant(room(1), 102, occ(9, F), "Đợt 3")
    assert r.beds[1].occupant == occ(9, F)
    assert r.cohort_name == "Đợt 3"
    assert r.state is RoomState.OCCUPIED
    again = with_occupant(r, 103, occ(10, F), "other")
    assert again.cohort_name == "Đợt 3"


def test_natural_key() -> None:
    assert sorted(["P10", "P2", "p1", "P1a", "B"], key=natural_key) == ["B", "p1", "P1a", "P2", "P10"]


@pytest.mark.parametrize(
    ("occupied", "beds", "expected"),
    [
        (9, 10, True),
        (8, 10, False),
        (27, 30, True),
        (26, 30, False),
        (0, 0, False),
        (1, 1, True),
        (0, 1, False),
    ],
)
def test_near_full(occupied: int, beds: int, expected: bool) -> None:
    assert near_full(occupied, beds) is expected


@pytest.mark.parametrize(
    ("occupied", "beds", "expected"), [(9, 10, 90), (2, 3, 67), (0, 0, 0), (5, 0, 0), (30, 30, 100)]
)
def test_percent_used(occupied: int, beds: int, expected: int) -> None:
    assert percent_used(occupied, beds) == expected
