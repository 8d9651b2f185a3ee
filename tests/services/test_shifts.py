"""Duty shifts on SQLite and PostgreSQL: staff, the plan, assignments, double booking, gaps and the demo."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from quarantine_desk.db.models import AuditEvent, Facility
from quarantine_desk.domain.errors import (
    AlreadyExists,
    InvalidInput,
    NotAllowed,
    NotFound,
    StaffDoubleBooked,
)
from quarantine_desk.domain.roles import Role
from quarantine_desk.domain.shifts import Interval
from quarantine_desk.messages import describe
from quarantine_desk.services import shifts
from tests.helpers import as_role
from tests.services.fixtures import facility

D = date(2021, 8, 10)


def at(day: int, hour: int) -> datetime:
    return datetime(2021, 8, day, hour)


def shift_at(desk, starts_at: datetime, code: str = "F01") -> shifts.ShiftRow:  # type: ignore[no-untyped-def]
    rows = shifts.roster_of_shifts(desk, code, starts_at.date(), starts_at.date() + timedelta(days=1))
    return next(r for r in rows if r.starts_at == starts_at)


def audit_actions(desk) -> list[str]:  # type: ignore[no-untyped-def]
    with desk.read() as session:
        return [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_add_staff_normalises_name_and_phone(desk) -> None:  # type: ignore[no-untyped-def]
    facility(desk)
    row = shifts.add_staff(desk, "f01", "  Nguye\u0302\u0303n   Văn  Hùng ", "Bác sĩ", "+84 905 123 401")
    assert row.full_name == "Nguyễn Văn Hùng"
    assert row.phone == "0905123401" and row.position == "Bác sĩ"
    shifts.add_staff(desk, "F01", "Trần Thị An")
    assert [r.full_name for r in shifts.list_staff(desk, "F01")] == ["Trần Thị An", "Nguyễn Văn Hùng"]
    assert "staff.add" in audit_actions(desk)


def test_add_staff_refuses_bad_input(desk) -> None:  # type: ignore[no-untyped-def]
    facility(desk)
    with pytest.raises(InvalidInput) as err:
        shifts.add_staff(desk, "F01", "   ")
    assert err.value.field == "name"
    with pytest.raises(InvalidInput) as err:
        shifts.add_staff(desk, "F01", "Lê Văn Tám", phone="12345")
    assert err.value.field == "phone"
    with pytest.raises(NotFound):
        shifts.add_staff(desk, "NOPE", "Lê Văn Tám")
    assert shifts.list_staff(desk, "F01") == []


def test_planning_is_idempotent(desk) -> None:  # type: ignore[no-untyped-def]
    facility(desk)
    first = shifts.plan_shifts(desk, "F01", D, 3, "3x8")
    assert (first.created, first.existing) == (9, 0)
    again = shifts.plan_shifts(desk, "F01", D + timedelta(days=1), 3, "3x8")
    assert (again.created, again.existing) == (3, 6)
    rows = shifts.roster_of_shifts(desk, "F01", D, D + timedelta(days=4))
    assert len(rows) == 12
    assert [r.name for r in rows[:3]] == ["Ca sáng", "Ca chiều", "Ca đêm"]
    assert rows[2].starts_at == at(10, 22) and rows[2].ends_at == at(11, 6)


def test_planning_refuses_bad_patterns_and_day_counts(desk) -> None:  # type: ignore[no-untyped-def]
    facility(desk)
    with pytest.raises(InvalidInput):
        shifts.plan_shifts(desk, "F01", D, 3, "1x24")
    with pytest.raises(InvalidInput):
        shifts.plan_shifts(desk, "F01", D, 0)
    assert shifts.roster_of_shifts(desk, "F01", D, D + timedelta(days=3)) == []


def test_assign_and_unassign(desk) -> None:  # type: ignore[no-untyped-def]
    facility(desk)
    shifts.plan_shifts(desk, "F01", D, 2)
    hung = shifts.add_staff(desk, "F01", "Nguyễn Văn Hùng", "Bác sĩ")
    lan = shifts.add_staff(desk, "F01", "Phạm Thị Lan", "Điều dưỡng")
    morning = shift_at(desk, at(10, 6))
    result = shifts.assign(desk, "F01", morning.id, hung.id)
    assert result.warning is None
    shifts.assign(desk, "F01", morning.id, lan.id)
    assert [s.full_name for s in shift_at(desk, at(10, 6)).staff] == ["Nguyễn Văn Hùng", "Phạm Thị Lan"]
    with pytest.raises(AlreadyExists):
        shifts.assign(desk, "F01", morning.id, hung.id)
    row = shifts.unassign(desk, "F01", morning.id, hung.id)
    assert [s.full_name for s in row.staff] == ["Phạm Thị Lan"]
    with pytest.raises(NotFound):
        shifts.unassign(desk, "F01", morning.id, hung.id)
    assert {"shift.plan", "shift.assign", "shift.unassign"} <= set(audit_actions(desk))


def test_double_booking_is_refused(desk) -> None:  # type: ignore[no-untyped-def]
    facility(desk)
    facility(desk, "F02")
    # Nurses on 8-hour shifts and police on 12-hour ones: the facility's shifts overlap.
    shifts.plan_shifts(desk, "F01", D, 1, "3x8")
    shifts.plan_shifts(desk, "F01", D, 1, "2x12")
    hung = shifts.add_staff(desk, "F01", "Nguyễn Văn Hùng")
    shifts.assign(desk, "F01", shift_at(desk, at(10, 14)).id, hung.id)
    shifts.assign(desk, "F01", shift_at(desk, at(10, 22)).id, hung.id)  # back to back is fine
    with pytest.raises(StaffDoubleBooked) as err:
        shifts.assign(desk, "F01", shift_at(desk, at(10, 7)).id, hung.id)
    assert (err.value.staff, err.value.shift, err.value.conflict) == (
        "Nguyễn Văn Hùng",
        "Ca ngày",
        "Ca chiều",
    )
    assert err.value.conflict_starts_at == "2021-08-10T14:00:00"
    assert err.value.exit_code == 3 and err.value.rule is None
    assert [s.full_name for s in shift_at(desk, at(10, 7)).staff] == []
    # Staff belong to one facility: another facility's shift is not theirs to take.
    shifts.plan_shifts(desk, "F02", D, 1, "3x8")
    with pytest.raises(NotFound):
        shifts.assign(desk, "F02", shift_at(desk, at(10, 6), "F02").id, hung.id)
    with pytest.raises(NotFound):
        shifts.assign(desk, "F01", 999_999, hung.id)


def test_more_than_sixteen_hours_is_a_warning(desk) -> None:  # type: ignore[no-untyped-def]
    facility(desk)
    shifts.plan_shifts(desk, "F01", D, 1, "2x12")
    hung = shifts.add_staff(desk, "F01", "Nguyễn Văn Hùng")
    assert shifts.assign(desk, "F01", shift_at(desk, at(10, 7)).id, hung.id).warning is None
    result = shifts.assign(desk, "F01", shift_at(desk, at(10, 19)).id, hung.id)
    assert result.warning is not None and result.warning.hours == 24
    assert result.warning.window_start == at(10, 7)
    with desk.read() as session:
        summary = session.scalars(select(AuditEvent.summary).order_by(AuditEvent.id.desc())).first()
    assert summary is not None and json.loads(summary)["hours_in_24"] == 24


def test_gaps_list_empty_shifts_and_uncovered_hours(desk) -> None:  # type: ignore[no-untyped-def]
    facility(desk)
    shifts.plan_shifts(desk, "F01", D, 1, "3x8")
    hung = shifts.add_staff(desk, "F01", "Nguyễn Văn Hùng")
    lan = shifts.add_staff(desk, "F01", "Phạm Thị Lan")
    shifts.assign(desk, "F01", shift_at(desk, at(10, 6)).id, hung.id)
    shifts.assign(desk, "F01", shift_at(desk, at(10, 22)).id, lan.id)
    report = shifts.gaps(desk, "F01", D, D + timedelta(days=1))
    assert [r.starts_at for r in report.unstaffed] == [at(10, 14)]
    assert report.uncovered == (Interval(at(10, 0), at(10, 6)), Interval(at(10, 14), at(10, 22)))
    assert not report.covered
    # The night shift that started the day before covers the early hours of the next day.
    shifts.plan_shifts(desk, "F01", D + timedelta(days=1), 1, "3x8")
    report = shifts.gaps(desk, "F01", D + timedelta(days=1), D + timedelta(days=2))
    assert report.uncovered[0] == Interval(at(11, 6), at(12, 0))
    with pytest.raises(InvalidInput):
        shifts.gaps(desk, "F01", D, D)


def test_staff_on_duty_counts_distinct_people(desk) -> None:  # type: ignore[no-untyped-def]
    facility(desk)
    shifts.plan_shifts(desk, "F01", D, 2, "3x8")
    hung = shifts.add_staff(desk, "F01", "Nguyễn Văn Hùng")
    lan = shifts.add_staff(desk, "F01", "Phạm Thị Lan")
    shifts.assign(desk, "F01", shift_at(desk, at(10, 6)).id, hung.id)
    shifts.assign(desk, "F01", shift_at(desk, at(10, 22)).id, hung.id)
    shifts.assign(desk, "F01", shift_at(desk, at(10, 14)).id, lan.id)
    with desk.read() as session:
        fid = session.scalar(select(Facility.id).where(Facility.code == "F01"))
        assert fid is not None
        assert shifts.staff_on_duty(session, fid, at(10, 0), at(11, 0)) == 2
        assert shifts.staff_on_duty(session, fid, at(10, 6), at(10, 14)) == 1
        assert shifts.staff_on_duty(session, fid, at(11, 6), at(12, 0)) == 0


def test_only_managers_change_shifts(desk) -> None:  # type: ignore[no-untyped-def]
    facility(desk)
    shifts.plan_shifts(desk, "F01", D, 1)
    for role in (Role.MEDICAL, Role.LOGISTICS, Role.VIEWER):
        other = as_role(desk, role)
        with pytest.raises(NotAllowed):
            shifts.plan_shifts(other, "F01", D, 1)
        with pytest.raises(NotAllowed):
            shifts.add_staff(other, "F01", "Lê Văn Tám")
        assert len(shifts.roster_of_shifts(other, "F01", D, D + timedelta(days=1))) == 3
    manager = as_role(desk, Role.MANAGER)
    staff = shifts.add_staff(manager, "F01", "Lê Văn Tám")
    shifts.assign(manager, "F01", shift_at(desk, at(10, 6)).id, staff.id)


def test_seed_demo(desk) -> None:  # type: ignore[no-untyped-def]
    facility(desk, "KT01")
    result = shifts.seed_demo(desk, "KT01", D)
    assert 12 <= result.staff <= 15 and result.shifts == 45
    assert result.gap == at(11, 22)
    staff = shifts.list_staff(desk, "KT01")
    assert {s.position for s in staff} == set(shifts.POSITIONS)
    report = shifts.gaps(desk, "KT01", D - timedelta(days=7), D + timedelta(days=8))
    assert [r.starts_at for r in report.unstaffed] == [at(11, 22)]
    # Before the first morning of the plan nobody is on duty; then only tomorrow night.
    assert report.uncovered == (Interval(at(3, 0), at(3, 6)), Interval(at(11, 22), at(12, 6)))
    rows = shifts.roster_of_shifts(desk, "KT01", D, D + timedelta(days=1))
    assert all(len(r.staff) >= 3 for r in rows)
    # No one in the demo works more than 16 hours in any 24.
    hours: dict[int, list[Interval]] = {}
    for r in shifts.roster_of_shifts(desk, "KT01", D - timedelta(days=7), D + timedelta(days=8)):
        for s in r.staff:
            hours.setdefault(s.id, []).append(Interval(r.starts_at, r.ends_at))
    from quarantine_desk.domain.shifts import longest_duty

    assert all((load := longest_duty(v)) is not None and not load.too_long for v in hours.values())


def test_double_booking_message_names_both_shifts() -> None:
    err = StaffDoubleBooked(
        "Nguyễn Văn Hùng", "Ca đêm", "2021-08-10T22:00:00", "Ca ngày", "2021-08-10T19:00:00"
    )
    text = describe(err)
    assert "Nguyễn Văn Hùng" in text and "22:00 10/08/2021" in text and "Ca ngày" in text
    assert "two shifts" in describe(err, "en")
