"""Stays: admission and the proposed beds, transfers, releases, disinfection, and the lists of stays (R1–R8).

Tests, health checks and the positive case are in ``medical``; the policies that give a stay its period in
``policies``.

Every use case locks the facility row first (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE``
already serialises writers), so two PCs admitting at once into one facility are checked one after the other and
the rules of one room (one cohort, one sex) cannot be broken by a race. The partial unique indexes on open stays
are the last line of defence for R1.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from math import ceil
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from quarantine_desk.db.models import (
    Bed,
    Cohort,
    Facility,
    MedicalTest,
    Person,
    Room,
    Stay,
)
from quarantine_desk.domain.cohorts import CohortKind, check_joins_cohort, exposure_of, parse_source
from quarantine_desk.domain.errors import (
    ChildAlone,
    ChildWouldBeLeftAlone,
    FacilityInactive,
    InvalidInput,
    NoBedAvailable,
    NoOpenStay,
    NotFound,
    PersonAlreadyStaying,
    ProblemKind,
    ReleaseNeedsOverride,
    ReleaseProblem,
    RoomNotEmpty,
    StaleEdit,
)
from quarantine_desk.domain.people import Sex
from quarantine_desk.domain.placement import Assignment, Reason, choose_beds
from quarantine_desk.domain.policy import (
    PolicyProfile,
    TestRecord,
    choose_policy,
    planned_release,
    release_problems,
    test_schedule,
)
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.rooms import (
    Arrival,
    BedSnapshot,
    RoomSnapshot,
    check_admission,
    fitting_rooms,
    room_order_of,
)
from quarantine_desk.domain.stays import RELEASE_OUTCOMES, StayOutcome, TestResult, is_child, roster_moment
from quarantine_desk.domain.text import clean_text, nfc, required_text
from quarantine_desk.services import audit, scope
from quarantine_desk.services.context import Desk
from quarantine_desk.services.facilities import (
    candidate_rooms,
    facility_by_code,
    room_by_name,
    room_snapshots,
)
from quarantine_desk.services.moments import moment
from quarantine_desk.services.people import people_by_refs, person_by_ref, protected_on
from quarantine_desk.services.policies import copy_policy, profiles, stay_policy
from quarantine_desk.services.presence import (
    present_at,
    present_count,
    record_admitted_room_state,
    record_room_state,
)

log = logging.getLogger(__name__)


# --- rows handed to the views -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdmitResult:
    stay: int
    person: int
    full_name: str
    room: str
    bed: str
    cohort: str
    admitted_at: datetime
    planned_release: date
    test_days: tuple[date, ...]
    policy: str
    reason: str | None  # why the program chose this bed (placement.Reason), None when the user chose


@dataclass(frozen=True)
class Proposal:
    person: int
    full_name: str
    room: str
    zone: str
    bed: str
    reason: str


@dataclass(frozen=True)
class StayRow:
    """A stay with what the lists (roster, due lists, room occupants) show."""

    stay: int
    person: int
    full_name: str
    sex: str
    birth_year: int | None
    birth_date: date | None
    id_number: str | None
    phone: str | None
    address: str | None
    facility: str
    zone: str
    room: str
    bed: str
    cohort: str
    admitted_at: datetime
    period_start: date
    planned_release: date
    released_at: datetime | None
    outcome: StayOutcome | None
    positive_at: datetime | None
    transfer_to: str | None
    sort_key: str
    override_reason: str | None = None
    home_address: str | None = None
    policy: str = ""
    # The person's F-level and F0 case / exposure place, their own or their cohort's (``cohorts.exposure_of``).
    f_level: str | None = None
    exposure: str | None = None
    exposure_from_cohort: bool = False
    # "Cần theo dõi đặc biệt" (underlying conditions, pregnancy): the room board and medical lists show it.
    special_watch: bool = False
    conditions: str | None = None
    pregnant: bool = False

    @property
    def reason(self) -> str | None:
        """Why the stay ended as it did: the manager's reason, where the person was transferred, the home."""
        if self.outcome == StayOutcome.TRANSFERRED:
            return self.transfer_to
        if self.outcome == StayOutcome.HOME_QUARANTINE:
            return self.home_address
        return self.override_reason


@dataclass(frozen=True)
class ReleaseRow:
    stay: int
    person: int
    full_name: str
    room: str
    planned_release: date
    problems: tuple[ReleaseProblem, ...]  # empty: can be released by medical staff


# --- helpers -------------------------------------------------------------------------------------------------------


def cohort_day(session: Session, cohort_id: int) -> date | None:
    """The day a cohort's people were admitted (the earliest, for cohorts older than the rule); None if nobody."""
    first = session.scalar(select(func.min(Stay.admitted_at)).where(Stay.cohort_id == cohort_id))
    return first.date() if first is not None else None


@dataclass(frozen=True)
class NewCohort:
    """What the gate knows of a new cohort besides its name; an existing cohort keeps what it has."""

    kind: CohortKind = CohortKind.OTHER
    exposure_date: date | None = None  # the admission day when not given
    source: str | None = None


def _cohort(
    session: Session,
    desk: Desk,
    facility: Facility,
    name: str,
    *,
    create: bool,
    on: date,
    new: NewCohort | None = None,
) -> Cohort:
    """The facility's cohort of that name, joined on day ``on`` (R2: only on the day its people were admitted)."""
    name = required_text(name, "cohort")
    # The cohort and its day in one statement (``cohort_day``).
    first = select(func.min(Stay.admitted_at)).where(Stay.cohort_id == Cohort.id).scalar_subquery()
    found = (
        session.execute(select(Cohort, first).where(Cohort.facility_id == facility.id, Cohort.name == name))
        .tuples()
        .first()
    )
    cohort = found[0] if found is not None else None
    if cohort is None:
        if not create:
            raise NotFound("cohort", name)
        new = new or NewCohort()
        exposure = new.exposure_date or on
        if exposure > on:
            raise InvalidInput("exposure_date", "after_admission", exposure.isoformat())
        cohort = Cohort(
            facility_id=facility.id,
            name=name,
            exposure_date=exposure,
            kind=new.kind.value,
            source=parse_source(new.source),
            created_at=desk.now(),
        )
        session.add(cohort)
        session.flush()
        audit.record(
            session,
            desk,
            "cohort.add",
            "cohort",
            cohort.id,
            facility=facility.code,
            name=name,
            kind=cohort.kind,
            exposure_date=cohort.exposure_date,
            source=cohort.source,
        )
        return cohort
    assert found is not None
    check_joins_cohort(cohort.name, found[1].date() if found[1] is not None else None, on)
    return cohort


def _open_stay(session: Session, person: Person, *, lock: bool = False) -> Stay | None:
    query = select(Stay).where(Stay.person_id == person.id, Stay.released_at.is_(None))
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def require_open_stay(session: Session, person: Person) -> Stay:
    """The person's open stay, locked for the change; ``NoOpenStay`` when there is none."""
    stay = _open_stay(session, person, lock=True)
    if stay is None:
        raise NoOpenStay(person.full_name)
    scope.require_id(session, stay.facility_id)
    return stay


def lock_open_stay(session: Session, person_ref: str | int) -> tuple[Person, Facility, Stay]:
    """The person's open stay, with its facility locked first like every other change of stays there."""
    person = person_by_ref(session, person_ref)
    probe = _open_stay(session, person)
    if probe is None:
        raise NoOpenStay(person.full_name)
    facility = session.get(Facility, probe.facility_id)
    assert facility is not None
    _lock_facility_for_stays(session, facility.code)
    return person, facility, require_open_stay(session, person)


def _as_shown(person: Person, stay: Stay, shown: tuple[int, int] | None) -> None:
    """``shown``: the stay (id, version) the window showed; refused when the open stay is another one or has
    changed since (StaleEdit, R8), so that nobody releases or transfers on what they did not see."""
    if shown is not None and shown != (stay.id, stay.version or 1):
        raise StaleEdit("stay", person.full_name)


def changed(stay: Stay) -> None:
    """A change of the stay: its edit version goes up (see _as_shown)."""
    stay.version = (stay.version or 1) + 1


# How many fitting rooms a refusal offers.
FITTING_SHOWN = 5


def _arrival(person: Person, on: date) -> Arrival:
    """The person as the room rules see them when admitted on ``on`` (day 1 of the quarantine)."""
    return Arrival(
        person.id,
        Sex(person.sex),
        person.household_id,
        on,
        is_child(person.birth_year, person.birth_date, on),
    )


def _snapshot(snapshots: Sequence[RoomSnapshot], room_id: int) -> RoomSnapshot:
    return next(s for s in snapshots if s.room_id == room_id)


def _lock_facility_for_stays(session: Session, code: str) -> Facility:
    return facility_by_code(session, code, lock=True)


# --- admission -----------------------------------------------------------------------------------------------------


def _start_stay(
    session: Session,
    desk: Desk,
    person: Person,
    facility: Facility,
    cohort: Cohort,
    room: RoomSnapshot,
    bed: BedSnapshot,
    at: datetime,
    reason: Reason | None,
    policies: Sequence[PolicyProfile],
) -> AdmitResult:
    """Start the stay in ``bed`` of ``room``, both as read under the facility's lock in this transaction; the
    caller has locked the person and found them staying nowhere (R1)."""
    profile = choose_policy(policies, at.date(), protected_on(person, at.date()))
    start = at.date()
    stay = Stay(
        person_id=person.id,
        facility_id=facility.id,
        room_id=room.room_id,
        bed_id=bed.bed_id,
        cohort_id=cohort.id,
        admitted_at=at,
        period_start=start,
        planned_release=planned_release(start, profile),
    )
    copy_policy(stay, profile)
    session.add(stay)
    person.pre_registered = False
    if room.needs_disinfection:
        # The rules let the newcomer in (R4 holds): the room no longer awaits disinfection.
        session.execute(update(Room).where(Room.id == room.room_id).values(needs_disinfection=False))
    record_admitted_room_state(session, room, at)
    session.flush()
    schedule = tuple(due for _, due in test_schedule(start, profile))
    audit.record(
        session,
        desk,
        "stay.admit",
        "stay",
        stay.id,
        person=person.id,
        name=person.full_name,
        facility=facility.code,
        room=room.name,
        bed=bed.label,
        cohort=cohort.name,
        planned_release=stay.planned_release,
        policy=profile.name,
        chosen_by="program" if reason else "user",
    )
    return AdmitResult(
        stay.id,
        person.id,
        person.full_name,
        room.name,
        bed.label,
        cohort.name,
        at,
        stay.planned_release,
        schedule,
        profile.name,
        reason.value if reason else None,
    )


def _refuse_if_staying(session: Session, people: Sequence[Person]) -> None:
    """R1: one open stay per person (the people are locked, so none can start meanwhile)."""
    staying = {
        s.person_id: s
        for s in session.scalars(
            select(Stay).where(Stay.person_id.in_([p.id for p in people]), Stay.released_at.is_(None))
        )
    }
    for person in people:
        existing = staying.get(person.id)
        if existing is not None:
            where = session.get(Room, existing.room_id)
            other = session.get(Facility, existing.facility_id)
            raise PersonAlreadyStaying(
                person.full_name, other.code if other else "", where.name if where else ""
            )


def admit(
    desk: Desk,
    person_ref: str | int,
    facility_code: str,
    cohort_name: str,
    *,
    room: str | None = None,
    bed: str | None = None,
    at: datetime | None = None,
    as_contact: bool = False,
    new_cohort: NewCohort | None = None,
) -> AdmitResult:
    """Admit one person. Without a room, the program chooses the bed; with one, the rules are checked.

    ``as_contact``: a manager accepts the person into a room of another cohort or an earlier day as a contact of
    its occupants; every occupant's quarantine then restarts from the admission day (as in R5), in the same
    transaction, audited. The program never proposes such a room by itself.
    """
    if room is None:
        if as_contact:
            raise InvalidInput("room", "empty")
        return admit_group(desk, [person_ref], facility_code, cohort_name, at=at, new_cohort=new_cohort)[0]
    with desk.write(Permission.ADMIT) as session:
        if as_contact:
            desk.require(Permission.ACCEPT_CONTACT)
        facility = _lock_facility_for_stays(session, facility_code)
        at = moment(desk, at)  # after the lock: see moment()
        if not facility.active:
            raise FacilityInactive(facility.code)
        person = person_by_ref(session, person_ref, lock=True)
        cohort = _cohort(session, desk, facility, cohort_name, create=True, on=at.date(), new=new_cohort)
        target = room_by_name(session, facility, room, lock=True)
        arrival = _arrival(person, at.date())
        # The room asked for, and the rooms that may fit (offered when it is refused): not the whole facility.
        fitting = candidate_rooms(session, facility.id, cohort.id, at.date(), {arrival.sex}, FITTING_SHOWN)
        snapshots = room_snapshots(session, facility.id, {*fitting, target.id})
        snap = _snapshot(snapshots, target.id)
        bed_id = None
        if bed is not None:
            bed_row = next((b for b in target.beds if b.label == nfc(bed)), None)
            if bed_row is None:
                raise NotFound("bed", f"{target.name}/{bed}")
            bed_id = bed_row.id
        # A refusal names the rooms that would fit, so the person at the gate can move on.
        options = fitting_rooms(snapshots, arrival, cohort.id, cohort.name, FITTING_SHOWN)
        try:
            chosen = check_admission(
                snap, arrival, cohort.id, cohort.name, bed_id, options, as_contact=as_contact
            )
        except ChildAlone as exc:
            raise ChildAlone(person.full_name, exc.room, exc.reason, exc.options) from exc
        chosen_bed = next(b for b in snap.beds if b.bed_id == chosen.bed_id)
        _refuse_if_staying(session, [person])
        if as_contact:
            _restart_as_contacts(session, desk, facility, target, at, person)
        return _start_stay(
            session, desk, person, facility, cohort, snap, chosen_bed, at, None, profiles(session)
        )


def _restart_as_contacts(
    session: Session, desk: Desk, facility: Facility, room: Room, at: datetime, newcomer: Person
) -> list[int]:
    """Every occupant of ``room`` becomes a contact of ``newcomer``: their quarantine restarts from ``at``'s day
    with the tests that implies (R2 accepted as a contact, like R5). Returns the person ids restarted."""
    day = at.date()
    restarted = []
    for mate in session.scalars(
        select(Stay).where(Stay.room_id == room.id, Stay.released_at.is_(None)).with_for_update()
    ):
        if mate.positive_at is not None or mate.period_start >= day:
            continue
        before = (mate.period_start, mate.planned_release)
        changed(mate)
        mate.period_start = day
        mate.planned_release = planned_release(day, stay_policy(mate))
        restarted.append(mate.person_id)
        audit.record(
            session,
            desk,
            "stay.restart",
            "stay",
            mate.id,
            person=mate.person_id,
            reason="accepted_contact",
            contact=newcomer.id,
            before=before,
            after=(mate.period_start, mate.planned_release),
        )
    audit.record(
        session,
        desk,
        "room.accept_contact",
        "room",
        room.id,
        facility=facility.code,
        room=room.name,
        person=newcomer.id,
        name=newcomer.full_name,
        roommates_restarted=restarted,
    )
    return restarted


def _check_children(session: Session, facility: Facility, people: Sequence[Person], on: date) -> None:
    """R9 before any bed is chosen: each child arrives with, or joins, an adult of the same household."""
    for person in people:
        if not is_child(person.birth_year, person.birth_date, on):
            continue
        if person.household_id is None:
            raise ChildAlone(person.full_name, "", "no_household")
        with_adult = any(
            p.household_id == person.household_id and not is_child(p.birth_year, p.birth_date, on)
            for p in people
        )
        if not with_adult:
            adults_here = session.scalars(
                select(Person)
                .join(Stay, Stay.person_id == Person.id)
                .where(
                    Stay.facility_id == facility.id,
                    Stay.released_at.is_(None),
                    Person.household_id == person.household_id,
                )
            )
            with_adult = any(not is_child(p.birth_year, p.birth_date, on) for p in adults_here)
        if not with_adult:
            raise ChildAlone(person.full_name, "", "no_adult")


def _place(
    session: Session, facility: Facility, people: Sequence[Person], cohort: Cohort, on: date
) -> tuple[tuple[Assignment, ...], dict[int, RoomSnapshot]]:
    """The beds the program chooses, and the rooms it chose among (by id). Only the rooms that may take the
    cohort are read (``candidate_rooms``); the others would be refused by the rules anyway."""
    _check_children(session, facility, people, on)
    arrivals = [_arrival(p, on) for p in people]
    rooms = candidate_rooms(session, facility.id, cohort.id, on, {a.sex for a in arrivals}, len(arrivals))
    snapshots = room_snapshots(session, facility.id, rooms)
    try:
        return choose_beds(snapshots, arrivals, cohort.id, cohort.name), {s.room_id: s for s in snapshots}
    except NoBedAvailable as exc:
        raise NoBedAvailable(facility.code, cohort.name, len(arrivals)) from exc


def propose_beds(
    desk: Desk, person_refs: Sequence[str | int], facility_code: str, cohort_name: str
) -> list[Proposal]:
    """What the program would choose, without admitting anyone (the check-in page shows it first)."""
    with desk.read() as session:
        facility = facility_by_code(session, facility_code)
        people = people_by_refs(session, person_refs)
        cohort = session.scalar(
            select(Cohort).where(Cohort.facility_id == facility.id, Cohort.name == nfc(cohort_name))
        )
        if cohort is None:
            # A new cohort has no rooms yet; id -1 matches none.
            cohort = Cohort(
                id=-1, facility_id=facility.id, name=nfc(cohort_name), exposure_date=desk.now().date()
            )
        assignments, rooms = _place(session, facility, people, cohort, desk.now().date())
        names = {p.id: p.full_name for p in people}
        return [
            Proposal(
                a.person_id,
                names[a.person_id],
                rooms[a.room_id].name,
                rooms[a.room_id].zone,
                next(b.label for b in rooms[a.room_id].beds if b.bed_id == a.bed_id),
                a.reason.value,
            )
            for a in assignments
        ]


def admit_group(
    desk: Desk,
    person_refs: Sequence[str | int],
    facility_code: str,
    cohort_name: str,
    *,
    at: datetime | None = None,
    new_cohort: NewCohort | None = None,
) -> list[AdmitResult]:
    """Admit people arriving together; the program chooses their beds. All are admitted, or none."""
    if not person_refs:
        raise InvalidInput("people", "empty")
    with desk.write(Permission.ADMIT) as session:
        facility = _lock_facility_for_stays(session, facility_code)
        at = moment(desk, at)  # after the lock: see moment()
        if not facility.active:
            raise FacilityInactive(facility.code)
        people = people_by_refs(session, person_refs, lock=True)
        if len({p.id for p in people}) != len(people):
            raise InvalidInput("people", "duplicate")
        _refuse_if_staying(session, people)
        cohort = _cohort(session, desk, facility, cohort_name, create=True, on=at.date(), new=new_cohort)
        assignments, rooms = _place(session, facility, people, cohort, at.date())
        by_id = {p.id: p for p in people}
        policies = profiles(session)
        results = []
        for a in assignments:
            # The room and bed as read for the choice, under the facility's lock: not read again.
            room = rooms[a.room_id]
            bed = next(b for b in room.beds if b.bed_id == a.bed_id)
            results.append(
                _start_stay(
                    session, desk, by_id[a.person_id], facility, cohort, room, bed, at, a.reason, policies
                )
            )
        return results


# --- leaving: transfer, release; the room afterwards (R4) -----------------------------------------------------------


def _after_leaving(session: Session, room: Room, at: datetime) -> None:
    """The last occupant gone: a closed room reopens only after disinfection, like every emptied room (R4)."""
    left = session.scalar(
        select(func.count()).select_from(Stay).where(Stay.room_id == room.id, Stay.released_at.is_(None))
    )
    if not left:
        room.closed_at = None
        room.needs_disinfection = True
        record_room_state(session, room, at)


def _test_records(session: Session, stay: Stay) -> list[TestRecord]:
    """The stay's tests with a result, as the release rule (R6) reads them."""
    return [
        TestRecord(t.sampled_at.date(), t.result == TestResult.POSITIVE)
        for t in session.scalars(
            select(MedicalTest).where(
                MedicalTest.stay_id == stay.id, MedicalTest.result != TestResult.PENDING
            )
        )
    ]


def _end_stay(session: Session, desk: Desk, stay: Stay, at: datetime, outcome: StayOutcome) -> None:
    """Close the stay and look after its room (closed until empty, then awaiting disinfection: R4, R5)."""
    changed(stay)
    stay.released_at = at
    stay.outcome = outcome.value
    stay.released_by = desk.username
    room = session.get(Room, stay.room_id, with_for_update=True)
    assert room is not None
    session.flush()
    _after_leaving(session, room, at)


def transfer(
    desk: Desk,
    person_ref: str | int,
    to: str,
    *,
    at: datetime | None = None,
    shown: tuple[int, int] | None = None,
) -> StayRow:
    """Transfer to a treatment facility (or elsewhere): ends the stay with outcome ``transferred``. Like every
    way of leaving, it may not leave a child of the household alone in the room (R9): the child is released or
    transferred first, or another adult of the household stays. ``shown``: the stay (id, version) as the window
    showed it (StaleEdit when it has changed since)."""
    to = required_text(to, "to")
    with desk.write(Permission.RELEASE) as session:
        person, facility, stay = lock_open_stay(session, person_ref)
        _as_shown(person, stay, shown)
        at = moment(desk, at)  # after the lock: see moment()
        if at < stay.admitted_at:
            raise InvalidInput("at", "before_admission", at.isoformat())
        _check_child_not_left_alone(session, stay, person)
        stay.transfer_to = to
        _end_stay(session, desk, stay, at, StayOutcome.TRANSFERRED)
        audit.record(
            session,
            desk,
            "stay.transfer",
            "stay",
            stay.id,
            person=person.id,
            name=person.full_name,
            to=to,
            at=at,
            positive=stay.positive_at is not None,
        )
        return _stay_rows(session, [stay.id])[0]


def release_check(session: Session, stay: Stay, on: date) -> tuple[ReleaseProblem, ...]:
    """What stands in the way of releasing the stay on ``on`` (R6); empty when medical staff may."""
    return release_problems(stay.period_start, stay_policy(stay), _test_records(session, stay), on)


def _check_child_not_left_alone(session: Session, stay: Stay, person: Person) -> None:
    """R9: the last adult of a household may not leave while a child of it stays in the room."""
    if person.household_id is None or is_child(person.birth_year, person.birth_date, stay.admitted_at.date()):
        return
    household = [
        (mate, p)
        for mate, p in session.execute(
            select(Stay, Person)
            .join(Person, Person.id == Stay.person_id)
            .where(
                Stay.room_id == stay.room_id,
                Stay.released_at.is_(None),
                Stay.id != stay.id,
                Person.household_id == person.household_id,
            )
        ).tuples()
    ]
    children = [p for mate, p in household if is_child(p.birth_year, p.birth_date, mate.admitted_at.date())]
    adults = len(household) - len(children)
    if children and not adults:
        raise ChildWouldBeLeftAlone(person.full_name, children[0].full_name)


def release(
    desk: Desk,
    person_ref: str | int,
    *,
    at: datetime | None = None,
    override: str | None = None,
    outcome: StayOutcome | str | None = None,
    home_address: str | None = None,
    shown: tuple[int, int] | None = None,
) -> StayRow:
    """End a stay with its outcome as it happened. ``shown``: the stay (id, version) as the window showed it; the
    release is refused (StaleEdit) when another PC has changed or ended that stay since.

    Without ``outcome``: ``completed`` at the end of the period with the required tests negative (R6; medical
    staff may); otherwise only a manager may, with a reason (``override``), and the outcome is ``released_early``
    (``other`` when a test was positive). ``home_quarantine`` (moved to quarantine at home) needs the address
    (the person's own when not given); ``other`` needs a reason. Releasing the last occupant leaves the room
    awaiting disinfection; the last adult of a household may not leave a child alone in the room (R9).
    """
    # An override given empty is refused below, never read as no override at all.
    override = (clean_text(override, "override") or "") if override is not None else None
    if outcome is not None:
        try:
            outcome = StayOutcome(outcome)
        except ValueError:
            raise InvalidInput("outcome", "bad_value", outcome) from None
        if outcome not in RELEASE_OUTCOMES:
            raise InvalidInput("outcome", "bad_value", outcome.value)
    with desk.write(Permission.RELEASE) as session:
        person, facility, stay = lock_open_stay(session, person_ref)
        _as_shown(person, stay, shown)
        at = moment(desk, at)  # after the lock: see moment()
        if at < stay.admitted_at:
            raise InvalidInput("at", "before_admission", at.isoformat())
        problems = release_check(session, stay, at.date())
        if outcome is None:
            if not problems:
                outcome = StayOutcome.COMPLETED
            elif any(p.kind is ProblemKind.POSITIVE for p in problems):
                outcome = StayOutcome.OTHER
            else:
                outcome = StayOutcome.RELEASED_EARLY
        if outcome is StayOutcome.COMPLETED and problems:
            raise ReleaseNeedsOverride(person.full_name, problems)
        if outcome in (StayOutcome.OTHER, StayOutcome.RELEASED_EARLY) and not override and not problems:
            raise InvalidInput("override", "empty")
        if outcome is not StayOutcome.COMPLETED:
            if problems and override is None and outcome is not StayOutcome.HOME_QUARANTINE:
                raise ReleaseNeedsOverride(person.full_name, problems)
            if problems:
                desk.require(Permission.OVERRIDE_RELEASE)
            if outcome is not StayOutcome.HOME_QUARANTINE or override is not None:
                if not override:
                    raise InvalidInput("override", "empty")
                if len(override) < 5:
                    raise InvalidInput("override", "too_short", override, minimum=5)
        if outcome is StayOutcome.HOME_QUARANTINE:
            address = nfc(home_address or "") or person.address
            if not address:
                raise InvalidInput("home_address", "empty")
            stay.home_address = address[:300]
        _check_child_not_left_alone(session, stay, person)
        stay.override_reason = override if outcome is not StayOutcome.COMPLETED else None
        _end_stay(session, desk, stay, at, outcome)
        audit.record(
            session,
            desk,
            "stay.release",
            "stay",
            stay.id,
            person=person.id,
            name=person.full_name,
            at=at,
            outcome=outcome.value,
            override=stay.override_reason,
            home_address=stay.home_address,
            problems=[p.kind for p in problems],
        )
        return _stay_rows(session, [stay.id])[0]


def disinfect(
    desk: Desk, facility_code: str, room_name: str, *, at: datetime | None = None, by: str | None = None
) -> None:
    """Record that an empty room was disinfected (R4): only then does it take a new cohort."""
    with desk.write(Permission.DISINFECT) as session:
        facility = _lock_facility_for_stays(session, facility_code)
        at = moment(desk, at)  # after the lock: see moment()
        room = room_by_name(session, facility, room_name, lock=True)
        occupants = (
            session.scalar(
                select(func.count())
                .select_from(Stay)
                .where(Stay.room_id == room.id, Stay.released_at.is_(None))
            )
            or 0
        )
        if occupants:
            raise RoomNotEmpty(room.name, occupants)
        room.needs_disinfection = False
        room.closed_at = None
        room.disinfected_at = at
        room.disinfected_by = clean_text(by, "by") or desk.username
        record_room_state(session, room, at)
        audit.record(
            session,
            desk,
            "room.disinfect",
            "room",
            room.id,
            facility=facility.code,
            room=room.name,
            at=at,
            by=room.disinfected_by,
        )


# --- lists ---------------------------------------------------------------------------------------------------------


def stay_query() -> Select[Any]:
    """Stays with the person and the names the lists show: facility code, zone, room, bed label, cohort."""
    from quarantine_desk.db.models import Zone

    return (
        select(Stay, Person, Facility.code, Zone.name, Room.name, Bed.label, Cohort.name)
        .join(Person, Person.id == Stay.person_id)
        .join(Facility, Facility.id == Stay.facility_id)
        .join(Room, Room.id == Stay.room_id)
        .join(Zone, Zone.id == Room.zone_id)
        .join(Bed, Bed.id == Stay.bed_id)
        .join(Cohort, Cohort.id == Stay.cohort_id)
    )


def stay_rows_query() -> Select[Any]:
    """The columns of ``StayRow`` in its order, through the joins of ``stay_query``: the lists read as plain rows
    from one SELECT, with no ORM object per row (a roster of 20,000 people at the speed of the driver)."""
    from quarantine_desk.db.models import Zone

    return (
        select(
            Stay.id,
            Person.id,
            Person.full_name,
            Person.sex,
            Person.birth_year,
            Person.birth_date,
            Person.id_number,
            Person.phone,
            Person.address,
            Facility.code,
            Zone.name,
            Room.name,
            Bed.label,
            Cohort.name,
            Stay.admitted_at,
            Stay.period_start,
            Stay.planned_release,
            Stay.released_at,
            Stay.outcome,
            Stay.positive_at,
            Stay.transfer_to,
            Person.sort_key,
            Stay.override_reason,
            Stay.home_address,
            Stay.policy_name,
            Person.f_level,
            Person.exposure,
            Cohort.kind,
            Cohort.source,
            Person.special_watch,
            Person.conditions,
            Person.pregnant,
        )
        .join(Person, Person.id == Stay.person_id)
        .join(Facility, Facility.id == Stay.facility_id)
        .join(Room, Room.id == Stay.room_id)
        .join(Zone, Zone.id == Room.zone_id)
        .join(Bed, Bed.id == Stay.bed_id)
        .join(Cohort, Cohort.id == Stay.cohort_id)
    )


_OUTCOME = 18  # the place of Stay.outcome in stay_rows_query
_STAY_COLUMNS = 25  # the columns up to the policy's name, given to StayRow as they are


def _stay_row(columns: Sequence[Any]) -> StayRow:
    values = list(columns[:_STAY_COLUMNS])
    values[_OUTCOME] = StayOutcome(values[_OUTCOME]) if values[_OUTCOME] else None
    f_level, exposure, cohort_kind, cohort_source, special_watch, conditions, pregnant = columns[
        _STAY_COLUMNS:
    ]
    shared = exposure_of(f_level, exposure, cohort_kind, cohort_source)
    values += [
        shared.f_level,
        shared.source,
        shared.from_cohort,
        bool(special_watch),
        conditions,
        bool(pregnant),
    ]
    return StayRow(*values)


def _stay_rows(session: Session, ids: Sequence[int]) -> list[StayRow]:
    return [_stay_row(r) for r in session.execute(stay_rows_query().where(Stay.id.in_(ids)))]


def roster(
    desk: Desk, facility_code: str, on: date | None = None, *, at: datetime | None = None
) -> list[StayRow]:
    """The people present in the facility at a moment, in Vietnamese name order: ``at``, else the end of day
    ``on`` (now for today). Those who left earlier that day are not on it (see ``left_on``)."""
    moment = at if at is not None else roster_moment(on, desk.now())
    with desk.read() as session:
        facility = facility_by_code(session, facility_code)
        query = (
            stay_rows_query()
            .where(Stay.facility_id == facility.id, present_at(moment))
            .order_by(Person.sort_key, Person.id)
        )
        return [_stay_row(r) for r in session.execute(query)]


#: Rows of the roster the window reads at a time (``roster_page``).
ROSTER_PAGE = 1_000

#: Rooms whose people one statement of ``roster_page`` reads at most (a page of 1,000 is some 125 rooms of 8 beds).
_ROOMS_AT_A_TIME = 500

#: Where a person stands in the roster's room order: the place of the room in ``RosterPlace.rooms``, then the bed's
#: position in the room, the bed and the stay (the numbers make the order whole).
_RoomOrderKey = tuple[int, tuple[int, int, int]]


@dataclass(frozen=True)
class RosterPlace:
    """Where the next page of the roster starts. ``rooms`` are the facility's rooms in their order, read with the
    first page so that every page walks the same list; ``room`` is the place in it of the room the last page ended
    in and ``bed`` the (bed position, bed, stay) of the last person it gave there. ``per_room`` is how many people
    a room holds on average at the roster's moment: how many rooms a page reads at first."""

    rooms: tuple[int, ...]
    room: int
    bed: tuple[int, int, int]
    per_room: float


@dataclass(frozen=True)
class RosterPage:
    """A page of the roster, room by room. ``after`` is where the next page starts (None: this is the last one),
    ``moment`` the moment the roster is of (the next pages are read for the same one), ``total`` how many people
    the whole roster has (``presence.present_count``; read with the first page only)."""

    rows: tuple[StayRow, ...]
    moment: datetime
    after: RosterPlace | None
    total: int | None = None


def rooms_in_order(session: Session, facility_id: int) -> tuple[int, ...]:
    """The facility's rooms in the order they are listed (``domain.rooms.room_order``): zone, then room name,
    naturally ("P2" before "P10"). A facility has a few thousand rooms at most: they are read and sorted here."""
    from quarantine_desk.db.models import Zone

    rooms = session.execute(
        select(Room.id, Zone.name, Room.name)
        .join(Zone, Zone.id == Room.zone_id)
        .where(Room.facility_id == facility_id)
    ).tuples()
    return tuple(room for room, _, _ in sorted(rooms, key=lambda r: room_order_of(r[1], r[2], r[0])))


def roster_page(
    desk: Desk,
    facility_code: str,
    on: date | None = None,
    *,
    at: datetime | None = None,
    after: RosterPlace | None = None,
    limit: int = ROSTER_PAGE,
) -> RosterPage:
    """``limit`` rows of the roster (the people of ``roster``) after the place ``after`` (from the start when
    None), room by room in the order the rooms are listed and by bed in each room: health checks go along the
    corridors. A page walks on from where the last one ended through the rooms read with the first page, so a page
    deep in a list of 20,000 costs what the first one does; the first page also counts the whole roster."""
    moment = at if at is not None else roster_moment(on, desk.now())
    with desk.read() as session:
        facility = facility_by_code(session, facility_code)
        if after is None:
            rooms = rooms_in_order(session, facility.id)
            total: int | None = present_count(session, facility.id, moment)
            per_room = (total or 0) / max(1, len(rooms))
            since: _RoomOrderKey | None = None
            place = 0
        else:
            rooms, total, per_room = after.rooms, None, after.per_room
            since, place = (after.room, after.bed), after.room
        # The page's stays first, from the stay and the bed alone, a run of rooms at a time until the page is
        # full (each run finds its rooms' people among all the facility's: a run of about the page's rooms, the
        # next ones twice as long); then their rows with every join, for these stays only.
        picked: list[tuple[_RoomOrderKey, int]] = []
        size = _ROOMS_AT_A_TIME if per_room <= 0 else ceil((limit + 1) * 1.25 / per_room) + 1
        while place < len(rooms) and len(picked) <= limit:
            run = rooms[place : place + min(size, _ROOMS_AT_A_TIME)]
            size *= 2
            places = {room: place + n for n, room in enumerate(run)}
            found = session.execute(
                select(Stay.id, Stay.room_id, Bed.position, Bed.id)
                .join(Bed, Bed.id == Stay.bed_id)
                .where(Stay.facility_id == facility.id, present_at(moment), Stay.room_id.in_(run))
            ).tuples()
            keyed = sorted(
                ((places[room], (position, bed, stay)), stay) for stay, room, position, bed in found
            )
            picked.extend(k for k in keyed if since is None or k[0] > since)
            place += len(run)
        more = len(picked) > limit
        picked = picked[:limit]
        rows = {r.stay: r for r in _stay_rows(session, [stay for _, stay in picked])}
    last = picked[-1][0] if picked else None
    return RosterPage(
        tuple(rows[stay] for _, stay in picked),
        moment,
        RosterPlace(rooms, last[0], last[1], per_room) if more and last is not None else None,
        total,
    )


def room_occupants(desk: Desk, facility_code: str, room_name: str) -> list[StayRow]:
    with desk.read() as session:
        facility = facility_by_code(session, facility_code)
        room = room_by_name(session, facility, room_name)
        query = (
            stay_rows_query()
            .where(Stay.room_id == room.id, Stay.released_at.is_(None))
            .order_by(Bed.position)
        )
        return [_stay_row(r) for r in session.execute(query)]


def room_history(desk: Desk, facility_code: str, room_name: str, limit: int = 100) -> list[StayRow]:
    with desk.read() as session:
        facility = facility_by_code(session, facility_code)
        room = room_by_name(session, facility, room_name)
        query = (
            stay_rows_query()
            .where(Stay.room_id == room.id, Stay.released_at.is_not(None))
            .order_by(Stay.released_at.desc())
            .limit(limit)
        )
        return [_stay_row(r) for r in session.execute(query)]


def person_stays(desk: Desk, person_ref: str | int) -> list[StayRow]:
    with desk.read() as session:
        person = person_by_ref(session, person_ref)
        query = stay_rows_query().where(Stay.person_id == person.id).order_by(Stay.admitted_at.desc())
        return [_stay_row(r) for r in session.execute(query)]


def releases_due(desk: Desk, facility_code: str, on: date | None = None) -> list[ReleaseRow]:
    """Open stays whose planned release is on ``on`` or earlier, with what still stands in the way."""
    on = on or desk.now().date()
    with desk.read() as session:
        facility = facility_by_code(session, facility_code)
        query = (
            stay_query()
            .where(Stay.facility_id == facility.id, Stay.released_at.is_(None), Stay.planned_release <= on)
            .order_by(Stay.planned_release, Person.sort_key)
        )
        rows = []
        for stay, person, _code, _zone, room, _bed, _cohort in session.execute(query).tuples():
            rows.append(
                ReleaseRow(
                    stay.id,
                    person.id,
                    person.full_name,
                    room,
                    stay.planned_release,
                    release_check(session, stay, on),
                )
            )
        return rows


class Leaving(StrEnum):
    """Why a stay is on the release worklist."""

    TODAY = "today"  # planned release on the day or earlier
    TOMORROW = "tomorrow"  # planned release the next day
    POSITIVE = "positive"  # tested positive, waiting for the transfer


@dataclass(frozen=True)
class WorklistRow:
    """A person to see off, and what stands in the way of releasing them now (empty: medical staff may)."""

    stay: int
    person: int
    full_name: str
    room: str
    planned_release: date
    problems: tuple[ReleaseProblem, ...]
    when: Leaving
    version: int = 1  # the stay's edit version: handed back with a release or transfer (``shown``)

    @property
    def positive(self) -> bool:
        return any(p.kind is ProblemKind.POSITIVE for p in self.problems)


def release_worklist(desk: Desk, facility_code: str, on: date | None = None) -> list[WorklistRow]:
    """The people to see off around ``on``: those due that day or earlier, then the next day's, then the positives
    waiting for a transfer. Each comes with the problems of its release day (R6); the next day's are early as
    well, since a release from the list happens now."""
    on = on or desk.now().date()
    tomorrow = on + timedelta(days=1)
    with desk.read() as session:
        facility = facility_by_code(session, facility_code)
        open_stays = stay_query().where(Stay.facility_id == facility.id, Stay.released_at.is_(None))
        rows: list[WorklistRow] = []
        due = open_stays.where(Stay.planned_release <= tomorrow).order_by(
            Stay.planned_release, Person.sort_key
        )
        for stay, person, _code, _zone, room, _bed, _cohort in session.execute(due).tuples():
            when = Leaving.TODAY if stay.planned_release <= on else Leaving.TOMORROW
            problems = release_check(session, stay, on if when is Leaving.TODAY else tomorrow)
            if when is Leaving.TOMORROW and not any(p.kind is ProblemKind.EARLY for p in problems):
                days = (stay.planned_release - stay.period_start).days
                problems = (ReleaseProblem(ProblemKind.EARLY, day=days, due=stay.planned_release), *problems)
            rows.append(
                WorklistRow(
                    stay.id,
                    person.id,
                    person.full_name,
                    room,
                    stay.planned_release,
                    problems,
                    when,
                    stay.version or 1,
                )
            )
        listed = {row.stay for row in rows}
        waiting = open_stays.where(Stay.positive_at.is_not(None)).order_by(Person.sort_key, Person.id)
        for stay, person, _code, _zone, room, _bed, _cohort in session.execute(waiting).tuples():
            if stay.id not in listed:
                rows.append(
                    WorklistRow(
                        stay.id,
                        person.id,
                        person.full_name,
                        room,
                        stay.planned_release,
                        (ReleaseProblem(ProblemKind.POSITIVE),),
                        Leaving.POSITIVE,
                        stay.version or 1,
                    )
                )
        return rows


def cohorts(desk: Desk, facility_code: str) -> list[str]:
    """Cohort names of a facility, newest first (the check-in page offers them)."""
    with desk.read() as session:
        facility = facility_by_code(session, facility_code)
        return list(
            session.scalars(
                select(Cohort.name)
                .where(Cohort.facility_id == facility.id)
                .order_by(Cohort.created_at.desc(), Cohort.id.desc())
            )
        )
