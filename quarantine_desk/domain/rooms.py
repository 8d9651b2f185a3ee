"""Rooms and beds as the rules see them (R1–R5, R7): snapshots, room state and the admission check.

The services load a ``RoomSnapshot`` per room (beds with their occupants), ask ``check_admission`` whether a
person may take a bed, and ``fitting_rooms`` for the rooms to offer when one is refused. The database keeps the
same rules with locks and constraints; these functions say what the rules are and give the reason for a refusal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cached_property

from quarantine_desk.domain.errors import (
    BedTaken,
    ChildAlone,
    RoomAwaitingDisinfection,
    RoomClosed,
    RoomCohortConflict,
    RoomOption,
    RoomOutOfService,
    RoomSexConflict,
)
from quarantine_desk.domain.people import Sex

# Share of a facility's beds in use, in percent, from which the managers are warned (R7).
NEAR_FULL_PERCENT = 90


class RoomState(StrEnum):
    READY = "ready"
    OCCUPIED = "occupied"
    CLOSED = "closed"  # a roommate tested positive (R5); no admissions until reopened
    AWAITING_DISINFECTION = "awaiting_disinfection"  # emptied, not yet disinfected (R4)
    OUT_OF_SERVICE = "out_of_service"


class RoomSex(StrEnum):
    MALE = "M"
    FEMALE = "F"
    ANY = "any"  # either sex, one at a time, or one household of both (R3)


@dataclass(frozen=True)
class Occupant:
    person_id: int
    sex: Sex
    household_id: int | None
    cohort_id: int
    # Day 1 of the occupant's quarantine (R2 by day); None when not known (then only the cohort is compared).
    starts_on: date | None = None
    child: bool = False  # under 16 (R9)


@dataclass(frozen=True)
class BedSnapshot:
    bed_id: int
    label: str
    in_service: bool
    occupant: Occupant | None

    @property
    def free(self) -> bool:
        return self.in_service and self.occupant is None


@dataclass(frozen=True)
class RoomSnapshot:
    room_id: int
    zone: str
    name: str
    sex: RoomSex
    in_service: bool
    closed: bool
    needs_disinfection: bool
    beds: tuple[BedSnapshot, ...]
    cohort_name: str | None = None

    # Worked out once per snapshot (it never changes): the bed choice asks each room for them again and again.
    @cached_property
    def occupants(self) -> tuple[Occupant, ...]:
        return tuple(bed.occupant for bed in self.beds if bed.occupant is not None)

    @cached_property
    def free_beds(self) -> tuple[BedSnapshot, ...]:
        """Beds in service and empty, in label order."""
        return tuple(
            sorted((bed for bed in self.beds if bed.free), key=lambda b: (natural_key(b.label), b.bed_id))
        )

    @property
    def cohort_id(self) -> int | None:
        """The cohort of the occupants (R2 allows one); None when the room is empty."""
        occupants = self.occupants
        return occupants[0].cohort_id if occupants else None

    @property
    def starts_on(self) -> date | None:
        """The day the occupants' quarantine started (R2: one day per room); None when empty or not known."""
        days = [o.starts_on for o in self.occupants if o.starts_on is not None]
        return min(days) if days else None

    @property
    def state(self) -> RoomState:
        if not self.in_service:
            return RoomState.OUT_OF_SERVICE
        if self.closed:
            return RoomState.CLOSED
        if self.occupants:
            return RoomState.OCCUPIED
        if self.needs_disinfection:
            return RoomState.AWAITING_DISINFECTION
        return RoomState.READY


@dataclass(frozen=True)
class Arrival:
    person_id: int
    sex: Sex
    household_id: int | None
    starts_on: date | None = None  # the admission day: day 1 of the quarantine
    child: bool = False  # under 16 on the admission day (R9)


_DIGITS = re.compile(r"(\d+)")


def natural_key(label: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts "P2" before "P10" and bed "9" before bed "10"."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.casefold()) for part in _DIGITS.split(label) if part
    )


def room_order(room: RoomSnapshot) -> tuple[object, ...]:
    """The order rooms are listed and tried in: by zone, then name (naturally), then id for equal names."""
    return room_order_of(room.zone, room.name, room.room_id)


def room_order_of(zone: str, name: str, room_id: int) -> tuple[object, ...]:
    """``room_order`` of a room known by its zone, name and id alone (a list read without the beds)."""
    return (natural_key(zone), natural_key(name), room_id)


def sex_of_room(room: RoomSnapshot) -> str:
    """The sex a room takes now, as named in ``RoomSexConflict.room_sex``.

    "M" or "F" for a room with that rule or an "any" room whose occupants are all of that sex; "any" for an
    empty "any" room; "household" for an "any" room holding one household of both sexes.
    """
    if room.sex is not RoomSex.ANY:
        return room.sex.value
    sexes = {o.sex for o in room.occupants}
    if not sexes:
        return RoomSex.ANY.value
    if len(sexes) == 1:
        return next(iter(sexes)).value
    return "household"


def _sex_allows(room: RoomSnapshot, arrival: Arrival) -> bool:
    if room.sex is not RoomSex.ANY:
        return room.sex.value == arrival.sex.value
    occupants = room.occupants
    if all(o.sex is arrival.sex for o in occupants):
        return True
    # R3's exception: everyone in the room, the arrival included, of one household.
    return arrival.household_id is not None and all(o.household_id == arrival.household_id for o in occupants)


def check_admission(
    room: RoomSnapshot,
    arrival: Arrival,
    cohort_id: int,
    cohort_name: str,
    bed_id: int | None,
    options: Sequence[RoomOption] = (),
    *,
    as_contact: bool = False,
) -> BedSnapshot:
    """The bed ``arrival`` of cohort ``cohort_id`` takes in ``room``, or the rule that forbids it.

    ``bed_id`` None means the first free bed in label order. ``options`` (rooms that would fit) are carried
    by the raised error so the window and the command line can offer them. ``as_contact``: a manager accepts the
    arrival as a contact of the room's occupants, whose quarantine then restarts (the caller does that): R2 then
    lets another cohort or day in. Nothing else does.
    """
    if not room.in_service:
        raise RoomOutOfService(room.name, options)
    if room.closed:
        raise RoomClosed(room.name, options)
    occupants = room.occupants
    if not occupants and room.needs_disinfection:
        raise RoomAwaitingDisinfection(room.name, options)
    if not as_contact:
        # Any occupant of another cohort is a conflict, not only the first one's cohort; and within one cohort,
        # occupants whose quarantine started on another day (R2 "cuốn chiếu").
        other_day = arrival.starts_on is not None and any(
            o.starts_on is not None and o.starts_on != arrival.starts_on for o in occupants
        )
        if other_day or any(o.cohort_id != cohort_id for o in occupants):
            room_day = room.starts_on
            raise RoomCohortConflict(
                room.name,
                room.cohort_name or "",
                cohort_name,
                options,
                room_day.isoformat() if room_day else None,
                arrival.starts_on.isoformat() if arrival.starts_on else None,
            )
    if not _sex_allows(room, arrival):
        raise RoomSexConflict(room.name, sex_of_room(room), arrival.sex.value, options)
    if arrival.child:
        # R9: a child only beside an adult of the same household.
        if arrival.household_id is None:
            raise ChildAlone("", room.name, "no_household", options)
        if not any(o.household_id == arrival.household_id and not o.child for o in occupants):
            raise ChildAlone("", room.name, "no_adult", options)
    if bed_id is None:
        free = room.free_beds
        if not free:
            raise BedTaken(room.name, "", options)
        return free[0]
    bed = next((b for b in room.beds if b.bed_id == bed_id), None)
    if bed is None:
        raise BedTaken(room.name, str(bed_id), options)
    if not bed.free:
        raise BedTaken(room.name, bed.label, options)
    return bed


def admits(room: RoomSnapshot, arrival: Arrival, cohort_id: int, cohort_name: str) -> bool:
    """True when ``check_admission`` would give ``arrival`` a bed in ``room``."""
    try:
        check_admission(room, arrival, cohort_id, cohort_name, None)
    except (
        RoomOutOfService,
        RoomClosed,
        RoomAwaitingDisinfection,
        RoomCohortConflict,
        RoomSexConflict,
        ChildAlone,
        BedTaken,
    ):
        return False
    return True


def fitting_rooms(
    rooms: Sequence[RoomSnapshot], arrival: Arrival, cohort_id: int, cohort_name: str, limit: int = 5
) -> tuple[RoomOption, ...]:
    """Up to ``limit`` rooms that would take ``arrival``: those already holding the cohort first."""
    fitting = [room for room in rooms if admits(room, arrival, cohort_id, cohort_name)]
    fitting.sort(key=lambda room: (room.cohort_id != cohort_id, *room_order(room)))
    return tuple(RoomOption(room.name, room.zone, len(room.free_beds)) for room in fitting[: max(limit, 0)])


def with_occupant(
    room: RoomSnapshot, bed_id: int, occupant: Occupant, cohort_name: str | None
) -> RoomSnapshot:
    """The room after ``occupant`` takes bed ``bed_id`` (for planning several admissions in a row)."""
    beds = tuple(
        BedSnapshot(b.bed_id, b.label, b.in_service, occupant) if b.bed_id == bed_id else b for b in room.beds
    )
    return RoomSnapshot(
        room.room_id,
        room.zone,
        room.name,
        room.sex,
        room.in_service,
        room.closed,
        room.needs_disinfection,
        beds,
        room.cohort_name if room.occupants else cohort_name,
    )


def near_full(occupied: int, beds: int) -> bool:
    """True when a facility has 90 % or more of its beds in use (R7 asks for a warning)."""
    # Integer arithmetic: 0.9 * beds in floating point is not exact for every bed count.
    return beds > 0 and occupied * 100 >= NEAR_FULL_PERCENT * beds


def percent_used(occupied: int, beds: int) -> int:
    """The share of the beds in use, in whole percent as the screens and reports show it (0 without beds)."""
    return round(100 * occupied / beds) if beds > 0 else 0
