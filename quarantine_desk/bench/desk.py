"""The benchmark's database as the program opens it: its administrator and its clock, and nothing of the code that
makes the province (the window probe imports only this, as the program imports no benchmark code)."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select

from quarantine_desk.db.models import User
from quarantine_desk.domain.roles import Role
from quarantine_desk.services.context import Desk, UserRow, open_desk

#: The day the data describes; the benchmark's clock stands at 10:00 on it.
TODAY = date(2021, 10, 1)
NOW = datetime.combine(TODAY, time(10, 0))
ADMIN = "bench"


def bench_desk(url: str, *, defer_integrity: bool = False) -> Desk:
    """The generated database, acting as its administrator, with the clock at ``NOW``; ``defer_integrity`` as
    the window opens it (``open_desk``)."""
    desk = open_desk(url, defer_integrity=defer_integrity)
    with desk.read(None) as session:
        user_id = session.execute(select(User.id).where(User.username == ADMIN)).scalar_one()
    return Desk(
        desk.engine,
        desk.url,
        UserRow(user_id, ADMIN, None, Role.ADMIN),
        clock=lambda: NOW,
        integrity_due=desk.integrity_due,
    )
