"""The invariant checker: the rules read back from the data as it is stored, whatever wrote it.

The use cases keep the rules when they write (R1–R9); this module looks at the result, as a tester would: after an
upgrade, after many PCs worked at once, on a backup before it is restored (``backup.restore`` refuses a file with
problems), and on demand (``quarantine-desk check``). Each finding is a ``Problem``: a stable code and where it
is (``F01/101``, ``F01/101/2``, ``stay:12``, ``person:5``, ``item:3``), in that order, so two runs compare line by
line.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quarantine_desk.db.models import (
    AuditEvent,
    Bed,
    Cohort,
    Facility,
    MedicalTest,
    Person,
    Room,
    RoomStateChange,
    Stay,
    StockMovement,
)
from quarantine_desk.domain.roles import Permission
from quarantine_desk.services import audit
from quarantine_desk.services.context import Desk


@dataclass(frozen=True, order=True)
class Problem:
    """One broken rule. ``problem`` is one of PROBLEMS or TAMPERING; ``where`` names the place or the record."""

    problem: str
    where: str

    def as_dict(self) -> dict[str, str]:
        return {"problem": self.problem, "where": self.where}


# The codes, with the rule each one breaks (DESIGN.md); messages.check_problem() words them.
PROBLEMS = {
    "bed_twice": "R1",  # two open stays on one bed
    "two_open_stays": "R1",  # one person with two open stays
    "room_two_cohorts": "R2",  # open stays of two cohorts in one room (not as an accepted contact)
    "room_two_start_days": "R2",  # open stays in one room whose quarantine started on different days
    "room_mixed_sexes": "R3",  # both sexes in one room, not all of one household
    "admitted_without_disinfection": "R4",  # a new occupancy after the last occupant left, no disinfection between
    "more_occupants_than_beds": "R7",
    "times_out_of_order": "R8",  # released before admitted, a test outside its stay, planned release before start
    "stay_elsewhere": "R8",  # a stay's bed not in its room, or its room not in its facility
    "negative_stock": "R8",  # more taken out of stock than came in
}

# Besides the rules: what was changed in the database by hand, around the program (services/audit.py; broken by
# hand in tests/services/test_audit_chain.py).
TAMPERING = (
    "audit_event_edited",  # an audit event's hash no longer matches its fields
    "audit_event_missing",  # an audit event deleted from the chain
    "audit_event_unchained",  # an audit event added by hand, outside the chain
    "audit_chain_head",  # the last audit events deleted
    "user_seal",  # a user's role, state or facilities changed in the database by hand
)


@dataclass(frozen=True)
class _Stay:
    id: int
    person_id: int
    facility_id: int
    room_id: int
    bed_id: int
    cohort_id: int
    admitted_at: datetime
    period_start: date
    planned_release: date
    positive_at: datetime | None
    released_at: datetime | None
    outcome: str | None


def check(desk: Desk) -> list[Problem]:
    """Every problem found in the database, sorted; empty when the data keeps the rules."""
    with desk.read(Permission.READ) as session:
        return problems(session)


def problems(session: Session) -> list[Problem]:
    """The checks on any session (the open database, or a backup's working copy before it is restored)."""
    data = _Data(session)
    found: set[Problem] = set()
    for check_one in CHECKS:
        found.update(check_one(data))
    return sorted(found)


class _Data:
    """What the checks read, loaded once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        codes = dict(session.execute(select(Facility.id, Facility.code)).tuples().all())
        self.rooms = {
            r.id: r
            for r in session.execute(
                select(Room.id, Room.facility_id, Room.name, Room.sex, Room.disinfected_at)
            ).all()
        }
        self.room_place = {rid: f"{codes.get(r.facility_id, '?')}/{r.name}" for rid, r in self.rooms.items()}
        self.beds = {
            b.id: b for b in session.execute(select(Bed.id, Bed.room_id, Bed.label, Bed.in_service)).all()
        }
        self.stays = [
            _Stay(*row)
            for row in session.execute(
                select(
                    Stay.id,
                    Stay.person_id,
                    Stay.facility_id,
                    Stay.room_id,
                    Stay.bed_id,
                    Stay.cohort_id,
                    Stay.admitted_at,
                    Stay.period_start,
                    Stay.planned_release,
                    Stay.positive_at,
                    Stay.released_at,
                    Stay.outcome,
                ).order_by(Stay.room_id, Stay.admitted_at, Stay.id)
            ).tuples()
        ]
        self.open = [s for s in self.stays if s.released_at is None]
        people_ids = {s.person_id for s in self.open}
        self.people = {
            p.id: p
            for p in session.execute(select(Person.id, Person.sex, Person.household_id)).all()
            if p.id in people_ids
        }
        self.cohorts = dict(session.execute(select(Cohort.id, Cohort.name)).tuples().all())

    def bed_place(self, bed_id: int) -> str:
        bed = self.beds.get(bed_id)
        if bed is None:
            return f"bed:{bed_id}"
        return f"{self.room_place.get(bed.room_id, '?')}/{bed.label}"

    def open_by_room(self) -> dict[int, list[_Stay]]:
        rooms: dict[int, list[_Stay]] = defaultdict(list)
        for stay in self.open:
            rooms[stay.room_id].append(stay)
        return rooms


def _beds_and_people(data: _Data) -> Iterable[Problem]:
    beds: dict[int, int] = defaultdict(int)
    people: dict[int, int] = defaultdict(int)
    for stay in data.open:
        beds[stay.bed_id] += 1
        people[stay.person_id] += 1
    for bed_id, count in beds.items():
        if count > 1:
            yield Problem("bed_twice", data.bed_place(bed_id))
    for person_id, count in people.items():
        if count > 1:
            yield Problem("two_open_stays", f"person:{person_id}")


def _rooms_now(data: _Data) -> Iterable[Problem]:
    contacts = _accepted_contacts(data)
    beds_of = Counter(b.room_id for b in data.beds.values())
    for room_id, stays in data.open_by_room().items():
        where = data.room_place.get(room_id, f"room:{room_id}")
        cohorts = {s.cohort_id for s in stays}
        if len(cohorts) > 1 and not {s.person_id for s in stays} & contacts.get(room_id, set()):
            yield Problem("room_two_cohorts", where)
        # A positive case keeps its own days until transferred; everyone else restarted with the contact.
        if len({s.period_start for s in stays if s.positive_at is None}) > 1:
            yield Problem("room_two_start_days", where)
        occupants = [data.people[s.person_id] for s in stays if s.person_id in data.people]
        sexes = {p.sex for p in occupants}
        room_sex = data.rooms[room_id].sex if room_id in data.rooms else "any"
        if room_sex in ("M", "F"):
            sexes.add(room_sex)
        households = {p.household_id for p in occupants}
        one_household = len(households) == 1 and None not in households
        if len(sexes) > 1 and not one_household:
            yield Problem("room_mixed_sexes", where)
        if len(stays) > beds_of[room_id]:
            yield Problem("more_occupants_than_beds", where)


def _accepted_contacts(data: _Data) -> dict[int, set[int]]:
    """The people a manager accepted into a room of another cohort as contacts (the audit trail records it)."""
    accepted: dict[int, set[int]] = defaultdict(set)
    for room_id, summary in data.session.execute(
        select(AuditEvent.entity_id, AuditEvent.summary).where(AuditEvent.action == "room.accept_contact")
    ).tuples():
        try:
            person = json.loads(summary).get("person")
        except (ValueError, AttributeError):
            continue
        if room_id is not None and isinstance(person, int):
            accepted[room_id].add(person)
    return accepted


def _disinfections(data: _Data) -> Iterable[Problem]:
    """R4 read back: a room whose occupants have all left takes a new occupancy only after a disinfection.

    The room's state history (room_state_change) has a row for every change: a departure that empties the room
    writes "needs disinfection", and each later disinfection and each admission writes "does not". Between the
    departure and a new occupancy there must be more "does not" rows than admissions, or the room's last recorded
    disinfection must fall in between.
    """
    history: dict[int, list[tuple[datetime, int, bool]]] = defaultdict(list)
    for room_id, at, row_id, needs in data.session.execute(
        select(
            RoomStateChange.room_id,
            RoomStateChange.at,
            RoomStateChange.id,
            RoomStateChange.needs_disinfection,
        )
    ).tuples():
        history[room_id].append((at, row_id, needs))
    for rows in history.values():
        rows.sort()
    by_room: dict[int, list[_Stay]] = defaultdict(list)
    for stay in data.stays:
        by_room[stay.room_id].append(stay)
    for room_id, stays in by_room.items():
        for i, stay in enumerate(stays):
            earlier = stays[:i]
            if not earlier or any(s.released_at is None or s.released_at > stay.admitted_at for s in earlier):
                continue  # the room's first occupancy, or people joining those already there
            left = max(s.released_at for s in earlier if s.released_at is not None)
            disinfected = data.rooms[room_id].disinfected_at if room_id in data.rooms else None
            if disinfected is not None and left <= disinfected <= stay.admitted_at:
                continue
            span = [r for r in history.get(room_id, []) if left <= r[0] <= stay.admitted_at]
            needing = [k for k, r in enumerate(span) if r[2]]
            # A stay that came and went within the admission's second emptied the room after it came: the last
            # "needs disinfection" rows of that second may be those departures, later than this admission.
            came_and_went = sum(1 for s in stays if s.admitted_at == s.released_at == stay.admitted_at)
            while came_and_went and needing and span[needing[-1]][0] == stay.admitted_at:
                needing.pop()
                came_and_went -= 1
            last_needing = needing[-1] if needing else -1
            cleared = sum(1 for r in span[last_needing + 1 :] if not r[2])
            # Times are stored to the second and taken once the locks are held, so the history's rows (in the
            # order they were written) say what came first within a second. When the room's emptying is recorded
            # (a "needs disinfection" row at ``emptied``), every stay that was still there after that second
            # entered after it, also one admitted in that very second: it needed a disinfection in between like
            # any other. When no emptying is recorded, an admission in the departure's second joined those still
            # there (the departure did not empty the room), so only later admissions count.
            if last_needing >= 0:
                emptied = span[last_needing][0]
                admissions = sum(
                    1
                    for s in stays
                    if emptied < s.admitted_at <= stay.admitted_at
                    or (s.admitted_at == emptied and (s.released_at is None or s.released_at > emptied))
                )
            else:
                admissions = sum(1 for s in stays if left < s.admitted_at <= stay.admitted_at)
            if cleared <= admissions:
                yield Problem(
                    "admitted_without_disinfection", data.room_place.get(room_id, f"room:{room_id}")
                )
                break  # one finding per room is enough to send someone to look


def _times_and_places(data: _Data) -> Iterable[Problem]:
    for stay in data.stays:
        where = f"stay:{stay.id}"
        if stay.released_at is not None and stay.released_at < stay.admitted_at:
            yield Problem("times_out_of_order", where)
        if stay.positive_at is not None and stay.positive_at < stay.admitted_at:
            yield Problem("times_out_of_order", where)
        if stay.planned_release < stay.period_start:
            yield Problem("times_out_of_order", where)
        bed = data.beds.get(stay.bed_id)
        room = data.rooms.get(stay.room_id)
        if bed is None or bed.room_id != stay.room_id or room is None or room.facility_id != stay.facility_id:
            yield Problem("stay_elsewhere", where)
    # A sample may be taken up to a day before the admission is recorded (at the gate), as medical.record_test
    # allows; one taken earlier belongs to no stay of this person here.
    starts = {s.id: s.admitted_at - SAMPLE_BEFORE_ADMISSION for s in data.stays}
    for stay_id, sampled_at in data.session.execute(
        select(MedicalTest.stay_id, MedicalTest.sampled_at)
    ).tuples():
        start = starts.get(stay_id)
        if start is not None and sampled_at < start:
            yield Problem("times_out_of_order", f"stay:{stay_id}")


def _stock(data: _Data) -> Iterable[Problem]:
    for item_id, balance in data.session.execute(
        select(StockMovement.item_id, func.sum(StockMovement.quantity)).group_by(StockMovement.item_id)
    ).tuples():
        if balance is not None and balance < 0:
            yield Problem("negative_stock", f"item:{item_id}")


SAMPLE_BEFORE_ADMISSION = timedelta(days=1)


def _tampering(data: _Data) -> Iterable[Problem]:
    """The audit chain and the users' seals (services.audit): what was changed in the database by hand."""
    for found in audit.tamper_problems(data.session):
        yield Problem(found.problem, found.where)


CHECKS: tuple[Callable[[_Data], Iterable[Problem]], ...] = (
    _beds_and_people,
    _rooms_now,
    _disinfections,
    _times_and_places,
    _stock,
    _tampering,
)
