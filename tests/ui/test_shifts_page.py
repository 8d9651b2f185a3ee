"""The duty shifts page: the week grid with gaps in red, assigning and unassigning, planning, adding staff."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from quarantine_desk.domain.roles import Role
from quarantine_desk.services import facilities, shifts
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.models import WARNING_BACKGROUND
from quarantine_desk.ui.pages.shifts import PlanDialog, ShiftsPage, StaffDialog
from tests.helpers import as_role
from tests.ui.keys import type_text
from tests.ui.writes import settle, wait_for_writes

TODAY = date(2021, 8, 10)  # the test clock: Tuesday


@pytest.fixture
def ctx(sqlite_only_desk, recorder):  # type: ignore[no-untyped-def]
    desk = sqlite_only_desk
    facilities.add_facility(desk, "KT01", "Khu cách ly Trường Quân sự")
    shifts.seed_demo(desk, "KT01", TODAY)
    context = UiContext(desk)
    context.set_facility("KT01")
    return context


@pytest.fixture
def page(ctx, qtbot):  # type: ignore[no-untyped-def]
    widget = ShiftsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1180, 680)
    widget.show()
    qtbot.waitExposed(widget)
    settle()
    return widget


def click_cell(qtbot, page: ShiftsPage, starts_at: datetime) -> None:  # type: ignore[no-untyped-def]
    for row, line in enumerate(page.week.rows()):
        for column, cell in enumerate(line.cells, start=1):
            if cell is not None and cell.starts_at == starts_at:
                rect = page.week_view.visualRect(page.week.index(row, column))
                qtbot.mouseClick(page.week_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
                return
    raise AssertionError(f"no cell for {starts_at}")


def click_row(qtbot, view, row: int) -> None:  # type: ignore[no-untyped-def]
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_models_pass_the_model_tester(page: ShiftsPage, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    page.select_shift(datetime(2021, 8, 10, 6))
    for model in (page.week, page.staff, page.on_shift):
        qtmodeltester.check(model)


def test_week_grid_shows_names_and_the_gap_in_red(page: ShiftsPage) -> None:
    assert page.week.rowCount() == 7 and page.week.columnCount() == 4
    assert page.week.headerData(1, Qt.Orientation.Horizontal) == "Ca sáng\n06:00–14:00"
    assert page.week.data(page.week.index(0, 0)) == "Thứ Hai\n09/08"
    wednesday_night = page.week.index(2, 3)
    assert page.week.data(wednesday_night) == "Chưa có người"
    assert page.week.data(wednesday_night, Qt.ItemDataRole.BackgroundRole).color() == WARNING_BACKGROUND
    tuesday_morning = page.week.index(1, 1)
    assert len(page.week.data(tuesday_morning).split("\n")) == 3
    assert page.week.data(tuesday_morning, Qt.ItemDataRole.BackgroundRole).color() != WARNING_BACKGROUND
    assert "1 ca chưa có người" in page.summary.text()
    assert "22:00 11/08 – 06:00 12/08" in page.summary.text()
    assert page.week_label.text() == "Tuần 09/08 – 15/08/2021"


def test_assign_fills_the_gap(page: ShiftsPage, qtbot) -> None:  # type: ignore[no-untyped-def]
    click_cell(qtbot, page, datetime(2021, 8, 11, 22))
    assert page.shift_label.text() == "Ca đêm: 22:00 11/08 – 06:00 12/08"
    assert page.on_shift.rowCount() == 0
    assert not page.assign_button.isEnabled()
    # Somebody free that night: the team off on Wednesday.
    names = [s.full_name for s in page.staff.rows()]
    click_row(qtbot, page.staff_view, names.index("Ngô Thu Hà"))
    assert page.assign_button.isEnabled()
    qtbot.mouseClick(page.assign_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert "Đã phân công Ngô Thu Hà vào Ca đêm" in page.message.text()
    assert not page.message.is_error
    assert page.week.data(page.week.index(2, 3)) == "Ngô Thu Hà"
    assert [s.full_name for s in page.on_shift.rows()] == ["Ngô Thu Hà"]
    assert page.summary.text() == "Đủ người trực 24/24 cả tuần."


def test_more_than_16_hours_in_24_is_a_warning(page: ShiftsPage, qtbot) -> None:  # type: ignore[no-untyped-def]
    click_cell(qtbot, page, datetime(2021, 8, 10, 6))
    on_tuesday_morning = page.on_shift.rows()[0].full_name
    click_cell(qtbot, page, datetime(2021, 8, 10, 14))
    names = [s.full_name for s in page.staff.rows()]
    click_row(qtbot, page.staff_view, names.index(on_tuesday_morning))
    qtbot.mouseClick(page.assign_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    # Back to back is allowed, but 16 hours is the most without a warning: 06–14 then 14–22 is exactly 16.
    assert "Đã phân công" in page.message.text()
    click_cell(qtbot, page, datetime(2021, 8, 10, 22))
    names = [s.full_name for s in page.staff.rows()]
    click_row(qtbot, page.staff_view, names.index(on_tuesday_morning))
    qtbot.mouseClick(page.assign_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert page.message.is_error and "quá 16 giờ" in page.message.text()


def test_overlap_refused(ctx, page: ShiftsPage, qtbot) -> None:  # type: ignore[no-untyped-def]
    shifts.plan_shifts(ctx.desk, "KT01", TODAY, 1, "2x12")
    page.refresh()
    settle()
    assert page.week.columnCount() == 6  # 06, 07, 14, 19, 22
    click_cell(qtbot, page, datetime(2021, 8, 10, 6))
    busy = page.on_shift.rows()[0].full_name
    click_cell(qtbot, page, datetime(2021, 8, 10, 7))
    names = [s.full_name for s in page.staff.rows()]
    click_row(qtbot, page.staff_view, names.index(busy))
    qtbot.mouseClick(page.assign_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert page.message.is_error and "hai ca cùng lúc" in page.message.text()
    assert page.on_shift.rowCount() == 0


def test_unassign(page: ShiftsPage, qtbot) -> None:  # type: ignore[no-untyped-def]
    click_cell(qtbot, page, datetime(2021, 8, 12, 6))
    before = page.on_shift.rowCount()
    first = page.on_shift.rows()[0].full_name
    click_row(qtbot, page.on_shift_view, 0)
    qtbot.mouseClick(page.unassign_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert page.on_shift.rowCount() == before - 1
    assert f"Đã bỏ phân công {first}" in page.message.text()


def test_week_navigation(page: ShiftsPage, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert page.week_label.text() == "Tuần 16/08 – 22/08/2021"
    assert page.week.data(page.week.index(0, 1))  # the plan runs to the 17th
    assert page.week.data(page.week.index(6, 1)) == "—"
    qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert page.summary.text() == "Chưa lập lịch ca trực cho tuần này."
    qtbot.mouseClick(page.this_week_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert page.week_label.text() == "Tuần 09/08 – 15/08/2021"
    qtbot.mouseClick(page.previous_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert page.week_label.text() == "Tuần 02/08 – 08/08/2021"


def test_plan_dialog(page: ShiftsPage, qtbot, on_dialog) -> None:  # type: ignore[no-untyped-def]
    page.show_week(date(2021, 8, 23))
    wait_for_writes(qtbot)
    assert page.week.columnCount() == 1

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, PlanDialog)
        dialog.days.setValue(3)
        dialog.pattern.setCurrentIndex(dialog.pattern.findData("2x12"))
        from PySide6.QtCore import QDate

        dialog.start.setDate(QDate(2021, 8, 23))
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    seen = on_dialog(fill)
    qtbot.mouseClick(page.plan_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert seen
    assert page.message.text() == "Đã lập 6 ca trực mới."
    assert page.week.columnCount() == 3
    assert page.week.headerData(2, Qt.Orientation.Horizontal) == "Ca đêm\n19:00–07:00"
    assert page.week.data(page.week.index(0, 1)) == "Chưa có người"


def test_add_staff_dialog_keeps_open_on_a_bad_phone(page: ShiftsPage, qtbot, on_dialog) -> None:  # type: ignore[no-untyped-def]
    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, StaffDialog)
        type_text(qtbot, dialog.name, "Lò Thị Xuân")
        dialog.position.setCurrentText("Điều dưỡng")
        type_text(qtbot, dialog.phone, "12345")
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        # The entry is checked by the service on the write worker: the refusal comes back a moment later.
        qtbot.waitUntil(lambda: "Số điện thoại" in dialog.error.text())
        assert dialog.isVisible()
        dialog.phone.clear()
        type_text(qtbot, dialog.phone, "0912 345 678")
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    count = page.staff.rowCount()
    seen = on_dialog(fill)
    qtbot.mouseClick(page.add_staff_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert seen
    assert page.staff.rowCount() == count + 1
    assert page.message.text() == "Đã thêm Lò Thị Xuân."
    added = page.staff.row_at(page.staff_view.currentIndex().row())
    assert added is not None and added.phone == "0912345678" and added.position == "Điều dưỡng"


@pytest.mark.parametrize("role", [Role.MEDICAL, Role.LOGISTICS, Role.VIEWER])
def test_buttons_hidden_without_the_permission(ctx, qtbot, role: Role) -> None:  # type: ignore[no-untyped-def]
    other = UiContext(as_role(ctx.desk, role))
    other.set_facility("KT01")
    page = ShiftsPage(other)
    qtbot.addWidget(page)
    page.show()
    wait_for_writes(qtbot)
    for button in (page.plan_button, page.assign_button, page.unassign_button, page.add_staff_button):
        assert not button.isVisible()
    assert page.week.rowCount() == 7 and page.staff.rowCount() == 14


def test_manager_sees_the_buttons(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    other = UiContext(as_role(ctx.desk, Role.MANAGER))
    other.set_facility("KT01")
    page = ShiftsPage(other)
    qtbot.addWidget(page)
    page.show()
    assert page.plan_button.isVisible() and page.add_staff_button.isVisible()


def test_no_facility(sqlite_only_desk, qtbot, recorder) -> None:  # type: ignore[no-untyped-def]
    page = ShiftsPage(UiContext(sqlite_only_desk))
    qtbot.addWidget(page)
    assert page.summary.text() == "Chưa chọn khu cách ly."
    assert not page.plan_button.isEnabled() and page.week.rowCount() == 7


def test_staff_tests_the_flag_and_the_week_file(ctx, page, qtbot, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The demo flags Hoàng Đức Thắng after an exposure: first in the list, highlighted, his shifts to cover. A
    positive rapid test of Nguyễn Văn Hùng flags him too; the week's roster is saved as a PDF."""
    qtbot.waitUntil(lambda: page.staff.rows()[0].full_name == "Hoàng Đức Thắng", timeout=10_000)
    first = page.staff.rows()[0]
    assert page._health_text(first).startswith("Phải cách ly · ")
    assert page.staff.data(page.staff.index(0, 0), Qt.ItemDataRole.BackgroundRole) == WARNING_BACKGROUND
    assert page.staff_every.value() == 3
    row = next(i for i, s in enumerate(page.staff.rows()) if s.full_name == "Nguyễn Văn Hùng")
    page.staff_view.selectRow(row)
    assert "lần tới" in page._health_text(page.staff.rows()[row])
    assert page.staff_flag_button.text() == "Phải cách ly"
    page.staff_test_menu.actions()[1].trigger()  # rapid: positive
    wait_for_writes(qtbot)
    settle()
    assert "Nguyễn Văn Hùng phải cách ly" in page.message.text()
    qtbot.waitUntil(
        lambda: page._flagged(next(s for s in page.staff.rows() if s.full_name == "Nguyễn Văn Hùng")),
        timeout=10_000,
    )
    monkeypatch.setattr(page, "_ask_save_path", lambda suggested: tmp_path / "lich.pdf")
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.task is None and (tmp_path / "lich.pdf").exists(), timeout=20_000)
    assert "lich.pdf" in page.message.text()
