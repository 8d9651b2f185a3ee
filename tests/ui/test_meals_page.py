"""The meals page: portions per meal for the chosen day, staff typed in or from the shifts, portions served."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from quarantine_desk.domain.roles import Role
from quarantine_desk.services import facilities, meals, people, stays
from quarantine_desk.services.people import NewPerson
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.models import ATTENTION_BACKGROUND
from quarantine_desk.ui.pages.meals import MealsPage
from tests.helpers import as_role
from tests.ui.writes import settle, wait_for_writes

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def ctx(sqlite_only_desk, clock, monkeypatch):  # type: ignore[no-untyped-def]
    desk = sqlite_only_desk
    monkeypatch.setattr(meals, "_staff_counter", lambda: None)  # no shifts: the staff are typed in
    facilities.add_facility(desk, "F01", "Ký túc xá Đại học")
    facilities.add_rooms(desk, "F01", "Khu A", "101-102", 4)
    for name, number in (("Trần Văn Nam", "001085000111"), ("Vũ Văn Hải", "001085000222")):
        person = people.add_person(desk, NewPerson(name, "M", "1980", id_number=number))
        stays.admit(desk, person.id, "F01", "Nhóm 1", room="101", at=clock.now - timedelta(days=1))
    context = UiContext(desk)
    context.set_facility("F01")
    return context


@pytest.fixture
def page(ctx, qtbot):  # type: ignore[no-untyped-def]
    widget = MealsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    settle()
    return widget


def cell(page, row: int, column: int) -> str:  # type: ignore[no-untyped-def]
    return str(page.model.data(page.model.index(row, column)))


def test_counts_for_today(page, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(page.model)
    assert [cell(page, r, 0) for r in range(3)] == ["Bữa sáng", "Bữa trưa", "Bữa tối"]
    # lunch at 11:00 is still to come at 09:00: counted from the plans
    assert [cell(page, 1, c) for c in range(13)] == [
        "Bữa trưa", "11:00 (dự kiến)", "2", "0", "0", "0", "0", "2", "0", "2", "60.000", "chưa ghi", "chưa ghi",
    ]  # fmt: skip
    assert [cell(page, 0, c) for c in (0, 1)] == ["Bữa sáng", "06:30"]
    qtmodeltester.check(page.zones)
    assert [str(page.zones.data(page.zones.index(0, c))) for c in range(4)] == ["Khu A", "2", "2", "2"]
    assert "Không có ai trong lịch ca trực" in page.summary.text()
    assert page.staff.text() == "theo ca trực"


def test_staff_typed_in(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    page.staff.setFocus()
    qtbot.keyClick(page.staff, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(page.staff, "12")
    settle()
    assert page.staff.value() == 12
    assert cell(page, 0, 9) == "14"
    # 14 portions at each meal: 14 × 20.000 + 14 × 30.000 + 14 × 30.000
    assert page.summary.text().startswith(
        "Ngày 10/08/2021: cả ngày cần 42 suất: 6 cho người cách ly, 36 cho lực lượng phục vụ; "
        "chi phí 1.120.000 đồng."
    )


def test_other_days(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(page.findChild(type(page.record_button), "previous_day"), Qt.MouseButton.LeftButton)
    settle()
    qtbot.mouseClick(page.findChild(type(page.record_button), "previous_day"), Qt.MouseButton.LeftButton)
    settle()
    assert page.chosen_day().isoformat() == "2021-08-08"
    assert cell(page, 0, 7) == "0"  # before the admissions
    qtbot.mouseClick(page.findChild(type(page.record_button), "today"), Qt.MouseButton.LeftButton)
    settle()
    assert cell(page, 0, 7) == "2"
    qtbot.mouseClick(page.findChild(type(page.record_button), "next_day"), Qt.MouseButton.LeftButton)
    settle()
    assert not page.record_button.isEnabled()  # no portions served in the future


def test_record_served_portions(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    page.view.selectRow(1)
    assert page.meal.currentData() == "lunch"
    assert page.portions.value() == 2  # the count is offered
    page.portions.setValue(1)
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert page.message.text() == "Đã ghi 1 suất bữa trưa cho người cách ly ngày 10/08/2021."
    assert cell(page, 1, 11) == "1"
    # One portion short of the people present: the row asks for attention.
    assert (
        page.model.data(page.model.index(1, 0), Qt.ItemDataRole.BackgroundRole).color()
        == ATTENTION_BACKGROUND
    )
    page.diners.setCurrentIndex(page.diners.findData("staff"))
    page.portions.setValue(9)
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert [(r.meal, r.diners, r.portions) for r in meals.served(ctx.desk, "F01")] == [
        ("lunch", "quarantined", 1),
        ("lunch", "staff", 9),
    ]
    assert cell(page, 1, 12) == "9"
    assert page.meal.currentData() == "lunch"


@pytest.mark.parametrize(("role", "visible"), [(Role.VIEWER, False), (Role.LOGISTICS, True)])
def test_recording_only_for_stock_keepers(ctx, qtbot, role: Role, visible: bool) -> None:  # type: ignore[no-untyped-def]
    reader = UiContext(as_role(ctx.desk, role))
    reader.set_facility("F01")
    widget = MealsPage(reader)
    qtbot.addWidget(widget)
    widget.show()
    settle()
    assert widget.model.rowCount() == 3
    assert widget.record_box.isVisible() is visible


def test_save_the_kitchen_sheet(page, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "bep.pdf"
    page._ask_save_path = lambda suggested: target  # type: ignore[method-assign]
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    qtbot.waitUntil(lambda: page.message.text().startswith("Đã lưu phiếu báo suất ăn"), timeout=20_000)
    assert target.read_bytes().startswith(b"%PDF")
