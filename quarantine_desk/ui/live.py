"""Open pages follow the other PCs: every few seconds, off the GUI thread, the window asks the database whether
anyone else changed it (``services.watch``) and passes the areas on through ``UiContext.notify``, exactly as
after one of its own writes; each page then reloads if it shows one of them.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer

from quarantine_desk.services.changes import Area
from quarantine_desk.services.watch import Watcher
from quarantine_desk.ui import operations
from quarantine_desk.ui.context import UiContext

log = logging.getLogger(__name__)

# How often the window looks; 0 turns the timer off (the tests poll by hand with poll_now()).
POLL_MS = 3000


class LiveUpdates(QObject):
    """The timer and the one poll in flight; a child of the main window, stopped while it is hidden."""

    def __init__(self, ctx: UiContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("liveUpdates")
        self.ctx = ctx
        self.watcher = Watcher(ctx.desk.url)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.poll_now)
        self._polling = False

    def start(self) -> None:
        """Take the database's present state as the starting point, then look every POLL_MS."""
        self.poll_now()
        if POLL_MS > 0:
            self.timer.start(POLL_MS)

    def stop(self) -> None:
        self.timer.stop()

    def poll_now(self) -> None:
        """Ask once (on a reader thread); a poll still running is not doubled."""
        if self._polling:
            return
        self._polling = True
        operations.query(self, self.watcher.poll, self._heard, self._failed, key="live")

    def _heard(self, areas: frozenset[Area]) -> None:
        self._polling = False
        if areas:
            log.debug("changed elsewhere: %s", sorted(areas))
            self.ctx.notify(areas)

    def _failed(self, exc: BaseException) -> None:
        self._polling = False
        log.info("change watch failed: %r", exc)

    def close(self) -> None:
        self.stop()
        self.watcher.close()
