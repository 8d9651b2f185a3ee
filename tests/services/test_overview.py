"""The overview: occupancy by zone and over the last days, today's figures, and the alerts a manager acts on."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from quarantine_desk.services import documents, facilities, medical, overview, stays, supplies
from quarantine_desk.services.overview import Alert, AlertKind, DayOccupancy, ZoneOccupancy
from tests.services.fixtures import AUG1, facility, person


def kinds(desk, now: datetime | None = None) -> list[AlertKind]:  # type: ignore[no-untyped-def]
    return [a.kind for a in overview.alerts(desk, "F01", now) if a.kind in STAY_KINDS]


# Stock and shifts are asked of their own modules; these tests look at what the stays give.
STAY_KINDS = {AlertKind.POSITIVE, AlertKind.REPORT_DUE, AlertKind.ROOM_CLOSED, AlertKind.DISINFECT}


def test_history_counts_the_people_present_each_day(desk, clock) -> None:  # type: ignore[no-untyped-def]
    facility(desk, rooms="101-102", beds=3)
    first = person(desk, "Nguyễn Văn An")
    second = person(desk, "Trần Thị Bình", "F", id_number="001185000222")
    stays.admit(desk, first, "F01", "Nhóm 1", room="101", at=AUG1)  # 1 August
    stays.admit(desk, second, "F01", "Nhóm 2", room="102", at=datetime(2021, 8, 4, 14, 0))
    stays.release(desk, first, override="Chuyển cách ly tại nhà", at=datetime(2021, 8, 6, 10, 0))

    history = overview.occupancy_history(desk, "F01", days=10, today=date(2021, 8, 10))

    assert [h.day for h in history] == [date(2021, 8, 1) + timedelta(days=i) for i in range(10)]
    # Each day is counted at its end, as the roster of that day: the person released at 10:00 on 6 August is
    # no longer there.
    assert [h.present for h in history] == [1, 1, 1, 2, 2, 1, 1, 1, 1, 1]
    assert {h.beds for h in history} == {6}
    assert history[5] == DayOccupancy(date(2021, 8, 6), 1, 6)
    for h in history:
        roster = stays.roster(desk, "F01", h.day)
        assert h.present == len(roster)


def test_history_defaults_to_thirty_days_up_to_today(desk) -> None:  # type: ignore[no-untyped-def]
    facility(desk)
    history = overview.occupancy_history(desk, "F01")
    assert len(history) == 30
    assert history[-1].day == date(2021, 8, 10)  # the clock's today
    assert all(h.present == 0 and h.beds == 16 for h in history)
    assert overview.occupancy_history(desk, "F01", days=0) == []


def test_history_leaves_out_other_facilities_and_beds_out_of_service(desk) -> None:  # type: ignore[no-untyped-def]
    facility(desk, rooms="101", beds=2)
    facility(desk, "F02", rooms="201", beds=2)
    stays.admit(desk, person(desk), "F02", "Nhóm 1", at=AUG1)
    facilities.set_bed_in_service(desk, "F01", "101", "2", False)
    history = overview.occupancy_history(desk, "F01", days=3)
    assert [(h.present, h.beds) for h in history] == [(0, 1)] * 3


def test_zone_occupancy_counts_like_the_room_board(desk) -> None:  # type: ignore[no-untyped-def]
    facility(desk, rooms="101-102", beds=2, zone="Tầng 1")
    facilities.add_rooms(desk, "F01", "Tầng 10", "1001", 4)
    facilities.add_rooms(desk, "F01", "Tầng 2", "201", 3)
    sick = person(desk, "Nguyễn Văn An")
    stays.admit(desk, sick, "F01", "Nhóm 1", room="101", at=AUG1)
    stays.admit(
        desk, person(desk, "Lê Văn Cường", id_number="001085000333"), "F01", "Nhóm 1", room="201", at=AUG1
    )
    medical.record_test(desk, sick, "pcr", "positive")

    zones = overview.zone_occupancy(desk, "F01")

    assert zones == [
        ZoneOccupancy("Tầng 1", beds=4, occupied=1, free=2, closed=1),  # 101 closed: its free bed too
        ZoneOccupancy("Tầng 2", beds=3, occupied=1, free=2, closed=0),
        ZoneOccupancy("Tầng 10", beds=4, occupied=0, free=4, closed=0),
    ]
    total = facilities.occupancy_of(facilities.room_board(desk, "F01"))
    assert sum(z.beds for z in zones) == total.beds and sum(z.closed for z in zones) == total.closed


def test_day_figures(desk, clock) -> None:  # type: ignore[no-untyped-def]
    facility(desk)
    early = person(desk, "Nguyễn Văn An")
    sick = person(desk, "Trần Văn Nam", id_number="001085000111")
    stays.admit(desk, early, "F01", "Nhóm 1", room="101", at=AUG1)
    stays.admit(desk, sick, "F01", "Nhóm 2", room="102", at=datetime(2021, 8, 10, 7, 0))
    stays.admit(desk, person(desk, "Vũ Văn Hải", id_number="001085000222"), "F01", "Nhóm 2", room="102")
    stays.release(desk, early, override="Đủ điều kiện", at=datetime(2021, 8, 10, 8, 0))
    medical.record_test(desk, sick, "rapid", "positive", at=datetime(2021, 8, 10, 8, 30))
    stays.transfer(desk, sick, "Bệnh viện dã chiến số 2")

    today = overview.day_figures(desk, "F01")
    assert today == overview.DayFigures(admitted=2, released=2, transferred=1, positives=1)
    assert overview.day_figures(desk, "F01", date(2021, 8, 1)) == overview.DayFigures(1, 0, 0, 0)


def test_a_positive_waits_for_transfer_at_the_top(desk, clock) -> None:  # type: ignore[no-untyped-def]
    facility(desk)
    sick = person(desk, "Trần Văn Nam", id_number="001085000111")
    stays.admit(desk, sick, "F01", "Nhóm 1", room="103", at=AUG1)
    stays.admit(
        desk, person(desk, "Vũ Văn Hải", id_number="001085000222"), "F01", "Nhóm 1", room="103", at=AUG1
    )
    assert kinds(desk) == []

    medical.record_test(desk, sick, "pcr", "positive")

    found = [a for a in overview.alerts(desk, "F01") if a.kind in STAY_KINDS]
    assert found == [
        Alert(AlertKind.POSITIVE, "Trần Văn Nam", "103", at=clock.now),
        Alert(AlertKind.ROOM_CLOSED, room="103", count=2),
    ]
    stays.transfer(desk, sick, "Bệnh viện dã chiến số 2")
    assert kinds(desk) == [AlertKind.ROOM_CLOSED]  # the roommate is still in room 103


def test_an_emptied_room_waits_for_disinfection(desk) -> None:  # type: ignore[no-untyped-def]
    facility(desk)
    pid = person(desk)
    stays.admit(desk, pid, "F01", "Nhóm 1", room="102", at=AUG1)
    stays.release(desk, pid, override="Chuyển cách ly tại nhà")
    assert overview.alerts(desk, "F01")[0] == Alert(AlertKind.DISINFECT, room="102")
    stays.disinfect(desk, "F01", "102")
    assert kinds(desk) == []


def test_the_daily_report_reminder_from_half_past_three(desk, clock, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    facility(desk)
    facility(desk, "F02")
    clock.now = datetime(2021, 8, 10, 15, 29)
    assert kinds(desk) == []
    clock.now = datetime(2021, 8, 10, 15, 30)
    assert overview.alerts(desk, "F01")[0] == Alert(AlertKind.REPORT_DUE, at=datetime(2021, 8, 10, 16, 0))

    documents.write_daily_report(desk, tmp_path / "f02.json", facility_code="F02")
    assert kinds(desk) == [AlertKind.REPORT_DUE]  # another facility's report does not count
    documents.write_daily_report(desk, tmp_path / "f01.json", facility_code="F01")
    assert kinds(desk) == []
    assert overview.report_due(desk, "F02", clock.now) is False

    clock.now = datetime(
        2021, 8, 11, 17, 0
    )  # the next day, past the deadline: yesterday's report is not today's
    assert kinds(desk) == [AlertKind.REPORT_DUE]
    documents.write_daily_report(desk, tmp_path / "all.xlsx")  # every facility in one report
    assert kinds(desk) == []


def test_urgency_order(desk, clock) -> None:  # type: ignore[no-untyped-def]
    facility(desk)
    sick, gone = person(desk, "Trần Văn Nam", id_number="001085000111"), person(desk)
    stays.admit(desk, gone, "F01", "Nhóm 1", room="104", at=AUG1)
    stays.release(desk, gone, override="Đủ điều kiện")
    stays.admit(desk, sick, "F01", "Nhóm 2", room="101", at=AUG1)
    medical.record_test(desk, sick, "pcr", "positive")
    clock.now = datetime(2021, 8, 10, 16, 5)
    assert kinds(desk) == [
        AlertKind.POSITIVE,
        AlertKind.REPORT_DUE,
        AlertKind.ROOM_CLOSED,
        AlertKind.DISINFECT,
    ]


def test_low_stock(desk) -> None:  # type: ignore[no-untyped-def]
    facility(desk)
    assert overview.low_stock(desk, "F01") == ()
    supplies.add_item(desk, "F01", "TEST", "Test nhanh kháng nguyên", "hộp", 100)
    (item,) = overview.low_stock(desk, "F01")
    assert (item.name, item.quantity, item.unit, item.min_stock) == ("Test nhanh kháng nguyên", 0, "hộp", 100)
    low = Alert(AlertKind.LOW_STOCK, "Test nhanh kháng nguyên", count=0, unit="hộp", minimum=100)
    assert low in overview.alerts(desk, "F01")


def test_shift_gaps_in_the_next_day(desk, clock) -> None:  # type: ignore[no-untyped-def]
    facility(desk)
    # No shift at all: the whole next 24 hours are uncovered.
    assert overview.shift_gaps(desk, "F01", clock.now) == [(clock.now, clock.now + timedelta(hours=24))]
    gap = next(a for a in overview.alerts(desk, "F01") if a.kind is AlertKind.SHIFT_GAP)
    assert gap == Alert(AlertKind.SHIFT_GAP, count=1, at=clock.now)
