"""First start: create or upgrade the database, the first administrator and the 2021 quarantine policies."""

from __future__ import annotations

from quarantine_desk.services import auth
from quarantine_desk.services.context import Desk, UserRow, open_desk
from quarantine_desk.services.policies import ensure_default_policies


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
