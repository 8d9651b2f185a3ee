"""Translations: the English file covers every string of the window, and both .qm files load and work."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QDialogButtonBox

from quarantine_desk.resources import resource_path
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.dialogs import LoginDialog
from quarantine_desk.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
ENGLISH_TS = resource_path("translations", "quarantine_desk_en.ts")


def _messages(path: Path) -> list[tuple[str, str, ET.Element]]:
    found = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            found.append((name, message.findtext("source") or "", message.find("translation")))
    return found


def test_every_english_entry_is_translated() -> None:
    untranslated = [
        (c, s)
        for c, s, t in _messages(ENGLISH_TS)
        if t is None or not (t.text or "").strip() or t.get("type") in ("unfinished", "obsolete", "vanished")
    ]
    assert untranslated == []


def test_the_english_file_covers_every_string_in_the_window(tmp_path: Path) -> None:
    lupdate = shutil.which("pyside6-lupdate", path=str(Path(sys.executable).parent))
    if lupdate is None:
        pytest.skip("pyside6-lupdate is not installed")
    fresh = tmp_path / "fresh_en.ts"
    # The window's code and its Designer forms (the compiled forms say the same as the .ui files).
    code = (ROOT / "quarantine_desk" / "ui").rglob("*.py")
    sources = sorted(str(p) for p in code if "forms_compiled" not in p.parts)
    sources += sorted(str(p) for p in (ROOT / "forms").glob("*.ui"))
    assert any(s.endswith("login_dialog.ui") for s in sources)
    subprocess.run(
        [lupdate, *sources, "-source-language", "vi", "-target-language", "en", "-silent", "-ts", str(fresh)],
        check=True,
        capture_output=True,
    )
    known = {(c, s) for c, s, _t in _messages(ENGLISH_TS)}
    missing = sorted({(c, s) for c, s, _t in _messages(fresh)} - known)
    assert missing == [], "run pyside6-lupdate and translate the new strings"


def test_vietnamese_for_qts_own_buttons_and_menus(vietnamese: list[QTranslator]) -> None:
    assert vietnamese, "the window tests run with Qt's Vietnamese strings installed"
    t = QCoreApplication.translate
    assert t("QPlatformTheme", "Cancel") == "Hủy"
    assert t("QPlatformTheme", "OK") == "Đồng ý"
    assert t("QPlatformTheme", "&Yes") == "&Có"
    assert t("QLineEdit", "Select All") == "Chọn tất cả"
    assert t("QWidgetTextControl", "&Paste") == "&Dán"


def test_the_english_window(qtbot, ctx: UiContext, settings, english: list[QTranslator]) -> None:  # type: ignore[no-untyped-def]
    ctx.lang = "en"
    window = MainWindow(ctx, settings)
    qtbot.addWidget(window)
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert titles == [
        "Overview",
        "People",
        "Rooms & beds",
        "Tests",
        "Meals",
        "Supplies",
        "Relief",
        "Shifts",
        "Reports",
        "Administration",
    ]
    assert "Administrator" in window.user_label.text()


def test_a_form_in_english(qtbot, sqlite_only_desk, english: list[QTranslator]) -> None:  # type: ignore[no-untyped-def]
    """The strings of a Designer form go through the same translation as the code's."""
    dialog = LoginDialog(sqlite_only_desk.as_user(None), "en")
    qtbot.addWidget(dialog)
    assert dialog.ui.usernameLabel.text() == "User name:"
    assert dialog.ui.passwordLabel.text() == "Password:"
    assert dialog.windowTitle() == "Log in — Quarantine Desk"
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "Cancel"
