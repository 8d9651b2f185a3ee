"""Automatic bed choice for people admitted without a room: a whole cohort, or one person.

``choose_beds`` plans every arrival of one cohort at once and returns all the beds or raises: a half-placed
cohort would leave people standing at the gate. Each step goes through ``rooms.check_admission`` on the rooms
as they would be after the previous steps, so a plan never breaks R1–R5. Within the rules it keeps households
together, fills the cohort's rooms before opening new ones, and opens as few rooms as it can.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from quarantine_desk.domain.errors import NoBedAvailable, RuleViolation
from quarantine_desk.domain.people import Sex
from quarantine_desk.domain.rooms import (
    Arrival,
    BedSnapshot,
    Occupant,
    RoomSex,
    RoomSnapshot,
    check_admission,
    natural_key,
    room_order,
    with_occupant,
)


class Reason(StrEnum):
    FILLS_COHORT_ROOM = "fills_cohort_room"  # the room already held people of the cohort
    OPENS_ROOM = "opens_room"  # the room was empty
    KEEPS_HOUSEHOLD = "keeps_household"  # the household stays in one room
    SPLITS_HOUSEHOLD = "splits_household"  # no room could take the whole household


@dataclass(frozen=True)
class Assignment:
    person_id: int
    room_id: int
    bed_id: int
    reason: Reason


@dataclass(frozen=True)
class _Group:
    """Arrivals that should share a room: one household, or one person without a household."""

    household_id: int | None
    members: tuple[Arrival, ...]

    @property
    def sexes(self) -> frozenset[Sex]:
        return frozenset(a.sex for a in self.members)

    def order(self) -> tuple[int, int, int]:
        # Mixed-sex households first (only an "any" room of their own takes them), then larger groups first:
        # they are the hardest to fit once rooms fill up.
        return (0 if len(self.sexes) > 1 else 1, -len(self.members), self.members[0].person_id)


def _groups(arrivals: Sequence[Arrival]) -> list[_Group]:
    households: dict[int, list[Arrival]] = {}
    groups: list[_Group] = []
    for arrival in arrivals:
        if arrival.household_id is None:
            groups.append(_Group(None, (arrival,)))
        else:
            households.setdefault(arrival.household_id, []).append(arrival)
    for household_id, members in households.items():
        # Adults first: a child is placed only beside an adult of the household already in the room (R9).
        groups.append(_Group(household_id, tuple(sorted(members, key=lambda a: (a.child, a.person_id)))))
    return sorted(groups, key=_Group.order)


class _Plan:
    """The facility as it will be after the assignments made so far."""

    def __init__(
        self,
        rooms: Sequence[RoomSnapshot],
        arrivals: Sequence[Arrival],
        cohort_id: int,
        cohort_name: str,
        *,
        any_rooms_last: bool,
    ):
        self.rooms = sorted(rooms, key=room_order)
        self.cohort_id = cohort_id
        self.cohort_name = cohort_name
        self.unplaced = Counter(a.sex for a in arrivals)
        self.starts_on = next((a.starts_on for a in arrivals), None)
        self.assignments: list[Assignment] = []
        self.any_rooms_last = any_rooms_last

    def try_room(self, index: int, members: Sequence[Arrival]) -> list[tuple[Arrival, BedSnapshot]] | None:
        """The beds ``members`` would take in room ``index``, one after another, or None if a rule forbids it."""
        room = self.rooms[index]
        beds: list[tuple[Arrival, BedSnapshot]] = []
        for arrival in members:
            try:
                bed = check_admission(room, arrival, self.cohort_id, self.cohort_name, None)
            except RuleViolation:
                return None
            beds.append((arrival, bed))
            room = with_occupant(room, bed.bed_id, self._occupant(arrival), self.cohort_name)
        return beds

    def _occupant(self, arrival: Arrival) -> Occupant:
        return Occupant(
            arrival.person_id,
            arrival.sex,
            arrival.household_id,
            self.cohort_id,
            arrival.starts_on,
            arrival.child,
        )

    def _other_sex_needs_any_rooms(self, sex: Sex) -> bool:
        """Whether the people of the other sex still to come need more beds than rooms not "any" offer them."""
        other = Sex.FEMALE if sex is Sex.MALE else Sex.MALE
        need = self.unplaced[other]
        if need == 0:
            return False
        probe = Arrival(-1, other, None, self.starts_on)
        capacity = sum(
            len(room.free_beds)
            for index, room in enumerate(self.rooms)
            if not (room.sex is RoomSex.ANY and not room.occupants)
            and self.try_room(index, (probe,)) is not None
        )
        return need > capacity

    def preference(self, index: int, group: _Group, spare_any: bool) -> tuple[object, ...]:
        """Sort key of the rooms that can take ``group``: the best first.

        ``spare_any``: empty "any" rooms go last, because people of the other sex will need them.
        """
        room = self.rooms[index]
        occupants = room.occupants
        free = len(room.free_beds)
        size = len(group.members)
        with_household = group.household_id is not None and any(
            o.household_id == group.household_id for o in occupants
        )
        if occupants:
            # A room of the cohort: the tightest fit, so larger gaps stay for larger groups.
            return (not with_household, 0, free - size, room_order(room))
        wanted = size if len(group.sexes) > 1 else self.unplaced[next(iter(group.sexes))]
        # Opening a room: the smallest that takes everyone of this sex still to come, else the largest, so
        # the cohort spreads over as few rooms as possible. Among equals "any" rooms are kept for the other
        # sex and for mixed households.
        keeps_any = room.sex is RoomSex.ANY and len(group.sexes) == 1
        fit = (0, free - wanted) if free >= wanted else (1, -free)
        return (True, 1, keeps_any and spare_any, *fit, keeps_any, room_order(room))

    def place(self, group: _Group, reason: Reason | None) -> bool:
        """Put the whole group in the best room that takes it; False when none does."""
        options: list[tuple[tuple[object, ...], int, list[tuple[Arrival, BedSnapshot]]]] = []
        spare_any = len(group.sexes) == 1 and (
            self.any_rooms_last or self._other_sex_needs_any_rooms(next(iter(group.sexes)))
        )
        for index in range(len(self.rooms)):
            beds = self.try_room(index, group.members)
            if beds is not None:
                options.append((self.preference(index, group, spare_any), index, beds))
        if not options:
            return False
        _key, index, beds = min(options, key=lambda option: option[0])
        room = self.rooms[index]
        if reason is None:
            if len(group.members) > 1 or any(
                group.household_id is not None and o.household_id == group.household_id
                for o in room.occupants
            ):
                reason = Reason.KEEPS_HOUSEHOLD
            elif room.occupants:
                reason = Reason.FILLS_COHORT_ROOM
            else:
                reason = Reason.OPENS_ROOM
        for arrival, bed in beds:
            room = with_occupant(room, bed.bed_id, self._occupant(arrival), self.cohort_name)
            self.assignments.append(Assignment(arrival.person_id, room.room_id, bed.bed_id, reason))
            self.unplaced[arrival.sex] -= 1
        self.rooms[index] = room
        return True

    def place_all(self, groups: Sequence[_Group]) -> bool:
        """Place every group, splitting households that no room takes whole; False if someone is left."""
        for group in groups:
            if self.place(group, None):
                continue
            if len(group.members) == 1:
                return False
            for member in group.members:
                if not self.place(_Group(group.household_id, (member,)), Reason.SPLITS_HOUSEHOLD):
                    return False
        return True


@dataclass(frozen=True)
class RoomKind:
    """What the bed choice needs to know of a room before reading its beds and occupants."""

    room_id: int
    zone: str
    name: str
    sex: RoomSex
    free_beds: int  # in service and empty
    occupied: bool
    in_service: bool = True
    closed: bool = False
    needs_disinfection: bool = False


def rooms_worth_reading(rooms: Sequence[RoomKind], arrivals: int) -> list[int]:
    """The rooms ``choose_beds`` may pick for ``arrivals`` people, of ``rooms``: a facility's few to read in full.

    Every room with occupants, and of the empty rooms only the first ``arrivals`` (in ``room_order``) of each kind
    (sex rule, free beds, state). To ``choose_beds`` two empty rooms of one kind differ only in their order: it
    tries and ranks them alike and takes the earlier one; and it opens at most one room per arrival. Nor does a
    room left out change its count of the beds the other sex still has (it never needs more than the arrivals).
    So the plan on these rooms is the plan on them all.
    """
    kept: list[int] = []
    taken: Counter[tuple[object, ...]] = Counter()
    for room in sorted(rooms, key=lambda r: (natural_key(r.zone), natural_key(r.name), r.room_id)):
        if room.occupied:
            kept.append(room.room_id)
            continue
        kind = (room.sex, room.free_beds, room.in_service, room.closed, room.needs_disinfection)
        if taken[kind] < arrivals:
            taken[kind] += 1
            kept.append(room.room_id)
    return kept


def choose_beds(
    rooms: Sequence[RoomSnapshot], arrivals: Sequence[Arrival], cohort_id: int, cohort_name: str
) -> tuple[Assignment, ...]:
    """A bed for each arrival of cohort ``cohort_id``, or ``NoBedAvailable`` if any of them has none.

    The same rooms and arrivals give the same plan whatever their order. Households stay in one room when a
    room can take them whole, else their members are placed one by one (``Reason.SPLITS_HOUSEHOLD``).
    """
    # The first plan opens rooms for the fewest rooms; should it run out of beds, the second keeps every
    # empty "any" room until no room of a sex rule is left, which serves men and women together better.
    for any_rooms_last in (False, True):
        plan = _Plan(rooms, arrivals, cohort_id, cohort_name, any_rooms_last=any_rooms_last)
        if plan.place_all(_groups(arrivals)):
            return tuple(plan.assignments)
    # Both plans open rooms greedily, one sex at a time: the men may take the large "any" room the women needed.
    # The third gives each empty "any" room to one sex first, so that both fit (a sum of beds over those rooms).
    split = _any_rooms_shared_out(rooms, arrivals, cohort_id, cohort_name)
    if split is not None:
        plan = _Plan(split, arrivals, cohort_id, cohort_name, any_rooms_last=False)
        if plan.place_all(_groups(arrivals)):
            return tuple(plan.assignments)
    raise NoBedAvailable("", cohort_name, len(arrivals))


def _any_rooms_shared_out(
    rooms: Sequence[RoomSnapshot], arrivals: Sequence[Arrival], cohort_id: int, cohort_name: str
) -> list[RoomSnapshot] | None:
    """The rooms with each empty "any" room given to men or to women so that the beds of both sexes suffice, the
    men taking the fewest beds they need; None when no such sharing exists or a household mixes the sexes."""
    if any(len(group.sexes) > 1 for group in _groups(arrivals)):
        return None
    plan = _Plan(rooms, arrivals, cohort_id, cohort_name, any_rooms_last=True)
    sexes = (Sex.MALE, Sex.FEMALE)
    fixed: Counter[Sex] = Counter()
    open_any: list[int] = []
    for index, room in enumerate(plan.rooms):
        takes = [sex for sex in sexes if plan.try_room(index, (Arrival(-1, sex, None, plan.starts_on),))]
        if len(takes) == 2 and room.sex is RoomSex.ANY and not room.occupants:
            open_any.append(index)
        for sex in takes if len(takes) == 1 else ():
            fixed[sex] += len(room.free_beds)
    need = Counter(a.sex for a in arrivals)
    # Every sum of free beds the men can be given, with the first rooms (in room order) that make it.
    sums: dict[int, tuple[int, ...]] = {0: ()}
    for index in open_any:
        free = len(plan.rooms[index].free_beds)
        for total, chosen in list(sums.items()):
            sums.setdefault(total + free, (*chosen, index))
    every = sum(len(plan.rooms[index].free_beds) for index in open_any)
    fitting = [
        total
        for total in sums
        if fixed[Sex.MALE] + total >= need[Sex.MALE] and fixed[Sex.FEMALE] + every - total >= need[Sex.FEMALE]
    ]
    if not fitting:
        return None
    men = set(sums[min(fitting)])
    return [
        replace(room, sex=RoomSex.MALE if index in men else RoomSex.FEMALE) if index in open_any else room
        for index, room in enumerate(plan.rooms)
    ]
