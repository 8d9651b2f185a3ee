"""The start-up dialogs: the first administrator, the login, and opening a database that fails."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from quarantine_desk.services import auth
from quarantine_desk.services.context import Desk, open_desk
from quarantine_desk.ui import app as app_module
from quarantine_desk.ui.dialogs import FirstAdminDialog, LoginDialog
from tests.helpers import ADMIN_PASSWORD
from tests.ui.keys import type_text
from tests.ui.writes import wait_for_writes


def _ok(box: QDialogButtonBox):  # type: ignore[no-untyped-def]
    return box.button(QDialogButtonBox.StandardButton.Ok)


def test_first_admin_dialog_creates_the_administrator(qtbot, tmp_path: Path) -> None:
    desk = open_desk(f"sqlite:///{tmp_path / 'new.sqlite3'}", create=True)
    try:
        assert not auth.has_users(desk)
        dialog = FirstAdminDialog(desk)
        qtbot.addWidget(dialog)
        dialog.show()
        type_text(qtbot, dialog.username, "quantri")
        type_text(qtbot, dialog.full_name, "Nguyễn Thị Hoa")
        type_text(qtbot, dialog.password, "mật khẩu an toàn")
        type_text(qtbot, dialog.repeat, "mật khẩu an toàn")
        qtbot.mouseClick(_ok(dialog.buttons), Qt.MouseButton.LeftButton)
        wait_for_writes(qtbot)
        assert dialog.result() == FirstAdminDialog.DialogCode.Accepted
        assert dialog.logged_in is not None and dialog.logged_in.username == "quantri"
        assert auth.has_users(desk)
        assert auth.login(desk, "quantri", "mật khẩu an toàn").user is not None
    finally:
        desk.close()


def test_first_admin_dialog_refuses_a_short_or_mistyped_password(qtbot, tmp_path: Path) -> None:
    desk = open_desk(f"sqlite:///{tmp_path / 'new.sqlite3'}", create=True)
    try:
        dialog = FirstAdminDialog(desk)
        qtbot.addWidget(dialog)
        dialog.show()
        type_text(qtbot, dialog.username, "quantri")
        type_text(qtbot, dialog.password, "ngắn")
        type_text(qtbot, dialog.repeat, "ngắn")
        qtbot.mouseClick(_ok(dialog.buttons), Qt.MouseButton.LeftButton)
        wait_for_writes(qtbot)
        assert "quá ngắn" in dialog.error.text()
        assert not dialog.error.isHidden()
        dialog.repeat.setText("khác hẳn")
        qtbot.mouseClick(_ok(dialog.buttons), Qt.MouseButton.LeftButton)
        wait_for_writes(qtbot)
        assert dialog.error.text() == "Hai lần nhập mật khẩu không khớp."
        assert not auth.has_users(desk)
        assert dialog.logged_in is None
    finally:
        desk.close()


def test_login_refuses_a_wrong_password_in_vietnamese(qtbot, sqlite_only_desk: Desk) -> None:
    anonymous = sqlite_only_desk.as_user(None)
    dialog = LoginDialog(anonymous)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.username, "admin")
    type_text(qtbot, dialog.password, "sai-mật-khẩu")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    wait_for_writes(qtbot)
    assert dialog.error.text() == "Sai tên đăng nhập hoặc mật khẩu."
    assert dialog.logged_in is None
    assert dialog.password.text() == ""

    type_text(qtbot, dialog.password, ADMIN_PASSWORD)
    qtbot.mouseClick(_ok(dialog.buttons), Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert dialog.logged_in is not None and dialog.logged_in.username == "admin"


def test_repeated_wrong_passwords_make_this_pc_wait(qtbot, sqlite_only_desk: Desk) -> None:
    dialog = LoginDialog(sqlite_only_desk.as_user(None))
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.username, "admin")
    for _ in range(auth.FREE_FAILURES + 1):
        type_text(qtbot, dialog.password, "sai")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        wait_for_writes(qtbot)
    assert dialog.error.text().startswith("Đăng nhập sai nhiều lần từ máy này. Thử lại sau 5 giây")


def test_a_database_that_cannot_be_opened_is_explained_then_the_user_may_quit(
    qtbot, tmp_path: Path, recorder, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "a-folder.sqlite3"
    folder.mkdir()
    chosen: list[str] = []

    class Refuse(app_module.DatabaseDialog):
        def exec(self) -> int:
            chosen.append(self.url.text())
            return int(self.DialogCode.Rejected)

    monkeypatch.setattr(app_module, "DatabaseDialog", Refuse)
    assert app_module.open_database(str(folder), "vi") is None
    assert len(recorder.errors) == 1
    assert recorder.errors[0].startswith("Không mở được cơ sở dữ liệu")
    assert "Traceback" not in recorder.errors[0]
    assert chosen and "a-folder" in chosen[0]


def test_the_user_may_pick_another_database(qtbot, tmp_path: Path, recorder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "a-folder.sqlite3"
    folder.mkdir()
    good = tmp_path / "good.sqlite3"

    class PickAnother(app_module.DatabaseDialog):
        def exec(self) -> int:
            self.url.setText(str(good))
            return int(self.DialogCode.Accepted)

    monkeypatch.setattr(app_module, "DatabaseDialog", PickAnother)
    desk = app_module.open_database(str(folder), "vi")
    assert desk is not None
    try:
        assert good.exists()
        assert len(recorder.errors) == 1
    finally:
        desk.close()
