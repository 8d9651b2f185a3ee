"""Starts the window as ``run_window`` does and ends the process as soon as the window is painted: the benchmark
times the process, from its start to the window on the screen.

``python -m quarantine_desk.bench.window_probe URL FACILITY`` opens the benchmark's database with the facility as
the last one used (the login dialog is left out: it waits for a person); ``--bare`` shows an empty PySide6
window instead, the reference. The settings go to a file of their own, never to the user's.

Both end right after the window's first paint (``os._exit``): what the program does after that, the overview's
reads, the integrity check and the backup in the background, is not part of "start → window shown", and a
normal exit would wait for those threads.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any


def _end_at_first_paint(window: Any) -> None:
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                # After the paint being delivered (and the rest of the window painted in the same pass).
                QTimer.singleShot(0, _end)
            return False

    def _end() -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

    window.installEventFilter(FirstPaint(window))


def bare() -> int:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1366, 768)
    _end_at_first_paint(window)
    window.show()
    return app.exec()


def program(url: str, facility: str) -> int:
    from PySide6.QtCore import QSettings

    from quarantine_desk.bench.desk import bench_desk
    from quarantine_desk.ui import settings as opts
    from quarantine_desk.ui.app import application, install_translators, show_main_window
    from quarantine_desk.ui.context import UiContext

    app = application()
    folder = Path(tempfile.mkdtemp(prefix="qd-probe-"))
    settings = opts.Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    settings.set(opts.LAST_FACILITY, facility)
    install_translators(app, "vi")
    desk = bench_desk(url, defer_integrity=True)  # as the window's start opens it
    window, _ = show_main_window(UiContext(desk, "vi"), settings)  # 1366 × 740 when no size is remembered
    _end_at_first_paint(window)  # the first paint comes from the event loop, after this
    return app.exec()


if __name__ == "__main__":
    if sys.argv[1:] == ["--bare"]:
        sys.exit(bare())
    sys.exit(program(sys.argv[1], sys.argv[2]))
