"""The overview: the figures of the current facility, and cards that open the page behind them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from quarantine_desk.services import facilities, medical, overview, people, stays
from quarantine_desk.services.overview import Alert, AlertKind, DayOccupancy
from quarantine_desk.services.people import NewPerson
from quarantine_desk.ui.chart import OccupancyChart, nice_step
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.models import WARNING_BACKGROUND
from quarantine_desk.ui.pages.dashboard import DashboardPage, alert_target, alert_text
from tests.ui.writes import changed_elsewhere, settle

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def ctx(sqlite_only_desk, monkeypatch):  # type: ignore[no-untyped-def]
    desk = sqlite_only_desk
    # Duty shifts are planned on their own page; here a facility without any would always have a gap.
    monkeypatch.setattr(overview, "shift_gaps", lambda *_args: None)
    facilities.add_facility(desk, "F01", "Ký túc xá Đại học")
    facilities.add_rooms(desk, "F01", "Khu A", "101-103", 2)
    context = UiContext(desk)
    context.set_facility("F01")
    return context


@pytest.fixture
def page(ctx, qtbot):  # type: ignore[no-untyped-def]
    widget = DashboardPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    settle()
    return widget


def admit(ctx, name: str, number: str, room: str) -> int:  # type: ignore[no-untyped-def]
    person = people.add_person(ctx.desk, NewPerson(name, "M", "1980", id_number=number)).id
    stays.admit(ctx.desk, person, "F01", "Nhóm 1", room=room)
    return person


def test_figures_follow_the_facility(ctx, page, clock) -> None:  # type: ignore[no-untyped-def]
    assert page.value("beds") == 6 and page.value("free") == 6 and page.value("present") == 0
    first = admit(ctx, "Trần Văn Nam", "001085000111", "101")
    admit(ctx, "Vũ Văn Hải", "001085000222", "101")
    admit(ctx, "Lê Văn Tám", "001085000333", "102")
    changed_elsewhere(ctx)
    assert page.value("occupied") == 3 and page.value("present") == 3 and page.value("free") == 3
    assert page.value("tests_today") == 3 and page.value("tests_overdue") == 0
    clock.now += timedelta(days=1)
    medical.record_test(ctx.desk, first, "pcr", "positive")
    stays.transfer(ctx.desk, first, "Bệnh viện dã chiến số 2")
    changed_elsewhere(ctx)
    # Room 102's day-1 test is late; the roommate restarted from today, so theirs is due today.
    assert page.value("tests_overdue") == 1 and page.value("tests_today") == 1
    assert page.value("closed") == 1  # the free bed of the closed room 101
    assert page.value("present") == 2
    clock.now += timedelta(days=12)
    changed_elsewhere(ctx)
    assert page.value("due_tomorrow") == 1  # room 102's stay ends on day 14; 101's restarted


def test_ninety_percent_warning(ctx, page) -> None:  # type: ignore[no-untyped-def]
    for i, (room, name) in enumerate(
        zip(
            ["101", "101", "102", "102", "103", "103"],
            ["An", "Bình", "Cường", "Dũng", "Hải", "Khoa"],
            strict=True,
        )
    ):
        admit(ctx, f"Nguyễn Văn {name}", f"0010850001{i:02d}", room)
    changed_elsewhere(ctx)
    assert page.warning.is_error and "100 %" in page.warning.text()


def test_cards_open_their_area(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(page.open_area) as opened:
        qtbot.mouseClick(page.cards["tests_overdue"], Qt.MouseButton.LeftButton)
    assert opened.args == ["medical", "due"]
    with qtbot.waitSignal(page.open_area) as opened:
        qtbot.mouseClick(page.cards["disinfect"], Qt.MouseButton.LeftButton)
    assert opened.args == ["rooms", ""]
    page.cards["free"].setFocus()
    with qtbot.waitSignal(page.open_area) as opened:
        qtbot.keyClick(page.cards["free"], Qt.Key.Key_Return)
    assert opened.args == ["checkin", ""]
    with qtbot.waitSignal(page.open_area) as opened:
        qtbot.mouseClick(page.cards["due_tomorrow"], Qt.MouseButton.LeftButton)
    assert opened.args == ["medical", "leaving"]


def test_no_facility_chosen(sqlite_only_desk, qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = DashboardPage(UiContext(sqlite_only_desk))
    qtbot.addWidget(widget)
    assert widget.facility_line.text() == "Chưa chọn khu cách ly."


def test_today_figures_alerts_and_zones(ctx, page, clock, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    facilities.add_rooms(ctx.desk, "F01", "Khu B", "201", 4)
    sick = admit(ctx, "Trần Văn Nam", "001085000111", "101")
    admit(ctx, "Vũ Văn Hải", "001085000222", "101")
    medical.record_test(ctx.desk, sick, "pcr", "positive")
    changed_elsewhere(ctx)

    assert page.value("admitted_today") == 2 and page.value("positives_today") == 1
    assert (
        page.alert_texts()[0]
        == "Dương tính: Trần Văn Nam, phòng 101 (mẫu lúc 09:00 10/08) – chờ chuyển điều trị"
    )
    assert "Phòng 101 đang phong tỏa, còn 2 người ở" in page.alert_texts()
    assert (
        page.alerts.data(page.alerts.index(0, 0), Qt.ItemDataRole.BackgroundRole).color()
        == WARNING_BACKGROUND
    )
    assert page.alerts_view.isVisible() and not page.no_alerts.isVisible()
    zones = [(z.zone, z.beds, z.occupied, z.free, z.closed) for z in page.zones.rows()]
    assert zones == [("Khu A", 6, 2, 4, 0), ("Khu B", 4, 0, 4, 0)]
    qtmodeltester.check(page.alerts)
    qtmodeltester.check(page.zones)

    stays.transfer(ctx.desk, sick, "Bệnh viện dã chiến số 2")
    changed_elsewhere(ctx)
    assert page.value("released_today") == 1
    assert page.cards["released_today"].note.text() == "1 chuyển điều trị"
    assert not any(t.startswith("Dương tính") for t in page.alert_texts())


def test_an_alert_opens_the_list_behind_it(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    person = admit(ctx, "Trần Văn Nam", "001085000111", "102")
    stays.release(ctx.desk, person, override="Chuyển cách ly tại nhà")
    changed_elsewhere(ctx)
    assert page.alert_texts() == ["Phòng 102 chờ khử khuẩn trước khi nhận người mới"]
    rect = page.alerts_view.visualRect(page.alerts.index(0, 0))
    with qtbot.waitSignal(page.open_area) as opened:
        qtbot.mouseClick(page.alerts_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == ["rooms", "room:102"]


def test_nothing_to_do_says_so(page) -> None:  # type: ignore[no-untyped-def]
    assert not page.alerts_view.isVisible()
    assert page.no_alerts.isVisible() and page.no_alerts.text() == "Không có việc cần xử lý ngay."


def test_alert_sentences_and_targets() -> None:
    at = datetime(2021, 8, 10, 16, 0)
    assert alert_text(Alert(AlertKind.REPORT_DUE, at=at)) == "Chưa lập báo cáo 16 giờ hôm nay"
    assert alert_target(Alert(AlertKind.REPORT_DUE)) == ("reports", "daily_date")
    assert alert_target(Alert(AlertKind.POSITIVE, "A", "101")) == ("medical", "leaving")
    assert alert_target(Alert(AlertKind.LOW_STOCK, "Khẩu trang")) == ("supplies", "")
    low = alert_text(Alert(AlertKind.LOW_STOCK, "Gạo", count=40, unit="kg", minimum=100))
    assert low == "Vật tư dưới mức tối thiểu: Gạo còn 40 kg (tối thiểu 100)"
    gap = alert_text(Alert(AlertKind.SHIFT_GAP, count=2, at=datetime(2021, 8, 10, 22, 0)))
    assert gap == "Ca trực thiếu người: 2 khoảng trống trong 24 giờ tới, khoảng đầu từ 22:00 10/08"


def test_the_chart_shows_thirty_days(ctx, page, clock) -> None:  # type: ignore[no-untyped-def]
    admit(ctx, "Trần Văn Nam", "001085000111", "101")
    changed_elsewhere(ctx)
    points = page.chart.points
    assert len(points) == 30 and points[-1] == DayOccupancy(date(2021, 8, 10), 1, 6)
    assert points[0].day == date(2021, 7, 12)
    assert page.chart.title_text() == "Số người cách ly trong 30 ngày qua"


def test_the_chart_draws(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = OccupancyChart()
    qtbot.addWidget(chart)
    chart.resize(600, 240)
    empty = chart.grab().toImage()
    first = date(2021, 7, 12)
    chart.set_history([DayOccupancy(first + timedelta(days=i), 3 * i, 120) for i in range(30)])
    image = chart.grab().toImage()
    assert not image.isNull() and image.width() == 600
    assert image != empty  # the series changed the picture
    # The area under the line is tinted blue near today's end of the plot.
    blues = sum(
        1
        for x in range(300, 580, 7)
        for y in range(60, 220, 7)
        if (c := image.pixelColor(x, y)).blue() > c.red() + 20
    )
    assert blues > 20
    assert chart.accessibleDescription() == "Hôm nay 87 người, 120 giường"
    assert chart.day_at(10_000) == chart.points[-1]


def test_nice_steps() -> None:
    assert [nice_step(n) for n in (1, 4, 9, 40, 130, 1000)] == [1, 1, 5, 10, 50, 500]


def test_the_beds_ahead(ctx, page, clock) -> None:  # type: ignore[no-untyped-def]
    """6 beds; 5 people admitted today (no arrivals in the last seven days), released on 24/08 by the 14-day
    policy: the line stays at 5 (under 90 % of 6, which is 5.4) and drops to 0 on 24/08."""
    for n, (name, room) in enumerate(
        (("Trần Văn Nam", "101"), ("Vũ Văn Hải", "101"), ("Lê Văn Tám", "102"), ("Đỗ Văn Ba", "102"),
         ("Hồ Văn Tư", "103")),
    ):  # fmt: skip
        admit(ctx, name, f"00108500{n:04d}", room)
    changed_elsewhere(ctx)
    ahead = page.chart.ahead
    assert len(ahead) == 14 and ahead[0] == (date(2021, 8, 11), 5) and ahead[-1] == (date(2021, 8, 24), 0)
    assert page.capacity_line.text() == "Chưa vượt 90 % trong 14 ngày tới; chưa hết giường."
    assert "Giả định" in page.capacity_line.toolTip()
    filling = alert_text(
        Alert(AlertKind.FILLING, count=75, at=datetime(2021, 8, 14), full_on=date(2021, 8, 15))
    )
    assert (
        filling == "Dự kiến vượt 90 % số giường ngày 14/08, hết giường ngày 15/08: chuẩn bị khu cách ly mới"
    )
    near = alert_text(Alert(AlertKind.NEAR_FULL, count=92, full_on=date(2021, 8, 12)))
    assert near == "Đã dùng 92 % số giường (cảnh báo 90 %), dự kiến hết giường ngày 12/08"
    kit = alert_text(Alert(AlertKind.KIT_SHORT, "Test nhanh", count=3, at=datetime(2021, 8, 10, 9, 0)))
    assert kit == "Hết kit Test nhanh: 3 xét nghiệm đã làm không có kit (từ 09:00 10/08), cần nhập bù"
