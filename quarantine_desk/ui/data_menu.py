"""The "Tệp" menu's data actions: back up, restore, the automatic backups, and the database of the next start.

Backup and restore run on the task worker with a progress bar and Cancel; both need an administrator, which the
services check (the menu only hides what the role cannot use). A backup asks for a passphrase (empty: not
encrypted); an encrypted backup asks for it again to be restored. The automatic backups of a SQLite database are
taken when the window opens and every few hours (``ScheduledBackups``), listed and restorable from the menu; the
first one after the integrity check that the start leaves to the time after the window is shown.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QListWidgetItem,
    QWidget,
)
from shiboken6 import isValid

from quarantine_desk.domain.errors import DatabaseUnavailable, DeskError, InvalidInput
from quarantine_desk.messages import describe
from quarantine_desk.services import autobackup, backup, sealed
from quarantine_desk.services.context import Desk
from quarantine_desk.ui import settings as opts
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.forms import ready_buttons
from quarantine_desk.ui.forms_compiled.ui_automatic_backups_dialog import Ui_AutomaticBackupsDialog
from quarantine_desk.ui.forms_compiled.ui_backup_passphrase_dialog import Ui_BackupPassphraseDialog
from quarantine_desk.ui.forms_compiled.ui_database_choice_dialog import Ui_DatabaseChoiceDialog
from quarantine_desk.ui.interaction import error_text, interaction
from quarantine_desk.ui.operations import task, upkeep
from quarantine_desk.ui.tasks import Bridge, Task, bridge

log = logging.getLogger(__name__)


def ask_backup_path(parent: QWidget) -> str:
    suggested = f"sao-luu-{datetime.now():%Y%m%d-%H%M}.sqlite3"
    path, _ = QFileDialog.getSaveFileName(
        parent,
        QCoreApplication.translate("DataMenu", "Sao lưu dữ liệu"),
        suggested,
        QCoreApplication.translate("DataMenu", "Bản sao lưu (*.sqlite3)"),
    )
    return path


def ask_restore_path(parent: QWidget | None) -> str:
    path, _ = QFileDialog.getOpenFileName(
        parent,
        QCoreApplication.translate("DataMenu", "Khôi phục dữ liệu"),
        "",
        QCoreApplication.translate("DataMenu", "Bản sao lưu (*.sqlite3 *.qdb);;Mọi tệp (*)"),
    )
    return path


class BackupPassphraseDialog(QDialog):
    """The passphrase of a backup: typed twice to write one (left empty: not encrypted), once to open one."""

    def __init__(
        self, parent: QWidget | None, *, writing: bool, file_name: str = "", lang: str = "vi"
    ) -> None:
        super().__init__(parent)
        self.lang = lang
        self.ui = Ui_BackupPassphraseDialog()
        self.ui.setupUi(self)
        self.writing = writing
        if writing:
            self.ui.explanation.setText(
                self.tr(
                    "Bản sao lưu chứa thông tin của mọi người cách ly. Đặt mật khẩu (ít nhất %1 ký tự) để mã hóa "
                    "tệp, và ghi nhớ nó: không có mật khẩu thì không khôi phục được. Để trống: tệp không mã hóa, "
                    "không chứa khóa ký giấy xác nhận, chỉ nên giữ trên máy này."
                ).replace("%1", str(sealed.MIN_PASSPHRASE))
            )
        else:
            self.ui.explanation.setText(
                self.tr("Bản sao lưu %1 đã được mã hóa. Nhập mật khẩu sao lưu.").replace("%1", file_name)
            )
            self.ui.repeat.hide()
            self.ui.repeatLabel.hide()
        ready_buttons(self.ui.buttons)

    def passphrase(self) -> str | None:
        return self.ui.passphrase.text() or None

    def accept(self) -> None:
        text = self.ui.passphrase.text()
        if self.writing and text != self.ui.repeat.text():
            self.ui.error.show_error(self.tr("Hai lần nhập mật khẩu không giống nhau."))
            return
        if text or not self.writing:
            try:
                sealed.check_passphrase(text)
            except InvalidInput as exc:
                self.ui.error.show_error(describe(exc, self.lang))
                return
        super().accept()


def ask_backup_passphrase(parent: QWidget, lang: str = "vi") -> tuple[bool, str | None]:
    """(go on, passphrase or None for an unencrypted backup)."""
    dialog = BackupPassphraseDialog(parent, writing=True, lang=lang)
    if not dialog.exec():
        return False, None
    return True, dialog.passphrase()


def ask_restore_passphrase(parent: QWidget | None, path: str, lang: str = "vi") -> tuple[bool, str | None]:
    """For an encrypted backup, its passphrase; (True, None) for a file that is not encrypted."""
    if not sealed.is_sealed(Path(path)):
        return True, None
    dialog = BackupPassphraseDialog(parent, writing=False, file_name=Path(path).name, lang=lang)
    if not dialog.exec():
        return False, None
    return True, dialog.passphrase()


def start_backup(parent: QWidget, ctx: UiContext, path: str, passphrase: str | None = None) -> Task:
    desk = ctx.desk

    def done(summary: backup.BackupSummary) -> None:
        interaction().info(
            parent,
            QCoreApplication.translate("DataMenu", "Đã sao lưu %1 dòng dữ liệu vào %2.")
            .replace("%1", str(summary.total))
            .replace("%2", str(summary.path)),
            QCoreApplication.translate("DataMenu", "Sao lưu dữ liệu"),
        )

    return task(
        ctx,
        parent,
        QCoreApplication.translate("DataMenu", "Đang sao lưu dữ liệu…"),
        lambda progress, should_stop: backup.backup(
            desk, Path(path), progress, should_stop, passphrase=passphrase
        ),
        done,
        lambda err: interaction().error(
            parent, error_text(err, ctx.lang), QCoreApplication.translate("DataMenu", "Sao lưu dữ liệu")
        ),
    )


def start_restore(parent: QWidget, ctx: UiContext, path: str, passphrase: str | None = None) -> None:
    question = QCoreApplication.translate(
        "DataMenu",
        "Khôi phục sẽ THAY TOÀN BỘ dữ liệu hiện có bằng dữ liệu trong bản sao lưu %1. Dữ liệu hiện có "
        "được tự động sao lưu trước. Tiếp tục?",
    ).replace("%1", Path(path).name)
    if not interaction().confirm(
        parent, question, QCoreApplication.translate("DataMenu", "Khôi phục dữ liệu")
    ):
        return
    desk: Desk = ctx.desk

    def done(summary: backup.BackupSummary) -> None:
        interaction().info(
            parent,
            QCoreApplication.translate(
                "DataMenu", "Đã khôi phục %1 dòng dữ liệu. Hãy khởi động lại chương trình và đăng nhập lại."
            ).replace("%1", str(summary.total)),
            QCoreApplication.translate("DataMenu", "Khôi phục dữ liệu"),
        )

    task(
        ctx,
        parent,
        QCoreApplication.translate("DataMenu", "Đang khôi phục dữ liệu…"),
        lambda progress, should_stop: backup.restore(
            desk, Path(path), progress, should_stop, passphrase=passphrase
        ),
        done,
        lambda err: interaction().error(
            parent, error_text(err, ctx.lang), QCoreApplication.translate("DataMenu", "Khôi phục dữ liệu")
        ),
    )


class AutomaticBackupsDialog(QDialog):
    """The automatic backups of this database, newest first; OK restores the one chosen. On PostgreSQL it says
    how the server is backed up instead."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_AutomaticBackupsDialog()
        self.ui.setupUi(self)
        if desk.dialect == "sqlite":
            self.ui.explanation.setText(
                self.tr(
                    "Chương trình tự sao lưu cơ sở dữ liệu khi mở và mỗi %1 giờ khi đang mở (giữ 7 bản hằng ngày, "
                    "4 bản hằng tuần), trước khi khôi phục và trước khi nâng cấp. Các bản này nằm trong thư mục dữ "
                    "liệu của chương trình, chỉ người dùng này đọc được. Chọn một bản để khôi phục:"
                ).replace("%1", str(autobackup.EVERY_HOURS))
            )
        else:
            self.ui.explanation.setText(
                self.tr(
                    "Cơ sở dữ liệu dùng chung trên máy chủ PostgreSQL được sao lưu trên máy chủ: người quản trị "
                    "máy chủ chạy pg_dump hằng ngày (ví dụ: pg_dump -Fc -f sao-luu.dump TÊN-CSDL) và giữ các bản "
                    "ở nơi an toàn. Lệnh Sao lưu dữ liệu vẫn ghi được một tệp từ máy này. Dưới đây là các bản "
                    "chương trình lưu trước mỗi lần khôi phục:"
                )
            )
        names = {
            "daily": self.tr("hằng ngày"),
            "weekly": self.tr("hằng tuần"),
            "before-restore": self.tr("trước khi khôi phục"),
            "before-upgrade": self.tr("trước khi nâng cấp"),
            "manual": self.tr("khác"),
        }
        for made in autobackup.list_backups(desk):
            size = f"{max(made.size // 1024, 1):,}".replace(",", ".")
            item = QListWidgetItem(
                f"{made.made_at:%d/%m/%Y %H:%M}  ·  {names.get(made.kind, made.kind)}  ·  {size} KB"
                + ("  ·  " + self.tr("đã mã hóa") if made.encrypted else "")
            )
            item.setData(Qt.ItemDataRole.UserRole, str(made.path))
            item.setToolTip(str(made.path))
            self.ui.backups.addItem(item)
        ready_buttons(self.ui.buttons, self.tr("Khôi phục bản đã chọn"), self.tr("Đóng"))
        self.ok = self.ui.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.ui.backups.currentRowChanged.connect(lambda row: self.ok.setEnabled(row >= 0))
        self.ui.backups.itemDoubleClicked.connect(lambda _item: self.accept())
        if not self.ui.backups.count():
            self.ui.backups.addItem(self.tr("Chưa có bản sao lưu tự động nào."))
            self.ui.backups.setEnabled(False)

    def chosen(self) -> str:
        item = self.ui.backups.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole) or "") if item is not None else ""


class ScheduledBackups(QObject):
    """The upkeep of an open SQLite database while the window is open, on the upkeep thread (one job at a time,
    never on a reader that the pages wait for): first the integrity check that the start left to this time
    (``Desk.integrity_due``: it reads the whole file), then the automatic backup, and the backup again every
    ``autobackup.EVERY_HOURS`` hours. The first job starts ``FIRST_AFTER_MS`` after the window is shown, so the
    first paint and the first reads have the processor. A damaged file is reported by ``damaged`` (the error)
    and no copy is taken of it: a damaged copy never replaces a sound one. A backup that fails does not stop the
    work at the gate: ``failed`` says why, in words for the person at the desk (the window shows it), and the log
    keeps the details. On PostgreSQL it does nothing.

    The copy is taken through SQLite's online backup API on a connection of its own, as a read of one snapshot
    (WAL): the writes of this window and of other PCs go on meanwhile, neither waits for the other.
    """

    FIRST_AFTER_MS = 1000

    damaged = Signal(object)
    failed = Signal(str)

    def __init__(self, desk: Desk, parent: QObject | None = None, lang: str = "vi") -> None:
        super().__init__(parent)
        self.desk = desk
        self.lang = lang
        self.timer = QTimer(self)
        self.timer.setInterval(autobackup.EVERY_HOURS * 3600 * 1000)
        self.timer.timeout.connect(self.take)
        self.first = QTimer(self)
        self.first.setSingleShot(True)
        self.first.setInterval(self.FIRST_AFTER_MS)
        self.first.timeout.connect(self.take)
        if desk.dialect == "sqlite":
            self.timer.start()
            self.first.start()

    def take(self) -> None:
        upkeep(_upkeep, self.desk, bridge(), self._found_damage, self._failed, self.lang)

    def _found_damage(self, error: DatabaseUnavailable) -> None:
        if isValid(self):
            self.damaged.emit(error)

    def _failed(self, text: str) -> None:
        if isValid(self):
            self.failed.emit(text)


def _upkeep(
    desk: Desk,
    to_main: Bridge,
    found_damage: Callable[[DatabaseUnavailable], None],
    failed: Callable[[str], None],
    lang: str,
) -> None:
    """On the upkeep thread: the integrity check if it is owed, then the scheduled backup of a sound file."""
    if desk.integrity_due:
        try:
            desk.check_integrity()
        except DatabaseUnavailable as err:
            if err.reason == "damaged":
                to_main.arrived.emit(partial(found_damage, err))
            else:  # the file could not be read just now (busy, gone): checked again at the next backup
                log.warning("integrity check not done: %s", err.reason)
            return
        except Exception:
            log.exception("integrity check failed to run")
            return
    try:
        autobackup.take_scheduled(desk)
    except Exception as exc:  # a backup that fails must not stop the work at the gate
        log.exception("automatic backup failed")
        to_main.arrived.emit(partial(failed, backup_failure_text(exc, lang)))


def backup_failure_text(exc: BaseException, lang: str) -> str:
    """Why the automatic backup failed, and what to do, for the person at the desk."""
    if isinstance(exc, DeskError):
        why = describe(exc, lang)
    elif isinstance(exc, OSError):
        known = {
            errno.ENOSPC: QCoreApplication.translate("DataMenu", "ổ đĩa đã đầy"),
            errno.EACCES: QCoreApplication.translate("DataMenu", "không có quyền ghi vào thư mục sao lưu"),
            errno.EROFS: QCoreApplication.translate("DataMenu", "ổ đĩa chỉ cho đọc"),
        }
        why = QCoreApplication.translate("DataMenu", "không ghi được tệp sao lưu ({0}).").format(
            known.get(exc.errno or 0) or exc.strerror or type(exc).__name__
        )
    else:
        why = QCoreApplication.translate("DataMenu", "lỗi ngoài dự kiến; chi tiết trong nhật ký.")
    return QCoreApplication.translate(
        "DataMenu",
        "Sao lưu tự động không thành công: {0}\n\nDữ liệu vẫn được ghi bình thường, nhưng chưa có bản sao lưu "
        "mới. Hãy kiểm tra chỗ trống trên đĩa, hoặc sao lưu ngay bằng Tệp → Sao lưu dữ liệu…",
    ).format(why)


class DatabaseChoiceDialog(QDialog):
    """Which database this PC opens from the next start: a SQLite file here, or a shared PostgreSQL server."""

    def __init__(self, current: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_DatabaseChoiceDialog()
        self.ui.setupUi(self)
        self.ui.current.setText(self.tr("Đang dùng: %1").replace("%1", current))
        self.url = self.ui.databaseUrl
        self.ui.browse.clicked.connect(self._browse)
        ready_buttons(self.ui.buttons, self.tr("Lưu"))

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


def choose_database(parent: QWidget, ctx: UiContext, settings: opts.Settings) -> bool:
    """Ask for the database of the next start and remember it on this PC; True when one was saved."""
    dialog = DatabaseChoiceDialog(ctx.desk.display_url, parent)
    if not dialog.exec() or not dialog.url.text().strip():
        return False
    settings.set(opts.DATABASE_URL, dialog.url.text().strip())
    return True


__all__ = [
    "AutomaticBackupsDialog",
    "BackupPassphraseDialog",
    "ScheduledBackups",
    "ask_backup_passphrase",
    "ask_backup_path",
    "ask_restore_passphrase",
    "ask_restore_path",
    "choose_database",
    "start_backup",
    "start_restore",
]
