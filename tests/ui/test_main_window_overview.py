"""The main window and the overview together: cards and alerts open the list behind them, and the alert banner
under the toolbar shows a positive case and, from 15:30, the missing 16:00 report."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from quarantine_desk.services import documents, facilities, medical, overview, people, stays
from quarantine_desk.services.people import NewPerson
from quarantine_desk.ui import settings as opts
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.main_window import BANNER_REFRESH_MS, MainWindow
from quarantine_desk.ui.pages.dashboard import DashboardPage
from tests.ui.writes import changed_elsewhere, settle

REMINDER = "Chưa lập báo cáo 16 giờ hôm nay"


@pytest.fixture
def window(qtbot, ctx: UiContext, settings: opts.Settings, monkeypatch) -> MainWindow:  # type: ignore[no-untyped-def]
    # Duty shifts are planned on their own page; without any, every hour of the next day would be a gap.
    monkeypatch.setattr(overview, "shift_gaps", lambda *_args: None)
    facilities.add_facility(ctx.desk, "KTX-A", "Ký túc xá khu A", district="Dĩ An", province="Bình Dương")
    facilities.add_rooms(ctx.desk, "KTX-A", "Tầng 1", "101-104", 4, "M")
    w = MainWindow(ctx, settings)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    settle()
    return w


def admit(ctx: UiContext, name: str, number: str, room: str) -> int:
    person = people.add_person(ctx.desk, NewPerson(name, "M", "1980", id_number=number)).id
    stays.admit(ctx.desk, person, "KTX-A", "Nhóm 1", room=room)
    return person


def dashboard(window: MainWindow) -> DashboardPage:
    page = window.page("dashboard")
    assert isinstance(page, DashboardPage)
    return page


def test_cards_switch_the_area_and_the_tab(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(dashboard(window).cards["disinfect"], Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.page("rooms")
    assert window.navigation.currentItem().text() == "Phòng & giường"

    window.select_area("dashboard")
    qtbot.mouseClick(dashboard(window).cards["due_today"], Qt.MouseButton.LeftButton)
    medical_page = window.page("medical")
    assert window.stack.currentWidget() is medical_page
    assert medical_page.tabs.currentWidget().isAncestorOf(medical_page.leaving_view)  # type: ignore[attr-defined]

    window.select_area("dashboard")
    dashboard(window).cards["tests_overdue"].setFocus()
    qtbot.keyClick(dashboard(window).cards["tests_overdue"], Qt.Key.Key_Return)
    assert window.stack.currentWidget() is medical_page
    assert medical_page.tabs.currentWidget().isAncestorOf(medical_page.due_view)  # type: ignore[attr-defined]

    window.select_area("dashboard")
    qtbot.mouseClick(dashboard(window).cards["free"], Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.page("checkin")


def test_a_room_alert_opens_the_room_on_the_board(window: MainWindow, ctx: UiContext) -> None:
    person = admit(ctx, "Trần Văn Nam", "001085000111", "103")
    stays.release(ctx.desk, person, override="Chuyển cách ly tại nhà")
    changed_elsewhere(ctx)
    window.open_area("rooms", "room:103")
    settle()
    rooms = window.page("rooms")
    assert window.stack.currentWidget() is rooms
    assert rooms.board.selected == "103"  # type: ignore[attr-defined]
    assert rooms.room_title.text().startswith("Phòng 103")  # type: ignore[attr-defined]


def test_an_unknown_target_only_switches_the_area(window: MainWindow) -> None:
    window.open_area("reports", "no_such_widget")
    assert window.stack.currentWidget() is window.page("reports")
    window.open_area("no_such_area", "")
    assert window.stack.currentWidget() is window.page("reports")


def test_a_positive_result_shows_in_the_banner(qtbot, window: MainWindow, ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    assert not window.banner.isVisible()
    sick = admit(ctx, "Trần Văn Nam", "001085000111", "101")
    admit(ctx, "Vũ Văn Hải", "001085000222", "101")
    medical.record_test(ctx.desk, sick, "rapid", "positive")
    changed_elsewhere(ctx)

    assert window.banner.isVisible()
    text = window.banner_text.text()
    assert text.startswith("Dương tính: Trần Văn Nam, phòng 101 (mẫu lúc 09:00 10/08) – chờ chuyển điều trị")
    assert "(và 1 việc khác trong Tổng quan)" in text  # room 101 is closed too
    assert "#c62828" in window.banner.styleSheet()  # red
    assert window.banner_open.isVisible() and not window.banner_report.isVisible()

    qtbot.mouseClick(window.banner_open, Qt.MouseButton.LeftButton)
    medical_page = window.page("medical")
    assert window.stack.currentWidget() is medical_page
    assert medical_page.tabs.currentWidget().isAncestorOf(medical_page.leaving_view)  # type: ignore[attr-defined]

    stays.transfer(ctx.desk, sick, "Bệnh viện dã chiến số 2")
    changed_elsewhere(ctx)
    assert window.banner_text.text() == "Phòng 101 đang phong tỏa, còn 1 người ở"


def test_the_report_reminder_from_half_past_three(
    qtbot, window: MainWindow, ctx: UiContext, clock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    clock.now = datetime(2021, 8, 10, 15, 29)
    window.banner_timer.timeout.emit()
    settle()
    assert not window.banner.isVisible()

    clock.now = datetime(2021, 8, 10, 15, 40)
    window.banner_timer.timeout.emit()  # what the minute timer does
    settle()
    assert window.banner.isVisible()
    assert window.banner_text.text() == REMINDER
    assert window.banner_report.isVisible() and window.banner_report.text() == "Lập báo cáo"
    assert not window.banner_open.isVisible()

    qtbot.mouseClick(window.banner_report, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.page("reports")
    assert window.navigation.currentItem().text() == "Báo cáo"

    documents.write_daily_report(ctx.desk, tmp_path / "bao-cao.xlsx", facility_code="KTX-A")
    changed_elsewhere(ctx)
    assert not window.banner.isVisible()


def test_the_reminder_comes_second_to_a_positive(window: MainWindow, ctx: UiContext, clock) -> None:  # type: ignore[no-untyped-def]
    sick = admit(ctx, "Trần Văn Nam", "001085000111", "101")
    medical.record_test(ctx.desk, sick, "rapid", "positive")
    clock.now = datetime(2021, 8, 10, 16, 10)
    changed_elsewhere(ctx)
    first, second = window.banner_text.text().split("\n")
    assert first.startswith("Dương tính: Trần Văn Nam")
    assert second == REMINDER
    assert window.banner_open.isVisible() and window.banner_report.isVisible()


def test_the_banner_timer_runs_only_while_the_window_is_shown(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    assert window.banner_timer.isActive() and window.banner_timer.interval() == BANNER_REFRESH_MS
    window.hide()
    assert not window.banner_timer.isActive()
    window.show()
    qtbot.waitExposed(window)
    assert window.banner_timer.isActive()


def test_the_banner_follows_the_facility(window: MainWindow, ctx: UiContext) -> None:
    facilities.add_facility(ctx.desk, "TDT", "Trường Tôn Đức Thắng")
    facilities.add_rooms(ctx.desk, "TDT", "Khu A", "1", 2)
    person = people.add_person(ctx.desk, NewPerson("Lê Văn Tám", "M", "1975", id_number="001075000333")).id
    stays.admit(ctx.desk, person, "TDT", "Nhóm 2", room="1")
    medical.record_test(ctx.desk, person, "pcr", "positive")
    changed_elsewhere(ctx)
    assert not window.banner.isVisible()  # another facility's case
    window.facility_box.setCurrentIndex(window.facility_box.findData("TDT"))
    settle()
    assert window.banner.isVisible() and "Lê Văn Tám" in window.banner_text.text()


def test_the_first_screen_reads_each_thing_once(
    qtbot, ctx: UiContext, settings: opts.Settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The overview's read carries the alerts, and the banner shows those: one read of the alerts, one room board,
    and the people present counted without loading the roster."""
    monkeypatch.setattr(overview, "shift_gaps", lambda *_args: None)
    facilities.add_facility(ctx.desk, "KTX-A", "Ký túc xá khu A")
    facilities.add_rooms(ctx.desk, "KTX-A", "Tầng 1", "101-104", 4, "M")
    sick = admit(ctx, "Trần Văn Nam", "001085000111", "101")
    medical.record_test(ctx.desk, sick, "rapid", "positive")
    settings.set(opts.LAST_FACILITY, "KTX-A")
    calls: dict[str, int] = {"alerts": 0, "room_board": 0, "roster": 0}

    def counted(name: str, func):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            calls[name] += 1
            return func(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(overview, "alerts", counted("alerts", overview.alerts))
    monkeypatch.setattr(overview, "room_board", counted("room_board", overview.room_board))
    monkeypatch.setattr(stays, "roster", counted("roster", stays.roster))
    w = MainWindow(ctx, settings)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    settle()
    assert calls == {"alerts": 1, "room_board": 1, "roster": 0}
    assert dashboard(w).value("present") == 1
    assert w.banner.isVisible()
    assert w.banner_text.text().startswith("Dương tính: Trần Văn Nam, phòng 101")
