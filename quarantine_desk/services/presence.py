"""Who is in a facility at a moment: the one definition every list, count, chart, meal count and report uses.

A stay is present at moment ``t`` when it was admitted at or before ``t`` and had not ended by ``t``
(``domain.stays.is_present``). The roster of a moment is the list of those stays; every figure for that moment is
its length, so the roster, the room board, the overview, the kitchen's count and the 16:00 report cannot
disagree. The beds of a past moment come from the rooms' recorded states (``RoomStateChange``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from quarantine_desk.db.models import Room, RoomStateChange, Stay
from quarantine_desk.domain.meals import leaves_after
from quarantine_desk.domain.rooms import RoomSnapshot, RoomState


def present_at(at: datetime) -> ColumnElement[bool]:
    """Stays present at moment ``at`` (the SQL form of ``domain.stays.is_present``)."""
    return and_(Stay.admitted_at <= at, or_(Stay.released_at.is_(None), Stay.released_at > at))


def present_between(since: datetime, until: datetime) -> ColumnElement[bool]:
    """Stays present at some moment from ``since`` to ``until`` (both included)."""
    return and_(Stay.admitted_at <= until, or_(Stay.released_at.is_(None), Stay.released_at > since))


def expected_at(at: datetime, known_at: datetime) -> ColumnElement[bool]:
    """Stays counted at ``at`` by what was known at ``known_at`` (the SQL form of ``domain.meals.planned_present``):
    the roster of ``at`` when that moment has passed; for a moment still to come, the stays open at ``known_at``
    that have not reached the morning of their planned release (or are already past it and still there)."""
    if at <= known_at:
        return present_at(at)
    return and_(
        present_at(known_at),
        or_(Stay.planned_release > leaves_after(at), Stay.planned_release <= leaves_after(known_at)),
    )


def present_count(session: Session, facility_id: int, at: datetime) -> int:
    """How many people are in the facility at ``at``: always the length of the roster of that moment."""
    return int(
        session.scalar(
            select(func.count()).select_from(Stay).where(Stay.facility_id == facility_id, present_at(at))
        )
        or 0
    )


def present_counted(at: datetime) -> ColumnElement[Any]:
    """``present_count`` as a column of a query grouped by facility: the same condition, summed."""
    return func.sum(case((present_at(at), 1), else_=0))


@dataclass(frozen=True)
class RoomAtMoment:
    room_id: int
    state: RoomState
    beds_in_service: int
    occupants: int


@dataclass(frozen=True)
class BedFigures:
    """A facility's beds at a moment: in service, occupied, and closed (empty beds in rooms that take nobody)."""

    beds: int
    occupied: int
    closed: int

    @property
    def free(self) -> int:
        return max(0, self.beds - self.occupied - self.closed)


def rooms_at(session: Session, facility_id: int, at: datetime) -> list[RoomAtMoment]:
    """Each room of the facility as it was at ``at``: its recorded state then, and who was in it then.

    A room's first recorded state also stands for the time before it: the rooms were there before they were
    entered into the program, and stays are often entered with an earlier time.
    """
    return rooms_at_each(session, [facility_id], at).get(facility_id, [])


def rooms_at_each(
    session: Session, facility_ids: Collection[int], at: datetime
) -> dict[int, list[RoomAtMoment]]:
    """``rooms_at`` of several facilities in three queries, whatever their number (the all-facility report)."""
    if not facility_ids:
        return {}
    change = RoomStateChange
    columns = (
        change.room_id,
        Room.facility_id,
        change.in_service,
        change.closed,
        change.needs_disinfection,
        change.beds_in_service,
    )

    def ranked(latest_first: bool, *conditions: ColumnElement[bool]) -> Select[Any]:
        order = (change.at.desc(), change.id.desc()) if latest_first else (change.at, change.id)
        numbered = (
            select(*columns, func.row_number().over(partition_by=change.room_id, order_by=order).label("n"))
            .join(Room, Room.id == change.room_id)
            .where(Room.facility_id.in_(facility_ids), *conditions)
            .subquery()
        )
        return select(*(numbered.c[c.key] for c in columns)).where(numbered.c.n == 1)

    # The latest state recorded at or before the moment; for a room with none yet, its first one.
    states = {row[0]: row for row in session.execute(ranked(True, change.at <= at)).tuples()}
    for row in session.execute(ranked(False)).tuples():
        states.setdefault(row[0], row)
    occupants = dict(
        session.execute(
            select(Stay.room_id, func.count())
            .where(Stay.facility_id.in_(facility_ids), present_at(at))
            .group_by(Stay.room_id)
        )
        .tuples()
        .all()
    )
    rooms: dict[int, list[RoomAtMoment]] = {}
    for room_id, facility_id, in_service, closed, needs_disinfection, beds_in_service in sorted(
        states.values()
    ):
        people = int(occupants.get(room_id, 0))
        if not in_service:
            state = RoomState.OUT_OF_SERVICE
        elif closed:
            state = RoomState.CLOSED
        elif people:
            state = RoomState.OCCUPIED
        elif needs_disinfection:
            state = RoomState.AWAITING_DISINFECTION
        else:
            state = RoomState.READY
        rooms.setdefault(facility_id, []).append(RoomAtMoment(room_id, state, beds_in_service, people))
    return rooms


def bed_figures(rooms: Iterable[RoomAtMoment]) -> BedFigures:
    """Counted as the room board counts beds (``facilities.occupancy_of``)."""
    beds = occupied = closed = 0
    for room in rooms:
        beds += room.beds_in_service
        occupied += room.occupants
        if room.state not in (RoomState.READY, RoomState.OCCUPIED):
            closed += max(0, room.beds_in_service - room.occupants)
    return BedFigures(beds, occupied, closed)


def bed_figures_at(session: Session, facility_id: int, at: datetime) -> BedFigures:
    return bed_figures(rooms_at(session, facility_id, at))


def record_room_state(session: Session, room: Room, at: datetime) -> None:
    """Write the room's state from ``at`` on; called by every change to a room (admission, departure, positive
    case, disinfection, service, beds), so the beds of any past moment can be told."""
    from quarantine_desk.db.models import Bed

    session.flush()
    beds = (
        session.scalar(
            select(func.count()).select_from(Bed).where(Bed.room_id == room.id, Bed.in_service.is_(True))
        )
        or 0
    )
    session.add(
        RoomStateChange(
            room_id=room.id,
            at=at,
            in_service=room.in_service,
            closed=room.closed_at is not None,
            needs_disinfection=room.needs_disinfection,
            beds_in_service=int(beds),
        )
    )


def record_admitted_room_state(session: Session, room: RoomSnapshot, at: datetime) -> None:
    """``record_room_state`` for a room that takes a newcomer, from its snapshot read under the facility's lock
    (nothing else changes the room meanwhile): no longer awaiting disinfection, its beds counted from the snapshot
    instead of read again."""
    session.add(
        RoomStateChange(
            room_id=room.room_id,
            at=at,
            in_service=room.in_service,
            closed=room.closed,
            needs_disinfection=False,
            beds_in_service=sum(1 for bed in room.beds if bed.in_service),
        )
    )
