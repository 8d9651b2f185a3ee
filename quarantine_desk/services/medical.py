"""Medical work on stays: tests and whole-room tests, the positive case (R5), daily health checks, tests due.

A positive result applies R5 in the same transaction as the result: the person is marked for transfer, the room is
closed to admissions and every roommate's quarantine restarts from the day of the sample.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from quarantine_desk.db.models import Bed, Facility, HealthCheck, MedicalTest, Person, Room, Stay
from quarantine_desk.domain.errors import InvalidInput, NotFound
from quarantine_desk.domain.policy import TestRecord, planned_release, tests_due
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.stays import FEVER_FROM, TestKind, TestResult
from quarantine_desk.domain.text import clean_text
from quarantine_desk.services import audit, scope
from quarantine_desk.services.context import Desk
from quarantine_desk.services.facilities import facility_by_code, room_by_name
from quarantine_desk.services.moments import moment
from quarantine_desk.services.people import person_by_ref
from quarantine_desk.services.policies import POLICY_COLUMNS, policy_copy, stay_policy
from quarantine_desk.services.presence import record_room_state
from quarantine_desk.services.stays import lock_open_stay, require_open_stay
from quarantine_desk.services.supplies import draw_kit

log = logging.getLogger(__name__)


# --- rows handed to the views -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TestResultRow:
    test: int
    person: int
    stay: int
    kind: TestKind
    result: TestResult
    sampled_at: datetime
    # R5 consequences of a positive result:
    room_closed: str | None = None
    roommates_restarted: tuple[int, ...] = ()


@dataclass(frozen=True)
class DueTest:
    stay: int
    person: int
    full_name: str
    room: str
    bed: str
    day: int
    due: date
    special_watch: bool = False  # "cần theo dõi đặc biệt": underlying conditions, pregnancy

    def overdue(self, today: date) -> bool:
        return self.due < today


@dataclass(frozen=True)
class TestRow:
    id: int
    kind: TestKind
    result: TestResult
    sampled_at: datetime


# --- tests, positive cases (R5), health checks ---------------------------------------------------------------------


def _test_kind(kind: str) -> TestKind:
    try:
        return TestKind(kind)
    except ValueError:
        raise InvalidInput("kind", "bad_value", kind) from None


def _test_result(result: str) -> TestResult:
    try:
        return TestResult(result)
    except ValueError:
        raise InvalidInput("result", "bad_value", result) from None


def _add_test(
    session: Session, desk: Desk, person: Person, stay: Stay, kind: TestKind, result: TestResult, at: datetime
) -> MedicalTest:
    """The test row and its audit line; the caller holds the facility lock and the locked open stay."""
    if at < stay.admitted_at - timedelta(days=1):
        raise InvalidInput("at", "before_admission", at.isoformat())
    kit = draw_kit(session, desk, stay.facility_id, kind.value, at, person.full_name)
    test = MedicalTest(
        stay_id=stay.id,
        person_id=person.id,
        kind=kind.value,
        sampled_at=at,
        result=result.value,
        recorded_by=desk.username,
        kit_short=not kit,
    )
    session.add(test)
    session.flush()
    audit.record(
        session,
        desk,
        "test.record",
        "medical_test",
        test.id,
        person=person.id,
        name=person.full_name,
        kind=kind,
        result=result,
        sampled_at=at,
        kit_short=not kit,
    )
    return test


def _record_test_in(
    session: Session,
    desk: Desk,
    facility: Facility,
    person: Person,
    stay: Stay,
    kind: TestKind,
    result: TestResult,
    at: datetime,
) -> TestResultRow:
    """One result inside the caller's transaction, with R5 applied there for a positive."""
    test = _add_test(session, desk, person, stay, kind, result, at)
    if result is not TestResult.POSITIVE:
        return TestResultRow(test.id, person.id, stay.id, kind, result, at)
    return _positive_case(session, desk, facility, person, stay, test)


def record_test(
    desk: Desk, person_ref: str | int, kind: str, result: str, *, at: datetime | None = None
) -> TestResultRow:
    """Record a test. A positive result, in the same transaction (R5): the person is marked for transfer, the
    room is closed to admissions, and every roommate's quarantine restarts from the day of the sample."""
    test_kind, test_result = _test_kind(kind), _test_result(result)
    with desk.write(Permission.RECORD_MEDICAL) as session:
        person, facility, stay = lock_open_stay(session, person_ref)
        at = moment(desk, at)  # after the lock: see moment()
        return _record_test_in(session, desk, facility, person, stay, test_kind, test_result, at)


def _positive_case(
    session: Session, desk: Desk, facility: Facility, person: Person, stay: Stay, test: MedicalTest
) -> TestResultRow:
    room = session.get(Room, stay.room_id, with_for_update=True)
    assert room is not None
    contact_day = test.sampled_at.date()
    if stay.positive_at is None:
        stay.version = (stay.version or 1) + 1  # a release chosen before the result is refused (StaleEdit)
        stay.positive_at = test.sampled_at
    if room.closed_at is None:
        room.closed_at = test.sampled_at
        record_room_state(session, room, test.sampled_at)
    restarted = []
    roommates = session.scalars(
        select(Stay)
        .where(Stay.room_id == room.id, Stay.released_at.is_(None), Stay.id != stay.id)
        .with_for_update()
    )
    for mate in roommates:
        if mate.positive_at is not None:
            continue
        profile = stay_policy(mate)
        new_start = max(mate.period_start, contact_day)
        new_release = planned_release(new_start, profile)
        if new_release > mate.planned_release or new_start > mate.period_start:
            before = (mate.period_start, mate.planned_release)
            mate.period_start = new_start
            mate.planned_release = new_release
            restarted.append(mate.person_id)
            audit.record(
                session,
                desk,
                "stay.restart",
                "stay",
                mate.id,
                person=mate.person_id,
                reason="roommate_positive",
                contact=contact_day,
                before=before,
                after=(new_start, new_release),
            )
    audit.record(
        session,
        desk,
        "room.close",
        "room",
        room.id,
        facility=facility.code,
        room=room.name,
        positive_person=person.id,
        roommates_restarted=restarted,
    )
    log.warning(
        "positive case in %s room %s; %d roommates restarted", facility.code, room.name, len(restarted)
    )
    return TestResultRow(
        test.id,
        person.id,
        stay.id,
        TestKind(test.kind),
        TestResult(test.result),
        test.sampled_at,
        room.name,
        tuple(restarted),
    )


def record_room_tests(
    desk: Desk,
    facility_code: str,
    room_name: str,
    kind: str,
    results: dict[int, str],
    *,
    at: datetime | None = None,
) -> list[TestResultRow]:
    """Results for a whole room sampled at once (person id → result), in one transaction: all are recorded or
    none. Every person must be staying in that room. A positive among them applies R5 in the same transaction;
    the other positives of the room are marked first, so they are not restarted as mere roommates."""
    if not results:
        raise InvalidInput("people", "empty")
    test_kind = _test_kind(kind)
    parsed = {person_id: _test_result(result) for person_id, result in results.items()}
    with desk.write(Permission.RECORD_MEDICAL) as session:
        facility = facility_by_code(session, facility_code, lock=True)
        at = moment(desk, at)  # after the lock: see moment()
        room = room_by_name(session, facility, room_name, lock=True)
        entries: list[tuple[Person, Stay, MedicalTest, TestResult]] = []
        for person_id, result in parsed.items():
            person = person_by_ref(session, person_id)
            stay = require_open_stay(session, person)
            if stay.room_id != room.id:
                raise NotFound("stay", f"{facility.code}/{room.name}: {person.full_name}")
            test = _add_test(session, desk, person, stay, test_kind, result, at)
            if result is TestResult.POSITIVE and stay.positive_at is None:
                stay.version = (stay.version or 1) + 1
                stay.positive_at = at
            entries.append((person, stay, test, result))
        rows = []
        for person, stay, test, result in entries:
            if result is TestResult.POSITIVE:
                rows.append(_positive_case(session, desk, facility, person, stay, test))
            else:
                rows.append(TestResultRow(test.id, person.id, stay.id, test_kind, result, at))
        return rows


def record_health_check(
    desk: Desk, person_ref: str | int, temperature: float, symptoms: str = "", *, at: datetime | None = None
) -> int:
    if not 34.0 <= temperature <= 43.0:
        raise InvalidInput("temperature", "out_of_range", temperature, minimum=34, maximum=43)
    with desk.write(Permission.RECORD_MEDICAL) as session:
        person = person_by_ref(session, person_ref)
        stay = require_open_stay(session, person)
        at = moment(desk, at)  # after the lock: see moment()
        check = HealthCheck(
            stay_id=stay.id,
            checked_at=at,
            temperature=round(temperature, 1),
            symptoms=clean_text(symptoms, "symptoms"),
            recorded_by=desk.username,
        )
        session.add(check)
        session.flush()
        audit.record(
            session,
            desk,
            "health.check",
            "health_check",
            check.id,
            person=person.id,
            temperature=temperature,
            symptoms=symptoms,
        )
        return check.id


@dataclass(frozen=True)
class HealthCheckRow:
    """One daily check of a stay."""

    id: int
    checked_at: datetime
    temperature: float
    symptoms: str
    recorded_by: str | None

    @property
    def fever(self) -> bool:
        return self.temperature >= FEVER_FROM


@dataclass(frozen=True)
class RecentHealthCheck:
    """A check in a facility's recent list, with who and where."""

    id: int
    stay: int
    person: int
    full_name: str
    room: str
    checked_at: datetime
    temperature: float
    symptoms: str
    recorded_by: str | None

    @property
    def fever(self) -> bool:
        return self.temperature >= FEVER_FROM


def health_checks(desk: Desk, stay_id: int) -> list[HealthCheckRow]:
    """The checks of one stay, oldest first."""
    with desk.read() as session:
        stay = session.get(Stay, stay_id)
        if stay is None:
            raise NotFound("stay", stay_id)
        scope.require_id(session, stay.facility_id)
        query = (
            select(HealthCheck)
            .where(HealthCheck.stay_id == stay_id)
            .order_by(HealthCheck.checked_at, HealthCheck.id)
        )
        return [
            HealthCheckRow(c.id, c.checked_at, c.temperature, c.symptoms or "", c.recorded_by)
            for c in session.scalars(query)
        ]


def recent_health_checks(desk: Desk, facility_code: str, since: datetime) -> list[RecentHealthCheck]:
    """The checks recorded in a facility from ``since`` on, newest first (the medical page's list)."""
    with desk.read() as session:
        facility = facility_by_code(session, facility_code)
        query = (
            select(HealthCheck, Stay.id, Person.id, Person.full_name, Room.name)
            .join(Stay, Stay.id == HealthCheck.stay_id)
            .join(Person, Person.id == Stay.person_id)
            .join(Room, Room.id == Stay.room_id)
            .where(Stay.facility_id == facility.id, HealthCheck.checked_at >= since)
            .order_by(HealthCheck.checked_at.desc(), HealthCheck.id.desc())
        )
        return [
            RecentHealthCheck(
                check.id,
                stay,
                person,
                full_name,
                room,
                check.checked_at,
                check.temperature,
                check.symptoms or "",
                check.recorded_by,
            )
            for check, stay, person, full_name, room in session.execute(query).tuples()
        ]


# --- lists ---------------------------------------------------------------------------------------------------------


def stay_tests(desk: Desk, stay_id: int) -> list[TestRow]:
    with desk.read() as session:
        facility_id = session.scalar(select(Stay.facility_id).where(Stay.id == stay_id))
        if facility_id is not None:
            scope.require_id(session, facility_id)
        return [
            TestRow(t.id, TestKind(t.kind), TestResult(t.result), t.sampled_at)
            for t in session.scalars(
                select(MedicalTest).where(MedicalTest.stay_id == stay_id).order_by(MedicalTest.sampled_at)
            )
        ]


def tests_due_list(desk: Desk, facility_code: str, on: date | None = None) -> list[DueTest]:
    """Scheduled tests due on ``on`` or earlier and not yet taken, overdue first (R6)."""
    on = on or desk.now().date()
    with desk.read() as session:
        facility = facility_by_code(session, facility_code)
        # Plain rows: a facility of 20,000 beds has as many open stays, and only these columns are needed.
        rows = session.execute(
            select(
                Stay.id,
                Person.id,
                Person.full_name,
                Person.special_watch,
                Room.name,
                Bed.label,
                Stay.period_start,
                *POLICY_COLUMNS,
            )
            .join(Person, Person.id == Stay.person_id)
            .join(Room, Room.id == Stay.room_id)
            .join(Bed, Bed.id == Stay.bed_id)
            .where(Stay.facility_id == facility.id, Stay.released_at.is_(None), Stay.positive_at.is_(None))
        ).tuples()
        tests_by_stay: dict[int, list[TestRecord]] = {}
        for stay_id, sampled_at, result in session.execute(
            select(MedicalTest.stay_id, MedicalTest.sampled_at, MedicalTest.result)
            .join(Stay, Stay.id == MedicalTest.stay_id)
            .where(Stay.facility_id == facility.id, Stay.released_at.is_(None))
        ).tuples():
            tests_by_stay.setdefault(stay_id, []).append(
                TestRecord(sampled_at.date(), result == TestResult.POSITIVE)
            )
        due: list[DueTest] = []
        for stay_id, person_id, full_name, special_watch, room, bed, period_start, *policy in rows:
            for day, when in tests_due(
                period_start, policy_copy(*policy), tests_by_stay.get(stay_id, []), on
            ):
                due.append(DueTest(stay_id, person_id, full_name, room, bed, day, when, bool(special_watch)))
        due.sort(key=lambda d: (d.due, d.room, d.bed))
        return due
