"""Work off the GUI thread: ``run_task`` shows a progress dialog with Cancel and calls back on the main thread;
``run_write`` does the same for a write of a fraction of a second, with a busy cursor instead of a dialog.

The work is a plain function ``func(progress, should_stop)`` that knows nothing of Qt: ``progress(done, total)``
counts items (the one progress shape of the services and exports; ``percent`` turns it into the bar's value),
``should_stop()`` says the user pressed Cancel (the function decides where it is safe to stop, and raises
``Cancelled`` so nothing half-done is kept). Tasks run one after another on a single worker thread, so two
database writes from this window never race each other. Each service call opens its own session inside the
worker; a session never crosses threads.

A write is a service call such as ``lambda: stays.admit(desk, …)``: the page reads its fields on the GUI thread,
the worker only calls the service. On a shared PostgreSQL server over a slow network the window keeps painting
while the server answers.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from itertools import count
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget
from shiboken6 import isValid

from quarantine_desk.domain.progress import Progress, ShouldStop
from quarantine_desk.services import changes
from quarantine_desk.services.changes import Area

log = logging.getLogger(__name__)

Work = Callable[[Progress, ShouldStop], Any]
Changes = frozenset[Area]
T = TypeVar("T")

_running: dict[int, Task] = {}  # each task by its number, alive until it has reported
_numbers = count(1)
COLLECT_EVERY_MS = 500


class Bridge(QObject):
    """Lives on the main thread for the whole run. A worker thread never touches a page's objects: it hands the
    bridge a call without arguments, and Qt runs it on the main thread (a queued signal).

    It also takes Python's cycle collector onto the main thread: left automatic, it runs in whichever thread
    happens to allocate, and a cycle holding a widget would then free that widget on a worker, which Qt does
    not survive. The collection runs from a timer here, with Python's own thresholds.
    """

    arrived = Signal(object)

    def __init__(self) -> None:
        super().__init__(None)
        self.arrived.connect(self._run, Qt.ConnectionType.QueuedConnection)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._collector = QTimer(self)
        self._collector.setInterval(COLLECT_EVERY_MS)
        self._collector.timeout.connect(self.collect)
        self._collector.start()

    @Slot(object)
    def _run(self, call: Callable[[], None]) -> None:
        call()

    @Slot()
    def collect(self) -> None:
        """What the automatic collector would have done by now, on this (the main) thread."""
        young, middle, old = gc.get_count()
        if young > self._thresholds[0]:
            gc.collect(0)
            if middle > self._thresholds[1]:
                gc.collect(1)
                if old > self._thresholds[2]:
                    gc.collect(2)


_bridge: Bridge | None = None
_writer: ThreadPoolExecutor | None = None


def bridge() -> Bridge:
    """The bridge to the main thread (made on first use, which is on the main thread)."""
    global _bridge
    if _bridge is None:
        _bridge = Bridge()
    return _bridge


def writer() -> ThreadPoolExecutor:
    """The one serial worker that every task shares: two writes from this window never interleave."""
    global _writer
    if _writer is None:
        _writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="writer")
    return _writer


def percent(done: int, total: int) -> int:
    """The one converter from ``(done, total)`` to the progress bar's 0–100; an unknown total shows 0."""
    if total <= 0:
        return 0
    return max(0, min(100, done * 100 // total))


class Task(QObject):
    """One running piece of work: its progress dialog (none for a write) and the widgets it keeps disabled."""

    finished = Signal()

    def __init__(
        self,
        parent: QWidget | None,
        title: str | None,
        func: Work,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None,
        busy: Iterable[QWidget] = (),
        on_changes: Callable[[Changes], None] | None = None,
    ) -> None:
        # No Qt parent: the task must outlive a closed page until the worker has reported.
        super().__init__(None)
        self.parent_widget = parent
        self._on_done = on_done
        self._on_error = on_error
        self._on_changes = on_changes
        self._stop = threading.Event()
        self._busy = [(w, w.isEnabled()) for w in busy]
        self._focus: QWidget | None = None
        self._cursor = False
        self.dialog: QProgressDialog | None = None
        if title is not None:
            self.dialog = QProgressDialog(title, self.tr("Hủy"), 0, 0, parent)
            self.dialog.setWindowTitle(title)
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(400)
            self.dialog.setAutoClose(False)
            self.dialog.setAutoReset(False)
            self.dialog.canceled.connect(self.cancel)
        self._func = func
        self.number = next(_numbers)

    def start(self) -> None:
        _running[self.number] = self
        if self.dialog is None:
            QApplication.setOverrideCursor(QCursor(Qt.CursorShape.BusyCursor))
            self._cursor = True
        focus = QApplication.focusWidget()
        for widget, _enabled in self._busy:
            if focus is not None and (focus is widget or widget.isAncestorOf(focus)):
                self._focus = focus
            widget.setEnabled(False)
        writer().submit(_work, self.number, self._func, self._stop, bridge())

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    @Slot()
    def cancel(self) -> None:
        self._stop.set()
        if self.dialog is not None and isValid(self.dialog):
            self.dialog.setLabelText(self.tr("Đang dừng…"))

    def _progress(self, done: int, total: int) -> None:
        if self.dialog is None or not isValid(self.dialog):
            return
        if self.dialog.maximum() == 0:
            self.dialog.setRange(0, 100)
        self.dialog.setValue(percent(done, total))

    def _page_gone(self) -> bool:
        """The page that asked was closed meanwhile: its callbacks would touch deleted widgets."""
        return self.parent_widget is not None and not isValid(self.parent_widget)

    def _changed(self, areas: Changes) -> None:
        # Told even when the page that asked is gone: the data changed all the same, and other pages show it.
        if areas and self._on_changes is not None:
            self._on_changes(areas)

    def _result(self, value: object, areas: Changes) -> None:
        self._finish()
        self._changed(areas)
        if self._page_gone():
            log.info("task finished after its page was closed")
            return
        self._on_done(value)

    def _error(self, exc: BaseException, areas: Changes) -> None:
        self._finish()
        self._changed(areas)
        if self._on_error is not None and not self._page_gone():
            self._on_error(exc)
        else:
            log.error("task failed with nobody to tell", exc_info=exc)

    def _finish(self) -> None:
        if self.dialog is not None and isValid(self.dialog):
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
        if self._cursor:
            QApplication.restoreOverrideCursor()
            self._cursor = False
        for widget, enabled in self._busy:
            if isValid(widget):
                widget.setEnabled(enabled)
        # Disabling the focused button moved the focus on; give it back before the callbacks move it on purpose.
        if self._focus is not None and isValid(self._focus) and self._focus.isEnabled():
            self._focus.setFocus(Qt.FocusReason.OtherFocusReason)
        _running.pop(self.number, None)
        self.finished.emit()


def _work(number: int, func: Work, stop: threading.Event, to_main: Bridge) -> None:
    """On the worker: the work, its progress, result or failure handed to the main thread by the task's number.

    The worker holds no Qt object of the window (only the number), so none is ever freed on this thread.
    """

    def progress(done: int, total: int) -> None:
        to_main.arrived.emit(partial(_deliver, number, "progress", (done, total)))

    with changes.track() as changed:
        try:
            value = func(progress, stop.is_set)
        except Exception as exc:  # every failure goes back to the window, never lost in the thread
            log.info("task failed: %r", exc)
            to_main.arrived.emit(partial(_deliver, number, "error", (exc, frozenset(changed))))
            return
    to_main.arrived.emit(partial(_deliver, number, "result", (value, frozenset(changed))))


def _deliver(number: int, kind: str, args: tuple[Any, ...]) -> None:
    task = _running.get(number)
    if task is None:
        return
    if kind == "progress":
        task._progress(*args)
    elif kind == "result":
        task._result(*args)
    else:
        task._error(*args)


def run_task(
    parent: QWidget | None,
    title: str,
    func: Work,
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
    *,
    on_changes: Callable[[Changes], None] | None = None,
) -> Task:
    """Run ``func(progress, should_stop)`` on the worker; ``on_done(result)`` or ``on_error(exc)`` on this thread,
    after ``on_changes(areas)`` when the work changed data."""
    task = Task(parent, title, func, on_done, on_error, on_changes=on_changes)
    task.start()
    return task


def run_write(
    parent: QWidget | None,
    func: Callable[[], T],
    on_done: Callable[[T], None],
    on_error: Callable[[BaseException], None],
    *,
    busy: Iterable[QWidget] = (),
    on_changes: Callable[[Changes], None] | None = None,
) -> Task:
    """Run the write ``func()`` on the worker; ``on_done(result)`` or ``on_error(exc)`` on this thread.

    No progress dialog: a busy cursor, and the ``busy`` widgets (the buttons that started it) disabled until
    the answer is back. Writes queue on the same single worker as every task, so they never interleave.
    """

    def work(progress: Progress, should_stop: ShouldStop) -> T:
        return func()

    task = Task(parent, None, work, on_done, on_error, busy, on_changes)
    task.start()
    return task


def call_off_thread(func: Callable[[], T]) -> T:
    """Run ``func()`` on the worker and wait for it while this thread keeps handling events: for the start-up
    steps that come before any window (opening the database, asking whether it has users)."""
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def done(value: T) -> None:
        outcome["value"] = value
        loop.quit()

    def failed(error: BaseException) -> None:
        outcome["error"] = error
        loop.quit()

    run_write(None, func, done, failed)
    while not outcome:
        loop.exec()
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value


def writing(parent: QWidget) -> bool:
    """A task started by ``parent`` has not reported yet: a second Enter or shortcut must not write again."""
    return any(task.parent_widget is parent for task in _running.values())


def idle() -> bool:
    """No task is running or waiting (the tests wait for this; closing the window could too)."""
    return not _running
