"""The window's background work, after Anki's ``CollectionOp`` and ``QueryOp`` (``qt/aqt/operations``).

- ``write(ctx, page, func, …)``: a change to data on the one serialized writer (``ui.tasks``), with a busy cursor
  and the page's buttons held; ``task(ctx, page, title, work, …)`` the same for long work with a progress dialog
  and Cancel. Both come back with the areas the work changed (``services.changes``), and the context tells every
  page (``UiContext.changed``) before the page's own callback runs.
- ``query(page, func, on_done, …)``: a read on the reader threads, never on the GUI thread; ``on_done(result)`` runs
  on the main thread, unless the page is gone or has started a newer query of the same ``key`` meanwhile (a
  stale result is dropped, never shown over a newer one).
- ``upkeep(func, …)``: the database's own upkeep (the integrity check after the start, the automatic backups) on a
  thread of its own, one job at a time: a whole-file read never takes a reader the pages wait for.
- ``follow(page, ctx, areas, reload)``: a visible page reloads when one of its areas changes or the facility is
  switched; a hidden one only marks itself stale and reloads when it is shown again.

``func`` and ``work`` are service calls: each opens its own session on the thread it runs on, so a session never
crosses threads, and they touch no widget (read the fields first, on the GUI thread).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from itertools import count
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from quarantine_desk.services.changes import Area
from quarantine_desk.ui import tasks
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.tasks import Task, Work

log = logging.getLogger(__name__)

T = TypeVar("T")
READERS = 2  # a page's read and the banner's at once; the server's pool has room for both and the writer

_queries: dict[int, Query[Any]] = {}  # the reads that have not reported yet, by number
_numbers = count(1)


# --- writes ---------------------------------------------------------------------------------------------------------


def write(
    ctx: UiContext,
    parent: QWidget | None,
    func: Callable[[], T],
    on_done: Callable[[T], None],
    on_error: Callable[[BaseException], None],
    *,
    busy: Iterable[QWidget] = (),
) -> Task:
    """Run the write ``func()`` on the serialized writer; the pages hear what changed, then ``on_done(result)``."""
    return tasks.run_write(parent, func, on_done, on_error, busy=busy, on_changes=ctx.notify)


def task(
    ctx: UiContext,
    parent: QWidget | None,
    title: str,
    work: Work,
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
) -> Task:
    """Long work ``work(progress, should_stop)`` on the serialized writer, with a progress dialog and Cancel."""
    return tasks.run_task(parent, title, work, on_done, on_error, on_changes=ctx.notify)


# --- queries --------------------------------------------------------------------------------------------------------


_readers: ThreadPoolExecutor | None = None


def readers() -> ThreadPoolExecutor:
    global _readers
    if _readers is None:
        _readers = ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="reader")
    return _readers


_upkeep: ThreadPoolExecutor | None = None
_upkeep_jobs: list[Future[Any]] = []  # submitted on the main thread; idle() drops the finished ones


def upkeep(func: Callable[..., object], *args: Any) -> Future[Any]:
    """Run ``func(*args)`` on the upkeep thread (after the jobs before it); it reports, if at all, through
    ``tasks.bridge()``. For whole-file work: the integrity check, the automatic backups."""
    global _upkeep
    if _upkeep is None:
        _upkeep = ThreadPoolExecutor(max_workers=1, thread_name_prefix="upkeep")
    job = _upkeep.submit(func, *args)
    _upkeep_jobs.append(job)
    return job


def _generation_property(key: str) -> str:
    return f"_queryGeneration_{key}"


class Query(Generic[T]):
    """One read started by a page; it reports to the page only if it is still the page's latest of its key."""

    def __init__(
        self,
        page: QObject,
        func: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None,
        key: str,
    ) -> None:
        self.page = page
        self.key = key
        self.number = next(_numbers)
        self._func = func
        self._on_done = on_done
        self._on_error = on_error

    def start(self) -> None:
        # The page remembers its latest query of each key; an older one that answers later is dropped.
        self.page.setProperty(_generation_property(self.key), self.number)
        _queries[self.number] = self
        readers().submit(_read, self.number, self._func, tasks.bridge())

    @property
    def current(self) -> bool:
        """The page is still there and has not started a newer query of this key."""
        return isValid(self.page) and self.page.property(_generation_property(self.key)) == self.number

    def _succeeded(self, value: T) -> None:
        if not self.current:
            log.debug("stale %s query dropped", self.key or "page")
            return
        self._on_done(value)

    def _failed(self, exc: BaseException) -> None:
        if not self.current:
            return
        if self._on_error is not None:
            self._on_error(exc)
        else:
            log.warning("a read for %s failed: %r", self.page.objectName(), exc)


def _read(number: int, func: Callable[[], object], to_main: tasks.Bridge) -> None:
    """On a reader thread: the service call, its answer handed to the main thread by the query's number (the
    thread holds no widget, so none is ever freed here)."""
    try:
        value = func()
    except Exception as exc:  # every failure goes back to the page, never lost in the thread
        to_main.arrived.emit(partial(_deliver, number, False, exc))
    else:
        to_main.arrived.emit(partial(_deliver, number, True, value))


def _deliver(number: int, succeeded: bool, value: Any) -> None:
    started = _queries.pop(number, None)
    if started is None:
        return
    if succeeded:
        started._succeeded(value)
    else:
        started._failed(value)


def query(
    page: QObject,
    func: Callable[[], T],
    on_done: Callable[[T], None],
    on_error: Callable[[BaseException], None] | None = None,
    *,
    key: str = "",
) -> Query[T]:
    """Run the read ``func()`` off the GUI thread; ``on_done(result)`` on this thread if it is still wanted."""
    started = Query(page, func, on_done, on_error, key)
    started.start()
    return started


def idle() -> bool:
    """No write, task, read or upkeep job is running or waiting (the tests wait for this)."""
    _upkeep_jobs[:] = [job for job in _upkeep_jobs if not job.done()]
    return tasks.idle() and not _queries and not _upkeep_jobs


# --- following the areas a page shows --------------------------------------------------------------------------------


class Follower(QObject):
    """Reloads its page when the data it shows changes: at once when visible, on the next show when hidden.

    The page calls ``shown()`` from its ``showEvent`` (an event filter on the page would be called by Qt while
    the page is being destroyed, which PySide does not survive).
    """

    def __init__(
        self,
        page: QWidget,
        ctx: UiContext,
        areas: Iterable[Area],
        reload: Callable[[], None],
        *,
        facility: bool = True,
    ) -> None:
        super().__init__(page)  # a child: it goes with the page, and so do its connections
        self.page = page
        self.areas = frozenset(areas)
        self.reload = reload
        self.stale = False
        ctx.changed.connect(self._changed)
        if facility:
            ctx.facility_changed.connect(self._facility_changed)

    def _due(self) -> None:
        if self.page.isVisible():
            self.stale = False
            self.reload()
        else:
            self.stale = True

    @Slot(object)
    def _changed(self, areas: frozenset[Area]) -> None:
        if self.areas & areas:
            self._due()

    @Slot(str)
    def _facility_changed(self, _code: str) -> None:
        self._due()

    def shown(self) -> None:
        """The page has just been shown: reload if what it shows changed while it was hidden."""
        if self.stale:
            self.stale = False
            self.reload()


def follow(
    page: QWidget,
    ctx: UiContext,
    areas: Iterable[Area],
    reload: Callable[[], None],
    *,
    facility: bool = True,
) -> Follower:
    """Keep ``page`` up to date with ``areas`` (and the chosen facility, unless ``facility`` is False); the page
    calls ``shown()`` of the answer from its ``showEvent``."""
    return Follower(page, ctx, areas, reload, facility=facility)
