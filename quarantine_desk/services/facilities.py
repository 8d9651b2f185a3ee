"""Setting up facilities: the facility itself, its zones (khu / tầng), rooms and beds; the room board.

Rooms are added in bulk as a manager says them ("Tầng 2: phòng 201–220, 4 giường mỗi phòng, nam").
"""

from __future__ import annotations

import re
import secrets
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Row, Select, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import Session

from quarantine_desk.db.models import Bed, Cohort, Facility, Person, Room, Stay, Zone
from quarantine_desk.domain.certificates import new_key_pair
from quarantine_desk.domain.errors import (
    AlreadyExists,
    FacilityNotEmpty,
    InvalidInput,
    NotFound,
    RoomNotEmpty,
    StaleEdit,
)
from quarantine_desk.domain.people import Sex
from quarantine_desk.domain.placement import RoomKind, rooms_worth_reading
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.rooms import (
    BedSnapshot,
    Occupant,
    RoomSex,
    RoomSnapshot,
    RoomState,
    near_full,
    percent_used,
)
from quarantine_desk.domain.stays import is_child
from quarantine_desk.domain.text import clean_text, nfc, printable_key, required_text, shown_key
from quarantine_desk.services import audit, scope
from quarantine_desk.services.context import Desk
from quarantine_desk.services.presence import record_room_state

MAX_BEDS_PER_ROOM = 50
MAX_ROOMS_AT_ONCE = 500

_CODE = re.compile(r"^[A-Za-z0-9_\-]{1,20}$")


@dataclass(frozen=True)
class FacilityRow:
    id: int
    code: str
    name: str
    district: str | None
    province: str | None
    address: str | None
    capacity: int | None
    active: bool
    version: int = 1  # the facility's edit version, handed back with an edit (StaleEdit)


@dataclass(frozen=True)
class RoomRow:
    """One room as the board and ``rooms`` show it."""

    id: int
    zone: str
    room: str
    sex: str
    beds: int
    beds_in_service: int
    occupants: int
    state: RoomState
    cohort: str | None
    earliest_release: date | None
    disinfected_at: str | None
    disinfected_by: str | None
    # The day the occupants' quarantine started (R2: one per room); None when empty.
    starts_on: date | None = None
    # Occupants flagged "cần theo dõi đặc biệt" (underlying conditions, pregnancy).
    special_watch: int = 0
    version: int = 1  # the room's edit version, handed back with an edit (StaleEdit)

    def takes_arrivals_of(self, day: date) -> bool:
        """Whether a newcomer admitted on ``day`` may join, as far as the room's state and day go (R2, R4, R5):
        the check-in page offers these rooms first. Cohort and sex are checked when admitting."""
        if self.state is RoomState.READY:
            return True
        return (
            self.state is RoomState.OCCUPIED
            and self.starts_on == day
            and self.occupants < self.beds_in_service
        )

    def days_to_release(self, today: date) -> int | None:
        return (self.earliest_release - today).days if self.earliest_release else None


def _facility_row(f: Facility) -> FacilityRow:
    return FacilityRow(
        f.id, f.code, f.name, f.district, f.province, f.address, f.capacity, f.active, f.version or 1
    )


def facility_by_code(session: Session, code: str, *, lock: bool = False) -> Facility:
    if not printable_key(code):
        raise NotFound("facility", shown_key(code))
    query = select(Facility).where(Facility.code == nfc(code).upper())
    if lock:
        query = query.with_for_update()
    facility = session.scalar(query)
    if facility is None:
        raise NotFound("facility", code)
    return scope.require(session, facility)  # another facility's staff may not touch it


def room_by_name(session: Session, facility: Facility, name: str, *, lock: bool = False) -> Room:
    query = select(Room).where(Room.facility_id == facility.id, Room.name == nfc(name))
    if lock:
        query = query.with_for_update()
    room = session.scalar(query)
    if room is None:
        raise NotFound("room", f"{facility.code}/{name}")
    return room


def add_facility(
    desk: Desk,
    code: str,
    name: str,
    *,
    district: str | None = None,
    province: str | None = None,
    address: str | None = None,
    capacity: int | None = None,
) -> FacilityRow:
    code = nfc(code).upper()
    if not _CODE.match(code):
        raise InvalidInput("code", "bad_format", code)
    name = required_text(name, "facility_name")
    if capacity is not None and not 1 <= capacity <= 100_000:
        raise InvalidInput("capacity", "out_of_range", capacity, minimum=1, maximum=100_000)
    with desk.write(Permission.MANAGE_FACILITY) as session:
        scope.require_district(session, code)
        if session.scalar(select(Facility.id).where(Facility.code == code)):
            raise AlreadyExists("facility", code)
        facility = Facility(
            code=code,
            name=name,
            district=clean_text(district, "district"),
            province=clean_text(province, "province"),
            address=clean_text(address, "address"),
            capacity=capacity,
            active=True,
            secret=secrets.token_hex(32),
            created_at=desk.now(),
        )
        facility.signing_key, facility.public_key = new_key_pair()
        session.add(facility)
        session.flush()
        audit.record(session, desk, "facility.add", "facility", facility.id, code=code, name=name)
        return _facility_row(facility)


def update_facility(
    desk: Desk,
    code: str,
    *,
    name: str | None = None,
    district: str | None = None,
    province: str | None = None,
    address: str | None = None,
    capacity: int | None = None,
    version: int | None = None,
) -> FacilityRow:
    """Change a facility's details. ``version``: the facility's version as the editor showed it; if another PC
    has edited the facility since, the change is refused (StaleEdit)."""
    with desk.write(Permission.MANAGE_FACILITY) as session:
        facility = facility_by_code(session, code, lock=True)
        if version is not None and version != (facility.version or 1):
            raise StaleEdit("facility", facility.code)
        before = _facility_row(facility)
        facility.version = (facility.version or 1) + 1
        if name is not None:
            facility.name = required_text(name, "facility_name")
        if district is not None:
            facility.district = clean_text(district, "district")
        if province is not None:
            facility.province = clean_text(province, "province")
        if address is not None:
            facility.address = clean_text(address, "address")
        if capacity is not None:
            if not 1 <= capacity <= 100_000:
                raise InvalidInput("capacity", "out_of_range", capacity, minimum=1, maximum=100_000)
            facility.capacity = capacity
        after = _facility_row(facility)
        audit.record(
            session,
            desk,
            "facility.update",
            "facility",
            facility.id,
            before={k: v for k, v in before.__dict__.items() if k != "version"},
            after={k: v for k, v in after.__dict__.items() if k != "version"},
        )
        return after


def set_facility_active(desk: Desk, code: str, active: bool) -> FacilityRow:
    """Close a facility (it takes nobody more) or reopen it, audited. A facility closes only when empty (R7):
    closing one with people in stays would drop them from the reports while its roster still lists them."""
    with desk.write(Permission.MANAGE_FACILITY) as session:
        facility = facility_by_code(session, code, lock=True)
        if not active:
            people = (
                session.scalar(
                    select(func.count())
                    .select_from(Stay)
                    .where(Stay.facility_id == facility.id, Stay.released_at.is_(None))
                )
                or 0
            )
            if people:
                raise FacilityNotEmpty(facility.code, int(people))
        facility.active = active
        audit.record(
            session,
            desk,
            "facility.activate" if active else "facility.close",
            "facility",
            facility.id,
            code=facility.code,
        )
        return _facility_row(facility)


def list_facilities(desk: Desk) -> list[FacilityRow]:
    with desk.read() as session:
        query = select(Facility).where(scope.where(session, Facility.id)).order_by(Facility.code)
        return [_facility_row(f) for f in session.scalars(query)]


def get_facility(desk: Desk, code: str) -> FacilityRow:
    with desk.read() as session:
        return _facility_row(facility_by_code(session, code))


def parse_room_names(spec: str) -> list[str]:
    """Room names from "201-220", "201–205, 210, A1" or "101..110"; keeps leading zeros ("01-12")."""
    names: list[str] = []
    for part in re.split(r"[,;]", nfc(spec)):
        part = part.strip()
        if not part:
            continue
        match = re.fullmatch(r"(\D*?)(\d+)\s*(?:-|–|—|\.\.)\s*(\D*?)(\d+)", part)
        if match:
            prefix, first, prefix2, last = match.groups()
            if prefix2 and prefix2 != prefix:
                raise InvalidInput("rooms", "bad_range", part)
            start, end = int(first), int(last)
            if end < start:
                raise InvalidInput("rooms", "bad_range", part)
            if end - start + 1 > MAX_ROOMS_AT_ONCE:
                raise InvalidInput("rooms", "too_many", part, maximum=MAX_ROOMS_AT_ONCE)
            width = len(first) if first.startswith("0") else 0
            names.extend(f"{prefix}{n:0{width}d}" for n in range(start, end + 1))
        else:
            names.append(required_text(part, "rooms"))
    if not names:
        raise InvalidInput("rooms", "empty")
    if len(set(names)) != len(names):
        raise InvalidInput("rooms", "duplicate", spec)
    return names


def _check_beds(beds: int) -> None:
    if not 1 <= beds <= MAX_BEDS_PER_ROOM:
        raise InvalidInput("beds", "out_of_range", beds, minimum=1, maximum=MAX_BEDS_PER_ROOM)


def _room_sex(sex: str) -> RoomSex:
    value = {
        "m": "M",
        "nam": "M",
        "f": "F",
        "nữ": "F",
        "nu": "F",
        "any": "any",
        "chung": "any",
        "": "any",
    }.get(nfc(sex).lower())
    if value is None:
        raise InvalidInput("sex", "bad_value", sex)
    return RoomSex(value)


def add_rooms(
    desk: Desk, facility_code: str, zone_name: str, rooms: str | list[str], beds: int, sex: str = "any"
) -> list[str]:
    """Add rooms, each with ``beds`` beds, to a zone (created if new). Returns the room names added."""
    names = parse_room_names(rooms) if isinstance(rooms, str) else [nfc(r) for r in rooms]
    if any(not n for n in names):
        raise InvalidInput("rooms", "empty")
    _check_beds(beds)
    room_sex = _room_sex(sex)
    zone_name = required_text(zone_name, "zone")
    with desk.write(Permission.MANAGE_FACILITY) as session:
        facility = facility_by_code(session, facility_code, lock=True)
        existing = set(
            session.scalars(select(Room.name).where(Room.facility_id == facility.id, Room.name.in_(names)))
        )
        if existing:
            raise AlreadyExists("room", ", ".join(sorted(existing)))
        zone = session.scalar(select(Zone).where(Zone.facility_id == facility.id, Zone.name == zone_name))
        if zone is None:
            zone = Zone(facility_id=facility.id, name=zone_name)
            session.add(zone)
            session.flush()
        added: list[Room] = []
        for name in names:
            room = Room(
                facility_id=facility.id,
                zone_id=zone.id,
                name=name,
                sex=room_sex.value,
                in_service=True,
                needs_disinfection=False,
            )
            room.beds = [Bed(label=str(i), position=i, in_service=True) for i in range(1, beds + 1)]
            session.add(room)
            added.append(room)
        session.flush()
        for room in added:
            record_room_state(session, room, desk.now())
        audit.record(
            session,
            desk,
            "room.add",
            "facility",
            facility.id,
            facility=facility.code,
            zone=zone_name,
            rooms=names,
            beds=beds,
            sex=room_sex.value,
        )
        return names


def _open_stays_in_room(session: Session, room_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Stay).where(Stay.room_id == room_id, Stay.released_at.is_(None))
        )
        or 0
    )


def update_room(
    desk: Desk,
    facility_code: str,
    room_name: str,
    *,
    beds: int | None = None,
    sex: str | None = None,
    new_name: str | None = None,
    version: int | None = None,
) -> None:
    """Change a room's bed count (only empty beds are removed), sex rule or name. ``version``: the room's version
    as the editor showed it; if another PC has edited the room since, the change is refused (StaleEdit)."""
    with desk.write(Permission.MANAGE_FACILITY) as session:
        facility = facility_by_code(session, facility_code, lock=True)
        room = room_by_name(session, facility, room_name, lock=True)
        if version is not None and version != (room.version or 1):
            raise StaleEdit("room", f"{facility.code}/{room.name}")
        room.version = (room.version or 1) + 1
        before = {"beds": len(room.beds), "sex": room.sex, "name": room.name}
        occupied_beds = set(
            session.scalars(select(Stay.bed_id).where(Stay.room_id == room.id, Stay.released_at.is_(None)))
        )
        if sex is not None:
            room_sex = _room_sex(sex)
            if occupied_beds and room_sex is not RoomSex.ANY:
                sexes = set(
                    session.scalars(
                        select(Person.sex)
                        .join(Stay, Stay.person_id == Person.id)
                        .where(Stay.room_id == room.id, Stay.released_at.is_(None))
                    )
                )
                if sexes - {room_sex.value}:
                    raise RoomNotEmpty(room.name, len(occupied_beds))
            room.sex = room_sex.value
        if beds is not None:
            _check_beds(beds)
            current = len(room.beds)
            if beds > current:
                top = max((b.position for b in room.beds), default=0)
                labels = {b.label for b in room.beds}
                added = 0
                n = top
                while added < beds - current:
                    n += 1
                    if str(n) not in labels:
                        room.beds.append(Bed(label=str(n), position=n, in_service=True))
                        added += 1
            elif beds < current:
                removable = [b for b in reversed(room.beds) if b.id not in occupied_beds]
                if len(removable) < current - beds:
                    raise RoomNotEmpty(room.name, len(occupied_beds))
                used = set(session.scalars(select(Stay.bed_id).where(Stay.room_id == room.id)))
                for bed in removable[: current - beds]:
                    if bed.id in used:
                        # A bed with history is kept for the record and taken out of service instead.
                        bed.in_service = False
                    else:
                        room.beds.remove(bed)
                        session.delete(bed)
        if new_name is not None and nfc(new_name) != room.name:
            new_name = nfc(new_name)
            if not new_name:
                raise InvalidInput("room", "empty")
            if session.scalar(select(Room.id).where(Room.facility_id == facility.id, Room.name == new_name)):
                raise AlreadyExists("room", new_name)
            room.name = new_name
        session.flush()
        record_room_state(session, room, desk.now())
        audit.record(
            session,
            desk,
            "room.update",
            "room",
            room.id,
            facility=facility.code,
            before=before,
            after={"beds": len([b for b in room.beds if b.in_service]), "sex": room.sex, "name": room.name},
        )


def set_room_in_service(desk: Desk, facility_code: str, room_name: str, in_service: bool) -> None:
    """Take an empty room out of service (repairs) or put it back."""
    with desk.write(Permission.MANAGE_FACILITY) as session:
        facility = facility_by_code(session, facility_code, lock=True)
        room = room_by_name(session, facility, room_name, lock=True)
        occupants = _open_stays_in_room(session, room.id)
        if not in_service and occupants:
            raise RoomNotEmpty(room.name, occupants)
        room.in_service = in_service
        room.version = (room.version or 1) + 1
        record_room_state(session, room, desk.now())
        audit.record(
            session,
            desk,
            "room.in_service" if in_service else "room.out_of_service",
            "room",
            room.id,
            facility=facility.code,
            room=room.name,
        )


def set_bed_in_service(
    desk: Desk, facility_code: str, room_name: str, bed_label: str, in_service: bool
) -> None:
    with desk.write(Permission.MANAGE_FACILITY) as session:
        facility = facility_by_code(session, facility_code, lock=True)
        room = room_by_name(session, facility, room_name, lock=True)
        bed = next((b for b in room.beds if b.label == nfc(bed_label)), None)
        if bed is None:
            raise NotFound("bed", f"{room.name}/{bed_label}")
        if not in_service and session.scalar(
            select(Stay.id).where(Stay.bed_id == bed.id, Stay.released_at.is_(None))
        ):
            raise RoomNotEmpty(room.name, 1)
        bed.in_service = in_service
        room.version = (room.version or 1) + 1
        record_room_state(session, room, desk.now())
        audit.record(
            session,
            desk,
            "bed.in_service" if in_service else "bed.out_of_service",
            "bed",
            bed.id,
            facility=facility.code,
            room=room.name,
            bed=bed.label,
        )


def candidate_rooms(
    session: Session, facility_id: int, cohort_id: int, starts_on: date, sexes: Collection[Sex], arrivals: int
) -> list[int]:
    """The rooms the bed choice reads in full for ``arrivals`` people of cohort ``cohort_id`` starting on
    ``starts_on``, of the ``sexes``: one query, then ``placement.rooms_worth_reading``, so that the rules are
    checked on a few rooms instead of the whole facility.

    The query leaves out only rooms that ``rooms.check_admission`` refuses to every such person whatever the bed:
    out of service, closed, empty and awaiting disinfection (R4), holding another cohort or another day (R2; the
    program never proposes a contact), of the other sex by rule (R3), or without a free bed in service (R1). The
    rules themselves are still checked in the domain on the rooms returned.
    """
    sex_rules = sorted({RoomSex.ANY.value, *(sex.value for sex in sexes)})
    found = session.execute(
        _candidate_statement(),
        {"facility_id": facility_id, "cohort_id": cohort_id, "starts_on": starts_on, "sex_rules": sex_rules},
    )
    kinds = [
        RoomKind(room_id, zone, name, RoomSex(sex), int(free), bool(taken))
        for room_id, zone, name, sex, awaiting, free, taken in found.tuples()
        if free > 0 and (taken or not awaiting)
    ]
    return rooms_worth_reading(kinds, arrivals)


@cache
def _candidate_statement() -> Select[Any]:
    """The query of ``candidate_rooms``, built once: its values are parameters."""
    open_here = Stay.room_id == Room.id, Stay.released_at.is_(None)
    # A room's free beds (in service, without an open stay: R1 allows one per bed) are counted only for the rooms
    # that pass the other conditions, in the room's own index entries: a field hospital has 20,000 beds, mostly
    # in rooms of other cohorts, and counting them all cost more than the rest of an admission.
    free_beds = (
        select(func.count())
        .select_from(Bed)
        .where(
            Bed.room_id == Room.id,
            Bed.in_service.is_(True),
            ~select(Stay.id).where(Stay.bed_id == Bed.id, Stay.released_at.is_(None)).exists(),
        )
        .scalar_subquery()
    )
    occupied = select(Stay.id).where(*open_here).exists()
    # Rooms without a free bed, and empty rooms awaiting disinfection, are left out by the caller: as conditions
    # here PostgreSQL checked them before the cheaper ones, on every room of the field hospital (the free beds)
    # or by reading the open stays of every facility (the occupants).
    return (
        select(
            Room.id,
            Zone.name,
            Room.name,
            Room.sex,
            Room.needs_disinfection,
            # Not counted for an empty room awaiting disinfection: it is left out anyway.
            case((and_(Room.needs_disinfection.is_(True), ~occupied), 0), else_=free_beds),
            occupied,
        )
        .join(Zone, Zone.id == Room.zone_id)
        .where(
            Room.facility_id == bindparam("facility_id"),
            Room.in_service.is_(True),
            Room.closed_at.is_(None),
            Room.sex.in_(bindparam("sex_rules", expanding=True)),
            ~select(Stay.id)
            .where(
                *open_here,
                or_(Stay.cohort_id != bindparam("cohort_id"), Stay.period_start != bindparam("starts_on")),
            )
            .exists(),
        )
    )


def room_snapshots(
    session: Session, facility_id: int, rooms: Collection[int] | None = None
) -> list[RoomSnapshot]:
    """The rooms of a facility with their beds and current occupants, for the rules and the bed choice: every
    room, or those of ids ``rooms`` (then one statement: a room, its beds and their occupants joined)."""
    if rooms is not None:
        return _sorted_snapshots(_few_room_snapshots(session, facility_id, rooms))
    zones = dict(
        session.execute(select(Zone.id, Zone.name).where(Zone.facility_id == facility_id)).tuples().all()
    )
    # Plain rows, not ORM objects: a facility of 20,000 beds would otherwise build 20,000 of them.
    room_query = select(
        Room.id, Room.zone_id, Room.name, Room.sex, Room.in_service, Room.closed_at, Room.needs_disinfection
    ).where(Room.facility_id == facility_id)
    bed_query = (
        select(Bed.id, Bed.room_id, Bed.label, Bed.in_service)
        .join(Room)
        .where(Room.facility_id == facility_id)
    )
    room_rows = session.execute(room_query).all()
    beds_by_room: dict[int, list[Row[tuple[int, int, str, bool]]]] = defaultdict(list)
    for bed in session.execute(bed_query.order_by(Bed.room_id, Bed.position)):
        beds_by_room[bed.room_id].append(bed)
    occupants: dict[int, Occupant] = {}
    cohort_names: dict[int, str] = {}
    rows = session.execute(
        select(*_OCCUPANT_COLUMNS, Stay.bed_id)
        .join(Person, Person.id == Stay.person_id)
        .join(Cohort, Cohort.id == Stay.cohort_id)
        .where(Stay.facility_id == facility_id, Stay.released_at.is_(None))
    ).tuples()
    for *columns, bed_id in rows:
        occupant, cohort_name = _occupant(columns)
        occupants[bed_id] = occupant
        cohort_names[occupant.cohort_id] = cohort_name
    snapshots = []
    for room in room_rows:
        beds = tuple(
            BedSnapshot(b.id, b.label, b.in_service, occupants.get(b.id)) for b in beds_by_room[room.id]
        )
        snapshots.append(
            _room_snapshot(
                room.id,
                zones[room.zone_id],
                room.name,
                room.sex,
                room.in_service,
                room.closed_at is not None,
                room.needs_disinfection,
                beds,
                cohort_names,
            )
        )
    return _sorted_snapshots(snapshots)


# An open stay's occupant as the room rules see them (``_occupant`` reads these columns in this order).
_OCCUPANT_COLUMNS = (
    Person.id,
    Person.sex,
    Person.household_id,
    Stay.cohort_id,
    Cohort.name,
    Stay.period_start,
    Stay.admitted_at,
    Person.birth_year,
    Person.birth_date,
)


def _occupant(columns: Sequence[Any]) -> tuple[Occupant, str]:
    person_id, sex, household_id, cohort_id, cohort_name, start, admitted, year, born = columns
    child = is_child(year, born, admitted.date())
    return Occupant(person_id, Sex(sex), household_id, cohort_id, start, child), cohort_name


def _room_snapshot(
    room_id: int,
    zone: str,
    name: str,
    sex: str,
    in_service: bool,
    closed: bool,
    needs_disinfection: bool,
    beds: tuple[BedSnapshot, ...],
    cohort_names: dict[int, str],
) -> RoomSnapshot:
    room_cohort = next((b.occupant.cohort_id for b in beds if b.occupant), None)
    return RoomSnapshot(
        room_id=room_id,
        zone=zone,
        name=name,
        sex=RoomSex(sex),
        in_service=in_service,
        closed=closed,
        needs_disinfection=needs_disinfection,
        beds=beds,
        cohort_name=cohort_names.get(room_cohort) if room_cohort is not None else None,
    )


def _few_room_snapshots(session: Session, facility_id: int, rooms: Collection[int]) -> list[RoomSnapshot]:
    """The snapshots of a few rooms in one statement: each bed with its room and its open stay's occupant (the
    admission reads a handful of rooms, and each statement is a round trip to the server)."""
    if not rooms:
        return []
    found = session.execute(
        _few_rooms_statement(), {"facility_id": facility_id, "rooms": sorted(rooms)}
    ).tuples()
    heads: dict[int, tuple[Any, ...]] = {}
    beds_by_room: dict[int, list[BedSnapshot]] = defaultdict(list)
    cohort_names: dict[int, str] = {}
    for row in found:
        room_id = row[0]
        heads.setdefault(room_id, row[1:7])
        bed_id, label, bed_in_service = row[7:10]
        if bed_id is None:
            continue  # a room without beds
        occupant = None
        if row[10] is not None:
            occupant, cohort_name = _occupant(row[10:])
            cohort_names[occupant.cohort_id] = cohort_name
        beds_by_room[room_id].append(BedSnapshot(bed_id, label, bed_in_service, occupant))
    return [
        _room_snapshot(
            room_id,
            zone,
            name,
            sex,
            in_service,
            closed_at is not None,
            needs_disinfection,
            tuple(beds_by_room[room_id]),
            cohort_names,
        )
        for room_id, (zone, name, sex, in_service, closed_at, needs_disinfection) in heads.items()
    ]


@cache
def _few_rooms_statement() -> Select[Any]:
    """The query of ``_few_room_snapshots``, built once."""
    return (
        select(
            Room.id,
            Zone.name,
            Room.name,
            Room.sex,
            Room.in_service,
            Room.closed_at,
            Room.needs_disinfection,
            Bed.id,
            Bed.label,
            Bed.in_service,
            *_OCCUPANT_COLUMNS,
        )
        .join(Zone, Zone.id == Room.zone_id)
        .outerjoin(Bed, Bed.room_id == Room.id)
        .outerjoin(
            Stay,
            and_(
                Stay.bed_id == Bed.id,
                Stay.released_at.is_(None),
                Stay.facility_id == bindparam("facility_id"),
            ),
        )
        .outerjoin(Person, Person.id == Stay.person_id)
        .outerjoin(Cohort, Cohort.id == Stay.cohort_id)
        .where(Room.facility_id == bindparam("facility_id"), Room.id.in_(bindparam("rooms", expanding=True)))
        .order_by(Room.id, Bed.position, Bed.id)
    )


def _sorted_snapshots(snapshots: list[RoomSnapshot]) -> list[RoomSnapshot]:
    snapshots.sort(key=lambda s: (s.zone, _natural(s.name)))
    return snapshots


def _natural(name: str) -> tuple[object, ...]:
    """Room "2" before "10"."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))


def room_board(desk: Desk, facility_code: str) -> list[RoomRow]:
    with desk.read() as session:
        facility = facility_by_code(session, facility_code)
        rooms = {r.id: r for r in session.scalars(select(Room).where(Room.facility_id == facility.id))}
        earliest = dict(
            session.execute(
                select(Stay.room_id, func.min(Stay.planned_release))
                .where(Stay.facility_id == facility.id, Stay.released_at.is_(None))
                .group_by(Stay.room_id)
            )
            .tuples()
            .all()
        )
        watched = dict(
            session.execute(
                select(Stay.room_id, func.count())
                .join(Person, Person.id == Stay.person_id)
                .where(
                    Stay.facility_id == facility.id,
                    Stay.released_at.is_(None),
                    Person.special_watch.is_(True),
                )
                .group_by(Stay.room_id)
            )
            .tuples()
            .all()
        )
        rows = []
        for snap in room_snapshots(session, facility.id):
            room = rooms[snap.room_id]
            rows.append(
                RoomRow(
                    id=snap.room_id,
                    zone=snap.zone,
                    room=snap.name,
                    sex=snap.sex.value,
                    beds=len(snap.beds),
                    beds_in_service=sum(1 for b in snap.beds if b.in_service),
                    occupants=len(snap.occupants),
                    state=snap.state,
                    cohort=snap.cohort_name,
                    earliest_release=earliest.get(snap.room_id),
                    disinfected_at=room.disinfected_at.isoformat() if room.disinfected_at else None,
                    disinfected_by=room.disinfected_by,
                    starts_on=snap.starts_on,
                    special_watch=watched.get(snap.room_id, 0),
                    version=room.version or 1,
                )
            )
        return rows


@dataclass(frozen=True)
class Occupancy:
    beds: int
    occupied: int
    closed: int  # beds in closed, out-of-service or awaiting-disinfection rooms that are empty

    @property
    def free(self) -> int:
        return max(0, self.beds - self.occupied - self.closed)

    @property
    def warning(self) -> bool:
        """R7: 90 % of the beds are taken."""
        return near_full(self.occupied, self.beds)

    @property
    def percent(self) -> int:
        return percent_used(self.occupied, self.beds)


def occupancy_of(rows: list[RoomRow]) -> Occupancy:
    beds = sum(r.beds_in_service for r in rows)
    occupied = sum(r.occupants for r in rows)
    closed = sum(
        r.beds_in_service - r.occupants for r in rows if r.state not in (RoomState.READY, RoomState.OCCUPIED)
    )
    return Occupancy(beds, occupied, closed)
