"""The pages' Designer forms (forms/*_page.ui, *_tab.ui) at work: Tab goes through each page's fields and buttons in
reading order, the order its form gives (widgets that are hidden or off are passed by, as Qt does), and every
field label of a page has its buddy."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QRadioButton, QWidget

from quarantine_desk.services import facilities, supplies
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.pages.admin import AuditTab, FacilitiesTab, PoliciesTab, UsersTab
from quarantine_desk.ui.pages.checkin import CheckinPage
from quarantine_desk.ui.pages.dashboard import DashboardPage
from quarantine_desk.ui.pages.meals import MealsPage
from quarantine_desk.ui.pages.medical import MedicalPage
from quarantine_desk.ui.pages.relief import ReliefPage
from quarantine_desk.ui.pages.reports import ReportsPage
from quarantine_desk.ui.pages.rooms import RoomBoardPage
from quarantine_desk.ui.pages.shifts import ShiftsPage
from quarantine_desk.ui.pages.supplies import SuppliesPage
from tests.ui.writes import wait_for_writes

ROOT = Path(__file__).resolve().parents[2]

PAGES: dict[str, Callable[[UiContext], QWidget]] = {
    "checkin_page": CheckinPage,
    "room_board_page": RoomBoardPage,
    "medical_page": MedicalPage,
    "meals_page": MealsPage,
    "supplies_page": SuppliesPage,
    "relief_page": ReliefPage,
    "shifts_page": ShiftsPage,
    "reports_page": ReportsPage,
    "dashboard_page": DashboardPage,
    "facilities_tab": FacilitiesTab,
    "policies_tab": PoliciesTab,
    "users_tab": UsersTab,
    "audit_tab": AuditTab,
}


def test_every_page_form_is_checked_here() -> None:
    forms = {p.stem for p in (ROOT / "forms").glob("*.ui") if not p.stem.endswith("_dialog")}
    assert forms == set(PAGES)


def _tabstops(form: str) -> list[str]:
    return [t.text or "" for t in ET.parse(ROOT / "forms" / f"{form}.ui").getroot().iter("tabstop")]


def _owner(widget: QWidget | None, names: set[str]) -> str:
    """The form's field a focused widget belongs to (a spin box's line edit, a tab widget's bar...)."""
    while widget is not None:
        if widget.objectName() in names:
            return widget.objectName()
        widget = widget.parentWidget()
    return "?"


@pytest.fixture
def facility(ctx: UiContext) -> UiContext:
    facilities.add_facility(ctx.desk, "KTX-A", "Ký túc xá khu A")
    facilities.add_rooms(ctx.desk, "KTX-A", "Tầng 1", "101-104", 4)
    supplies.add_item(ctx.desk, "KTX-A", "GAO", "Gạo", "kg")
    ctx.set_facility("KTX-A")
    return ctx


@pytest.mark.parametrize("form", sorted(PAGES))
def test_tab_goes_through_the_page_in_the_forms_order(qtbot, facility: UiContext, form: str) -> None:  # type: ignore[no-untyped-def]
    page = PAGES[form](facility)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitExposed(page)
    wait_for_writes(qtbot)  # the page's data (and the buttons it enables) are read in the background
    names = _tabstops(form)
    assert names, f"{form} has no tab order"
    widgets = {name: page.findChild(QWidget, name) for name in names}
    assert all(widgets.values()), [n for n, w in widgets.items() if w is None]
    # The overview's figures are made from the data, in code, and go after the alerts in reading order.
    cards: dict[str, QWidget] = {w.objectName(): w for w in getattr(page, "cards", {}).values()}
    if cards:
        at = names.index("alerts") + 1
        names[at:at] = list(cards)
        widgets = {name: widgets.get(name) or cards[name] for name in names}
    expected = [
        name
        for name, widget in widgets.items()
        if widget.isVisibleTo(page)
        and widget.isEnabled()
        and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        and not any(not p.isVisibleTo(page) for p in _parents(widget, page))
        # Tab enters a group of radio buttons at the chosen one; the arrows move within it.
        and not (isinstance(widget, QRadioButton) and widget.autoExclusive() and not widget.isChecked())
    ]
    first = widgets[expected[0]]
    first.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    visited = [_owner(QApplication.focusWidget(), set(names))]
    for _ in range(6 * len(names)):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        now = _owner(QApplication.focusWidget(), set(names))
        if now == visited[0] and len(visited) > 1:
            break
        if now != visited[-1]:  # a date takes one Tab per day, month and year
            visited.append(now)
    assert visited == expected


def _parents(widget: QWidget, top: QWidget) -> list[QWidget]:
    found = []
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        found.append(parent)
        parent = parent.parentWidget()
    return found


@pytest.mark.parametrize("form", sorted(PAGES))
def test_field_labels_name_their_fields(form: str) -> None:
    """A label that ends with ':' or stands beside a field in the form has a buddy, so Alt+letter and screen
    readers reach the field."""
    root = ET.parse(ROOT / "forms" / f"{form}.ui").getroot()
    for widget in root.iter("widget"):
        if widget.get("class") != "QLabel" or not (widget.get("name") or "").endswith("Label"):
            continue
        assert widget.find("property[@name='buddy']") is not None, widget.get("name")


def test_a_buddy_takes_the_focus_to_its_field(qtbot, facility: UiContext) -> None:  # type: ignore[no-untyped-def]
    page = CheckinPage(facility)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    label = page.findChild(QLabel, "householdLabel")
    assert label.buddy() is page.f_household


def test_the_person_editor_reads_row_by_row() -> None:
    """At the gate: the search, its results, then the new person's fields as they stand on the screen, left to
    right and row by row, and the button that saves them."""
    assert _tabstops("checkin_page")[:14] == [
        "search",
        "results",
        "register_new",
        "add_selected",
        "new_name",
        "new_sex",
        "new_born",
        "new_id_number",
        "new_phone",
        "new_household",
        "new_doses",
        "new_last_dose_on",
        "new_address",
        "add_person",
    ]
