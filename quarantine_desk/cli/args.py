"""Reading the command line: the parser that reports instead of exiting, dates and times the same way in every
command, and the password."""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

from quarantine_desk.domain.errors import BadFile, InvalidInput

PASSWORD_ENV = "QUARANTINE_DESK_PASSWORD"


class UsageError(Exception):
    """A command line that does not parse (exit code 2)."""


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so the error goes out as JSON when asked."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def password(prompt: str = "Mật khẩu: ") -> str:
    """The password from QUARANTINE_DESK_PASSWORD, else typed at the terminal."""
    given = os.environ.get(PASSWORD_ENV)
    if given is not None:
        return given
    if not sys.stdin or not sys.stdin.isatty():
        raise InvalidInput("password", "empty")
    return getpass.getpass(prompt)


#: 1/8/2021 and 01/08/2021 (day first, as written in Vietnam), with a time "8:00" or "08:00" after it.
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2}))?$")


def _day_month_year(text: str) -> datetime | None:
    match = _DMY.match(text.strip())
    if match is None:
        return None
    day, month, year, hour, minute = match.groups()
    return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0))


def parse_at(text: str | None, field: str = "at") -> datetime | None:
    """A time: "2021-08-01T08:00", "2021-08-01 08:00", "01/08/2021 08:00" or "1/8/2021 8:00" (a date alone is
    its midnight); ``None`` means now, decided by the service."""
    if text is None:
        return None
    try:
        value = _day_month_year(text) or datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput(field, "bad_time", text) from exc
    return value.replace(tzinfo=None)


def parse_date(text: str | None, field: str = "date") -> date | None:
    """A day: "2021-08-01", "01/08/2021" or "1/8/2021"; ``None`` means today, decided by the service."""
    if text is None:
        return None
    try:
        if "/" in text:
            value = _day_month_year(text)
            if value is None or value.time() != datetime.min.time() or " " in text.strip():
                raise ValueError(text)
            return value.date()
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput(field, "bad_date", text) from exc


def number(field: str, minimum: int, maximum: int) -> Callable[[str], int]:
    """An argument type: a whole number from ``minimum`` to ``maximum``; else InvalidInput naming ``field``."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError as exc:
            raise InvalidInput(field, "bad_value", shown(text)) from exc
        if not minimum <= value <= maximum:
            raise InvalidInput(field, "out_of_range", value, minimum=minimum, maximum=maximum)
        return value

    return parse


#: The longest file name component and path the command line takes (the usual limits of the file systems).
NAME_BYTES, PATH_BYTES = 255, 4096


def shown(text: str, limit: int = 80) -> str:
    """Text as a message may show it: control characters as "?", cut after ``limit`` characters."""
    clean = "".join("?" if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in text[: limit + 1])
    return clean if len(clean) <= limit else clean[:limit] + "…"


def file_path(text: str) -> Path:
    """An argument type for a file named on the command line: a name no file can have (empty, a NUL or another
    control character, too long) is refused with BadFile (exit 6) before any work starts. Whether the file
    exists, or its folder does, is checked by the work that reads or writes it."""
    name = text.strip()
    if not name or any(unicodedata.category(ch) == "Cc" for ch in name):
        raise BadFile(shown(text), "bad_name")
    try:
        encoded = os.fsencode(name)
    except UnicodeEncodeError as exc:
        raise BadFile(shown(text), "bad_name") from exc
    if len(encoded) > PATH_BYTES or any(len(part) > NAME_BYTES for part in encoded.split(os.sep.encode())):
        raise BadFile(shown(text), "bad_name")
    path = Path(name)
    if path.is_dir():
        raise BadFile(shown(text), "is_a_folder")
    return path


def output_path(text: str) -> Path:
    """An argument type for a file a command writes: ``file_path``, in a folder that exists (a missing folder is
    named before any work; the program does not create folders it was not asked to)."""
    path = file_path(text)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise BadFile(shown(text), "no_folder")
    return path
