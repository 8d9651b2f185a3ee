"""What each role sees: every action it may not do is off (disabled with a tooltip naming who may, or hidden),
and stays off whatever the page does next; every action it may do is offered. The services refuse the same
actions whatever the window shows (tests/services)."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from quarantine_desk.domain.roles import Permission, Role, allows
from quarantine_desk.services import facilities, people, stays, supplies
from quarantine_desk.services.people import NewPerson
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.main_window import DEMO_PERMISSIONS, MainWindow
from quarantine_desk.ui.permissions import REFUSED, refusal_text
from tests.helpers import as_role
from tests.ui.writes import wait_for_writes

# (area, path from the page to the widget or action, what it needs); "window" is the main window itself.
ACTIONS: list[tuple[str, str, tuple[Permission, ...]]] = [
    ("checkin", "new_person_box", (Permission.REGISTER_PERSON, Permission.ADMIT)),
    ("checkin", "add_selected", (Permission.REGISTER_PERSON, Permission.ADMIT)),
    ("checkin", "arrivals_box", (Permission.ADMIT,)),
    ("checkin", "manual_box", (Permission.ADMIT,)),
    ("medical", "kind", (Permission.RECORD_MEDICAL,)),
    ("medical", "result", (Permission.RECORD_MEDICAL,)),
    ("medical", "record_button", (Permission.RECORD_MEDICAL,)),
    ("medical", "health_button", (Permission.RECORD_MEDICAL,)),
    ("medical", "release_button", (Permission.RELEASE,)),
    ("medical", "transfer_button", (Permission.RELEASE,)),
    ("medical", "override_button", (Permission.OVERRIDE_RELEASE,)),
    ("rooms", "disinfect_button", (Permission.DISINFECT,)),
    ("rooms", "service_button", (Permission.MANAGE_FACILITY,)),
    ("reports", "import_choose", (Permission.REGISTER_PERSON,)),
    ("reports", "import_button", (Permission.REGISTER_PERSON,)),
    ("supplies", "receive_button", (Permission.MANAGE_STOCK,)),
    ("supplies", "add_button", (Permission.MANAGE_STOCK,)),
    ("meals", "record_box", (Permission.MANAGE_STOCK,)),
    ("shifts", "plan_button", (Permission.MANAGE_SHIFTS,)),
    ("shifts", "assign_button", (Permission.MANAGE_SHIFTS,)),
    ("admin", "facilities_tab.add_facility_button", (Permission.MANAGE_FACILITY,)),
    ("admin", "facilities_tab.bulk_button", (Permission.MANAGE_FACILITY,)),
    ("admin", "policies_tab.add_button", (Permission.MANAGE_POLICY,)),
    ("window", "demo_action", DEMO_PERMISSIONS),
    ("window", "backup_action", (Permission.BACKUP,)),
]


def _find(window: MainWindow, area: str, path: str) -> QWidget | QAction:
    target: object = window if area == "window" else window.page(area)
    for name in path.split("."):
        target = getattr(target, name)
    assert isinstance(target, QWidget | QAction), path
    return target


def _offered(target: QWidget | QAction, window: MainWindow) -> bool:
    if isinstance(target, QAction):
        return target.isVisible()
    return target.isVisibleTo(window)


@pytest.fixture
def staffed(sqlite_only_desk):  # type: ignore[no-untyped-def]
    """A facility with rooms, a store item and one person admitted, so every page has something to act on."""
    desk = sqlite_only_desk
    facilities.add_facility(desk, "F01", "Ký túc xá Đại học")
    facilities.add_rooms(desk, "F01", "Khu A", "101-104", 4)
    supplies.add_item(desk, "F01", "KIT", "Bộ xét nghiệm nhanh", "bộ", 10)
    person = people.add_person(desk, NewPerson("Trần Văn Nam", "M", "1985", id_number="001085000111"))
    stays.admit(desk, person.id, "F01", "Nhóm A", at=datetime(2021, 7, 28, 9, 0))  # leaves tomorrow
    return desk


def _window(qtbot, desk, role: Role, settings) -> MainWindow:  # type: ignore[no-untyped-def]
    ctx = UiContext(as_role(desk, role), "vi")
    ctx.set_facility("F01")
    window = MainWindow(ctx, settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    for row in range(window.navigation.count()):
        window.navigation.setCurrentRow(row)
    wait_for_writes(qtbot)  # every page has read its data
    return window


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_offered_only_what_it_may_do(qtbot, staffed, settings, recorder, role: Role) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, staffed, role, settings)
    wrong = []
    for area, path, needs in ACTIONS:
        target = _find(window, area, path)
        may = all(allows(role, p) for p in needs)
        refused = target.property(REFUSED)
        if may and refused:
            wrong.append(f"{path}: refused to {role.value}")
        if not may and _offered(target, window):
            if target.isEnabled():
                wrong.append(f"{path}: enabled for {role.value}")
            elif target.toolTip() != refusal_text(*needs):
                wrong.append(f"{path}: no tooltip saying who may ({target.toolTip()!r})")
    assert wrong == []


def test_a_district_official_sees_the_work_off_with_the_reason(qtbot, staffed, settings, recorder) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, staffed, Role.VIEWER, settings)
    checkin = window.page("checkin")
    medical = window.page("medical")
    rooms = window.page("rooms")
    reports = window.page("reports")
    for target in (
        checkin.new_person_box,
        checkin.f_name,
        checkin.admit_button,
        medical.result,
        medical.record_button,
        medical.transfer_button,
        rooms.service_button,
        reports.import_choose,
        window.demo_action,
    ):
        assert not target.isEnabled(), target
    assert (
        medical.transfer_button.toolTip()
        == "Chỉ Quản trị viên, Trưởng ban quản lý, Nhân viên y tế được làm việc này."
    )
    # Picking a room or a leaving person turns the page's buttons on for others, never for this role.
    rooms.show_room("101")
    assert not rooms.service_button.isEnabled() and not rooms.disinfect_button.isEnabled()
    menu = rooms.room_menu("102")
    assert [a.isEnabled() for a in menu.actions()] == [False, False]
    assert medical.leaving.rowCount() == 1
    medical.leaving_view.selectRow(0)
    medical._update_release_buttons()
    assert not medical.transfer_button.isEnabled()
    # The search still finds people and says where they stay; Enter does not start an admission.
    window.select_area("checkin")
    qtbot.keyClicks(checkin.search, "001085000111")
    qtbot.keyClick(checkin.search, Qt.Key.Key_Return)
    wait_for_writes(qtbot)
    assert checkin.results.rowCount() == 1
    assert checkin.arrivals.rowCount() == 0


def test_medical_staff_may_record_and_release_but_not_override(qtbot, staffed, settings, recorder) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, staffed, Role.MEDICAL, settings)
    medical = window.page("medical")
    assert medical.result.isEnabled() and medical.health_button.isEnabled()
    assert medical.transfer_button.property(REFUSED) is None
    assert window.demo_action.toolTip() == "Chỉ Quản trị viên, Trưởng ban quản lý được làm việc này."
    assert not window.demo_action.isEnabled()
