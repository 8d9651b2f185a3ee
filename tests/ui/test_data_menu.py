"""Backup, restore and the choice of database from the window's Tệp menu."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QDialog, QLabel, QProgressBar

from quarantine_desk.domain.roles import Role
from quarantine_desk.services import autobackup, facilities, sealed
from quarantine_desk.ui import data_menu
from quarantine_desk.ui import settings as opts
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.main_window import MainWindow
from tests.helpers import as_role


def test_backup_and_restore_are_for_administrators(qtbot, ctx: UiContext, settings) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(ctx, settings)
    qtbot.addWidget(window)
    assert window.backup_action.isVisible() and window.restore_action.isVisible()
    manager = MainWindow(UiContext(as_role(ctx.desk, Role.MANAGER)), settings)
    qtbot.addWidget(manager)
    assert not manager.backup_action.isVisible() and not manager.restore_action.isVisible()
    assert manager.database_action.isVisible()


def test_backup_then_restore_through_the_window(qtbot, ctx: UiContext, settings, recorder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    facilities.add_facility(ctx.desk, "F01", "Khu cách ly Trường Quân sự")
    window = MainWindow(ctx, settings)
    qtbot.addWidget(window)
    target = tmp_path / "usb" / "sao-luu.sqlite3"
    target.parent.mkdir()
    data_menu.start_backup(window, ctx, str(target))
    qtbot.waitUntil(lambda: bool(recorder.infos), timeout=20_000)
    assert target.exists() and "sao-luu.sqlite3" in recorder.infos[-1]

    facilities.add_facility(ctx.desk, "F02", "Khu thêm sau")
    data_menu.start_restore(window, ctx, str(target))
    qtbot.waitUntil(lambda: len(recorder.infos) == 2, timeout=20_000)
    assert "THAY TOÀN BỘ" in recorder.questions[-1]
    assert [f.code for f in facilities.list_facilities(ctx.desk)] == ["F01"]


def test_backup_progress_climbs_step_by_step(
    qtbot, ctx: UiContext, settings, recorder, tmp_path, caplog
) -> None:  # type: ignore[no-untyped-def]
    """The services count (done, total); the bar shows the share done, not 100 % from the first step."""
    for number in range(1, 6):
        facilities.add_facility(ctx.desk, f"F0{number}", f"Khu cách ly số {number}")
    window = MainWindow(ctx, settings)
    qtbot.addWidget(window)
    task = data_menu.start_backup(window, ctx, str(tmp_path / "sao-luu.sqlite3"))
    assert task.dialog is not None
    bar = task.dialog.findChild(QProgressBar)
    values: list[int] = []
    bar.valueChanged.connect(values.append)
    qtbot.waitUntil(lambda: bool(recorder.infos), timeout=20_000)
    assert not recorder.errors
    assert values == sorted(values) and values[-1] == 100
    assert any(0 < value < 100 for value in values), values
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_restore_refused_when_the_user_says_no(qtbot, ctx: UiContext, settings, recorder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    facilities.add_facility(ctx.desk, "F01", "Khu cách ly")
    recorder.answer = False
    window = MainWindow(ctx, settings)
    qtbot.addWidget(window)
    data_menu.start_restore(window, ctx, str(tmp_path / "whatever.sqlite3"))
    assert recorder.questions and not recorder.infos and not recorder.errors
    assert [f.code for f in facilities.list_facilities(ctx.desk)] == ["F01"]


def test_database_choice_warns_about_network_shares_and_is_remembered(
    qtbot, ctx: UiContext, settings, on_dialog
) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(ctx, settings)
    qtbot.addWidget(window)
    warnings: list[str] = []

    def fill(dialog: QDialog) -> None:
        warning = dialog.findChild(QLabel, "networkShareWarning")
        warnings.append(warning.text())
        dialog.url.setText("postgresql://yte@may-chu:5432/cachly")
        dialog.accept()

    on_dialog(fill)
    assert data_menu.choose_database(window, ctx, settings)
    assert "chia sẻ qua mạng" in warnings[0]
    assert settings.get(opts.DATABASE_URL) == "postgresql://yte@may-chu:5432/cachly"


def test_the_backup_passphrase_is_typed_twice_or_left_empty(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = data_menu.BackupPassphraseDialog(None, writing=True)
    qtbot.addWidget(dialog)
    dialog.ui.passphrase.setText("mật khẩu dài")
    dialog.ui.repeat.setText("mật khẩu khác")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted and "không giống nhau" in dialog.ui.error.text()
    dialog.ui.passphrase.setText("ngắn")
    dialog.ui.repeat.setText("ngắn")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted and "ít nhất 8" in dialog.ui.error.text()
    dialog.ui.passphrase.setText("mật khẩu dài")
    dialog.ui.repeat.setText("mật khẩu dài")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.passphrase() == "mật khẩu dài"
    empty = data_menu.BackupPassphraseDialog(None, writing=True)
    qtbot.addWidget(empty)
    empty.accept()
    assert empty.result() == QDialog.DialogCode.Accepted and empty.passphrase() is None
    opening = data_menu.BackupPassphraseDialog(None, writing=False, file_name="b.qdb")
    qtbot.addWidget(opening)
    assert opening.ui.repeat.isHidden() and "b.qdb" in opening.ui.explanation.text()
    opening.accept()
    assert opening.result() != QDialog.DialogCode.Accepted  # opening needs the passphrase


def test_an_encrypted_backup_through_the_window(qtbot, ctx: UiContext, settings, recorder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    facilities.add_facility(ctx.desk, "F01", "Khu cách ly Trường Quân sự")
    window = MainWindow(ctx, settings)
    qtbot.addWidget(window)
    target = tmp_path / "sao-luu.qdb"
    data_menu.start_backup(window, ctx, str(target), "mật khẩu sao lưu")
    qtbot.waitUntil(lambda: bool(recorder.infos), timeout=20_000)
    assert sealed.is_sealed(target)
    facilities.add_facility(ctx.desk, "F02", "Khu thêm sau")
    data_menu.start_restore(window, ctx, str(target), "sai mật khẩu nhé")
    qtbot.waitUntil(lambda: bool(recorder.errors), timeout=20_000)
    assert "mật khẩu sao lưu không đúng" in recorder.errors[-1]
    data_menu.start_restore(window, ctx, str(target), "mật khẩu sao lưu")
    qtbot.waitUntil(lambda: len(recorder.infos) == 2, timeout=20_000)
    assert [f.code for f in facilities.list_facilities(ctx.desk)] == ["F01"]


def test_automatic_backups_are_taken_listed_and_restorable(qtbot, ctx: UiContext, settings, recorder) -> None:  # type: ignore[no-untyped-def]
    facilities.add_facility(ctx.desk, "F01", "Khu cách ly Trường Quân sự")
    window = MainWindow(ctx, settings)
    qtbot.addWidget(window)
    assert window.automatic_backups_action.isVisible()
    scheduled = data_menu.ScheduledBackups(ctx.desk, window)
    assert scheduled.timer.isActive() and scheduled.timer.interval() == autobackup.EVERY_HOURS * 3_600_000
    qtbot.waitUntil(lambda: len(autobackup.list_backups(ctx.desk)) == 2, timeout=20_000)
    facilities.add_facility(ctx.desk, "F02", "Khu thêm sau")
    dialog = data_menu.AutomaticBackupsDialog(ctx.desk, window)
    qtbot.addWidget(dialog)
    assert dialog.ui.backups.count() == 2 and not dialog.ok.isEnabled()
    assert "hằng ngày" in dialog.ui.backups.item(0).text() + dialog.ui.backups.item(1).text()
    dialog.resize(1366 * 2 // 3, 420)
    dialog.ui.backups.setCurrentRow(0)
    assert dialog.ok.isEnabled() and dialog.chosen().endswith(".sqlite3")
    data_menu.start_restore(window, ctx, dialog.chosen())
    qtbot.waitUntil(lambda: bool(recorder.infos), timeout=20_000)
    assert [f.code for f in facilities.list_facilities(ctx.desk)] == ["F01"]
    scheduled.timer.stop()


def test_a_failed_automatic_backup_is_shown_to_the_person(
    qtbot, ctx: UiContext, settings, recorder, monkeypatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    def full_disk(desk, now=None):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(autobackup, "take_scheduled", full_disk)
    window = MainWindow(ctx, settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    assert window.backup_label.isHidden()
    scheduled = data_menu.ScheduledBackups(ctx.desk, window)
    scheduled.failed.connect(window.show_backup_failure)
    qtbot.waitUntil(lambda: bool(recorder.errors), timeout=20_000)
    scheduled.timer.stop()
    [text] = recorder.errors
    assert text.startswith("Sao lưu tự động không thành công: không ghi được tệp sao lưu (ổ đĩa đã đầy).")
    assert "Tệp → Sao lưu dữ liệu…" in text
    assert not window.backup_label.isHidden()
    assert window.backup_label.text().startswith("Sao lưu tự động lỗi lúc ")
    assert window.backup_label.toolTip() == text
    window.statusBar().grab().save(str(tmp_path / "status.png"))
