"""Reading the command line: the parser that reports instead of exiting, dates and times the same way in every
command, and the password."""

from __future__ import annotations

import argparse
import getpass
import os
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


def parse_at(text: str | None, field: str = "at") -> datetime | None:
    """An ISO time ("2021-08-01T08:00"); ``None`` means now, decided by the service."""
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(field, "bad_format", text) from exc
    return value.replace(tzinfo=None)


def parse_date(text: str | None, field: str = "date") -> date | None:
    """An ISO date ("2021-08-01"); ``None`` means today, decided by the service."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(field, "bad_format", text) from exc
