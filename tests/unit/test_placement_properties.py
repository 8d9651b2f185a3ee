"""Properties of the automatic bed choice on random facilities: the plan never breaks R1–R5."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from quarantine_desk.domain.errors import NoBedAvailable
from quarantine_desk.domain.people import Sex
from quarantine_desk.domain.placement import Assignment, Reason, RoomKind, choose_beds, rooms_worth_reading
from quarantine_desk.domain.rooms import (
    Arrival,
    BedSnapshot,
    Occupant,
    RoomSex,
    RoomSnapshot,
    check_admission,
    fitting_rooms,
    with_occupant,
)

COHORT = 1
NAME = "Đợt 1"
HOUSEHOLDS = st.one_of(st.none(), st.integers(1, 4))
SEXES = st.sampled_from([Sex.MALE, Sex.FEMALE])


@st.composite
def rooms_strategy(draw: st.DrawFn) -> list[RoomSnapshot]:
    """Up to 10 rooms that obey the rules now: one cohort each, single-sex or one household."""
    rooms: list[RoomSnapshot] = []
    next_person = 1
    for room_id in range(1, draw(st.integers(0, 10)) + 1):
        size = draw(st.integers(1, 8))
        rule = draw(st.sampled_from(list(RoomSex)))
        # Half the rooms empty, so that most plans succeed and the rules are exercised, not only refusals.
        occupied = draw(st.integers(0, size)) if draw(st.booleans()) else 0
        cohort = draw(st.integers(1, 3))  # 1 is the arriving cohort
        if rule is RoomSex.ANY and draw(st.booleans()):
            # One household, both sexes allowed.
            household = draw(st.integers(1, 4))
            occupants = [Occupant(next_person + i, draw(SEXES), household, cohort) for i in range(occupied)]
        else:
            sex = Sex(rule.value) if rule is not RoomSex.ANY else draw(SEXES)
            occupants = [Occupant(next_person + i, sex, draw(HOUSEHOLDS), cohort) for i in range(occupied)]
        next_person += occupied
        # Occupants sit on beds from a random one on, so free beds are not always the last; some empty beds
        # are out of service. (Few draws per room keep the generation fast.)
        first = draw(st.integers(0, size - 1))
        seat = {(first + i) % size: occupant for i, occupant in enumerate(occupants)}
        out = draw(st.sets(st.integers(0, size - 1), max_size=2))
        beds = tuple(
            BedSnapshot(room_id * 100 + n, str(n + 1), n in seat or n not in out, seat.get(n))
            for n in range(size)
        )
        rooms.append(
            RoomSnapshot(
                room_id,
                draw(st.sampled_from(["A", "B"])),
                f"P{room_id}",
                rule,
                in_service=draw(st.integers(0, 6)) > 0,
                closed=draw(st.integers(0, 6)) == 0,
                needs_disinfection=draw(st.integers(0, 4)) == 0,
                beds=beds,
                cohort_name=f"Đợt {cohort}" if occupants else None,
            )
        )
    return rooms


@st.composite
def arrivals_strategy(draw: st.DrawFn, max_size: int = 10) -> list[Arrival]:
    count = draw(st.integers(1, max_size))
    return [Arrival(1000 + i, draw(SEXES), draw(HOUSEHOLDS)) for i in range(count)]


def apply(
    rooms: list[RoomSnapshot], arrivals: list[Arrival], plan: tuple[Assignment, ...]
) -> dict[int, RoomSnapshot]:
    """Admit each assignment in order through check_admission; fails the test if any is refused."""
    state = {r.room_id: r for r in rooms}
    by_id = {a.person_id: a for a in arrivals}
    for assignment in plan:
        arrival = by_id[assignment.person_id]
        room = state[assignment.room_id]
        bed = check_admission(room, arrival, COHORT, NAME, assignment.bed_id)
        assert bed.bed_id == assignment.bed_id
        occupant = Occupant(arrival.person_id, arrival.sex, arrival.household_id, COHORT)
        state[room.room_id] = with_occupant(room, bed.bed_id, occupant, NAME)
    return state


def assert_room_obeys_the_rules(room: RoomSnapshot) -> None:
    occupants = room.occupants
    assert len({o.cohort_id for o in occupants}) <= 1, "R2: two cohorts in one room"
    sexes = {o.sex for o in occupants}
    if room.sex is not RoomSex.ANY:
        assert sexes <= {Sex(room.sex.value)}, "R3: the room's sex rule"
    if len(sexes) > 1:
        households = {o.household_id for o in occupants}
        assert len(households) == 1 and None not in households, "R3: mixed sexes outside one household"


@settings(max_examples=200, deadline=None)
@given(rooms=rooms_strategy(), arrivals=arrivals_strategy())
def test_plan_obeys_every_rule(rooms: list[RoomSnapshot], arrivals: list[Arrival]) -> None:
    try:
        plan = choose_beds(rooms, arrivals, COHORT, NAME)
    except NoBedAvailable as exc:
        assert exc.arrivals == len(arrivals)
        assert exc.cohort == NAME
        return
    assert sorted(a.person_id for a in plan) == sorted(a.person_id for a in arrivals)
    assert len({a.bed_id for a in plan}) == len(plan), "R1: a bed used twice"
    final = apply(rooms, arrivals, plan)
    for room in final.values():
        assert_room_obeys_the_rules(room)
    # A household placed whole shares one room.
    rooms_of_household: dict[int | None, set[int]] = defaultdict(set)
    by_id = {a.person_id: a for a in arrivals}
    for a in plan:
        if a.reason is Reason.KEEPS_HOUSEHOLD:
            rooms_of_household[by_id[a.person_id].household_id].add(a.room_id)
    assert all(len(ids) == 1 for ids in rooms_of_household.values())
    assert None not in rooms_of_household


@settings(max_examples=200, deadline=None)
@given(rooms=rooms_strategy(), arrival=arrivals_strategy(max_size=1))
def test_single_arrival_placed_exactly_when_a_room_fits(
    rooms: list[RoomSnapshot], arrival: list[Arrival]
) -> None:
    options = fitting_rooms(rooms, arrival[0], COHORT, NAME, limit=len(rooms))
    try:
        plan = choose_beds(rooms, arrival, COHORT, NAME)
    except NoBedAvailable:
        assert options == ()
        return
    assert options != ()
    (assignment,) = plan
    placed = next(r for r in rooms if r.room_id == assignment.room_id)
    assert (placed.name, placed.zone) in {(o.room, o.zone) for o in options}
    # A room already holding the cohort is preferred when one fits.
    if options and any(r.cohort_id == COHORT and r.name == options[0].room for r in rooms):
        assert placed.cohort_id == COHORT
    apply(rooms, arrival, plan)


@settings(max_examples=100, deadline=None)
@given(rooms=rooms_strategy(), arrivals=arrivals_strategy(), data=st.data())
def test_plan_does_not_depend_on_input_order(
    rooms: list[RoomSnapshot], arrivals: list[Arrival], data: st.DataObject
) -> None:
    shuffled_rooms = data.draw(st.permutations(rooms))
    shuffled_arrivals = data.draw(st.permutations(arrivals))
    try:
        expected = choose_beds(rooms, arrivals, COHORT, NAME)
    except NoBedAvailable:
        expected = None
    try:
        again = choose_beds(shuffled_rooms, shuffled_arrivals, COHORT, NAME)
    except NoBedAvailable:
        again = None
    assert again == expected


@settings(max_examples=100, deadline=None)
@given(rooms=rooms_strategy(), arrivals=arrivals_strategy())
def test_cohort_rooms_filled_before_new_ones_are_opened(
    rooms: list[RoomSnapshot], arrivals: list[Arrival]
) -> None:
    """Singles without a household never open a room while a room of their cohort could take them."""
    singles = [a for a in arrivals if a.household_id is None]
    try:
        plan = choose_beds(rooms, singles, COHORT, NAME)
    except NoBedAvailable:
        return
    state = {r.room_id: r for r in rooms}
    by_id = {a.person_id: a for a in singles}
    for assignment in plan:
        arrival = by_id[assignment.person_id]
        if assignment.reason is Reason.OPENS_ROOM:
            for room in state.values():
                if room.cohort_id == COHORT:
                    assert fitting_rooms([room], arrival, COHORT, NAME) == ()
        room = state[assignment.room_id]
        occupant = Occupant(arrival.person_id, arrival.sex, None, COHORT)
        state[room.room_id] = with_occupant(room, assignment.bed_id, occupant, NAME)


def _singles_feasible(rooms: list[RoomSnapshot], arrivals: list[Arrival]) -> bool:
    """Whether some assignment places every arrival, none of them in a household (exhaustive, small cases).

    A room that already has occupants, or has a sex rule, takes at most one sex; an empty "any" room goes to
    either sex as a whole; so it is enough to try each split of the empty "any" rooms between the sexes.
    """
    need = {sex: sum(1 for a in arrivals if a.sex is sex) for sex in Sex}
    capacity = dict.fromkeys(Sex, 0)
    open_any: list[int] = []
    for room in rooms:
        takes = [sex for sex in Sex if fitting_rooms([room], Arrival(-1, sex, None), COHORT, NAME)]
        if room.sex is RoomSex.ANY and not room.occupants and len(takes) == 2:
            open_any.append(len(room.free_beds))
        elif takes:
            (sex,) = takes
            capacity[sex] += len(room.free_beds)
    for mask in range(2 ** len(open_any)):
        men = sum(size for i, size in enumerate(open_any) if mask >> i & 1)
        women = sum(open_any) - men
        if capacity[Sex.MALE] + men >= need[Sex.MALE] and capacity[Sex.FEMALE] + women >= need[Sex.FEMALE]:
            return True
    return False


@settings(max_examples=100, deadline=None)
@given(rooms=rooms_strategy(), sexes=st.lists(SEXES, min_size=1, max_size=12))
def test_singles_placed_whenever_possible(rooms: list[RoomSnapshot], sexes: list[Sex]) -> None:
    arrivals = [Arrival(1000 + i, sex, None) for i, sex in enumerate(sexes)]
    try:
        choose_beds(rooms, arrivals, COHORT, NAME)
    except NoBedAvailable:
        assert not _singles_feasible(rooms, arrivals)
    else:
        assert _singles_feasible(rooms, arrivals)


def _kind(room: RoomSnapshot) -> RoomKind:
    return RoomKind(
        room.room_id,
        room.zone,
        room.name,
        room.sex,
        len(room.free_beds),
        bool(room.occupants),
        room.in_service,
        room.closed,
        room.needs_disinfection,
    )


@settings(max_examples=200, deadline=None)
@given(rooms=rooms_strategy(), arrivals=arrivals_strategy(), copies=st.integers(1, 7))
def test_the_rooms_worth_reading_give_the_same_plan_and_offers(
    rooms: list[RoomSnapshot], arrivals: list[Arrival], copies: int
) -> None:
    """A facility of many alike empty rooms (copies of the drawn ones): the plan, and the rooms a refusal offers,
    are the same on the rooms worth reading as on them all."""
    alike = [
        replace(room, room_id=room.room_id + 100 * n, name=f"{room.name}-{n}")
        for n in range(1, copies + 1)
        for room in rooms
        if not room.occupants
    ]
    everything = [*rooms, *alike]
    kept = set(rooms_worth_reading([_kind(r) for r in everything], len(arrivals)))
    read = [r for r in everything if r.room_id in kept]
    try:
        expected = choose_beds(everything, arrivals, COHORT, NAME)
    except NoBedAvailable:
        expected = None
    try:
        found = choose_beds(read, arrivals, COHORT, NAME)
    except NoBedAvailable:
        found = None
    assert found == expected
    shown = set(rooms_worth_reading([_kind(r) for r in everything], 5))
    for arrival in arrivals:
        assert fitting_rooms(
            [r for r in everything if r.room_id in shown], arrival, COHORT, NAME, 5
        ) == fitting_rooms(everything, arrival, COHORT, NAME, 5)


def test_men_do_not_take_the_any_room_the_women_need() -> None:
    """Found by the property above: 5 men and 4 women, empty "any" rooms of 3, 4 and 2 beds. Opening rooms one sex
    at a time put the men in the 4-bed room; the only plan is the men in the 3 and the 2, the women in the 4."""

    def room(room_id: int, beds: int) -> RoomSnapshot:
        return RoomSnapshot(
            room_id, "A", f"P{room_id}", RoomSex.ANY, True, False, False,
            tuple(BedSnapshot(room_id * 100 + n, str(n + 1), True, None) for n in range(beds)),
            None,
        )  # fmt: skip

    rooms = [room(1, 3), room(2, 4), room(6, 2)]
    sexes = [Sex.MALE] * 5 + [Sex.FEMALE] * 4
    arrivals = [Arrival(1000 + i, sex, None) for i, sex in enumerate(sexes)]
    plan = choose_beds(rooms, arrivals, COHORT, NAME)
    room_of = {a.person_id: a.room_id for a in plan}
    assert {room_of[a.person_id] for a in arrivals if a.sex is Sex.FEMALE} == {2}
    assert sorted(room_of[a.person_id] for a in arrivals if a.sex is Sex.MALE) == [1, 1, 1, 6, 6]
