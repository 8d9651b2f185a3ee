"""The main window: it builds, the navigation switches pages, the facility switcher, the status bar, and no
English text in the Vietnamese window."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QTableView, QTabWidget, QWidget

from quarantine_desk.services import facilities
from quarantine_desk.ui import settings as opts
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.main_window import Area, MainWindow
from tests.ui.writes import changed_elsewhere, settle

AREAS = [
    "Tổng quan",
    "Người cách ly",
    "Phòng & giường",
    "Xét nghiệm",
    "Suất ăn",
    "Vật tư",
    "Cứu trợ",
    "Ca trực",
    "Báo cáo",
    "Quản trị",
]

# Words that would betray an untranslated English string in the Vietnamese window.
ENGLISH = {
    "cancel",
    "ok",
    "file",
    "name",
    "save",
    "close",
    "open",
    "help",
    "yes",
    "no",
    "apply",
    "delete",
    "edit",
    "add",
    "remove",
    "room",
    "rooms",
    "facility",
    "user",
    "users",
    "password",
    "login",
    "settings",
    "language",
    "about",
    "exit",
    "quit",
    "search",
    "filter",
    "date",
    "from",
    "to",
    "status",
    "beds",
    "zone",
    "policy",
    "audit",
    "reset",
    "select",
    "all",
    "undo",
    "redo",
    "copy",
    "paste",
    "cut",
    "loading",
    "error",
    "warning",
    "tests",
    "meals",
    "supplies",
    "shifts",
    "reports",
    "dashboard",
    "admin",
}
# Brand and format tokens that are the same in every language.
ALLOWED = {"Quarantine Desk", "English", "SQLite", "PostgreSQL"}


@pytest.fixture
def window(qtbot, ctx: UiContext, settings: opts.Settings) -> MainWindow:  # type: ignore[no-untyped-def]
    facilities.add_facility(ctx.desk, "KTX-A", "Ký túc xá khu A", district="Dĩ An", province="Bình Dương")
    facilities.add_facility(ctx.desk, "TDT", "Trường Tôn Đức Thắng")
    facilities.add_rooms(ctx.desk, "KTX-A", "Tầng 1", "101-104", 4, "M")
    w = MainWindow(ctx, settings)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    settle()
    return w


def test_navigation_lists_the_areas_in_order(window: MainWindow) -> None:
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert titles == AREAS
    assert window.stack.currentWidget() is window.page("dashboard")


def test_navigation_switches_pages(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    for row, key in enumerate(a.key for a in window.areas):
        window.navigation.setCurrentRow(row)
        assert window.stack.currentWidget() is window.page(key)
        assert window.stack.currentWidget().objectName() == f"page_{key}"


@pytest.mark.parametrize(
    ("key", "page_class"),
    [
        ("meals", "MealsPage"),
        ("supplies", "SuppliesPage"),
        ("relief", "ReliefPage"),
        ("shifts", "ShiftsPage"),
        ("reports", "ReportsPage"),
    ],
)
def test_every_area_has_its_real_page(window: MainWindow, key: str, page_class: str) -> None:
    window.select_area(key)
    assert type(window.stack.currentWidget()).__name__ == page_class


def test_a_page_that_cannot_be_imported_fails_loudly(window: MainWindow) -> None:
    with pytest.raises(ModuleNotFoundError):
        window._make_page(Area("future", "Khu vực mới", "no_such_page", "NoSuchPage"))


def test_facility_switcher_sets_the_current_facility(
    qtbot, window: MainWindow, ctx: UiContext, settings: opts.Settings
) -> None:  # type: ignore[no-untyped-def]
    box = window.facility_box
    assert [box.itemData(i) for i in range(box.count())] == ["KTX-A", "TDT"]
    assert ctx.facility == "KTX-A"
    with qtbot.waitSignal(ctx.facility_changed) as signal:
        box.setCurrentIndex(1)
    assert signal.args == ["TDT"]
    assert ctx.facility == "TDT"
    assert "TDT" in window.facility_label.text()
    assert settings.get(opts.LAST_FACILITY) == "TDT"


def test_a_new_facility_appears_in_the_switcher(window: MainWindow, ctx: UiContext) -> None:
    facilities.add_facility(ctx.desk, "BV-DC", "Bệnh viện dã chiến số 3")
    changed_elsewhere(ctx)
    codes = [window.facility_box.itemData(i) for i in range(window.facility_box.count())]
    assert "BV-DC" in codes
    assert ctx.facility == "KTX-A"  # the choice is kept


def test_status_bar_names_database_user_and_role(window: MainWindow) -> None:
    assert "SQLite" in window.database_label.text()
    assert "Quản trị viên" in window.user_label.text()
    assert "KTX-A" in window.facility_label.text()


def test_choosing_a_language_is_stored_and_applies_after_restart(
    window: MainWindow, recorder, settings: opts.Settings
) -> None:  # type: ignore[no-untyped-def]
    window.language_actions["en"].trigger()
    assert settings.language == "en"
    assert recorder.infos == ["Ngôn ngữ mới sẽ được áp dụng khi khởi động lại chương trình."]


def test_window_geometry_is_kept(qtbot, window: MainWindow, settings: opts.Settings) -> None:  # type: ignore[no-untyped-def]
    window.close()
    assert settings.get(opts.WINDOW_GEOMETRY)


def _visible_texts(root: QWidget) -> list[str]:
    texts = [root.windowTitle()]
    for widget in root.findChildren(QWidget):
        if widget.objectName() == "databaseStatus":
            continue  # the database's file path is data, not interface text
        for attribute in ("text", "windowTitle", "toolTip", "placeholderText", "title"):
            getter = getattr(widget, attribute, None)
            if callable(getter) and not isinstance(widget, QComboBox):
                try:
                    value = getter()
                except TypeError:
                    continue
                if isinstance(value, str):
                    texts.append(value)
        if isinstance(widget, QComboBox):
            texts.extend(widget.itemText(i) for i in range(widget.count()))
        if isinstance(widget, QTabWidget):
            texts.extend(widget.tabText(i) for i in range(widget.count()))
    for action in root.findChildren(QAction):
        texts.extend([action.text(), action.toolTip()])
    for view in root.findChildren(QTableView):
        model = view.model()
        if model is not None:
            texts.extend(
                str(model.headerData(c, Qt.Orientation.Horizontal) or "")
                for c in range(model.columnCount(QModelIndex()))
            )
    return texts


def test_no_english_in_the_vietnamese_window(window: MainWindow) -> None:
    for row in range(window.navigation.count()):
        window.navigation.setCurrentRow(row)  # build every page
    leaks = []
    data = {window.ctx.desk.username or ""}  # the user name is data typed by people
    for text in _visible_texts(window):
        for token in ALLOWED | data:
            text = text.replace(token, "")
        text = re.sub(r"[A-Za-z]+://\S+|/\S+", "", text)  # database URLs and paths
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
        if words & ENGLISH:
            leaks.append(text)
    assert leaks == []
