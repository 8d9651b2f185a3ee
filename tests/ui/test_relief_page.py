"""The relief page and the support list on the reports page: handouts by the person, a second one refused with
the service's sentence, the pending filter, the files saved off the GUI thread."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from quarantine_desk.services import facilities, people, relief, stays, supplies
from quarantine_desk.services.people import NewPerson
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.pages.relief import ReliefPage
from quarantine_desk.ui.pages.reports import ReportsPage
from tests.ui.writes import settle, wait_for_writes

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def ctx(sqlite_only_desk, clock):  # type: ignore[no-untyped-def]
    desk = sqlite_only_desk
    facilities.add_facility(desk, "F01", "Ký túc xá Đại học", district="Đắk Hà", province="Kon Tum")
    facilities.add_rooms(desk, "F01", "Khu A", "101-102", 4)
    for name, number in (("Trần Văn Nam", "001085000111"), ("Vũ Văn Hải", "001085000222")):
        person = people.add_person(desk, NewPerson(name, "M", "1980", id_number=number))
        stays.admit(desk, person.id, "F01", "Nhóm 1", room="101", at=clock.now - timedelta(days=1))
    relief.add_round(desk, "F01", "Đợt 2", clock.now.date(), "1 thùng mì", at=clock.now)
    context = UiContext(desk)
    context.set_facility("F01")
    return context


@pytest.fixture
def page(ctx, qtbot):  # type: ignore[no-untyped-def]
    widget = ReliefPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    settle()
    return widget


def test_give_once_and_the_second_is_refused(page, qtbot, qtmodeltester, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(page.model)
    assert page.model.rowCount() == 2
    assert "Được nhận: 2 người; đã phát 0, chưa phát 2." in page.summary.text()
    nam = next(r for r in range(2) if page.model.row_at(r).name == "Trần Văn Nam")
    page.view.selectRow(nam)
    qtbot.mouseClick(page.give_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert page.message.text() == "Đã phát cho Trần Văn Nam: 1 thùng mì."
    assert "đã phát 1, chưa phát 1" in page.summary.text()
    page.view.selectRow(nam)
    qtbot.mouseClick(page.give_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert "Trần Văn Nam đã nhận “Đợt 2”" in page.message.text()
    page.pending_only.setChecked(True)
    assert [page.model.row_at(r).name for r in range(page.model.rowCount())] == ["Vũ Văn Hải"]
    target = tmp_path / "dot2.pdf"
    page._ask_save_path = lambda suggested: target  # type: ignore[method-assign]
    qtbot.mouseClick(page.report_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message.text().startswith("Đã lưu báo cáo đợt"), timeout=20_000)
    assert target.read_bytes().startswith(b"%PDF")


def test_support_list_from_the_reports_page(ctx, qtbot, clock, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    stays.transfer(ctx.desk, "001085000111", "Bệnh viện tỉnh", at=clock.now)
    reports = ReportsPage(ctx)
    qtbot.addWidget(reports)
    reports.show()
    target = tmp_path / "nq68.xlsx"
    reports._ask_save_path = lambda suggested, file_filter: target  # type: ignore[method-assign]
    qtbot.mouseClick(reports.support_xlsx, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not reports.busy, timeout=20_000)
    # admitted yesterday at 09:00, transferred today: one day at 80.000
    assert reports.support_message.text() == f"Đã lưu danh sách hỗ trợ: 1 người, 80.000 đồng: {target}"
    assert target.exists()


def test_a_round_from_the_store_says_what_is_left(ctx, qtbot, clock) -> None:  # type: ignore[no-untyped-def]
    supplies.add_item(ctx.desk, "F01", "GAO", "Gạo", "kg")
    supplies.receive(ctx.desk, "F01", "GAO", 20, "Nhà tài trợ", at=clock.now)
    relief.add_round(
        ctx.desk, "F01", "Đợt 3", clock.now.date(), "5 kg gạo", at=clock.now, item="GAO", item_quantity=5
    )
    widget = ReliefPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    settle()
    assert widget.round_box.currentText().startswith("Đợt 3")
    assert widget.summary.text().endswith("Mỗi suất xuất kho 5 kg GAO; kho còn 20 kg.")
