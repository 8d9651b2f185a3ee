"""Reading the command line: the parser that reports instead of exiting, dates and times the same way in every
command, and the password."""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
from datetime import date, datetime
from typing import NoReturn

from quarantine_desk.domain.errors import InvalidInput

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
