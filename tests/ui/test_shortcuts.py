"""No key is bound twice where both bindings work: in every page of the main window and in every dialog, with
the translations the program installs (Vietnamese with Qt's own qt_vi, and English).

Qt drops both bindings of an ambiguous key without a word; the Vietnamese key names once made Ctrl+Return and
Ctrl+Enter one key, and "Nhận vào (Ctrl+Enter)" did nothing at the gate.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QWidget

import quarantine_desk.ui
from quarantine_desk.resources import resource_path
from quarantine_desk.services import facilities, people, supplies
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.main_window import MainWindow
from tests.ui.shortcuts import ambiguous, bindings

# How to open each dialog of the program; a new dialog without an entry here fails the test below.
DialogFactory = Callable[[UiContext], QDialog]


def _stock(ctx: UiContext) -> supplies.StockRow:
    return supplies.list_stock(ctx.desk, "F01")[0]


def _room(ctx: UiContext) -> facilities.RoomRow:
    return facilities.room_board(ctx.desk, "F01")[0]


def _person(ctx: UiContext) -> people.PersonRow:
    found = people.search_people(ctx.desk, "Nguyễn Văn Mẫu")
    return found[0] if found else people.add_person(ctx.desk, people.NewPerson("Nguyễn Văn Mẫu", "M", "1990"))


def _dialog_factories() -> dict[str, DialogFactory]:
    from quarantine_desk.ui import certificate_check, data_menu, dialogs, guide, person_dialog, widgets
    from quarantine_desk.ui.pages import admin_dialogs, relief, shifts
    from quarantine_desk.ui.pages import supplies as supplies_page

    return {
        "GuideWindow": lambda ctx: guide.GuideWindow(ctx.lang),
        "DatabaseDialog": lambda ctx: dialogs.DatabaseDialog("không mở được", "sqlite:///x.sqlite3"),
        "FirstAdminDialog": lambda ctx: dialogs.FirstAdminDialog(ctx.desk, ctx.lang),
        "LoginDialog": lambda ctx: dialogs.LoginDialog(ctx.desk, ctx.lang),
        "DatabaseChoiceDialog": lambda ctx: data_menu.DatabaseChoiceDialog(ctx.desk.url),
        "FacilityDialog": lambda ctx: admin_dialogs.FacilityDialog(ctx),
        "BulkRoomsDialog": lambda ctx: admin_dialogs.BulkRoomsDialog(ctx, "F01"),
        "RoomDialog": lambda ctx: admin_dialogs.RoomDialog(ctx, "F01", _room(ctx)),
        "PolicyDialog": lambda ctx: admin_dialogs.PolicyDialog(ctx),
        "UserDialog": lambda ctx: admin_dialogs.UserDialog(ctx),
        "PasswordDialog": lambda ctx: admin_dialogs.PasswordDialog(ctx, "admin"),
        "PlanDialog": lambda ctx: shifts.PlanDialog(ctx, date(2021, 8, 10)),
        "StaffDialog": lambda ctx: shifts.StaffDialog(ctx),
        "MovementDialog": lambda ctx: supplies_page.MovementDialog(ctx, _stock(ctx), True),
        "ItemDialog": lambda ctx: supplies_page.ItemDialog(ctx),
        "DistributionDialog": lambda ctx: supplies_page.DistributionDialog(ctx, _stock(ctx)),
        "PersonDialog": lambda ctx: person_dialog.PersonDialog(ctx.desk, _person(ctx), ctx.lang),
        "CertificateCheckDialog": lambda ctx: certificate_check.CertificateCheckDialog(ctx),
        "BackupPassphraseDialog": lambda ctx: data_menu.BackupPassphraseDialog(
            None, writing=True, lang=ctx.lang
        ),
        "AutomaticBackupsDialog": lambda ctx: data_menu.AutomaticBackupsDialog(ctx.desk),
        "ReliefRoundDialog": lambda ctx: relief.ReliefRoundDialog(ctx, ["Khu A"]),
        "ChoiceDialog": lambda ctx: widgets.ChoiceDialog(
            None,
            "Người lớn đi cùng trẻ",
            "Chọn người lớn:",
            ["Trần Thị Mai (1988)", "Nguyễn Văn Ông (1960)"],
        ),
    }


def _program_dialogs() -> set[str]:
    """Every QDialog subclass the window's modules define, except the bases the others are built on."""
    found: set[type] = set()
    for info in pkgutil.walk_packages(quarantine_desk.ui.__path__, "quarantine_desk.ui."):
        module = importlib.import_module(info.name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, QDialog) and value.__module__ == module.__name__:
                found.add(value)
    bases = {base for cls in found for base in cls.__mro__[1:]}
    return {cls.__name__ for cls in found - bases}


@pytest.fixture(params=["vi", "en"])
def lang_ctx(request: pytest.FixtureRequest, ctx: UiContext) -> UiContext:
    if request.param == "en":
        request.getfixturevalue("english")
    ctx.lang = request.param
    facilities.add_facility(ctx.desk, "F01", "Ký túc xá Đại học")
    facilities.add_rooms(ctx.desk, "F01", "Khu A", "101-104", 4)
    supplies.add_item(ctx.desk, "F01", "KIT", "Bộ xét nghiệm nhanh", "bộ", 10)
    ctx.set_facility("F01")
    return ctx


def test_qts_vietnamese_key_names_are_all_different() -> None:
    """Qt reads "Ctrl+Enter" through these names: two keys with one name become one key."""
    root = ET.parse(resource_path("translations", "qt_vi.ts")).getroot()
    names: dict[str, str] = {}
    for context in root.iter("context"):
        if context.findtext("name") != "QShortcut":
            continue
        for message in context.iter("message"):
            shown = message.findtext("translation") or ""
            assert shown not in names, (
                f"{message.findtext('source')} and {names.get(shown)} are both {shown!r}"
            )
            names[shown] = message.findtext("source") or ""


def test_ctrl_return_and_ctrl_enter_stay_two_keys_in_vietnamese(vietnamese) -> None:  # type: ignore[no-untyped-def]
    assert QCoreApplication.translate("QShortcut", "Return") != QCoreApplication.translate(
        "QShortcut", "Enter"
    )
    native = QKeySequence.SequenceFormat.NativeText
    assert QKeySequence("Ctrl+Return", native) != QKeySequence("Ctrl+Enter", native)


def test_every_dialog_has_a_factory_here() -> None:
    assert _program_dialogs() <= set(_dialog_factories())


def test_no_ambiguous_shortcut_on_any_page(qtbot, lang_ctx: UiContext, settings) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(lang_ctx, settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    clashes, keys = {}, {}
    for row, area in enumerate(window.areas):
        window.navigation.setCurrentRow(row)
        QApplication.processEvents()
        assert window.stack.currentWidget() is window.page(area.key)
        clashes[area.key] = ambiguous(window)
        keys[area.key] = {b.key for b in bindings(window)}
    assert clashes == {area.key: [] for area in window.areas}
    # The check sees the page's keys and the window's: the admission keys, the menus' Alt+letter.
    assert {"Ctrl+Return", "Ctrl+Enter", "Ctrl+F"} <= keys["checkin"]
    assert "Ctrl+Return" not in keys["rooms"]
    assert {"Alt+T", "Alt+N"} <= keys["rooms"] if lang_ctx.lang == "vi" else {"Alt+F"} <= keys["rooms"]


@pytest.mark.parametrize("name", sorted(_dialog_factories()))
def test_no_ambiguous_shortcut_in_any_dialog(qtbot, lang_ctx: UiContext, name: str) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog_factories()[name](lang_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert ambiguous(dialog) == []


def test_the_check_finds_a_clash(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Two Ctrl+Return on one page, as the Vietnamese key names once made them."""
    from PySide6.QtGui import QShortcut

    page = QWidget()
    qtbot.addWidget(page)
    for _ in range(2):
        shortcut = QShortcut(QKeySequence(Qt.KeyboardModifier.ControlModifier | Qt.Key.Key_Return), page)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    page.show()
    assert ambiguous(page) == ["Ctrl+Return: QShortcut on QWidget('') and QShortcut on QWidget('')"]
