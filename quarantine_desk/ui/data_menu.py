"""The "Tệp" menu's data actions: back up, restore, and choose the database used from the next start.

Backup and restore run on the task worker with a progress bar and Cancel; both need an administrator, which the
services check (the menu only hides what the role cannot use).
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QWidget,
)

from quarantine_desk.services import backup
from quarantine_desk.services.context import Desk
from quarantine_desk.ui import settings as opts
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.forms import ready_buttons
from quarantine_desk.ui.forms_compiled.ui_database_choice_dialog import Ui_DatabaseChoiceDialog
from quarantine_desk.ui.interaction import error_text, interaction
from quarantine_desk.ui.operations import task
from quarantine_desk.ui.tasks import Task

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


def ask_restore_path(parent: QWidget) -> str:
    path, _ = QFileDialog.getOpenFileName(
        parent,
        QCoreApplication.translate("DataMenu", "Khôi phục dữ liệu"),
        "",
        QCoreApplication.translate("DataMenu", "Bản sao lưu (*.sqlite3)"),
    )
    return path


def start_backup(parent: QWidget, ctx: UiContext, path: str) -> Task:
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
        lambda progress, should_stop: backup.backup(desk, Path(path), progress, should_stop),
        done,
        lambda err: interaction().error(
            parent, error_text(err, ctx.lang), QCoreApplication.translate("DataMenu", "Sao lưu dữ liệu")
        ),
    )


def start_restore(parent: QWidget, ctx: UiContext, path: str) -> None:
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
        lambda progress, should_stop: backup.restore(desk, Path(path), progress, should_stop),
        done,
        lambda err: interaction().error(
            parent, error_text(err, ctx.lang), QCoreApplication.translate("DataMenu", "Khôi phục dữ liệu")
        ),
    )


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


__all__ = ["ask_backup_path", "ask_restore_path", "choose_database", "start_backup", "start_restore"]
