"""Staff tests and the quarantine flag (SQLite and PostgreSQL): the schedule per facility, tests drawing kits, a
positive flags at once, an exposure is flagged by hand, the forecast counts the staff's tests."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from quarantine_desk.domain.errors import InvalidInput, NotFound, StaffMustQuarantine
from quarantine_desk.domain.stays import TestKind, TestResult
from quarantine_desk.messages import describe
from quarantine_desk.services import forecast, overview, shifts, staff_tests, supplies
from quarantine_desk.services.overview import AlertKind
from tests.services.fixtures import facility


@pytest.fixture
def team(desk):  # type: ignore[no-untyped-def]
    facility(desk, "F01")
    doctor = shifts.add_staff(desk, "F01", "Nguyễn Văn Hùng", "Bác sĩ", None).id
    police = shifts.add_staff(desk, "F01", "Trần Minh Quân", "Công an", None).id
    staff_tests.set_schedule(desk, "F01", 3, "rapid")
    return desk, doctor, police


def test_schedule_tests_and_the_flag(team) -> None:  # type: ignore[no-untyped-def]
    desk, doctor, police = team
    before = {h.full_name: h.next_due for h in staff_tests.staff_health(desk, "F01")}
    assert before == {
        "Nguyễn Văn Hùng": date(2021, 8, 10),
        "Trần Minh Quân": date(2021, 8, 10),
    }  # never tested
    staff_tests.record_staff_test(desk, doctor, "rapid", "negative", at=datetime(2021, 8, 9, 9))
    row = staff_tests.record_staff_test(desk, police, "pcr", "positive", at=datetime(2021, 8, 10, 8))
    assert (row.result, row.flagged) == (TestResult.POSITIVE, True)
    health = staff_tests.staff_health(desk, "F01")
    assert [(h.full_name, h.flagged, h.quarantine_reason, h.next_due) for h in health] == [
        ("Trần Minh Quân", True, "positive", None),  # flagged first; off the schedule
        ("Nguyễn Văn Hùng", False, None, date(2021, 8, 12)),  # 3 days after 09/08
    ]
    assert (health[1].last_kind, health[1].last_result) == (TestKind.RAPID, TestResult.NEGATIVE)
    staff_tests.flag(desk, doctor, "exposure", "Tiếp xúc F0 phòng 102", at=datetime(2021, 8, 10, 9))
    doc = next(h for h in staff_tests.staff_health(desk, "F01") if h.staff == doctor)
    assert (doc.flagged, doc.quarantine_reason, doc.quarantine_note) == (
        True,
        "exposure",
        "Tiếp xúc F0 phòng 102",
    )
    staff_tests.clear_flag(desk, doctor)
    doc = next(h for h in staff_tests.staff_health(desk, "F01") if h.staff == doctor)
    assert (doc.flagged, doc.next_due) == (False, date(2021, 8, 12))
    assert [t.kind for t in staff_tests.staff_tests(desk, doctor)] == [TestKind.RAPID]


def test_staff_tests_draw_kits_and_count_in_the_forecast(team) -> None:  # type: ignore[no-untyped-def]
    """The doctor tested 09/08: due 12/08 and 15/08 in the seven days from 10/08; the police officer is flagged:
    none. One kit in store: the doctor's test takes it, the officer's finds none (an alert)."""
    desk, doctor, police = team
    supplies.add_item(desk, "F01", "TN", "Test nhanh", "test")
    supplies.set_kit(desk, "F01", "TN", "rapid")
    supplies.receive(desk, "F01", "TN", 1, at=datetime(2021, 8, 8, 8))
    staff_tests.record_staff_test(desk, doctor, "rapid", "negative", at=datetime(2021, 8, 9, 9))
    row = staff_tests.record_staff_test(desk, police, "rapid", "positive", at=datetime(2021, 8, 10, 8))
    assert row.kit_short is True
    assert next(r.quantity for r in supplies.list_stock(desk, "F01")) == 0
    alert = next(a for a in overview.alerts(desk, "F01") if a.kind is AlertKind.KIT_SHORT)
    assert alert.count == 1
    result = forecast.stock_forecast(desk, "F01", 7)
    assert [(d.day.day, d.due[TestKind.RAPID]) for d in result.days if d.due[TestKind.RAPID]] == [
        (12, 1),
        (15, 1),
    ]
    assert result.shortfall_on == date(2021, 8, 12)


def test_bad_input(team) -> None:  # type: ignore[no-untyped-def]
    desk, doctor, _ = team
    with pytest.raises(InvalidInput):
        staff_tests.set_schedule(desk, "F01", 0)
    with pytest.raises(InvalidInput):
        staff_tests.record_staff_test(desk, doctor, "antibody", "negative")
    with pytest.raises(InvalidInput):
        staff_tests.flag(desk, doctor, "tired")
    with pytest.raises(NotFound):
        staff_tests.record_staff_test(desk, 999, "rapid", "negative")


def test_a_flagged_staff_member_is_put_on_no_shift(team) -> None:  # type: ignore[no-untyped-def]
    desk, doctor, police = team
    shifts.plan_shifts(desk, "F01", date(2021, 8, 11), 1, "3x8")
    morning = shifts.roster_of_shifts(desk, "F01", date(2021, 8, 11), date(2021, 8, 12))[0]
    staff_tests.flag(desk, police, "exposure", at=datetime(2021, 8, 10, 9))
    with pytest.raises(StaffMustQuarantine) as caught:
        shifts.assign(desk, "F01", morning.id, police)
    assert describe(caught.value) == (
        "Trần Minh Quân đang phải cách ly (tiếp xúc): không phân công trực cho đến khi hết cách ly."
    )
    assert shifts.roster_of_shifts(desk, "F01", date(2021, 8, 11), date(2021, 8, 12))[0].staff == ()
    staff_tests.clear_flag(desk, police)
    assert shifts.assign(desk, "F01", morning.id, police).shift.staff[0].id == police
