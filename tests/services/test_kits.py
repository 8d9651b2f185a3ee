"""Test kits from the store (SQLite and PostgreSQL): each test draws one kit of its kind, none left means the test
stands and the shortfall is an alert, and the forecast of kits by the test schedule of the people staying."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from quarantine_desk.db.models import MedicalTest
from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.domain.stays import TestKind
from quarantine_desk.services import documents, forecast, medical, overview, stays, supplies
from quarantine_desk.services.overview import AlertKind
from tests.services.fixtures import facility, person


def stock(desk, code: str) -> int:  # type: ignore[no-untyped-def]
    return next(r.quantity for r in supplies.list_stock(desk, "F01") if r.code == code)


@pytest.fixture
def kits(desk):  # type: ignore[no-untyped-def]
    facility(desk, "F01")
    supplies.add_item(desk, "F01", "TN", "Test nhanh kháng nguyên", "test", 0)
    supplies.add_item(desk, "F01", "PCR", "Ống lấy mẫu RT-PCR", "ống", 0)
    supplies.set_kit(desk, "F01", "TN", "rapid", pack_size=25)
    supplies.set_kit(desk, "F01", "PCR", "pcr")
    return desk


def test_each_test_draws_one_kit_of_its_kind(kits) -> None:  # type: ignore[no-untyped-def]
    desk = kits
    supplies.receive(desk, "F01", "TN", 2, at=datetime(2021, 8, 9, 8))
    pid = person(desk)
    stays.admit(desk, pid, "F01", "Nhóm 1", at=datetime(2021, 8, 9, 8))
    medical.record_test(desk, pid, "rapid", "negative", at=datetime(2021, 8, 9, 9))
    assert (stock(desk, "TN"), stock(desk, "PCR")) == (1, 0)
    moved = supplies.movements(desk, "F01", "TN")[0]
    assert (moved.quantity, moved.moved_at, moved.reason) == (
        -1,
        datetime(2021, 8, 9, 9),
        "Xét nghiệm nhanh: Nguyễn Văn An",
    )


def test_a_test_with_no_kit_left_is_recorded_and_raises_an_alert(kits) -> None:  # type: ignore[no-untyped-def]
    desk = kits
    pid = person(desk)
    stays.admit(desk, pid, "F01", "Nhóm 1", at=datetime(2021, 8, 9, 8))
    row = medical.record_test(desk, pid, "pcr", "negative", at=datetime(2021, 8, 9, 9))
    assert [t.id for t in medical.stay_tests(desk, row.stay)] == [row.test]
    assert stock(desk, "PCR") == 0  # not -1
    with desk.read() as session:
        assert session.get(MedicalTest, row.test).kit_short is True  # type: ignore[union-attr]
    found = [a for a in overview.alerts(desk, "F01") if a.kind is AlertKind.KIT_SHORT]
    assert [(a.subject, a.count, a.at) for a in found] == [("Ống lấy mẫu RT-PCR", 1, datetime(2021, 8, 9, 9))]
    report = documents.daily_report(desk, "F01", date(2021, 8, 10))
    assert report.facilities[0].stock_alerts[0] == (
        "Ống lấy mẫu RT-PCR: 1 xét nghiệm đã làm khi kho hết kit (từ 09/08/2021 09:00), cần nhập bù"
    )
    # kits arrive: the alert ends
    supplies.receive(desk, "F01", "PCR", 5, at=datetime(2021, 8, 10, 8))
    assert not [a for a in overview.alerts(desk, "F01") if a.kind is AlertKind.KIT_SHORT]


def test_a_facility_without_kit_items_records_tests_as_before(desk) -> None:  # type: ignore[no-untyped-def]
    facility(desk, "F01")
    pid = person(desk)
    stays.admit(desk, pid, "F01", "Nhóm 1", at=datetime(2021, 8, 9, 8))
    row = medical.record_test(desk, pid, "rapid", "negative", at=datetime(2021, 8, 9, 9))
    with desk.read() as session:
        assert session.get(MedicalTest, row.test).kit_short is False  # type: ignore[union-attr]
    assert not [a for a in overview.alerts(desk, "F01") if a.kind is AlertKind.KIT_SHORT]


def test_one_kit_item_per_kind(kits) -> None:  # type: ignore[no-untyped-def]
    desk = kits
    supplies.add_item(desk, "F01", "TN2", "Test nhanh loại khác", "test")
    row = supplies.set_kit(desk, "F01", "TN2", "rapid")
    assert (row.kit_kind, row.pack_size) == ("rapid", 1)
    kinds = {r.code: r.kit_kind for r in supplies.list_stock(desk, "F01")}
    assert kinds == {"TN": None, "TN2": "rapid", "PCR": "pcr"}
    with pytest.raises(InvalidInput):
        supplies.set_kit(desk, "F01", "TN", "antibody")


def test_forecast_over_seven_days_with_a_restart(kits) -> None:  # type: ignore[no-untyped-def]
    """Hand-computed; the clock stands at 10/08/2021 09:00, test days 1, 7, 14 (the 14-day policy).

    A: day 1 on 04/08 tested; day 7 due 10/08 (rapid); day 14 on 17/08 is past the seven days.
    F: admitted 28/07, tested on days 1 and 7; day 14 due 10/08: the last test, an RT-PCR.
    B, C, D in room 102 from 05/08 (day 7 would be 11/08); D positive on 08/08 restarts B and C from 08/08:
    day 1 on 08/08 (B tested then, C not: overdue, counted today), day 7 moves to 14/08. D is leaving: no tests.
    Rapid: 10/08 two (A, C), 14/08 two (B, C); 3 kits: one left after 10/08, short of one on 14/08.
    PCR: 10/08 one (F); 1 kit: none left, none short.
    """
    desk = kits
    a, f = person(desk, "Lê Văn A"), person(desk, "Phạm Văn F")
    b, c, d = person(desk, "Trần Văn B"), person(desk, "Ngô Văn C"), person(desk, "Đỗ Văn D")
    stays.admit(desk, f, "F01", "Nhóm 28/7", room="103", at=datetime(2021, 7, 28, 8))
    medical.record_test(desk, f, "rapid", "negative", at=datetime(2021, 7, 28, 9))
    medical.record_test(desk, f, "rapid", "negative", at=datetime(2021, 8, 3, 9))
    stays.admit(desk, a, "F01", "Nhóm 4/8", room="101", at=datetime(2021, 8, 4, 8))
    medical.record_test(desk, a, "rapid", "negative", at=datetime(2021, 8, 4, 9))
    for pid in (b, c, d):
        stays.admit(desk, pid, "F01", "Nhóm 5/8", room="102", at=datetime(2021, 8, 5, 8))
    supplies.receive(desk, "F01", "TN", 8, at=datetime(2021, 8, 5, 7))
    for pid in (b, c, d):
        medical.record_test(desk, pid, "rapid", "negative", at=datetime(2021, 8, 5, 9))
    restarted = medical.record_test(desk, d, "rapid", "positive", at=datetime(2021, 8, 8, 9))
    assert set(restarted.roommates_restarted) == {b, c}
    medical.record_test(desk, b, "rapid", "negative", at=datetime(2021, 8, 8, 10))
    supplies.receive(desk, "F01", "PCR", 1, at=datetime(2021, 8, 9, 7))
    assert (stock(desk, "TN"), stock(desk, "PCR")) == (3, 1)  # 8 received, 5 tests drawn after the receipt

    result = forecast.stock_forecast(desk, "F01", 7)
    days = [(d.day.day, d.due[TestKind.RAPID], d.due[TestKind.PCR]) for d in result.days]
    assert days == [(10, 2, 1), (11, 0, 0), (12, 0, 0), (13, 0, 0), (14, 2, 0), (15, 0, 0), (16, 0, 0)]
    left = [(d.left[TestKind.RAPID], d.left[TestKind.PCR]) for d in result.days]
    assert left == [(1, 0), (1, 0), (1, 0), (1, 0), (0, 0), (0, 0), (0, 0)]
    assert result.shortfall_on == date(2021, 8, 14)
    assert result.shortfall_of(TestKind.PCR) is None
    assert result.days[4].short[TestKind.RAPID] == 1

    # what to order: rapid kits for 4 tests with 3 in store, one box of 25; nothing else is short
    _, lines = forecast.request_lines(desk, "F01", 7)
    assert [(r.code, r.need, r.stock, r.order, r.packs) for r in lines] == [("TN", 4, 3, 25, 1)]


def test_forecast_of_other_items_by_their_last_seven_days(kits) -> None:  # type: ignore[no-untyped-def]
    desk = kits
    supplies.add_item(desk, "F01", "GAO", "Gạo", "kg", 50)
    supplies.receive(desk, "F01", "GAO", 300, at=datetime(2021, 8, 1, 8))
    supplies.issue(desk, "F01", "GAO", 70, at=datetime(2021, 8, 5, 8))
    supplies.issue(desk, "F01", "GAO", 70, at=datetime(2021, 8, 9, 8))
    supplies.issue(desk, "F01", "GAO", 70, at=datetime(2021, 8, 2, 8))  # more than seven days ago
    result = forecast.stock_forecast(desk, "F01", 7)
    (gao,) = result.items
    # 140 kg in the last seven days: 20 a day; 90 kg last 4 days (to 14/08)
    assert (gao.stock, gao.per_day, gao.days_left, gao.runs_out_on) == (90, 20.0, 4, date(2021, 8, 14))
    _, lines = forecast.request_lines(desk, "F01", 7)
    # 140 kg for seven days and 50 kept, 90 in store: order 100
    assert [(r.code, r.need, r.order) for r in lines] == [("GAO", 140, 100)]


def test_forecast_days_out_of_range(kits) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput):
        forecast.stock_forecast(kits, "F01", 0)
