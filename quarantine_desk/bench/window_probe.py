"""Starts the window as ``run_window`` does and quits as soon as it is shown: the benchmark times the process.

``python -m quarantine_desk.bench.window_probe URL FACILITY`` opens the benchmark's database with the facility as
the last one used (the login dialog is left out: it waits for a person); ``--bare`` shows an empty PySide6
window instead, the reference. The settings go to a file of their own, never to the user's.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path


def bare() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1366, 768)
    window.show()
    QTimer.singleShot(0, app.quit)
    return app.exec()


def program(url: str, facility: str) -> int:
    from PySide6.QtCore import QSettings, QTimer

    from quarantine_desk.bench.province import bench_desk
    from quarantine_desk.ui import settings as opts
    from quarantine_desk.ui.app import application, install_translators
    from quarantine_desk.ui.context import UiContext
    from quarantine_desk.ui.main_window import MainWindow

    app = application()
    folder = Path(tempfile.mkdtemp(prefix="qd-probe-"))
    settings = opts.Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    settings.set(opts.LAST_FACILITY, facility)
    install_translators(app, "vi")
    desk = bench_desk(url)
    window = MainWindow(UiContext(desk, "vi"), settings)
    window.resize(1366, 768)
    window.show()
    QTimer.singleShot(0, app.quit)
    code = app.exec()
    desk.close()
    return code


if __name__ == "__main__":
    if sys.argv[1:] == ["--bare"]:
        sys.exit(bare())
    sys.exit(program(sys.argv[1], sys.argv[2]))
