"""Waiting for the window's background work: writes on the task worker, reads on the reader pool; both report
back through the event loop."""

from __future__ import annotations

import time

from PySide6.QtTest import QTest

from quarantine_desk.services import changes
from quarantine_desk.services.changes import Area
from quarantine_desk.ui import operations
from quarantine_desk.ui.context import UiContext


def wait_for_writes(qtbot, timeout: int = 5000) -> None:  # type: ignore[no-untyped-def]
    """Until every write, task and read has reported and its callbacks have run (and the reloads the writes
    caused have arrived too)."""
    qtbot.waitUntil(operations.idle, timeout=timeout)


def settle(timeout: int = 10_000) -> None:
    """The same wait, for tests and fixtures that have no ``qtbot`` at hand: after building a page (it reads
    its data in the background) or after ``page.refresh()``."""
    deadline = time.monotonic() + timeout / 1000
    while not operations.idle():
        assert time.monotonic() < deadline, "the window's background work did not finish"
        QTest.qWait(10)


def changed_elsewhere(ctx: UiContext, *areas: Area) -> None:
    """The test (as another PC would) changed data behind the window's back: tell the pages, let them reload."""
    ctx.notify(areas or changes.EVERYTHING)
    settle()
