"""Work off the GUI thread: ``run_task`` shows a progress dialog with Cancel and calls back on the main thread;
``run_write`` does the same for a write of a fraction of a second, with a busy cursor instead of a dialog.

The work is a plain function ``func(progress, should_stop)`` that knows nothing of Qt: ``progress(percent, text)``
reports, ``should_stop()`` says the user pressed Cancel (the function decides where it is safe to stop, and raises
``Cancelled`` so nothing half-done is kept). Tasks run one after another on a single worker thread, so two
database writes from this window never race each other. Each service call opens its own session inside the
worker; a session never crosses threads.

A write is a service call such as ``lambda: stays.admit(desk, …)``: the page reads its fields on the GUI thread,
the worker only calls the service. On a shared PostgreSQL server over a slow network the window keeps painting
while the server answers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget
from shiboken6 import isValid

log = logging.getLogger(__name__)

Progress = Callable[[int, str], None]
ShouldStop = Callable[[], bool]
Work = Callable[[Progress, ShouldStop], Any]
T = TypeVar("T")

_pool: QThreadPool | None = None
_running: set[Task] = set()  # keeps each task (and its signal channel) alive until it has reported


def pool() -> QThreadPool:
    """The one serial worker that every task shares."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
    return _pool


class _Channel(QObject):
    """Lives on the main thread; the worker emits, Qt queues the calls onto the main thread."""

    progress = Signal(int, str)
    result = Signal(object)
    error = Signal(object)


class _Job(QRunnable):
    def __init__(self, func: Work, channel: _Channel, stop: threading.Event) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._func = func
        self._channel = channel
        self._stop = stop

    def run(self) -> None:
        try:
            value = self._func(self._channel.progress.emit, self._stop.is_set)
        except Exception as exc:  # every failure goes back to the window, never lost in the thread
            log.info("task failed: %r", exc)
            self._channel.error.emit(exc)
        else:
            self._channel.result.emit(value)


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
    ) -> None:
        # No Qt parent: the task must outlive a closed page until the worker has reported.
        super().__init__(None)
        self.parent_widget = parent
        self._on_done = on_done
        self._on_error = on_error
        self._stop = threading.Event()
        self._busy = [(w, w.isEnabled()) for w in busy]
        self._focus: QWidget | None = None
        self._cursor = False
        self.channel = _Channel()
        self.channel.progress.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        self.channel.result.connect(self._result, Qt.ConnectionType.QueuedConnection)
        self.channel.error.connect(self._error, Qt.ConnectionType.QueuedConnection)
        self.dialog: QProgressDialog | None = None
        if title is not None:
            self.dialog = QProgressDialog(title, self.tr("Hủy"), 0, 0, parent)
            self.dialog.setWindowTitle(title)
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(400)
            self.dialog.setAutoClose(False)
            self.dialog.setAutoReset(False)
            self.dialog.canceled.connect(self.cancel)
        self._job = _Job(func, self.channel, self._stop)

    def start(self) -> None:
        _running.add(self)
        if self.dialog is None:
            QApplication.setOverrideCursor(QCursor(Qt.CursorShape.BusyCursor))
            self._cursor = True
        focus = QApplication.focusWidget()
        for widget, _enabled in self._busy:
            if focus is not None and (focus is widget or widget.isAncestorOf(focus)):
                self._focus = focus
            widget.setEnabled(False)
        pool().start(self._job)

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    @Slot()
    def cancel(self) -> None:
        self._stop.set()
        if self.dialog is not None and isValid(self.dialog):
            self.dialog.setLabelText(self.tr("Đang dừng…"))

    @Slot(int, str)
    def _progress(self, percent: int, text: str) -> None:
        if self.dialog is None or not isValid(self.dialog):
            return
        if self.dialog.maximum() == 0:
            self.dialog.setRange(0, 100)
        self.dialog.setValue(max(0, min(100, percent)))
        if text and not self.cancelled:
            self.dialog.setLabelText(text)

    def _page_gone(self) -> bool:
        """The page that asked was closed meanwhile: its callbacks would touch deleted widgets."""
        return self.parent_widget is not None and not isValid(self.parent_widget)

    @Slot(object)
    def _result(self, value: object) -> None:
        self._finish()
        if self._page_gone():
            log.info("task finished after its page was closed")
            return
        self._on_done(value)

    @Slot(object)
    def _error(self, exc: BaseException) -> None:
        self._finish()
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
        _running.discard(self)
        self.finished.emit()


def run_task(
    parent: QWidget | None,
    title: str,
    func: Work,
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
) -> Task:
    """Run ``func(progress, should_stop)`` on the worker; ``on_done(result)`` or ``on_error(exc)`` on this thread."""
    task = Task(parent, title, func, on_done, on_error)
    task.start()
    return task


def run_write(
    parent: QWidget | None,
    func: Callable[[], T],
    on_done: Callable[[T], None],
    on_error: Callable[[BaseException], None],
    *,
    busy: Iterable[QWidget] = (),
) -> Task:
    """Run the write ``func()`` on the worker; ``on_done(result)`` or ``on_error(exc)`` on this thread.

    No progress dialog: a busy cursor, and the ``busy`` widgets (the buttons that started it) disabled until
    the answer is back. Writes queue on the same single worker as every task, so they never interleave.
    """

    def work(progress: Progress, should_stop: ShouldStop) -> T:
        return func()

    task = Task(parent, None, work, on_done, on_error, busy)
    task.start()
    return task


def writing(parent: QWidget) -> bool:
    """A task started by ``parent`` has not reported yet: a second Enter or shortcut must not write again."""
    return any(task.parent_widget is parent for task in _running)


def idle() -> bool:
    """No task is running or waiting (the tests wait for this; closing the window could too)."""
    return not _running
