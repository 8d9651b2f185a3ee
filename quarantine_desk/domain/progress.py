"""The one shape of progress for long work: ``progress(done, total)`` counts items, ``should_stop()`` asks whether
the user pressed Cancel. Services and exports report in it; only the window turns it into a percentage."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]
ShouldStop = Callable[[], bool]
