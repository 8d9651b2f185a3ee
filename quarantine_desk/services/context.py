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
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from quarantine_desk.db.engine import (
    READ_ONLY,
    WAIT,
    check_integrity,
    database_problem,
    make_engine,
    problem_reason,
    resolve_url,
    safe_url,
    sqlite_file,
)
from quarantine_desk.db.migrate import current_revision, head_revision, upgrade
from quarantine_desk.domain.errors import (
    ConcurrentChange,
    DatabaseNotInitialised,
    DatabaseUnavailable,
    InvalidInput,
    LoginRequired,
    NotAllowed,
)
from quarantine_desk.domain.roles import Permission, Role, allows
from quarantine_desk.services import changes, watch

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
        self,
        engine: Engine,
        url: str,
        user: UserRow | None = None,
        clock: Callable[[], datetime] = _now,
        *,
        integrity_due: bool = False,
    ) -> None:
        self.engine = engine
        self.url = url
        self.user = user
        self.clock = clock
        # The SQLite file was opened without its integrity check (the window's start): the window runs it in the
        # background once it is shown (``check_integrity``).
        self.integrity_due = integrity_due
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        changes.watch(self._sessions)
        watch.announce_flushes(self._sessions, engine)
        self._read_sessions = sessionmaker(engine.execution_options(**{READ_ONLY: True}))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def display_url(self) -> str:
        return safe_url(self.url)

    def as_user(self, user: UserRow | None) -> Desk:
        """The same database, acting as another user (after a login)."""
        return Desk(self.engine, self.url, user, self.clock, integrity_due=self.integrity_due)

    def check_integrity(self) -> None:
        """``PRAGMA quick_check`` of a SQLite file (it reads the whole file: seconds on a province's database);
        raises ``DatabaseUnavailable`` with reason ``damaged``. A read: the other windows and PCs go on."""
        check_integrity(self.engine, self.url)
        self.integrity_due = False

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
    def write(self, permission: Permission | None, *, wait: float | None = None) -> Iterator[Session]:
        """One transaction that changes data; ``None`` only for the login bookkeeping and first set-up.

        On SQLite the transaction begins (``BEGIN IMMEDIATE``, the write lock) on entering the block, so a time
        read inside it with ``now()`` comes after every write that committed before it; ``wait`` seconds for the
        lock instead of the usual bound (engine.BUSY_TIMEOUT_SECONDS).
        """
        if permission is not None:
            self.require(permission)
        session = self._sessions()
        session.info[FACILITIES] = self.facilities
        try:
            with session.begin():
                session.connection(execution_options={WAIT: wait} if wait is not None else None)
                yield session
                if self.dialect == "postgresql":
                    session.flush()
                    watch.announce(session, changes.pending(session))  # heard by the other PCs on commit
            changes.committed(session)
        except IntegrityError as exc:
            log.warning("write refused by the database: %s", exc.orig)
            raise ConcurrentChange() from exc
        except DataError as exc:
            raise _refused_value(exc) from exc
        except DBAPIError as exc:
            if _is_lock_conflict(exc):
                log.warning("write refused after a lock conflict: %s", exc.orig)
                raise ConcurrentChange() from exc
            raise self._problem(exc) from exc
        except UnicodeEncodeError as exc:
            raise _refused_value(exc) from exc
        finally:
            session.close()

    @contextmanager
    def read(self, permission: Permission | None = Permission.READ) -> Iterator[Session]:
        """A read: never takes the write lock (on SQLite a deferred transaction, on WAL a snapshot), so it
        neither waits for another PC's write nor holds one up. ``None`` only before a login."""
        if permission is not None:
            self.require(permission)
        session = self._read_sessions()
        session.info[FACILITIES] = self.facilities
        try:
            yield session
        except DataError as exc:
            raise _refused_value(exc) from exc
        except DBAPIError as exc:
            if _is_lock_conflict(exc):
                raise ConcurrentChange() from exc
            raise self._problem(exc) from exc
        except UnicodeEncodeError as exc:
            raise _refused_value(exc) from exc
        finally:
            session.rollback()
            session.close()

    def _problem(self, exc: DBAPIError) -> Exception:
        """A driver error as the user's problem (busy, read-only, disk full, damaged…); a bug stays itself."""
        if isinstance(exc, OperationalError) or problem_reason(exc) != "unreachable":
            log.warning("database problem: %s", exc.orig)
            return database_problem(self.url, exc)
        return exc

    @contextmanager
    def one_transaction(self) -> Iterator[Desk]:
        """A desk on which every use case runs inside this one transaction: committed when the block ends, rolled
        back whole when it fails or the program is stopped (R8). For work made of many use cases that must never
        be left half-done (the demo). Each use case inside runs in a savepoint, so one refused by a rule leaves
        the others in place."""
        session = self._sessions()
        session.info[FACILITIES] = self.facilities
        try:
            with session.begin():
                session.connection()
                yield SharedDesk(self, session)
            changes.committed(session)
        except IntegrityError as exc:
            log.warning("write refused by the database: %s", exc.orig)
            raise ConcurrentChange() from exc
        except DBAPIError as exc:
            if _is_lock_conflict(exc):
                raise ConcurrentChange() from exc
            raise self._problem(exc) from exc
        finally:
            session.close()

    def close(self) -> None:
        self.engine.dispose()


class SharedDesk(Desk):
    """The desk of ``Desk.one_transaction``: reads and writes share its session; each write is a savepoint."""

    def __init__(self, outer: Desk, session: Session, user: UserRow | None = None) -> None:
        super().__init__(outer.engine, outer.url, user if user is not None else outer.user, outer.clock)
        self._outer = outer
        self._shared = session

    def as_user(self, user: UserRow | None) -> Desk:
        return SharedDesk(self._outer, self._shared, user)

    @contextmanager
    def write(self, permission: Permission | None, *, wait: float | None = None) -> Iterator[Session]:
        if permission is not None:
            self.require(permission)
        try:
            with self._shared.begin_nested():
                yield self._shared
        except IntegrityError as exc:
            raise ConcurrentChange() from exc

    @contextmanager
    def read(self, permission: Permission | None = Permission.READ) -> Iterator[Session]:
        if permission is not None:
            self.require(permission)
        yield self._shared

    @contextmanager
    def one_transaction(self) -> Iterator[Desk]:
        yield self

    def close(self) -> None:
        """The transaction's owner closes the engine."""


def _refused_value(exc: Exception) -> InvalidInput:
    """A value the database itself refused (a NUL in text or a number beyond a column's range on PostgreSQL, a
    character SQLite cannot encode): the checks of the domain should have caught it first; the user still gets
    a sentence, and the log gets the kind of error without the values (they may be personal data)."""
    log.error("a value reached the database unchecked and was refused: %s", type(exc).__name__)
    return InvalidInput("value", "bad_value")


def _is_lock_conflict(exc: DBAPIError) -> bool:
    # PostgreSQL: serialization failure or deadlock, the transaction was rolled back for another's sake. (SQLite
    # still busy after its timeout is DatabaseBusy: nobody changed anything, the database was only busy.)
    return getattr(exc.orig, "sqlstate", None) in {"40001", "40P01"}


def open_desk(
    url: str | None = None,
    *,
    create: bool = False,
    upgrade_schema: bool = True,
    defer_integrity: bool = False,
) -> Desk:
    """Open the database at ``url`` (else the environment variable, else the default file).

    Only with ``create`` (``init``, the window's first start) does a missing or empty database get the schema;
    otherwise a missing or empty SQLite file is named as such (a mistyped path never becomes a new database) and
    an empty PostgreSQL database raises DatabaseNotInitialised. A SQLite file of another program is refused; one
    that fails ``PRAGMA quick_check`` is named as damaged. An older schema is upgraded after a copy is made aside.

    With ``defer_integrity`` (the window's start) the check, which reads the whole file, is left to the caller
    (``Desk.integrity_due``, ``Desk.check_integrity``) unless the schema is to be upgraded: a file is checked
    before the program changes its schema.
    """
    resolved = resolve_url(url)
    path = sqlite_file(resolved)
    if path is not None and not create:
        if not path.exists():
            raise DatabaseUnavailable(safe_url(resolved), "missing")
        if path.is_file() and path.stat().st_size == 0:
            raise DatabaseUnavailable(safe_url(resolved), "empty")
    engine = make_engine(resolved)
    try:
        current = current_revision(engine) if defer_integrity else None
        # Only a file whose schema is already this program's is left unchecked: one is checked before an upgrade.
        deferred = path is not None and current is not None and current == head_revision()
        if not deferred:
            if path is not None:
                check_integrity(engine, resolved)
            current = current_revision(engine)
        if current is None:
            has_tables = bool(inspect(engine.execution_options(**{READ_ONLY: True})).get_table_names())
            if has_tables and path is not None:
                raise DatabaseUnavailable(safe_url(resolved), "not_ours")
            if has_tables or not create:
                raise DatabaseNotInitialised(safe_url(resolved))
            upgrade(engine, resolved)
        elif current != head_revision() and upgrade_schema:
            upgrade(engine, resolved)
    except DBAPIError as exc:
        engine.dispose()
        raise database_problem(resolved, exc) from exc
    except Exception:
        engine.dispose()
        raise
    return Desk(engine, resolved, integrity_due=deferred)
