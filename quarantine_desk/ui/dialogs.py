"""The start-up dialogs: choose a database when the usual one cannot be opened, create the first
administrator, log in.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from quarantine_desk.services import auth, setup
from quarantine_desk.services.context import Desk, UserRow
from quarantine_desk.ui.forms import ready_buttons
from quarantine_desk.ui.forms_compiled.ui_database_dialog import Ui_DatabaseDialog
from quarantine_desk.ui.forms_compiled.ui_first_admin_dialog import Ui_FirstAdminDialog
from quarantine_desk.ui.forms_compiled.ui_login_dialog import Ui_LoginDialog
from quarantine_desk.ui.interaction import error_text
from quarantine_desk.ui.tasks import run_write, writing

log = logging.getLogger(__name__)

BRAND = "Quarantine Desk"


class DatabaseDialog(QDialog):
    """Shown after the database could not be opened: another URL or file, or quit."""

    def __init__(self, problem: str, url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_DatabaseDialog()
        self.ui.setupUi(self)
        self.setWindowTitle(f"{self.windowTitle()} — {BRAND}")
        self.ui.problem.setText(problem)
        self.url = self.ui.databaseUrl
        self.url.setText(url)
        self.ui.browse.clicked.connect(self._browse)
        ready_buttons(self.ui.buttons, self.tr("Mở"), self.tr("Thoát"))

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
        self.ui = Ui_FirstAdminDialog()
        self.ui.setupUi(self)
        self.setWindowTitle(f"{self.windowTitle()} — {BRAND}")
        self.ui.intro.setText(
            self.tr(
                "Cơ sở dữ liệu mới chưa có người dùng. Hãy tạo tài khoản quản trị viên đầu tiên; "
                "mật khẩu có ít nhất {0} ký tự."
            ).format(auth.MIN_PASSWORD_LENGTH)
        )
        self.username = self.ui.username
        self.full_name = self.ui.fullName
        self.password = self.ui.password
        self.repeat = self.ui.repeat
        self.error = self.ui.error
        self.buttons = ready_buttons(self.ui.buttons, self.tr("Tạo tài khoản"))

    def accept(self) -> None:
        if writing(self):
            return  # a second Enter while the account is being created
        if self.password.text() != self.repeat.text():
            self.error.show_error(self.tr("Hai lần nhập mật khẩu không khớp."))
            self.repeat.setFocus()
            return
        desk, username, password = self._desk, self.username.text(), self.password.text()
        full_name = self.full_name.text().strip() or None

        def create() -> UserRow:
            # initialise() adds the default quarantine policies of 2021 to a new database (idempotent).
            policies_desk, _ = setup.initialise(desk.url)
            policies_desk.close()
            return auth.create_first_admin(desk, username, password, full_name)

        run_write(self, create, self._created, self._refused, busy=[self.buttons])

    def _created(self, user: UserRow) -> None:
        log.info("first administrator created: %s", user.username)
        self.logged_in = self._desk.as_user(user)
        QDialog.accept(self)

    def _refused(self, err: BaseException) -> None:
        self.error.show_error(error_text(err, self._lang))

    def reject(self) -> None:
        if not writing(self):  # Esc while the account is being created would hide whether it was
            super().reject()


class LoginDialog(QDialog):
    """User name and password; the service counts wrong tries and locks the account after five."""

    def __init__(self, desk: Desk, lang: str = "vi", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._lang = lang
        self.logged_in: Desk | None = None
        self.ui = Ui_LoginDialog()
        self.ui.setupUi(self)
        self.setWindowTitle(f"{self.windowTitle()} — {BRAND}")
        self.ui.where.setText(self.tr("Cơ sở dữ liệu: {0}").format(desk.display_url))
        self.username = self.ui.username
        self.password = self.ui.password
        self.error = self.ui.error
        self.buttons = ready_buttons(self.ui.buttons, self.tr("Đăng nhập"))

    def accept(self) -> None:
        if writing(self):
            return  # a second Enter while the password is being checked
        desk, username, password = self._desk, self.username.text().strip(), self.password.text()
        run_write(
            self,
            lambda: auth.login(desk, username, password),
            self._logged_in,
            self._refused,
            busy=[self.buttons],
        )

    def _logged_in(self, desk: Desk) -> None:
        self.logged_in = desk
        QDialog.accept(self)

    def _refused(self, err: BaseException) -> None:
        self.error.show_error(error_text(err, self._lang))
        self.password.clear()
        self.password.setFocus()

    def reject(self) -> None:
        if not writing(self):  # Esc while the password is being checked would hide whether it was right
            super().reject()
