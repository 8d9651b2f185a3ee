"""Duty shifts at a facility: the staff, the shift plan, who is on which shift, and the gaps in the 24/24 cover.

A manager plans shifts from a pattern (``3x8`` or ``2x12``) for a run of days, then puts people on them. Planning
twice is harmless: a shift already planned (same start and end) is not added again. Two patterns may run side by
side (nurses on 8-hour shifts, police on 12-hour ones), so shifts of a facility may overlap. Nobody is put on two shifts that
overlap (refused, ``StaffDoubleBooked``); more than 16 hours in any 24 is allowed but reported with the result.
Two PCs assigning the same person at once queue on that person's row, so the double-booking check holds.
``staff_on_duty`` is shared with the daily report and the meal counts.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quarantine_desk.db.models import Assignment, Facility, Shift, Staff
from quarantine_desk.domain import shifts as rules
from quarantine_desk.domain.errors import (
    AlreadyExists,
    InvalidInput,
    NotFound,
    StaffDoubleBooked,
    StaffMustQuarantine,
)
from quarantine_desk.domain.people import parse_phone
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.shifts import DutyLoad, Interval
from quarantine_desk.domain.text import clean_text, name_sort_key, required_text
from quarantine_desk.services import audit
from quarantine_desk.services.context import Desk
from quarantine_desk.services.facilities import facility_by_code

log = logging.getLogger(__name__)


# The positions offered in the window; any other text is accepted as well.
POSITIONS = ("Bác sĩ", "Điều dưỡng", "Công an", "Quân đội", "Hậu cần", "Tình nguyện viên")


@dataclass(frozen=True)
class StaffRow:
    id: int
    full_name: str
    position: str | None
    phone: str | None


@dataclass(frozen=True)
class ShiftRow:
    """A shift and the people on it (ordered by name)."""

    id: int
    name: str
    starts_at: datetime
    ends_at: datetime
    staff: tuple[StaffRow, ...]

    @property
    def staffed(self) -> bool:
        return bool(self.staff)


@dataclass(frozen=True)
class PlanResult:
    created: int
    existing: int  # shifts of the pattern that were already planned, not added again
    first: datetime
    last: datetime


@dataclass(frozen=True)
class AssignResult:
    shift: ShiftRow
    staff: StaffRow
    warning: DutyLoad | None  # more than 16 hours in some 24 after this assignment


@dataclass(frozen=True)
class GapReport:
    """Shifts with nobody on them, and the periods no staffed shift covers."""

    start: datetime
    end: datetime
    unstaffed: tuple[ShiftRow, ...]
    uncovered: tuple[Interval, ...]

    @property
    def covered(self) -> bool:
        return not self.unstaffed and not self.uncovered


@dataclass(frozen=True)
class DemoShifts:
    staff: int
    shifts: int
    assignments: int
    gap: datetime  # the start of the shift deliberately left empty


def _staff_row(s: Staff) -> StaffRow:
    return StaffRow(s.id, s.full_name, s.position, s.phone)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    if end <= start:
        raise InvalidInput("date", "bad_range", f"{start} – {end}")
    return datetime.combine(start, time(0)), datetime.combine(end, time(0))


def _shift_rows(session: Session, shifts: Sequence[Shift]) -> list[ShiftRow]:
    people: dict[int, list[StaffRow]] = defaultdict(list)
    if shifts:
        query = (
            select(Assignment.shift_id, Staff)
            .join(Staff, Staff.id == Assignment.staff_id)
            .where(Assignment.shift_id.in_([s.id for s in shifts]))
        )
        for shift_id, staff in session.execute(query):
            people[shift_id].append(_staff_row(staff))
    return [
        ShiftRow(
            s.id,
            s.name,
            s.starts_at,
            s.ends_at,
            tuple(sorted(people[s.id], key=lambda r: name_sort_key(r.full_name))),
        )
        for s in shifts
    ]


def _staff_of(session: Session, facility: Facility, staff_id: int, *, lock: bool = False) -> Staff:
    query = select(Staff).where(Staff.id == staff_id, Staff.facility_id == facility.id)
    if lock:
        query = query.with_for_update()
    staff = session.scalar(query)
    if staff is None:
        raise NotFound("staff", staff_id)
    return staff


def _shift_of(session: Session, facility: Facility, shift_id: int) -> Shift:
    shift = session.scalar(select(Shift).where(Shift.id == shift_id, Shift.facility_id == facility.id))
    if shift is None:
        raise NotFound("shift", shift_id)
    return shift


# --- staff ---------------------------------------------------------------------------------------------------------


def _add_staff(
    session: Session, desk: Desk, facility: Facility, full_name: str, position: str | None, phone: str | None
) -> Staff:
    name = required_text(full_name, "name")
    assert name is not None
    staff = Staff(
        facility_id=facility.id,
        full_name=name,
        position=clean_text(position, "position"),
        phone=parse_phone(phone) if phone and phone.strip() else None,
    )
    session.add(staff)
    session.flush()
    audit.record(
        session,
        desk,
        "staff.add",
        "staff",
        staff.id,
        facility=facility.code,
        name=staff.full_name,
        position=staff.position,
    )
    return staff


def add_staff(
    desk: Desk, facility: str, full_name: str, position: str | None = None, phone: str | None = None
) -> StaffRow:
    """A person of the facility's staff (doctor, nurse, police, army, logistics, volunteer)."""
    with desk.write(Permission.MANAGE_SHIFTS) as session:
        staff = _add_staff(session, desk, facility_by_code(session, facility), full_name, position, phone)
        return _staff_row(staff)


def list_staff(desk: Desk, facility: str) -> list[StaffRow]:
    """The facility's staff in Vietnamese name order."""
    with desk.read() as session:
        f = facility_by_code(session, facility)
        rows = [_staff_row(s) for s in session.scalars(select(Staff).where(Staff.facility_id == f.id))]
    return sorted(rows, key=lambda r: (name_sort_key(r.full_name), r.id))


# --- the plan ------------------------------------------------------------------------------------------------------


def _plan(
    session: Session, desk: Desk, facility: Facility, start: date, days: int, pattern: str
) -> tuple[PlanResult, list[Shift]]:
    planned = rules.plan(rules.parse_pattern(pattern), start, days)
    first, last = planned[0].starts_at, planned[-1].ends_at
    existing = {
        (s.starts_at, s.ends_at)
        for s in session.scalars(
            select(Shift).where(
                Shift.facility_id == facility.id, Shift.starts_at < last, Shift.ends_at > first
            )
        )
    }
    created: list[Shift] = []
    for p in planned:
        if (p.starts_at, p.ends_at) in existing:
            continue
        shift = Shift(facility_id=facility.id, name=p.name, starts_at=p.starts_at, ends_at=p.ends_at)
        session.add(shift)
        created.append(shift)
    session.flush()
    result = PlanResult(len(created), len(planned) - len(created), first, last)
    audit.record(
        session,
        desk,
        "shift.plan",
        "facility",
        facility.id,
        facility=facility.code,
        start=start,
        days=days,
        pattern=pattern,
        created=result.created,
        existing=result.existing,
    )
    return result, created


def plan_shifts(desk: Desk, facility: str, start_date: date, days: int, pattern: str = "3x8") -> PlanResult:
    """Shifts of ``pattern`` for ``days`` days from ``start_date``; already planned hours are left as they are."""
    with desk.write(Permission.MANAGE_SHIFTS) as session:
        # The facility row is the lock: two managers planning at once do not both add the same shifts.
        f = facility_by_code(session, facility, lock=True)
        result, _ = _plan(session, desk, f, start_date, days, pattern)
    log.info("planned %s: %s new shifts, %s already there", facility, result.created, result.existing)
    return result


def roster_of_shifts(desk: Desk, facility: str, start: date, end: date) -> list[ShiftRow]:
    """The shifts starting on the days ``start`` to ``end`` (excluded), in time order, with their staff."""
    lo, hi = _bounds(start, end)
    with desk.read() as session:
        f = facility_by_code(session, facility)
        shifts = list(
            session.scalars(
                select(Shift)
                .where(Shift.facility_id == f.id, Shift.starts_at >= lo, Shift.starts_at < hi)
                .order_by(Shift.starts_at, Shift.id)
            )
        )
        return _shift_rows(session, shifts)


def gaps(desk: Desk, facility: str, start: date, end: date) -> GapReport:
    """From ``start`` to ``end`` (excluded): the shifts nobody is on, and the hours no staffed shift covers.

    A planned shift with nobody on it covers nothing, so its hours are uncovered as well.
    """
    lo, hi = _bounds(start, end)
    with desk.read() as session:
        f = facility_by_code(session, facility)
        shifts = list(
            session.scalars(
                select(Shift)
                .where(Shift.facility_id == f.id, Shift.starts_at < hi, Shift.ends_at > lo)
                .order_by(Shift.starts_at, Shift.id)
            )
        )
        rows = _shift_rows(session, shifts)
    staffed = [Interval(r.starts_at, r.ends_at) for r in rows if r.staffed]
    unstaffed = tuple(r for r in rows if not r.staffed and lo <= r.starts_at < hi)
    return GapReport(lo, hi, unstaffed, tuple(rules.coverage_gaps(staffed, lo, hi)))


# --- assignments ---------------------------------------------------------------------------------------------------


def _assign(session: Session, desk: Desk, facility: Facility, shift: Shift, staff: Staff) -> DutyLoad | None:
    """Put ``staff`` (locked by the caller) on ``shift``; refuses one who must quarantine and an overlap, returns
    a >16 h warning."""
    if staff.quarantine_from is not None:
        raise StaffMustQuarantine(staff.full_name, staff.quarantine_reason or "exposure")
    theirs = list(
        session.scalars(
            select(Shift)
            .join(Assignment, Assignment.shift_id == Shift.id)
            .where(
                Assignment.staff_id == staff.id,
                Shift.starts_at < shift.ends_at + rules.DAY,
                Shift.ends_at > shift.starts_at - rules.DAY,
            )
            .order_by(Shift.starts_at)
        )
    )
    if any(s.id == shift.id for s in theirs):
        raise AlreadyExists(
            "assignment", f"{staff.full_name} – {shift.name} {shift.starts_at:%d/%m/%Y %H:%M}"
        )
    new = Interval(shift.starts_at, shift.ends_at)
    by_interval = {Interval(s.starts_at, s.ends_at): s for s in theirs}
    clash = rules.double_booking(new, list(by_interval))
    if clash is not None:
        other = by_interval[clash]
        raise StaffDoubleBooked(
            staff.full_name, shift.name, shift.starts_at.isoformat(), other.name, other.starts_at.isoformat()
        )
    session.add(Assignment(shift_id=shift.id, staff_id=staff.id))
    session.flush()
    warning = rules.duty_warning(new, list(by_interval))
    audit.record(
        session,
        desk,
        "shift.assign",
        "shift",
        shift.id,
        facility=facility.code,
        shift=shift.name,
        starts_at=shift.starts_at,
        staff=staff.full_name,
        staff_id=staff.id,
        hours_in_24=warning.hours if warning else None,
    )
    return warning


def assign(desk: Desk, facility: str, shift_id: int, staff_id: int) -> AssignResult:
    """Put a person on a shift; refused when it overlaps one of their shifts."""
    with desk.write(Permission.MANAGE_SHIFTS) as session:
        f = facility_by_code(session, facility)
        # The person's row is the lock: two PCs cannot each put them on one of two overlapping shifts.
        staff = _staff_of(session, f, staff_id, lock=True)
        shift = _shift_of(session, f, shift_id)
        warning = _assign(session, desk, f, shift, staff)
        row = _shift_rows(session, [shift])[0]
    if warning is not None:
        log.info("staff %s works %.1f hours in 24 from %s", staff_id, warning.hours, warning.window_start)
    return AssignResult(row, _staff_row(staff), warning)


def unassign(desk: Desk, facility: str, shift_id: int, staff_id: int) -> ShiftRow:
    """Take a person off a shift; returns the shift as it is now."""
    with desk.write(Permission.MANAGE_SHIFTS) as session:
        f = facility_by_code(session, facility)
        staff = _staff_of(session, f, staff_id, lock=True)
        shift = _shift_of(session, f, shift_id)
        assignment = session.scalar(
            select(Assignment).where(Assignment.shift_id == shift.id, Assignment.staff_id == staff.id)
        )
        if assignment is None:
            raise NotFound("assignment", f"{staff.full_name} – {shift.name} {shift.starts_at:%d/%m/%Y %H:%M}")
        session.delete(assignment)
        session.flush()
        audit.record(
            session,
            desk,
            "shift.unassign",
            "shift",
            shift.id,
            facility=f.code,
            shift=shift.name,
            starts_at=shift.starts_at,
            staff=staff.full_name,
            staff_id=staff.id,
        )
        return _shift_rows(session, [shift])[0]


def staff_on_duty(session: Session, facility_id: int, start: datetime, end: datetime) -> int:
    """How many different people are on shifts that overlap ``[start, end)`` (daily report, staff meals)."""
    return staff_on_duty_each(session, [facility_id], start, end).get(facility_id, 0)


def staff_on_duty_each(
    session: Session, facility_ids: Sequence[int], start: datetime, end: datetime
) -> dict[int, int]:
    """``staff_on_duty`` of several facilities in one query (the all-facility report)."""
    rows = session.execute(
        select(Shift.facility_id, func.count(func.distinct(Assignment.staff_id)))
        .join(Shift, Shift.id == Assignment.shift_id)
        .where(Shift.facility_id.in_(facility_ids), Shift.starts_at < end, Shift.ends_at > start)
        .group_by(Shift.facility_id)
    ).tuples()
    return {facility_id: int(count or 0) for facility_id, count in rows}


# --- demo ----------------------------------------------------------------------------------------------------------

# Four teams rotate forward (morning, afternoon, night, a day off); each has a doctor or nurse, police or army, and
# logistics or a volunteer. Two more people help on day shifts.
DEMO_TEAMS: tuple[tuple[tuple[str, str, str], ...], ...] = (
    (
        ("Nguyễn Văn Hùng", "Bác sĩ", "0905123401"),
        ("Trần Minh Quân", "Công an", "0905123402"),
        ("Lê Thị Hoa", "Hậu cần", "0905123403"),
    ),
    (
        ("Phạm Thị Lan", "Điều dưỡng", "0905123404"),
        ("Hoàng Đức Thắng", "Quân đội", "0905123405"),
        ("Vũ Ngọc Ánh", "Tình nguyện viên", "0905123406"),
    ),
    (
        ("Đặng Thị Mai", "Bác sĩ", "0905123407"),
        ("Bùi Văn Sơn", "Công an", "0905123408"),
        ("Đỗ Thanh Tâm", "Hậu cần", "0905123409"),
    ),
    (
        ("Ngô Thu Hà", "Điều dưỡng", "0905123410"),
        ("A Tuấn", "Quân đội", "0905123411"),
        ("Y Nhi", "Tình nguyện viên", "0905123412"),
    ),
)
DEMO_HELPERS: tuple[tuple[str, str, str], ...] = (
    ("Dương Văn Phúc", "Bác sĩ", "0905123413"),
    ("Hồ Thị Thu Trang", "Tình nguyện viên", "0905123414"),
)


def seed_demo(desk: Desk, facility_code: str, today: date) -> DemoShifts:
    """Staff, a three-shift plan from 7 days ago to 7 days ahead, and assignments; tomorrow's night is left empty.

    One transaction, so the demo facility has all of its shifts or none.
    """
    with desk.write(Permission.MANAGE_SHIFTS) as session:
        facility = facility_by_code(session, facility_code, lock=True)
        teams = [
            [_add_staff(session, desk, facility, name, position, phone) for name, position, phone in team]
            for team in DEMO_TEAMS
        ]
        helpers = [_add_staff(session, desk, facility, *helper) for helper in DEMO_HELPERS]
        start = today - timedelta(days=7)
        _, created = _plan(session, desk, facility, start, 15, "3x8")
        gap = datetime.combine(today + timedelta(days=1), time(22, 0))
        slots = [slot.starts for slot in rules.PATTERNS["3x8"].slots]
        assignments = 0
        for shift in created:
            if shift.starts_at == gap:
                continue
            day = (shift.starts_at.date() - start).days
            slot = slots.index(shift.starts_at.time())
            for index, team in enumerate(teams):
                if (day + index) % 4 == slot:
                    for staff in team:
                        _assign(session, desk, facility, shift, staff)
                        assignments += 1
            # The doctor on call and a volunteer add to the day shifts on alternate days.
            if slot < 2 and day % 2 == slot:
                _assign(session, desk, facility, shift, helpers[slot])
                assignments += 1
        staff_count = sum(len(t) for t in teams) + len(helpers)
    log.info("demo shifts for %s: %s staff, %s shifts", facility_code, staff_count, len(created))
    # The staff are tested every three days, and one of them must quarantine after an exposure.
    from quarantine_desk.services import staff_tests

    staff_tests.seed_demo(desk, facility_code, today)
    return DemoShifts(staff_count, len(created), assignments, gap)
