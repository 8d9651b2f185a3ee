"""The overview: the figures of the current facility, and cards that open the page behind them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from quarantine_desk.services import facilities, people, stays
from quarantine_desk.services.people import NewPerson
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.pages.dashboard import DashboardPage

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def ctx(sqlite_only_desk):  # type: ignore[no-untyped-def]
    desk = sqlite_only_desk
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
    ctx.notify_changed()
    assert page.value("occupied") == 3 and page.value("present") == 3 and page.value("free") == 3
    assert page.value("tests_today") == 3 and page.value("tests_overdue") == 0
    clock.now += timedelta(days=1)
    stays.record_test(ctx.desk, first, "pcr", "positive")
    stays.transfer(ctx.desk, first, "Bệnh viện dã chiến số 2")
    ctx.notify_changed()
    # Room 102's day-1 test is late; the roommate restarted from today, so theirs is due today.
    assert page.value("tests_overdue") == 1 and page.value("tests_today") == 1
    assert page.value("closed") == 1  # the free bed of the closed room 101
    assert page.value("present") == 2
    clock.now += timedelta(days=12)
    ctx.notify_changed()
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
    ctx.notify_changed()
    assert page.warning.is_error and "100 %" in page.warning.text()


def test_cards_open_their_area(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(page.open_area) as opened:
        qtbot.mouseClick(page.cards["tests_overdue"], Qt.MouseButton.LeftButton)
    assert opened.args == ["medical"]
    with qtbot.waitSignal(page.open_area) as opened:
        qtbot.mouseClick(page.cards["disinfect"], Qt.MouseButton.LeftButton)
    assert opened.args == ["rooms"]
    page.cards["free"].setFocus()
    with qtbot.waitSignal(page.open_area) as opened:
        qtbot.keyClick(page.cards["free"], Qt.Key.Key_Return)
    assert opened.args == ["checkin"]


def test_no_facility_chosen(sqlite_only_desk, qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = DashboardPage(UiContext(sqlite_only_desk))
    qtbot.addWidget(widget)
    assert widget.facility_line.text() == "Chưa chọn khu cách ly."
