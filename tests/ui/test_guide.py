"""A first start that teaches: the first steps of an empty database as buttons, and the user guide (F1) at the
section of the page in front, in Vietnamese and in English."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from quarantine_desk.domain.roles import Role
from quarantine_desk.resources import resource_path
from quarantine_desk.services import facilities, people
from quarantine_desk.services.people import NewPerson
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.guide import SECTIONS
from quarantine_desk.ui.main_window import MainWindow
from quarantine_desk.ui.pages.admin_dialogs import FacilityDialog
from tests.helpers import as_role
from tests.ui.writes import changed_elsewhere, settle


def _window(qtbot, ctx: UiContext, settings) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(ctx, settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    settle()  # the window reads the facilities and the first steps in the background
    return window


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_both_guides_have_every_section_the_window_opens(lang: str) -> None:
    html = resource_path("guide", f"guide_{lang}.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'id="([^"]+)"', html))
    assert set(SECTIONS.values()) <= ids
    for topic in ("tiep-nhan", "duong-tinh", "ra-khu", "bao-cao", "sao-luu"):
        assert f'href="#{topic}"' in html


def test_an_empty_database_shows_the_first_steps(qtbot, ctx: UiContext, settings, on_dialog) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, ctx, settings)
    steps = window.first_steps
    assert steps.isVisible()
    assert [b.text() for b in (steps.facility_button, steps.rooms_button, steps.people_button)] == [
        "1. Tạo khu cách ly",
        "2. Thêm phòng",
        "3. Đăng ký người cách ly",
    ]
    assert steps.facility_button.isDefault()
    seen = on_dialog(lambda dialog: None)
    qtbot.mouseClick(steps.facility_button, Qt.MouseButton.LeftButton)
    assert seen and isinstance(seen[0], FacilityDialog)

    facilities.add_facility(ctx.desk, "F01", "Ký túc xá")
    changed_elsewhere(ctx)
    assert steps.facility_button.text() == "✓ 1. Tạo khu cách ly" and steps.rooms_button.isDefault()
    facilities.add_rooms(ctx.desk, "F01", "Khu A", "101-102", 4)
    people.add_person(ctx.desk, NewPerson("Trần Văn Nam", "M", "1985"))
    changed_elsewhere(ctx)
    assert not steps.isVisible()


def test_a_district_official_sees_the_steps_but_may_not_take_them(
    qtbot, sqlite_only_desk, settings, recorder
) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, UiContext(as_role(sqlite_only_desk, Role.VIEWER)), settings)
    assert window.first_steps.isVisible()
    assert not window.first_steps.facility_button.isEnabled()
    assert window.first_steps.guide_button.isEnabled()


def test_f1_opens_the_guide_at_the_page_in_front(qtbot, ctx: UiContext, settings) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, ctx, settings)
    with qtbot.waitActive(window):
        window.activateWindow()
    window.select_area("checkin")
    search = window.page("checkin").search
    search.setFocus()
    qtbot.keyClick(search, Qt.Key.Key_F1)
    guide = window.guide
    assert guide is not None and guide.isVisible()
    assert guide.browser.source().fragment() == "tiep-nhan"
    assert "Tiếp nhận người cách ly" in guide.browser.toPlainText()
    guide.close()
    window.select_area("reports")
    qtbot.keyClick(window.navigation, Qt.Key.Key_F1)
    assert guide.browser.source().fragment() == "bao-cao"
    assert isinstance(guide, QDialog) and not guide.isModal()


def test_the_english_guide(qtbot, ctx: UiContext, settings, english) -> None:  # type: ignore[no-untyped-def]
    ctx.lang = "en"
    window = _window(qtbot, ctx, settings)
    window.show_guide("sao-luu")
    assert window.guide is not None
    text = window.guide.browser.toPlainText()
    assert "Backup" in text and "Sao lưu" not in text
