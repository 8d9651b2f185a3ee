"""Crash points for the fault tests: the program stops itself, as a kill -9 or a power cut would, at a named point.

``QUARANTINE_DESK_CRASH_AT=NAME`` makes the process kill itself the first time it reaches ``point(NAME)``:
half-way through an import, an export, a backup, a restore or the demo. The tests use it to prove that such
work is all or nothing and leaves no temporary file behind; unset (always, in use), a point does nothing.
"""

from __future__ import annotations

import os
import signal

ENV = "QUARANTINE_DESK_CRASH_AT"


def point(name: str) -> None:
    """Stops the process here, at once and without clean-up, when the environment names this point."""
    if os.environ.get(ENV) != name:
        return
    kill = getattr(signal, "SIGKILL", None)
    if kill is None:  # pragma: no cover - Windows: no SIGKILL, the nearest is an immediate exit
        os._exit(137)
    os.kill(os.getpid(), kill)
