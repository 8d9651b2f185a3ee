"""Reading the command line's dates and times, the same way in every command."""

from __future__ import annotations

from datetime import date, datetime

from quarantine_desk.domain.errors import InvalidInput


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
