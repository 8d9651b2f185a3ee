"""The supplies page: the store with low items highlighted, receipts and issues through dialogs, refusals kept in
the dialog, the fair distribution shown before it is recorded, no buttons for read-only roles."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from quarantine_desk.domain.roles import Role
from quarantine_desk.domain.stays import TestKind
from quarantine_desk.services import facilities, people, stays, supplies
from quarantine_desk.services.people import NewPerson
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.models import WARNING_BACKGROUND
from quarantine_desk.ui.pages.supplies import DistributionDialog, ItemDialog, MovementDialog, SuppliesPage
from tests.helpers import as_role
from tests.ui.keys import type_text
from tests.ui.writes import settle, wait_for_writes

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def ctx(sqlite_only_desk):  # type: ignore[no-untyped-def]
    desk = sqlite_only_desk
    facilities.add_facility(desk, "F01", "Ký túc xá Đại học")
    facilities.add_rooms(desk, "F01", "Khu A", "101-102", 4)
    supplies.add_item(desk, "F01", "GAO", "Gạo", "kg", 200)
    supplies.add_item(desk, "F01", "TEST-NHANH", "Test nhanh kháng nguyên", "hộp", 100)
    supplies.receive(desk, "F01", "GAO", 500, "Sở Y tế cấp")
    supplies.receive(desk, "F01", "TEST-NHANH", 40)
    for name, number, room in (
        ("Trần Văn Nam", "001085000111", "101"),
        ("Vũ Văn Hải", "001085000222", "101"),
        ("Lê Thị Hoa", "001185000333", "102"),
    ):
        person = people.add_person(
            desk, NewPerson(name, "F" if "Thị" in name else "M", "1980", id_number=number)
        )
        stays.admit(desk, person.id, "F01", f"Nhóm {room}", room=room)
    context = UiContext(desk)
    context.set_facility("F01")
    return context


@pytest.fixture
def page(ctx, qtbot):  # type: ignore[no-untyped-def]
    widget = SuppliesPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    settle()
    return widget


def row_of(page, code: str) -> int:  # type: ignore[no-untyped-def]
    return next(i for i, r in enumerate(page.stock.rows()) if r.code == code)


def test_models_and_the_low_item(page, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(page.stock)
    qtmodeltester.check(page.moves)
    assert [r.code for r in page.stock.rows()] == ["GAO", "TEST-NHANH"]
    low = row_of(page, "TEST-NHANH")
    assert page.stock.data(page.stock.index(low, 6)) == "Dưới mức tối thiểu"
    assert (
        page.stock.data(page.stock.index(low, 0), Qt.ItemDataRole.BackgroundRole).color()
        == WARNING_BACKGROUND
    )
    assert page.stock.data(page.stock.index(row_of(page, "GAO"), 0), Qt.ItemDataRole.BackgroundRole) is None
    assert page.low_count.text() == "1 vật tư dưới mức tối thiểu."
    # The first item is chosen and its movements are listed.
    assert page.moves.rowCount() == 1
    assert page.moves.data(page.moves.index(0, 4)) == "Sở Y tế cấp"


def test_receive_through_the_dialog(page, qtbot, on_dialog) -> None:  # type: ignore[no-untyped-def]
    page.stock_view.selectRow(row_of(page, "TEST-NHANH"))

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, MovementDialog) and dialog.windowTitle() == "Nhập kho"
        dialog.quantity.setValue(80)
        type_text(qtbot, dialog.reason, "Sở Y tế cấp đợt 2")
        qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)

    seen = on_dialog(fill)
    qtbot.mouseClick(page.receive_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)  # the list reloads in the background
    assert seen
    assert page.message.text() == "Đã nhập 80 hộp Test nhanh kháng nguyên; còn 120."
    row = page.stock.rows()[row_of(page, "TEST-NHANH")]
    assert row.quantity == 120 and not row.low
    assert page.current_item().code == "TEST-NHANH"
    assert page.moves.data(page.moves.index(0, 4)) == "Sở Y tế cấp đợt 2"


def test_an_issue_above_the_stock_stays_in_the_dialog(page, qtbot, on_dialog) -> None:  # type: ignore[no-untyped-def]
    page.stock_view.selectRow(row_of(page, "TEST-NHANH"))
    errors: list[str] = []

    def fill(dialog: QDialog) -> None:
        dialog.quantity.setValue(41)
        qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
        # The service refuses on the write worker; its answer comes back a moment later.
        qtbot.waitUntil(lambda: bool(dialog.error.text()))
        assert dialog.isVisible()
        errors.append(dialog.error.text())
        dialog.quantity.setValue(15)
        qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)

    on_dialog(fill)
    qtbot.mouseClick(page.issue_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)  # the list reloads in the background
    assert errors == ["Số lượng (“41”) lớn hơn số còn trong kho (40 hộp)."]
    assert page.stock.rows()[row_of(page, "TEST-NHANH")].quantity == 25


def test_add_an_item(page, qtbot, on_dialog) -> None:  # type: ignore[no-untyped-def]
    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, ItemDialog)
        qtbot.keyClicks(dialog.code, "khau-trang")
        type_text(qtbot, dialog.name, "Khẩu trang y tế")
        type_text(qtbot, dialog.unit, "hộp")
        dialog.min_stock.setValue(40)
        qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)

    on_dialog(fill)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)  # the list reloads in the background
    assert page.current_item().code == "KHAU-TRANG"
    assert page.current_item().low  # nothing received yet
    assert page.message.text() == "Đã thêm vật tư Khẩu trang y tế."


def test_fair_distribution_is_shown_before_it_is_recorded(page, qtbot, on_dialog, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    page.stock_view.selectRow(row_of(page, "GAO"))
    shown: list[str] = []

    def check(dialog: QDialog) -> None:
        assert isinstance(dialog, DistributionDialog)
        qtmodeltester.check(dialog.rooms)
        dialog.quantity.setValue(2)
        wait_for_writes(qtbot)  # the plan is worked out off the GUI thread
        assert not dialog.ok.isEnabled()
        assert "ít hơn số người đang cách ly (3 người)" in dialog.error.text()
        dialog.quantity.setValue(32)
        wait_for_writes(qtbot)
        assert dialog.ok.isEnabled()
        assert [(r.room, r.people, r.share) for r in dialog.rooms.rows()] == [("101", 2, 20), ("102", 1, 10)]
        shown.append(dialog.summary.text())
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    on_dialog(check)
    qtbot.mouseClick(page.distribute_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert shown == ["3 người ở 2 phòng: mỗi người 10 kg. Phát 30 kg; còn lại 2 kg trong kho."]
    assert page.message.text() == "Đã phân phối 30 kg cho 3 người (mỗi người 10); còn lại 2 trong kho."
    assert page.stock.rows()[row_of(page, "GAO")].quantity == 470


def test_cancelled_distribution_records_nothing(page, qtbot, on_dialog) -> None:  # type: ignore[no-untyped-def]
    page.stock_view.selectRow(row_of(page, "GAO"))
    on_dialog(lambda dialog: dialog.reject())
    qtbot.mouseClick(page.distribute_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)  # the list reloads in the background
    assert page.stock.rows()[row_of(page, "GAO")].quantity == 500


@pytest.mark.parametrize(
    ("role", "visible"), [(Role.VIEWER, False), (Role.MEDICAL, False), (Role.LOGISTICS, True)]
)
def test_buttons_only_for_stock_keepers(ctx, qtbot, role: Role, visible: bool) -> None:  # type: ignore[no-untyped-def]
    reader = UiContext(as_role(ctx.desk, role))
    reader.set_facility("F01")
    widget = SuppliesPage(reader)
    qtbot.addWidget(widget)
    widget.show()
    wait_for_writes(qtbot)
    assert widget.stock.rowCount() == 2
    assert widget.receive_button.isVisible() is visible
    assert widget.distribute_button.isVisible() is visible
    assert QApplication.activeModalWidget() is None


def test_forecast_panel_kit_menu_and_the_request_sheet(ctx, page, qtbot, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The three people were admitted today: their day-1 test is due today (rapid). Nothing is a kit yet; the
    kit menu makes TEST-NHANH the rapid kit (40 in store): 37 left after today, no shortfall."""
    assert "Chưa có vật tư nào làm kit" in page.forecast_summary.text()
    assert [d.due[TestKind.RAPID] for d in page.forecast.rows()][:2] == [3, 0]
    page.stock_view.selectRow(row_of(page, "TEST-NHANH"))
    rapid = page.kit_menu.actions()[0]
    rapid.trigger()
    wait_for_writes(qtbot)
    settle()
    qtbot.waitUntil(lambda: page.forecast.rows()[0].left[TestKind.RAPID] == 37, timeout=10_000)
    assert page.forecast.data(page.forecast.index(0, 2)) == "37"
    assert page.forecast_summary.text().startswith("Đủ kit cho 7 ngày tới.")
    assert page.kit_button.text() == "Kit xét nghiệm"
    monkeypatch.setattr(page, "_ask_save_path", lambda suggested: tmp_path / "de-nghi.xlsx")
    qtbot.mouseClick(page.request_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.task is None and (tmp_path / "de-nghi.xlsx").exists(), timeout=20_000)
    assert "de-nghi.xlsx" in page.message.text()
    monkeypatch.setattr(page, "_ask_save_path", lambda suggested: tmp_path / "kho.pdf")
    qtbot.mouseClick(page.report_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.task is None and (tmp_path / "kho.pdf").exists(), timeout=20_000)
