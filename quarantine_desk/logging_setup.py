"""Logging, configured once at start-up: a rotating file in the user's data folder, bounded in size.

The log is read by whoever fixes a PC, so it must not hold what the database protects. Passwords never reach a
log record (the services do not log them, the command line does not echo them), and every line passes through
``redact`` on its way to the file: a password hash, a signing key or any long hex secret, the SQL parameters and
the values a database error echoes back, and every run of 9 to 12 digits (an ID number, a phone number) lose
their content; an ID number keeps its last 3 digits, which is how people tell records apart. Typed errors log
their codes only (``DeskError.__str__``), never the names or the text searched for.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
from pathlib import Path

from quarantine_desk.resources import data_dir

MAX_BYTES = 2_000_000
BACKUPS = 5  # at most (1 + BACKUPS) × MAX_BYTES of log on disk

_HIDDEN = "…"
_RULES: list[tuple[re.Pattern[str], str]] = [
    # An argon2 hash: "$argon2id$v=19$m=65536,t=3,p=4$salt$hash".
    (re.compile(r"\$argon2(?:id|i|d)\$[^\s'\"\]]*"), "$argon2[hash]"),
    # SQLAlchemy echoes the statement's parameters after the error: drop them whole.
    (re.compile(r"\[parameters: .*?\](?=\s*(?:\(Background|$))", re.S), "[parameters: " + _HIDDEN + "]"),
    # PostgreSQL's details quote the values: Key (id_number)=(…), Failing row contains (…).
    (re.compile(r"(Key \([^)]*\)=)\(.*?\)(?=[ .]|$)", re.M), r"\1(" + _HIDDEN + ")"),
    (re.compile(r"(Failing row contains )\(.*\)", re.M), r"\1(" + _HIDDEN + ")"),
    (re.compile(r"(invalid input (?:syntax|value) for [^:]*: )\".*?\"", re.M), r'\1"' + _HIDDEN + '"'),
    # A key, a seal or a hash of the audit chain: 32 hex digits or more.
    (re.compile(r"\b[0-9a-fA-F]{32,}\b"), "[hex]"),
    # A passport number (a letter and 7 or 8 digits).
    (re.compile(r"\b([A-Z])\d{4,5}(\d{3})\b"), r"\1****\2"),
]
_DIGITS = re.compile(r"(?<![\d.,:/-])(\d{6,9})(\d{3})(?!\d)(?![.,:/-]\d)")


def _mask_digits(match: re.Match[str]) -> str:
    return "*" * len(match.group(1)) + match.group(2)


def redact(text: str) -> str:
    """``text`` without secrets or personal data (see the module's docstring)."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return _DIGITS.sub(_mask_digits, text)


class RedactingFormatter(logging.Formatter):
    """Formats a record, its exception and traceback included, then redacts the whole text."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))

    def formatException(self, ei: logging._SysExcInfoType) -> str:  # noqa: N802 - logging's name
        return redact(super().formatException(ei))


_OURS = "quarantine_desk_handler"


def configure(
    level: int = logging.INFO,
    folder: Path | None = None,
    *,
    max_bytes: int = MAX_BYTES,
    backups: int = BACKUPS,
) -> Path | None:
    folder = folder or Path(os.environ.get("QUARANTINE_DESK_LOG_DIR", "") or data_dir() / "logs")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            folder / "quarantine-desk.log", maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
        )
        path: Path | None = folder / "quarantine-desk.log"
    except OSError:
        # A read-only profile must not stop the program: log to stderr instead.
        handler = logging.StreamHandler()
        path = None
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    setattr(handler, _OURS, True)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _OURS, False)]:  # configured again: one file, not two
        root.removeHandler(old)
        old.close()
    root.setLevel(level)
    root.addHandler(handler)
    return path
