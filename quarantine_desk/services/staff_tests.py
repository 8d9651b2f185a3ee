"""Staff are people too: they serve inside the red zone, so they are tested on a schedule set per facility (every
N days), each test recorded like a stay's (drawing a kit from the store), and a staff member who must quarantine
(a positive test, an exposure) is flagged until a manager clears the flag.

A staff member is due when never tested, or ``every`` days after the last negative test; a flagged one is not due
(they are off duty). A positive test flags at once, in the same transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quarantine_desk.db.models import Assignment, Facility, Shift, Staff, StaffTest
from quarantine_desk.domain.errors import InvalidInput, NotFound
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.stays import TestKind, TestResult
from quarantine_desk.domain.text import clean_text, name_sort_key
from quarantine_desk.services import audit
from quarantine_desk.services.context import Desk
from quarantine_desk.services.facilities import facility_by_code
from quarantine_desk.services.moments import moment
from quarantine_desk.services.supplies import draw_kit

log = logging.getLogger(__name__)

MAX_EVERY = 30
REASONS = ("positive", "exposure")


@dataclass(frozen=True)
class StaffTestRow:
    id: int
    staff: int
    full_name: str
    kind: TestKind
    result: TestResult
    sampled_at: datetime
    kit_short: bool
    flagged: bool  # the staff member is flagged (now) after this test


@dataclass(frozen=True)
class StaffHealth:
    """A staff member's tests and flag, as the shifts page shows them."""

    staff: int
    full_name: str
    position: str | None
    last_test: datetime | None
    last_kind: TestKind | None
    last_result: TestResult | None
    next_due: date | None  # None: no schedule, or flagged
    quarantine_from: datetime | None
    quarantine_reason: str | None
    quarantine_note: str | None
    shifts_ahead: int  # shifts from now on that they are still put on

    @property
    def flagged(self) -> bool:
        return self.quarantine_from is not None

    def overdue(self, today: date) -> bool:
        return self.next_due is not None and self.next_due < today

    def due(self, today: date) -> bool:
        return self.next_due is not None and self.next_due <= today


@dataclass(frozen=True)
class StaffSchedule:
    facility: str
    every: int | None
    kind: TestKind


def _staff(session: Session, staff_id: int, *, lock: bool = False) -> tuple[Staff, Facility]:
    query = select(Staff).where(Staff.id == staff_id)
    if lock:
        query = query.with_for_update()
    staff = session.scalar(query)
    if staff is None:
        raise NotFound("staff", staff_id)
    facility = session.get(Facility, staff.facility_id)
    assert facility is not None
    return staff, facility


def set_schedule(desk: Desk, facility: str, every: int | None, kind: str = "rapid") -> StaffSchedule:
    """Staff of the facility are tested every ``every`` days with ``kind`` tests; None: no schedule."""
    if every is not None and not 1 <= every <= MAX_EVERY:
        raise InvalidInput("every", "out_of_range", every, minimum=1, maximum=MAX_EVERY)
    try:
        test_kind = TestKind(kind)
    except ValueError:
        raise InvalidInput("kind", "bad_value", kind) from None
    with desk.write(Permission.MANAGE_FACILITY) as session:
        place = facility_by_code(session, facility, lock=True)
        before = (place.staff_test_every, place.staff_test_kind)
        place.staff_test_every = every
        place.staff_test_kind = test_kind.value
        audit.record(
            session, desk, "staff.test_schedule", "facility", place.id,
            facility=place.code, before=before, after=(every, test_kind.value),
        )  # fmt: skip
        return StaffSchedule(place.code, every, test_kind)


def schedule(desk: Desk, facility: str) -> StaffSchedule:
    with desk.read() as session:
        place = facility_by_code(session, facility)
        return StaffSchedule(place.code, place.staff_test_every, TestKind(place.staff_test_kind))


def _flag(
    session: Session,
    desk: Desk,
    staff: Staff,
    facility: Facility,
    reason: str,
    at: datetime,
    note: str | None,
) -> None:
    if staff.quarantine_from is not None:
        return
    staff.quarantine_from = at
    staff.quarantine_reason = reason
    staff.quarantine_note = note
    audit.record(
        session, desk, "staff.flag", "staff", staff.id,
        facility=facility.code, staff=staff.full_name, reason=reason, at=at, note=note,
    )  # fmt: skip
    log.warning("staff %s of %s must quarantine (%s)", staff.id, facility.code, reason)


def record_staff_test(
    desk: Desk, staff_id: int, kind: str, result: str, *, at: datetime | None = None
) -> StaffTestRow:
    """A test of a staff member; it draws one kit of its kind from the facility's store (none left: recorded
    all the same, the shortfall an alert). A positive result flags them to quarantine in the same transaction."""
    try:
        test_kind, test_result = TestKind(kind), TestResult(result)
    except ValueError:
        raise InvalidInput(
            "kind" if kind not in set(TestKind) else "result", "bad_value", f"{kind}/{result}"
        ) from None
    at = moment(desk, at)
    with desk.write(Permission.RECORD_MEDICAL) as session:
        staff, facility = _staff(session, staff_id, lock=True)
        kit = draw_kit(session, desk, facility.id, test_kind.value, at, staff.full_name)
        test = StaffTest(
            staff_id=staff.id,
            kind=test_kind.value,
            sampled_at=at,
            result=test_result.value,
            kit_short=not kit,
            recorded_by=desk.username,
        )
        session.add(test)
        session.flush()
        audit.record(
            session, desk, "staff.test", "staff_test", test.id,
            facility=facility.code, staff=staff.full_name, staff_id=staff.id, kind=test_kind, result=test_result,
            sampled_at=at, kit_short=not kit,
        )  # fmt: skip
        if test_result is TestResult.POSITIVE:
            _flag(session, desk, staff, facility, "positive", at, None)
        return StaffTestRow(
            test.id,
            staff.id,
            staff.full_name,
            test_kind,
            test_result,
            at,
            not kit,
            staff.quarantine_from is not None,
        )


def flag(
    desk: Desk, staff_id: int, reason: str, note: str | None = None, *, at: datetime | None = None
) -> None:
    """Flag a staff member who must quarantine (``positive`` or ``exposure``, with a note: whose contact)."""
    if reason not in REASONS:
        raise InvalidInput("reason", "bad_value", reason)
    clean_note = clean_text(note, "reason")
    at = moment(desk, at)
    with desk.write(Permission.RECORD_MEDICAL) as session:
        staff, facility = _staff(session, staff_id, lock=True)
        _flag(session, desk, staff, facility, reason, at, clean_note)


def clear_flag(desk: Desk, staff_id: int) -> None:
    """The quarantine is over: the staff member may be on duty (and is tested on the schedule) again."""
    with desk.write(Permission.MANAGE_SHIFTS) as session:
        staff, facility = _staff(session, staff_id, lock=True)
        if staff.quarantine_from is None:
            return
        before = (staff.quarantine_from, staff.quarantine_reason)
        staff.quarantine_from = staff.quarantine_reason = staff.quarantine_note = None
        audit.record(
            session, desk, "staff.unflag", "staff", staff.id,
            facility=facility.code, staff=staff.full_name, before=before,
        )  # fmt: skip


def _last_tests(session: Session, facility_id: int) -> dict[int, StaffTest]:
    latest = (
        select(StaffTest.staff_id, func.max(StaffTest.sampled_at).label("at"))
        .join(Staff, Staff.id == StaffTest.staff_id)
        .where(Staff.facility_id == facility_id)
        .group_by(StaffTest.staff_id)
        .subquery()
    )
    found: dict[int, StaffTest] = {}
    for test in session.scalars(
        select(StaffTest)
        .join(latest, (latest.c.staff_id == StaffTest.staff_id) & (latest.c.at == StaffTest.sampled_at))
        .order_by(StaffTest.id)
    ):
        found[test.staff_id] = test
    return found


def _next_due(every: int | None, last: StaffTest | None, flagged: bool, today: date) -> date | None:
    if every is None or flagged:
        return None
    if last is None:
        return today
    return last.sampled_at.date() + timedelta(days=every)


def staff_health(desk: Desk, facility: str, now: datetime | None = None) -> list[StaffHealth]:
    """Every staff member of the facility: the last test, the next one due, the quarantine flag and the shifts
    ahead they are still on (to be replaced when flagged); flagged first, then by name."""
    now = now or desk.now()
    with desk.read() as session:
        place = facility_by_code(session, facility)
        last = _last_tests(session, place.id)
        ahead = dict(
            session.execute(
                select(Assignment.staff_id, func.count())
                .join(Shift, Shift.id == Assignment.shift_id)
                .where(Shift.facility_id == place.id, Shift.ends_at > now)
                .group_by(Assignment.staff_id)
            )
            .tuples()
            .all()
        )
        rows = []
        for s in session.scalars(select(Staff).where(Staff.facility_id == place.id)):
            test = last.get(s.id)
            rows.append(
                StaffHealth(
                    s.id,
                    s.full_name,
                    s.position,
                    test.sampled_at if test else None,
                    TestKind(test.kind) if test else None,
                    TestResult(test.result) if test else None,
                    _next_due(place.staff_test_every, test, s.quarantine_from is not None, now.date()),
                    s.quarantine_from,
                    s.quarantine_reason,
                    s.quarantine_note,
                    int(ahead.get(s.id, 0)),
                )
            )
    rows.sort(key=lambda r: (not r.flagged, name_sort_key(r.full_name)))
    return rows


def staff_tests(desk: Desk, staff_id: int) -> list[StaffTestRow]:
    """A staff member's tests, newest first."""
    with desk.read() as session:
        staff, _ = _staff(session, staff_id)
        flagged = staff.quarantine_from is not None
        return [
            StaffTestRow(
                t.id,
                staff.id,
                staff.full_name,
                TestKind(t.kind),
                TestResult(t.result),
                t.sampled_at,
                t.kit_short,
                flagged,
            )  # fmt: skip
            for t in session.scalars(
                select(StaffTest)
                .where(StaffTest.staff_id == staff.id)
                .order_by(StaffTest.sampled_at.desc(), StaffTest.id.desc())
            )
        ]


def staff_tests_due(session: Session, place: Facility, today: date, days: int) -> list[tuple[date, TestKind]]:
    """(due date, kind) of the staff tests of the next ``days`` days by the facility's schedule (the stock
    forecast's share of the staff): each unflagged staff member on their next due day (today when overdue),
    then every ``every`` days."""
    every = place.staff_test_every
    if every is None:
        return []
    kind = TestKind(place.staff_test_kind)
    last = _last_tests(session, place.id)
    end = today + timedelta(days=days)
    due = []
    for s in session.scalars(
        select(Staff).where(Staff.facility_id == place.id, Staff.quarantine_from.is_(None))
    ):
        when = _next_due(every, last.get(s.id), False, today)
        assert when is not None
        when = max(when, today)
        while when < end:
            due.append((when, kind))
            when += timedelta(days=every)
    return due


# --- demo ------------------------------------------------------------------------------------------------------------

DEMO_EVERY = 3


def seed_demo(desk: Desk, facility_code: str, today: date) -> int:
    """Staff tested every three days over the last nine (a third of them each day, all negative), and one of them
    flagged after an exposure yesterday. Returns the tests recorded; nothing when the facility has a schedule."""
    if schedule(desk, facility_code).every is not None:
        return 0
    set_schedule(desk, facility_code, DEMO_EVERY, "rapid")
    with desk.read() as session:
        place = facility_by_code(session, facility_code)
        ids = [
            s.id
            for s in session.scalars(select(Staff).where(Staff.facility_id == place.id).order_by(Staff.id))
        ]
    recorded = 0
    for index, staff_id in enumerate(ids):
        day = today - timedelta(days=9 - index % DEMO_EVERY)
        while day < today:
            record_staff_test(desk, staff_id, "rapid", "negative", at=datetime.combine(day, time(6, 45)))
            recorded += 1
            day += timedelta(days=DEMO_EVERY)
    if len(ids) > 4:
        flag(
            desk,
            ids[4],
            "exposure",
            "Tiếp xúc gần với người dương tính khi đo thân nhiệt",
            at=datetime.combine(today - timedelta(days=1), time(15, 0)),
        )
    return recorded
