"""Fixtures for the window tests: a UiContext on a fresh SQLite database, settings in a temporary file, a
recorder in place of message boxes so that no modal box blocks a test, the Vietnamese translations of Qt's
own strings (qt_vi, qtbase_vi) installed as the program installs them, so a test sees what the gate sees, and the
guard that fails a test whose window code runs a database query on the GUI thread."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from sqlalchemy import Engine, event

from quarantine_desk.ui import interaction as interaction_module
from quarantine_desk.ui.app import install_translators
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.settings import Settings
from quarantine_desk.ui.tasks import writing
from tests.ui.writes import wait_for_writes

WINDOW_CODE = str(Path(__file__).resolve().parents[2] / "quarantine_desk" / "ui")


def _window_frame() -> str | None:
    """The innermost frame of the window's own code on the current stack, as ``file:line function``."""
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename.startswith(WINDOW_CODE):
            return (
                f"{frame.f_code.co_filename[len(WINDOW_CODE) + 1 :]}:{frame.f_lineno} {frame.f_code.co_name}"
            )
        frame = frame.f_back
    return None


@pytest.fixture(autouse=True)
def _no_live_polling_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The window's poll for other PCs' changes runs only when a test asks (LiveUpdates.poll_now)."""
    from quarantine_desk.ui import live

    monkeypatch.setattr(live, "POLL_MS", 0)


@pytest.fixture(autouse=True)
def no_query_on_the_gui_thread() -> Iterator[list[str]]:
    """Every statement sent to a database while window code is on the GUI thread's stack fails the test.

    The tests themselves may read and write on the GUI thread (they set the scene and check the result, as
    another PC would); the window may not: a slow server would freeze it.
    """
    offences: list[str] = []

    def check(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        where = _window_frame()
        if where is not None:
            offences.append(f"{where}: {statement.split(chr(10))[0][:80]}")

    event.listen(Engine, "before_cursor_execute", check)
    try:
        yield offences
    finally:
        event.remove(Engine, "before_cursor_execute", check)
    if offences:
        pytest.fail("database queries on the GUI thread:\n" + "\n".join(dict.fromkeys(offences)))


ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def built_translations() -> None:
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_translations.py")], check=True)


@pytest.fixture(scope="session", autouse=True)
def vietnamese(qapp: QApplication, built_translations: None) -> Iterator[list[QTranslator]]:
    """The window's default language, Qt's own strings included (key names in shortcuts, standard buttons)."""
    installed = install_translators(qapp, "vi")
    yield installed
    for translator in installed:
        qapp.removeTranslator(translator)


@pytest.fixture
def english(qapp: QApplication, vietnamese: list[QTranslator]) -> Iterator[list[QTranslator]]:
    """The English window: the Vietnamese translators out, the program's English strings in; back after."""
    for translator in vietnamese:
        qapp.removeTranslator(translator)
    installed = install_translators(qapp, "en")
    yield installed
    for translator in installed:
        qapp.removeTranslator(translator)
    vietnamese[:] = install_translators(qapp, "vi")


class Recorder(interaction_module.Interaction):
    """Remembers what the window would have said; answers every question with ``answer``."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.infos: list[str] = []
        self.questions: list[str] = []
        self.answer = True

    def error(self, parent: QWidget | None, text: str, title: str = "") -> None:
        self.errors.append(text)

    def info(self, parent: QWidget | None, text: str, title: str = "") -> None:
        self.infos.append(text)

    def confirm(self, parent: QWidget | None, text: str, title: str = "") -> bool:
        self.questions.append(text)
        return self.answer


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    rec = Recorder()
    previous = interaction_module.set_interaction(rec)
    yield rec
    interaction_module.set_interaction(previous)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def ctx(qapp: QApplication, qtbot, sqlite_only_desk, recorder: Recorder) -> Iterator[UiContext]:  # type: ignore[no-untyped-def]
    yield UiContext(sqlite_only_desk, "vi")
    # Nothing may still be reading or writing when the database is closed.
    wait_for_writes(qtbot, timeout=20_000)


DialogHandler = Callable[[QDialog], None]


@pytest.fixture
def on_dialog(qtbot) -> Callable[[DialogHandler], list[QDialog]]:  # type: ignore[no-untyped-def]
    """Run ``handler`` on the next modal dialog once it is open (it blocks the test in ``exec()``)."""

    def arm(handler: DialogHandler) -> list[QDialog]:
        seen: list[QDialog] = []
        tries = [500]

        def poll() -> None:
            widget = QApplication.activeModalWidget()
            if isinstance(widget, QDialog) and widget.isVisible():
                seen.append(widget)
                try:
                    handler(widget)
                finally:
                    # A failed check must not leave exec() blocking the test for ever: wait for a save still
                    # on the write worker, then close the dialog whatever its own reject() would say.
                    if widget.isVisible():
                        qtbot.waitUntil(lambda: not writing(widget), timeout=10_000)
                    if widget.isVisible():
                        QDialog.reject(widget)
            elif tries[0] > 0:
                tries[0] -= 1
                QTimer.singleShot(10, poll)

        QTimer.singleShot(0, poll)
        return seen

    return arm


# The offscreen platform used by the tests says this whenever a top-level window is shown; it is not a problem
# of the program, and every other Qt warning still fails the test.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ui/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))
