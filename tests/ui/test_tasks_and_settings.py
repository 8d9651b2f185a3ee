"""The background task helper and the declared settings."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from quarantine_desk.domain.errors import Cancelled, InvalidInput
from quarantine_desk.services import facilities
from quarantine_desk.ui import settings as opts
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.tasks import idle, run_task, run_write, writing


def test_result_and_progress_arrive_on_the_main_thread(qtbot, ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    main = threading.get_ident()
    seen: dict[str, object] = {}

    def work(progress, should_stop):  # type: ignore[no-untyped-def]
        seen["worker"] = threading.get_ident()
        progress(5, 10)
        # A worker may use the desk: every service call opens its own session.
        return facilities.add_facility(ctx.desk, "KTX-A", "Ký túc xá khu A").code

    def done(value: object) -> None:
        seen["done"] = (value, threading.get_ident())

    task = run_task(None, "Đang làm", work, done, lambda exc: seen.setdefault("error", exc))
    assert task.dialog.labelText() == "Đang làm"
    qtbot.waitUntil(lambda: "done" in seen, timeout=5000)
    assert seen["done"] == ("KTX-A", main)
    assert seen["worker"] != main
    assert "error" not in seen
    assert facilities.get_facility(ctx.desk, "KTX-A").name == "Ký túc xá khu A"


def test_errors_arrive_on_the_main_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    errors: list[BaseException] = []

    def work(progress, should_stop):  # type: ignore[no-untyped-def]
        raise InvalidInput("beds", "out_of_range", 0, minimum=1, maximum=50)

    run_task(None, "Đang làm", work, lambda value: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], InvalidInput)


def test_cancel_asks_the_work_to_stop(qtbot) -> None:  # type: ignore[no-untyped-def]
    errors: list[BaseException] = []
    started = threading.Event()

    def work(progress, should_stop):  # type: ignore[no-untyped-def]
        started.set()
        for step in range(500):
            if should_stop():
                raise Cancelled()
            progress(step, 500)
            time.sleep(0.01)
        return "xong"

    task = run_task(None, "Đang làm", work, lambda value: errors.append(AssertionError(value)), errors.append)
    started.wait(5)
    cancel = task.dialog.findChild(QPushButton)
    assert cancel.text() == "Hủy"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert task.cancelled
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], Cancelled)


def test_a_write_keeps_its_buttons_disabled_until_it_reports(qtbot, ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    page = QWidget()
    qtbot.addWidget(page)
    button = QPushButton("Lưu", page)
    release = threading.Event()
    done: list[tuple[str, int]] = []

    def write() -> str:
        release.wait(5)
        return facilities.add_facility(ctx.desk, "KTX-A", "Ký túc xá khu A").code

    task = run_write(
        page, write, lambda code: done.append((code, threading.get_ident())), done.append, busy=[button]
    )
    assert task.dialog is None
    assert not button.isEnabled() and writing(page) and not idle()
    assert QApplication.overrideCursor() is not None
    assert QApplication.overrideCursor().shape() == Qt.CursorShape.BusyCursor
    release.set()
    qtbot.waitUntil(idle, timeout=5000)
    assert done == [("KTX-A", threading.get_ident())]
    assert button.isEnabled() and not writing(page)
    assert QApplication.overrideCursor() is None


def test_writes_run_one_after_the_other(qtbot, ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    order: list[str] = []
    failures: list[BaseException] = []

    def write(name: str):  # type: ignore[no-untyped-def]
        def run() -> str:
            order.append(f"start {name}")
            time.sleep(0.05)
            order.append(f"end {name}")
            return name

        return run

    for name in ("a", "b", "c"):
        run_write(None, write(name), order.append, failures.append)
    qtbot.waitUntil(idle, timeout=5000)
    # Never two at once, and the results come back in the order the writes were asked for.
    assert [o for o in order if " " in o] == ["start a", "end a", "start b", "end b", "start c", "end c"]
    assert [o for o in order if " " not in o] == ["a", "b", "c"]
    assert not failures


def test_a_refused_write_reports_its_error_and_enables_the_button(qtbot) -> None:  # type: ignore[no-untyped-def]
    page = QWidget()
    qtbot.addWidget(page)
    button = QPushButton("Lưu", page)
    errors: list[BaseException] = []

    def write() -> None:
        raise InvalidInput("beds", "out_of_range", 0, minimum=1, maximum=50)

    run_write(page, write, lambda value: None, errors.append, busy=[button])
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], InvalidInput)
    assert button.isEnabled() and idle()


def test_settings_round_trip_with_their_declared_types(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings = opts.Settings(store)
    assert settings.get(opts.DATABASE_URL) == ""
    assert settings.language == ""
    settings.set(opts.DATABASE_URL, "sqlite:////tmp/a.sqlite3")
    settings.set(opts.WINDOW_GEOMETRY, b"\x01\x02")
    settings.language = "en"
    settings.sync()
    again = opts.Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    assert again.get(opts.DATABASE_URL) == "sqlite:////tmp/a.sqlite3"
    assert again.get(opts.WINDOW_GEOMETRY) == b"\x01\x02"
    assert again.language == "en"


def test_a_setting_of_the_wrong_type_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = opts.Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    try:
        settings.set(opts.LAST_FACILITY, 5)  # type: ignore[arg-type]
    except TypeError:
        pass
    else:
        raise AssertionError("an int was stored as a facility code")
