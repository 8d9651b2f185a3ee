"""The whole check-in at the gate by keyboard only, on the real main window with the Vietnamese translations
(Qt's own included): a household of three arrives, is found by scanning (or typing) their ID numbers, one is
registered on the spot, and all three are admitted into one room and get their commitment printed."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from quarantine_desk.services import facilities, people, stays
from quarantine_desk.services.people import NewPerson
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.main_window import MainWindow
from quarantine_desk.ui.pages import checkin
from tests.ui.keys import type_text
from tests.ui.writes import wait_for_writes


def _tab_to(qtbot, window: QWidget, target: QWidget, limit: int = 60) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until ``target`` has the focus, as a user would; fail if it is never reached."""
    for _ in range(limit):
        focus = QApplication.focusWidget()
        if focus is target or (focus is not None and target.isAncestorOf(focus)):
            return
        qtbot.keyClick(focus or window, Qt.Key.Key_Tab)
    pytest.fail(f"{target.objectName()} cannot be reached with Tab")


def test_a_household_of_three_is_admitted_by_keyboard(
    qtbot, ctx: UiContext, settings, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    desk = ctx.desk
    facilities.add_facility(desk, "F01", "Ký túc xá Đại học")
    facilities.add_rooms(desk, "F01", "Khu A", "101-104", 4)
    for name, sex, number in (("Phạm Văn Bình", "M", "001085000001"), ("Đỗ Thị Lan", "F", "001185000002")):
        people.add_person(desk, NewPerson(name, sex, "1985", id_number=number, household="HGD-07"))
    window = MainWindow(ctx, settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    page = window.page("checkin")
    assert isinstance(page, checkin.CheckinPage)

    # To the check-in page from the navigation list, by arrow key: the search field takes the focus.
    window.navigation.setFocus()
    qtbot.keyClick(window.navigation, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: page.search.hasFocus())

    # Two are on the pre-registered list: their cards are scanned, each followed by Enter.
    for number in ("001085000001", "001185000002"):
        qtbot.keyClicks(page.search, number)
        qtbot.keyClick(page.search, Qt.Key.Key_Return)
    wait_for_writes(
        qtbot
    )  # both cards are looked up off the GUI thread, the second without waiting for the first
    assert [p.full_name for p in page.arrivals.rows()] == ["Phạm Văn Bình", "Đỗ Thị Lan"]

    # The child is not: the scan finds nobody, Enter starts the registration with the number in place.
    qtbot.keyClicks(page.search, "001215000003")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    wait_for_writes(qtbot)
    assert page.f_id.text() == "001215000003" and page.f_name.hasFocus()
    type_text(qtbot, page.f_name, "Phạm Minh Khôi")
    _tab_to(qtbot, window, page.f_born)
    qtbot.keyClicks(page.f_born, "2015")
    _tab_to(qtbot, window, page.f_household)
    qtbot.keyClicks(page.f_household, "HGD-07")
    qtbot.keyClick(page.f_household, Qt.Key.Key_Return)
    wait_for_writes(qtbot)
    assert [p.full_name for p in page.arrivals.rows()] == ["Phạm Văn Bình", "Đỗ Thị Lan", "Phạm Minh Khôi"]
    assert page.arrivals.row_at(2).sex.value == "M"  # from the CCCD

    # The cohort, typed; Ctrl+Enter admits all three.
    assert page.search.hasFocus()
    _tab_to(qtbot, window, page.cohort)
    type_text(qtbot, QApplication.focusWidget(), "F1 chợ Bình Điền")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_for_writes(qtbot)
    assert page.summary.rowCount() == 3
    assert len({r.room for r in page.summary.rows()}) == 1
    assert len(stays.roster(desk, "F01")) == 3

    # The commitment, by keyboard: Tab to the button, Space presses it.
    out = tmp_path / "cam-ket.pdf"
    monkeypatch.setattr(checkin.QFileDialog, "getSaveFileName", lambda *args: (str(out), ""))
    _tab_to(qtbot, window, page.print_button)
    qtbot.keyClick(page.print_button, Qt.Key.Key_Space)
    wait_for_writes(qtbot)  # the form is printed on the worker
    assert out.exists() and out.stat().st_size > 0
