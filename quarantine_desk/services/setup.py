"""First start: create or upgrade the database, the first administrator and the 2021 quarantine policies; and how
far a new database is from its first check-in (the window shows the steps left)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import func, select

from quarantine_desk.db.engine import ENV_URL, safe_url
from quarantine_desk.db.models import Facility, Person, Room
from quarantine_desk.services import auth
from quarantine_desk.services.context import Desk, UserRow, open_desk
from quarantine_desk.services.policies import ensure_default_policies


def url_from_environment() -> str | None:
    """The database named by the environment variable, if any (``open_desk`` reads it when given no URL)."""
    return os.environ.get(ENV_URL) or None


def display_url(url: str) -> str:
    """A database URL fit to show: without its password."""
    return safe_url(url)


def initialise(
    url: str | None, admin: str | None = None, password: str | None = None
) -> tuple[Desk, UserRow | None]:
    """Create or upgrade the schema; with ``admin`` and no user yet, create the first administrator."""
    desk = open_desk(url, create=True)
    with desk.write(None) as session:
        ensure_default_policies(session)
    user = None
    if admin is not None and password is not None and not auth.has_users(desk):
        user = auth.create_first_admin(desk, admin, password)
    return desk, user


@dataclass(frozen=True)
class SetupProgress:
    """How far a new database is from the first check-in: facilities, rooms and people it holds."""

    facilities: int
    rooms: int
    people: int

    @property
    def complete(self) -> bool:
        return bool(self.facilities and self.rooms and self.people)


def setup_progress(desk: Desk) -> SetupProgress:
    with desk.read() as session:
        return SetupProgress(
            int(session.scalar(select(func.count(Facility.id))) or 0),
            int(session.scalar(select(func.count(Room.id))) or 0),
            int(session.scalar(select(func.count(Person.id))) or 0),
        )
