"""Logging, configured once at start-up: a rotating file in the user's data folder.

Passwords never reach a log record: the services do not log them and the command line does not echo them.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from quarantine_desk.resources import data_dir


def configure(level: int = logging.INFO, folder: Path | None = None) -> Path | None:
    folder = folder or Path(os.environ.get("QUARANTINE_DESK_LOG_DIR", "") or data_dir() / "logs")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            folder / "quarantine-desk.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
        path: Path | None = folder / "quarantine-desk.log"
    except OSError:
        # A read-only profile must not stop the program: log to stderr instead.
        handler = logging.StreamHandler()
        path = None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
    return path
