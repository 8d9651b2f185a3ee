"""Waiting for the window's writes: they run on the task worker and report back through the event loop."""

from __future__ import annotations

from quarantine_desk.ui import tasks


def wait_for_writes(qtbot, timeout: int = 5000) -> None:  # type: ignore[no-untyped-def]
    """Until every write (and any other task) has reported and its callbacks have run."""
    qtbot.waitUntil(tasks.idle, timeout=timeout)
