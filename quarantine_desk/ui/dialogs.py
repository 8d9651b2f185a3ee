"""The start-up dialogs: choose a database when the usual one cannot be opened, create the first
administrator, log in.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from quarantine_desk.domain.errors import DeskError
from quarantine_desk.services import auth, setup
from quarantine_desk.services.context import Desk
from quarantine_desk.ui.forms import ErrorLine, dialog_buttons
from quarantine_desk.ui.interaction import error_text

log = logging.getLogger(__name__)

BRAND = "Quarantine Desk"


class DatabaseDialog(QDialog):
    """Shown after the database could not be opened: another URL or file, or quit."""

    def __init__(self, problem: str, url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Chọn cơ sở dữ liệu") + f" — {BRAND}")
        self.setMinimumWidth(560)
        message = QLabel(problem)
        message.setWordWrap(True)
        hint = QLabel(
            self.tr(
                "Nhập đường dẫn tệp SQLite hoặc địa chỉ máy chủ PostgreSQL "
                "(postgresql://tên@máy-chủ/cơ-sở-dữ-liệu), hoặc thoát."
            )
        )
        hint.setWordWrap(True)
        self.url = QLineEdit(url)
        self.url.setObjectName("databaseUrl")
        browse = QPushButton(self.tr("Chọn tệp…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.url, 1)
        row.addWidget(browse)
        buttons = dialog_buttons(self, self.tr("Mở"))
        buttons.button(buttons.StandardButton.Cancel).setText(self.tr("Thoát"))
        layout = QVBoxLayout(self)
        layout.addWidget(message)
        layout.addWidget(hint)
        layout.addLayout(row)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Tệp cơ sở dữ liệu"),
            "",
            self.tr("Cơ sở dữ liệu SQLite (*.sqlite3 *.db)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.url.setText(path)

    def chosen_url(self) -> str:
        return self.url.text().strip()


class FirstAdminDialog(QDialog):
    """First start on a new database: the first administrator's account."""

    def __init__(self, desk: Desk, lang: str = "vi", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._lang = lang
        self.logged_in: Desk | None = None
        self.setWindowTitle(self.tr("Tạo quản trị viên đầu tiên") + f" — {BRAND}")
        self.setMinimumWidth(460)
        intro = QLabel(
            self.tr(
                "Cơ sở dữ liệu mới chưa có người dùng. Hãy tạo tài khoản quản trị viên đầu tiên; "
                "mật khẩu có ít nhất {0} ký tự."
            ).format(auth.MIN_PASSWORD_LENGTH)
        )
        intro.setWordWrap(True)
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.full_name = QLineEdit()
        self.full_name.setObjectName("fullName")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setObjectName("repeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("Tên đăng nhập:"), self.username)
        form.addRow(self.tr("Họ và tên:"), self.full_name)
        form.addRow(self.tr("Mật khẩu:"), self.password)
        form.addRow(self.tr("Nhập lại mật khẩu:"), self.repeat)
        self.error = ErrorLine()
        self.buttons = dialog_buttons(self, self.tr("Tạo tài khoản"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        if self.password.text() != self.repeat.text():
            self.error.show_error(self.tr("Hai lần nhập mật khẩu không khớp."))
            self.repeat.setFocus()
            return
        try:
            # initialise() adds the default quarantine policies of 2021 to a new database (idempotent).
            policies_desk, _ = setup.initialise(self._desk.url)
            policies_desk.close()
            user = auth.create_first_admin(
                self._desk, self.username.text(), self.password.text(), self.full_name.text().strip() or None
            )
        except DeskError as err:
            self.error.show_error(error_text(err, self._lang))
            return
        log.info("first administrator created: %s", user.username)
        self.logged_in = self._desk.as_user(user)
        super().accept()


class LoginDialog(QDialog):
    """User name and password; the service counts wrong tries and locks the account after five."""

    def __init__(self, desk: Desk, lang: str = "vi", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._lang = lang
        self.logged_in: Desk | None = None
        self.setWindowTitle(self.tr("Đăng nhập") + f" — {BRAND}")
        self.setMinimumWidth(420)
        where = QLabel(self.tr("Cơ sở dữ liệu: {0}").format(desk.display_url))
        where.setWordWrap(True)
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("Tên đăng nhập:"), self.username)
        form.addRow(self.tr("Mật khẩu:"), self.password)
        self.error = ErrorLine()
        self.buttons = dialog_buttons(self, self.tr("Đăng nhập"))
        layout = QVBoxLayout(self)
        layout.addWidget(where)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        try:
            self.logged_in = auth.login(self._desk, self.username.text().strip(), self.password.text())
        except DeskError as err:
            self.error.show_error(error_text(err, self._lang))
            self.password.clear()
            self.password.setFocus()
            return
        super().accept()
