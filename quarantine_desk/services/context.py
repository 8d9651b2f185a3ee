"""The unit of work: one ``Desk`` per open database and logged-in user.

Every use case runs inside ``desk.write(permission)`` or ``desk.read()``: the permission is checked first, the
work happens in one transaction, and it commits whole or rolls back whole (R8). Only this module commits.
Sessions never leave the ``with`` block, so no live ORM object reaches a view.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, inspect
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from quarantine_desk.db.engine import READ_ONLY, make_engine, resolve_url, safe_url
from quarantine_desk.db.migrate import current_revision, head_revision, upgrade
from quarantine_desk.domain.errors import (
    ConcurrentChange,
    DatabaseNotInitialised,
    DatabaseUnavailable,
    LoginRequired,
    NotAllowed,
)
from quarantine_desk.domain.roles import Permission, Role, allows
from quarantine_desk.services import changes

log = logging.getLogger(__name__)

# The session's facility scope (Desk.facilities), read by services/scope.py wherever a facility is looked up.
FACILITIES = "quarantine_desk_facilities"


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    full_name: str | None
    role: Role
    # The ids of the facilities the user works for; None: the whole district (services/scope.py).
    facilities: frozenset[int] | None = None


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


class Desk:
    """An open database plus the user acting on it."""

    def __init__(
        self, engine: Engine, url: str, user: UserRow | None = None, clock: Callable[[], datetime] = _now
    ) -> None:
        self.engine = engine
        self.url = url
        self.user = user
        self.clock = clock
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        changes.watch(self._sessions)
        self._read_sessions = sessionmaker(engine.execution_options(**{READ_ONLY: True}))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def display_url(self) -> str:
        return safe_url(self.url)

    def as_user(self, user: UserRow | None) -> Desk:
        """The same database, acting as another user (after a login)."""
        return Desk(self.engine, self.url, user, self.clock)

    def now(self) -> datetime:
        return self.clock()

    @property
    def username(self) -> str | None:
        return self.user.username if self.user else None

    @property
    def facilities(self) -> frozenset[int] | None:
        """The facilities the user may work on; None: every one (the district, or nobody logged in yet)."""
        return self.user.facilities if self.user else None

    def require(self, permission: Permission) -> UserRow:
        if self.user is None:
            raise LoginRequired()
        if not allows(self.user.role, permission):
            raise NotAllowed(permission.value, self.user.role.value)
        return self.user

    def can(self, permission: Permission) -> bool:
        return self.user is not None and allows(self.user.role, permission)

    @contextmanager
    def write(self, permission: Permission | None) -> Iterator[Session]:
        """One transaction that changes data; ``None`` only for the login bookkeeping and first set-up."""
        if permission is not None:
            self.require(permission)
        session = self._sessions()
        session.info[FACILITIES] = self.facilities
        try:
            with session.begin():
                yield session
            changes.committed(session)
        except IntegrityError as exc:
            log.warning("write refused by the database: %s", exc.orig)
            raise ConcurrentChange() from exc
        except OperationalError as exc:
            if _is_lock_conflict(exc):
                log.warning("write refused after a lock conflict: %s", exc.orig)
                raise ConcurrentChange() from exc
            raise DatabaseUnavailable(self.display_url, "unreachable", str(exc.orig)) from exc
        except DBAPIError as exc:
            if _is_lock_conflict(exc):
                raise ConcurrentChange() from exc
            raise
        finally:
            session.close()

    @contextmanager
    def read(self, permission: Permission | None = Permission.READ) -> Iterator[Session]:
        """One transaction that only reads; ``None`` only for the login, before anyone is logged in."""
        if permission is not None:
            self.require(permission)
        session = self._read_sessions()
        session.info[FACILITIES] = self.facilities
        try:
            yield session
        except OperationalError as exc:
            if _is_lock_conflict(exc):
                raise ConcurrentChange() from exc
            raise DatabaseUnavailable(self.display_url, "unreachable", str(exc.orig)) from exc
        finally:
            session.rollback()
            session.close()

    def close(self) -> None:
        self.engine.dispose()


def _is_lock_conflict(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower()
    # PostgreSQL: serialization failure / deadlock; SQLite: busy after the timeout.
    code = getattr(exc.orig, "sqlstate", None)
    return code in {"40001", "40P01", "55P03"} or "database is locked" in text


def open_desk(url: str | None = None, *, create: bool = False, upgrade_schema: bool = True) -> Desk:
    """Open the database at ``url`` (else the environment variable, else the default file).

    With ``create``, an empty database gets the schema; otherwise an empty one raises DatabaseNotInitialised
    (except a brand-new SQLite file, which is always created: the first start needs no set-up).
    An older schema is upgraded after a copy is made aside.
    """
    resolved = resolve_url(url)
    engine = make_engine(resolved)
    try:
        current = current_revision(engine)
        if current is None:
            has_tables = bool(inspect(engine).get_table_names())
            if has_tables:
                raise DatabaseNotInitialised(safe_url(resolved))
            if not create and not resolved.startswith("sqlite"):
                raise DatabaseNotInitialised(safe_url(resolved))
            upgrade(engine, resolved)
        elif current != head_revision() and upgrade_schema:
            upgrade(engine, resolved)
    except (OperationalError, DBAPIError) as exc:
        engine.dispose()
        raise DatabaseUnavailable(safe_url(resolved), "error", str(exc.orig)) from exc
    except Exception:
        engine.dispose()
        raise
    return Desk(engine, resolved)
