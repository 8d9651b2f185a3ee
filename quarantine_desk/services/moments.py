"""The moment of an operation, the same way in every service: the time given or now, to the second, never far
in the future; and the bounds of a day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.services.context import Desk


def moment(desk: Desk, at: datetime | None, field: str = "at") -> datetime:
    """``at``, or now when it is None, to the second. A time far in the future is a typing mistake, not a plan.

    A use case reads it inside its transaction once the locks it needs are held (on SQLite the write lock, on
    PostgreSQL the rows it changes): a write that waited for another PC's write is then recorded after it, so the
    recorded times never contradict the order of events (a disinfection before the admission that followed it)."""
    value = (at or desk.now()).replace(microsecond=0)
    if value > desk.now() + timedelta(days=1):
        raise InvalidInput(field, "in_future", value.isoformat())
    return value


def day_bounds(on: date) -> tuple[datetime, datetime]:
    """The start of the day ``on`` and the start of the next."""
    start = datetime.combine(on, time.min)
    return start, start + timedelta(days=1)
