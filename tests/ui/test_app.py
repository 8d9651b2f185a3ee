"""Starting the window end to end: database, login or first administrator, main window, demo data."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from quarantine_desk.services import auth, facilities
from quarantine_desk.ui import app as app_module
from quarantine_desk.ui import settings as opts
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.main_window import MainWindow
from tests.helpers import ADMIN_PASSWORD
from tests.ui.writes import settle


@pytest.fixture
def no_event_loop(monkeypatch: pytest.MonkeyPatch) -> list[MainWindow]:
    """run_window up to the point where it would wait for the user; returns the windows it showed."""
    shown: list[MainWindow] = []
    monkeypatch.setattr(QApplication, "exec", lambda *args: 0)
    original_show = MainWindow.show

    def show(self: MainWindow) -> None:
        shown.append(self)
        original_show(self)

    monkeypatch.setattr(MainWindow, "show", show)
    return shown


def test_first_start_creates_the_administrator_and_opens_the_window(
    qtbot, tmp_path: Path, recorder, no_event_loop, monkeypatch, settings: opts.Settings
) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'first.sqlite3'}"

    def fill(dialog: app_module.FirstAdminDialog) -> int:
        dialog.username.setText("quantri")
        dialog.password.setText("mật khẩu an toàn")
        dialog.repeat.setText("mật khẩu an toàn")
        dialog.accept()
        settle()  # the account is checked on the worker
        return int(dialog.result())

    monkeypatch.setattr(app_module.FirstAdminDialog, "exec", fill)
    monkeypatch.setattr(app_module.opts, "Settings", lambda: settings)
    assert app_module.run_window(url, "vi") == 0
    assert len(no_event_loop) == 1
    window = no_event_loop[0]
    qtbot.addWidget(window)
    assert window.ctx.desk.username == "quantri"
    assert settings.get(opts.DATABASE_URL) == url
    assert recorder.errors == []


def test_later_starts_ask_for_the_password(
    qtbot, sqlite_only_desk, recorder, no_event_loop, monkeypatch, settings: opts.Settings
) -> None:  # type: ignore[no-untyped-def]
    def log_in(dialog: app_module.LoginDialog) -> int:
        dialog.username.setText("admin")
        dialog.password.setText(ADMIN_PASSWORD)
        dialog.accept()
        settle()  # the account is checked on the worker
        return int(dialog.result())

    monkeypatch.setattr(app_module.LoginDialog, "exec", log_in)
    monkeypatch.setattr(app_module.opts, "Settings", lambda: settings)
    assert app_module.run_window(sqlite_only_desk.url, "vi") == 0
    qtbot.addWidget(no_event_loop[0])
    assert no_event_loop[0].ctx.desk.user.role == "admin"


def test_giving_up_at_the_login_ends_without_a_window(
    sqlite_only_desk, recorder, no_event_loop, monkeypatch, settings: opts.Settings
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(app_module.LoginDialog, "exec", lambda self: 0)
    monkeypatch.setattr(app_module.opts, "Settings", lambda: settings)
    assert app_module.run_window(sqlite_only_desk.url, "vi") == 0
    assert no_event_loop == []


def test_the_language_chosen_in_the_menu_wins_over_the_default(settings: opts.Settings) -> None:
    assert app_module.choose_language("vi", settings) == "vi"
    settings.language = "en"
    assert app_module.choose_language("vi", settings) == "en"


def test_demo_data_is_built_in_the_background(qtbot, ctx: UiContext, recorder, settings) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(ctx, settings)
    qtbot.addWidget(window)
    assert window.demo_action.isEnabled()
    window.demo_action.trigger()
    qtbot.waitUntil(lambda: bool(recorder.infos or recorder.errors), timeout=60_000)
    assert recorder.errors == []
    assert recorder.infos == ["Đã tạo dữ liệu mẫu."]
    codes = [f.code for f in facilities.list_facilities(ctx.desk)]
    assert codes and ctx.facility in codes
    settle()  # the switcher reloads the facilities in the background
    assert window.facility_box.currentData() == ctx.facility
    assert auth.has_users(ctx.desk)


def test_a_missing_database_file_is_created_only_when_the_user_says_so(
    tmp_path: Path, recorder, no_event_loop, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "go-nham.sqlite3"
    recorder.answer = False
    chosen: list[str] = []

    def give_up(dialog: app_module.DatabaseDialog) -> int:
        chosen.append(dialog.url.text())
        return 0

    monkeypatch.setattr(app_module.DatabaseDialog, "exec", give_up)
    assert app_module.open_database(str(path), "vi") is None
    assert not path.exists()
    [question] = recorder.questions
    assert str(path) in question and "Tạo một cơ sở dữ liệu mới" in question
    assert str(path) in recorder.errors[0]
    assert chosen and str(path) in chosen[0]

    recorder.answer = True
    desk = app_module.open_database(str(path), "vi")
    assert desk is not None and path.exists()
    assert not auth.has_users(desk)  # the first-start dialog follows
    desk.close()


def test_a_damaged_database_is_offered_a_restore_from_a_backup(
    sqlite_only_desk, tmp_path: Path, recorder, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from quarantine_desk.services import backup
    from tests.helpers import damage

    desk = sqlite_only_desk
    facilities.add_facility(desk, "F01", "Khu một")
    for i in range(30):
        facilities.add_rooms(desk, "F01", f"Tầng {i}", f"{i}01-{i}04", 4)
    saved = backup.backup(desk, tmp_path / "sao-luu.sqlite3").path
    url = desk.url
    desk.close()
    damage(Path(url.removeprefix("sqlite:///")), "room")
    monkeypatch.setattr(app_module.data_menu, "ask_restore_path", lambda parent: str(saved))
    opened = app_module.open_database(url, "vi")
    assert opened is not None
    [question] = recorder.questions
    assert "bị hỏng" in question and "bản sao lưu" in question
    assert recorder.errors == []
    assert [f.code for f in facilities.list_facilities(auth.login(opened, "admin", ADMIN_PASSWORD))] == [
        "F01"
    ]
    assert list(Path(url.removeprefix("sqlite:///")).parent.glob("*.damaged-*"))
    opened.close()


def _log_in_as_admin(dialog: app_module.LoginDialog) -> int:
    dialog.username.setText("admin")
    dialog.password.setText(ADMIN_PASSWORD)
    dialog.accept()
    settle()  # the account is checked on the worker
    return int(dialog.result())


def test_no_whole_file_read_on_the_gui_thread_before_the_window_is_shown(
    qtbot, sqlite_only_desk, recorder, monkeypatch, settings: opts.Settings
) -> None:  # type: ignore[no-untyped-def]
    """The integrity check and the automatic backup each read the whole file (seconds on a province's
    database): both run after the window is shown, off the GUI thread, the check first."""
    import re
    import threading

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from quarantine_desk.services import autobackup

    shown: list[MainWindow] = []
    reads: list[tuple[str, bool, bool]] = []  # what, on the GUI thread, after the window was shown

    def whole_file(what: str) -> None:
        reads.append((what, threading.current_thread() is threading.main_thread(), bool(shown)))

    def statement(_conn, _cursor, sql: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if re.search(r"quick_check|integrity_check", sql, re.IGNORECASE):
            whole_file("check")

    copy_sqlite = autobackup.copy_sqlite

    def copy(database: Path, out: Path) -> Path:
        whole_file("copy")
        return copy_sqlite(database, out)

    original_show = MainWindow.show

    def show(self: MainWindow) -> None:
        original_show(self)
        shown.append(self)

    def event_loop(*_args) -> int:  # type: ignore[no-untyped-def]
        # The window's life: until the day's backup (the daily copy and the weekly one) is written.
        qtbot.waitUntil(lambda: [w for w, _, _ in reads].count("copy") == 2, timeout=30_000)
        return 0

    monkeypatch.setattr(MainWindow, "show", show)
    monkeypatch.setattr(QApplication, "exec", event_loop)
    monkeypatch.setattr(autobackup, "copy_sqlite", copy)
    monkeypatch.setattr(app_module.LoginDialog, "exec", _log_in_as_admin)
    monkeypatch.setattr(app_module.opts, "Settings", lambda: settings)
    event.listen(Engine, "before_cursor_execute", statement)
    try:
        assert app_module.run_window(sqlite_only_desk.url, "vi") == 0
    finally:
        event.remove(Engine, "before_cursor_execute", statement)
    qtbot.addWidget(shown[0])
    assert [what for what, _, _ in reads] == ["check", "copy", "copy"]
    assert [(on_gui, after_show) for _, on_gui, after_show in reads] == [(False, True)] * 3
    assert recorder.errors == []


def test_damage_found_after_the_window_is_shown_is_told_and_a_backup_is_offered(
    qtbot, sqlite_only_desk, tmp_path: Path, recorder, monkeypatch, settings: opts.Settings
) -> None:  # type: ignore[no-untyped-def]
    from quarantine_desk.services import autobackup, backup
    from tests.helpers import damage

    desk = sqlite_only_desk
    facilities.add_facility(desk, "F01", "Khu một")
    for i in range(30):
        facilities.add_rooms(desk, "F01", f"Tầng {i}", f"{i}01-{i}04", 4)
    saved = backup.backup(desk, tmp_path / "sao-luu.sqlite3").path
    url = desk.url
    desk.close()
    damage(Path(url.removeprefix("sqlite:///")), "room")

    shown: list[MainWindow] = []
    original_show = MainWindow.show

    def show(self: MainWindow) -> None:
        original_show(self)
        shown.append(self)

    def event_loop(*_args) -> int:  # type: ignore[no-untyped-def]
        window = shown[-1]
        if len(shown) == 1:  # the damaged file: the check after the show closes the window
            qtbot.waitUntil(lambda: window.damage is not None and not window.isVisible(), timeout=30_000)
        return 0

    monkeypatch.setattr(MainWindow, "show", show)
    monkeypatch.setattr(QApplication, "exec", event_loop)
    monkeypatch.setattr(app_module.LoginDialog, "exec", _log_in_as_admin)
    monkeypatch.setattr(app_module.opts, "Settings", lambda: settings)
    monkeypatch.setattr(app_module.data_menu, "ask_restore_path", lambda parent: str(saved))
    assert app_module.run_window(url, "vi") == 0
    qtbot.addWidget(shown[-1])  # the first one is gone: run_window deleted it before the login that followed

    # Told in the window, in Vietnamese, what was found and what comes next.
    told = [e for e in recorder.errors if "Cửa sổ sẽ đóng lại" in e]
    assert len(told) == 1 and "bị hỏng" in told[0] and "bản sao lưu" in told[0]
    # Then the start's offer of a backup, which puts it in place; the damaged file is kept aside.
    [question] = recorder.questions
    assert "bị hỏng" in question and "Chọn một bản sao lưu để khôi phục?" in question
    assert list(Path(url.removeprefix("sqlite:///")).parent.glob("*.damaged-*"))
    # No automatic copy was made of the damaged file.
    assert not [b for b in autobackup.list_backups(shown[-1].ctx.desk) if b.kind in ("daily", "weekly")]
    # A new login opens the window on the restored data.
    assert len(shown) == 2 and shown[1].ctx.desk.username == "admin"
    assert [f.code for f in facilities.list_facilities(shown[1].ctx.desk)] == ["F01"]


def test_a_damaged_database_restored_from_an_encrypted_backup_asks_its_passphrase(
    sqlite_only_desk, tmp_path: Path, recorder, monkeypatch, on_dialog
) -> None:  # type: ignore[no-untyped-def]
    from quarantine_desk.services import backup, sealed
    from tests.helpers import damage

    desk = sqlite_only_desk
    facilities.add_facility(desk, "F01", "Khu một")
    for i in range(30):
        facilities.add_rooms(desk, "F01", f"Tầng {i}", f"{i}01-{i}04", 4)
    saved = backup.backup(desk, tmp_path / "sao-luu.qdb", passphrase="mật khẩu sao lưu").path
    assert sealed.is_sealed(saved)
    url = desk.url
    desk.close()
    damage(Path(url.removeprefix("sqlite:///")), "room")
    monkeypatch.setattr(app_module.data_menu, "ask_restore_path", lambda parent: str(saved))
    asked: list[str] = []

    def enter(dialog) -> None:  # type: ignore[no-untyped-def]
        asked.append(dialog.ui.explanation.text())
        dialog.resize(1366 // 2, dialog.sizeHint().height())
        dialog.grab().save(str(tmp_path / "passphrase.png"))
        dialog.ui.passphrase.setText("mật khẩu sao lưu")
        dialog.accept()

    on_dialog(enter)
    opened = app_module.open_database(url, "vi")
    assert asked == ["Bản sao lưu sao-luu.qdb đã được mã hóa. Nhập mật khẩu sao lưu."]
    assert opened is not None and recorder.errors == []
    assert [f.code for f in facilities.list_facilities(auth.login(opened, "admin", ADMIN_PASSWORD))] == [
        "F01"
    ]
    opened.close()


def test_a_wrong_passphrase_leaves_the_damaged_file_where_it_is(sqlite_only_desk, tmp_path: Path) -> None:
    from quarantine_desk.domain.errors import DeskError
    from quarantine_desk.services import backup

    desk = sqlite_only_desk
    facilities.add_facility(desk, "F01", "Khu một")
    saved = backup.backup(desk, tmp_path / "sao-luu.qdb", passphrase="mật khẩu sao lưu").path
    url = desk.url
    desk.close()
    with pytest.raises(DeskError):
        backup.replace_damaged(url, saved, "mật khẩu khác hẳn")
    assert not list(Path(url.removeprefix("sqlite:///")).parent.glob("*.damaged-*"))
    assert Path(url.removeprefix("sqlite:///")).exists()
