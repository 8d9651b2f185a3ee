"""Users, roles, their facilities, and login.

Passwords are hashed with argon2id (memory-hard; bcrypt would refuse Vietnamese passphrases over 72 bytes) and
are never stored or logged in clear.

A login answers the same, after the same work, whether the user name exists or not: an unknown name is checked
against a dummy hash, and the answer is "wrong user name or password" either way. Wrong passwords are counted per
user name and source (the PC): after a few, that pair must wait a growing delay; the same user on another PC is
not held up, so nobody can lock ``admin`` out for everyone. An administrator lifts the delay (``unlock_user``).
The password is checked outside any transaction; the bookkeeping is one short write. Every login, failure and
slow-down is audited.

A user works for one or more facilities, or for the whole district (none listed). Role, state and facilities are
sealed (services.audit.reseal): a user changed by hand in the database cannot log in until an administrator sets
them again through the program.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from quarantine_desk.db.engine import sqlite_file
from quarantine_desk.db.models import AuditEvent, Facility, LoginFailure, User, UserFacility
from quarantine_desk.domain.errors import (
    AccountTampered,
    AlreadyExists,
    DatabaseBusy,
    InvalidInput,
    LoginFailed,
    LoginSlowedDown,
    NotFound,
    OutsideFacility,
)
from quarantine_desk.domain.roles import Permission, Role
from quarantine_desk.domain.text import clean_text, nfc
from quarantine_desk.services import audit
from quarantine_desk.services.context import Desk, UserRow

log = logging.getLogger(__name__)

FREE_FAILURES = 3  # wrong passwords from one source before it has to wait
FIRST_DELAY = 5  # seconds to wait after the first failure beyond those; doubles with each one
MAX_DELAY = 15 * 60
MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()
_dummy: tuple[PasswordHasher, str] | None = None


def _dummy_hash() -> str:
    """A hash of a random password with the current cost, checked when the user name is unknown, so that an
    unknown name takes as long to refuse as a wrong password."""
    global _dummy
    if _dummy is None or _dummy[0] is not _hasher:
        _dummy = (_hasher, _hasher.hash(secrets.token_urlsafe(16)))
    return _dummy[1]


def _verify(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def default_source() -> str:
    """Where a login comes from: this PC."""
    try:
        return f"pc:{socket.gethostname()}"[:100]
    except OSError:
        return "pc:?"


def delay_after(failures: int) -> int:
    """Seconds a source waits after ``failures`` wrong passwords in a row: none for the first few, then 5 s,
    10 s, 20 s … up to 15 minutes."""
    if failures < FREE_FAILURES:
        return 0
    return int(min(MAX_DELAY, FIRST_DELAY * 2 ** min(failures - FREE_FAILURES, 20)))


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    full_name: str | None
    role: Role
    active: bool
    locked_until: datetime | None  # the latest a source must wait until, after wrong passwords
    facilities: tuple[str, ...] = ()  # facility codes; empty: the whole district

    @property
    def district(self) -> bool:
        return not self.facilities


def _row(session: Session, user: User) -> UserRow:
    ids = audit.facility_ids_of(session, user.id)
    return UserRow(user.id, user.username, user.full_name, Role(user.role), frozenset(ids) if ids else None)


def _check_username(username: str) -> str:
    username = nfc(username).lower()
    if not username:
        raise InvalidInput("username", "empty")
    if not username.isprintable():
        raise InvalidInput("username", "control_character")
    if len(username) > 50 or any(c.isspace() for c in username):
        raise InvalidInput("username", "bad_format", username)
    return username


def _check_password(password: str) -> str:
    password = nfc(password) if password.strip() else password
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", "too_short", minimum=MIN_PASSWORD_LENGTH)
    return password


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError as exc:
        raise InvalidInput("role", "bad_value", role) from exc


def _facilities(session: Session, desk: Desk, codes: Sequence[str] | None) -> list[Facility]:
    """The facilities named (None: the district), each one the acting user may give."""
    if codes is None:
        if desk.facilities is not None:
            raise OutsideFacility("district", desk.user.role.value if desk.user else None)
        return []
    found: list[Facility] = []
    for code in dict.fromkeys(c.strip().upper() for c in codes):
        facility = session.scalar(select(Facility).where(Facility.code == code))
        if facility is None:
            raise NotFound("facility", code)
        if desk.facilities is not None and facility.id not in desk.facilities:
            raise OutsideFacility(facility.code, desk.user.role.value if desk.user else None)
        found.append(facility)
    if not found:
        raise InvalidInput("facility", "empty")
    return found


def _in_reach(session: Session, desk: Desk, user: User) -> None:
    """A facility's administrator manages only the users of their own facilities."""
    if desk.facilities is None:
        return
    theirs = set(audit.facility_ids_of(session, user.id))
    if not theirs or not theirs <= desk.facilities:
        raise OutsideFacility("user", desk.user.role.value if desk.user else None)


def has_users(desk: Desk) -> bool:
    with desk.read(None) as session:
        return bool(session.scalar(select(func.count()).select_from(User)))


def create_first_admin(desk: Desk, username: str, password: str, full_name: str | None = None) -> UserRow:
    """The first administrator of a new database (for the whole district); refused once any user exists."""
    username = _check_username(username)
    password = _check_password(password)
    password_hash = _hasher.hash(password)
    with desk.write(None) as session:
        if session.scalar(select(func.count()).select_from(User)):
            raise AlreadyExists("first_admin", username)
        user = User(
            username=username,
            full_name=full_name,
            role=Role.ADMIN.value,
            password_hash=password_hash,
            active=True,
            failed_logins=0,
            created_at=desk.now(),
        )
        session.add(user)
        audit.reseal(session, user)
        row = _row(session, user)
        audit.record(
            session,
            desk.as_user(row),
            "user.create",
            "user",
            user.id,
            username=username,
            role=Role.ADMIN.value,
            facilities=[],
            first=True,
        )
        return row


@dataclass(frozen=True)
class _Account:
    """What the login reads before checking the password."""

    id: int | None
    password_hash: str | None
    blocked_until: datetime | None
    failures: int


def login(
    desk: Desk, username: str, password: str, source: str | None = None, *, reading: bool = False
) -> Desk:
    """Check the password; returns the desk acting as that user.

    An unknown or deactivated user and a wrong password get the same answer after the same work (one read, one
    argon2 check, one short write). ``source`` says where the attempt comes from (default: this PC).

    ``reading``: the login is for work that only reads (a list on the command line). On SQLite, where a write
    waits for the one write lock, a right password then waits at most READING_WAIT for it; when another PC holds
    it longer, the login event is kept in a file beside the database (``pending_logins``) and recorded, with its
    own time, by the next login that writes; the read goes on without the lock, as reads do."""
    name = nfc(username).strip().lower()[:50]
    source = (source or default_source())[:100]
    now = desk.now()
    with desk.read(None) as session:
        user = session.scalar(select(User).where(User.username == name))
        failure = session.get(LoginFailure, (name, source))
        account = _Account(
            user.id if user is not None and user.active else None,
            user.password_hash if user is not None and user.active else None,
            failure.blocked_until if failure else None,
            failure.failures if failure else 0,
        )
    if account.blocked_until is not None and account.blocked_until > now:
        # Refused without checking the password: the same for a name that exists and one that does not.
        raise LoginSlowedDown(name, max(1, int((account.blocked_until - now).total_seconds() + 0.999)))
    # The slow part, outside any transaction; an unknown name is checked against the dummy hash.
    right = _verify(account.password_hash or _dummy_hash(), password) and account.id is not None
    new_hash = (
        _hasher.hash(password) if right and _hasher.check_needs_rehash(account.password_hash or "") else None
    )
    outcome: Desk | AccountTampered | LoginFailed = LoginFailed(name)
    later = pending_logins(desk) if right and reading else None
    merged: list[Path] = []
    try:
        with desk.write(None, wait=READING_WAIT if later is not None else None) as session:
            user = session.get(User, account.id) if right else None
            if user is not None and user.active:
                outcome = _logged_in(session, desk, user, source, new_hash)
                merged = _record_pending(session, desk)
            else:
                _count_failure(session, desk, name, source, now, known=account.id is not None)
    except DatabaseBusy:
        if later is None or account.id is None:
            raise
        outcome = _logged_in_later(desk, account.id, source, later)
    for path in merged:  # recorded and committed: the files go
        path.unlink(missing_ok=True)
    if isinstance(outcome, Desk):
        return outcome
    raise outcome


# --- a login recorded later ----------------------------------------------------------------------------------------

READING_WAIT = 2.0  # seconds a login for a read waits for SQLite's write lock before it is recorded later


def pending_logins(desk: Desk) -> Path | None:
    """The folder beside a SQLite file where logins wait to be recorded; None on PostgreSQL (no one write lock)."""
    path = sqlite_file(desk.url) if desk.dialect == "sqlite" else None
    return None if path is None else path.with_name(path.name + ".logins")


def _logged_in_later(desk: Desk, user_id: int, source: str, folder: Path) -> Desk:
    """The checks of ``_logged_in`` in a read, and the login event written to a file of its own (synced before the
    read begins) instead of the audit trail, which another PC's write holds."""
    with desk.read(None) as session:
        user = session.get(User, user_id)
        if user is None or not user.active:
            raise LoginFailed(nfc(user.username) if user else "")
        if user.seal != audit.seal_of(session, user):
            log.warning("login refused: the role or facilities of user #%d do not match their seal", user.id)
            raise AccountTampered(user.username)
        row = _row(session, user)
    at = desk.now().replace(microsecond=0).isoformat()
    event = {"user": user_id, "at": at, "source": source}
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / f"{at.replace(':', '')}-{secrets.token_hex(6)}.json"
    temp = path.with_suffix(".tmp")
    with open(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as handle:
        json.dump(event, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
    log.info("login: user #%d (%s), recorded later: the database is busy", user_id, row.role)
    return desk.as_user(row)


def _fixed(at: datetime) -> Callable[[], datetime]:
    return lambda: at


def _record_pending(session: Session, desk: Desk) -> list[Path]:
    """The logins kept beside the database while it was busy, into the audit trail of this write (each with its own
    time, marked as recorded late); returns their files, removed once the write is committed. A file recorded
    before but not removed (the program stopped in between) is not recorded twice: its name is in the event."""
    folder = pending_logins(desk)
    if folder is None or not folder.is_dir():
        return []
    done: list[Path] = []
    for path in sorted(folder.glob("*.json")):
        try:
            event = json.loads(path.read_text(encoding="utf-8"))
            at = datetime.fromisoformat(event["at"])
            user = session.get(User, int(event["user"]))
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("a login kept while the database was busy could not be read: %s", path.name)
            continue
        if user is None:
            continue
        already = session.scalar(
            select(func.count()).where(AuditEvent.action == "login", AuditEvent.summary.contains(path.stem))
        )
        if not already:
            acting = Desk(desk.engine, desk.url, _row(session, user), clock=_fixed(at))
            audit.record(
                session, acting, "login", "user", user.id, source=str(event.get("source", "")), late=path.stem
            )
        done.append(path)
    return done


def _logged_in(
    session: Session, desk: Desk, user: User, source: str, new_hash: str | None
) -> Desk | AccountTampered:
    session.execute(
        delete(LoginFailure).where(LoginFailure.username == user.username, LoginFailure.source == source)
    )
    row = _row(session, user)
    acting = desk.as_user(row)
    if user.seal != audit.seal_of(session, user):
        audit.record(session, acting, "login.refused", "user", user.id, source=source, reason="seal")
        log.warning("login refused: the role or facilities of user #%d do not match their seal", user.id)
        return AccountTampered(user.username)
    if new_hash is not None:
        user.password_hash = new_hash
    audit.record(session, acting, "login", "user", user.id, source=source)
    log.info("login: user #%d (%s)", user.id, row.role)
    return acting


def _count_failure(
    session: Session, desk: Desk, name: str, source: str, now: datetime, *, known: bool
) -> None:
    # Rows of names tried long ago go: a wait is never longer than MAX_DELAY, so a day-old row holds nothing back,
    # and names typed at random cannot fill the table.
    session.execute(delete(LoginFailure).where(LoginFailure.last_at < now - timedelta(days=1)))
    failure = session.get(LoginFailure, (name, source), with_for_update=True)
    if failure is None:
        failure = LoginFailure(username=name, source=source, failures=0, last_at=now)
        session.add(failure)
    failure.failures += 1
    failure.last_at = now
    delay = delay_after(failure.failures)
    failure.blocked_until = now + timedelta(seconds=delay) if delay else None
    audit.record(session, desk, "login.failed", "user", None, username=name, source=source, known_user=known)
    if delay:
        audit.record(
            session,
            desk,
            "login.slowed",
            "user",
            None,
            username=name,
            source=source,
            failures=failure.failures,
            seconds=delay,
        )
    log.info("failed login from %s (%d in a row)", source, failure.failures)


def create_user(
    desk: Desk,
    username: str,
    password: str,
    role: Role | str,
    full_name: str | None = None,
    facilities: Sequence[str] | None = None,
) -> UserInfo:
    """A new user working for ``facilities`` (codes), or for the whole district when None."""
    username = _check_username(username)
    password = _check_password(password)
    role = _role(role)
    password_hash = _hasher.hash(password)
    with desk.write(Permission.MANAGE_USERS) as session:
        if session.scalar(select(User.id).where(User.username == username)):
            raise AlreadyExists("user", username)
        places = _facilities(session, desk, facilities)
        user = User(
            username=username,
            full_name=clean_text(full_name, "name"),
            role=role.value,
            password_hash=password_hash,
            active=True,
            failed_logins=0,
            created_at=desk.now(),
        )
        session.add(user)
        session.flush()
        session.add_all(UserFacility(user_id=user.id, facility_id=f.id) for f in places)
        audit.reseal(session, user)
        codes = [f.code for f in places]
        audit.record(
            session,
            desk,
            "user.create",
            "user",
            user.id,
            username=username,
            role=role.value,
            facilities=codes,
        )
        return UserInfo(user.id, user.username, user.full_name, role, True, None, tuple(codes))


def _user(session: Session, username: str, *, lock: bool = False) -> User:
    query = select(User).where(User.username == nfc(username).strip().lower())
    user = session.scalar(query.with_for_update() if lock else query)
    if user is None:
        raise NotFound("user", username)
    return user


def update_user(
    desk: Desk,
    username: str,
    *,
    role: Role | str | None = None,
    facilities: Sequence[str] | None = None,
    district: bool = False,
) -> UserInfo:
    """Change a user's role and/or facilities (``district`` for the whole district); audited and sealed again.
    Also how an administrator puts right a user changed by hand in the database."""
    new_role = _role(role) if role is not None else None
    with desk.write(Permission.MANAGE_USERS) as session:
        user = _user(session, username, lock=True)
        _in_reach(session, desk, user)
        before_role = user.role
        before = sorted(f.code for f in _codes(session, user.id))
        if new_role is not None:
            user.role = new_role.value
        if district or facilities is not None:
            places = _facilities(session, desk, None if district else facilities)
            session.execute(delete(UserFacility).where(UserFacility.user_id == user.id))
            session.flush()
            session.add_all(UserFacility(user_id=user.id, facility_id=f.id) for f in places)
        audit.reseal(session, user)
        after = sorted(f.code for f in _codes(session, user.id))
        audit.record(
            session,
            desk,
            "user.update",
            "user",
            user.id,
            username=user.username,
            role=user.role,
            before_role=before_role,
            facilities=after,
            before_facilities=before,
        )
        return _info(session, user)


def _codes(session: Session, user_id: int) -> list[Facility]:
    return list(
        session.scalars(
            select(Facility)
            .join(UserFacility, UserFacility.facility_id == Facility.id)
            .where(UserFacility.user_id == user_id)
            .order_by(Facility.code)
        )
    )


def _info(session: Session, user: User) -> UserInfo:
    until = session.scalar(
        select(func.max(LoginFailure.blocked_until)).where(LoginFailure.username == user.username)
    )
    return UserInfo(
        user.id,
        user.username,
        user.full_name,
        Role(user.role),
        user.active,
        until,
        tuple(f.code for f in _codes(session, user.id)),
    )


def set_password(desk: Desk, username: str, new_password: str) -> None:
    """An administrator resets anyone's password; a user changes their own."""
    username = nfc(username).lower()
    new_password = _check_password(new_password)
    if desk.user is None or desk.user.username != username:
        desk.require(Permission.MANAGE_USERS)
    password_hash = _hasher.hash(new_password)
    with desk.write(None) as session:
        user = _user(session, username)
        if desk.user is None or desk.user.username != username:
            _in_reach(session, desk, user)
        user.password_hash = password_hash
        session.execute(delete(LoginFailure).where(LoginFailure.username == user.username))
        audit.record(
            session, desk, "user.password", "user", user.id, username=username, own=desk.username == username
        )


def unlock_user(desk: Desk, username: str) -> int:
    """Lift the wait after wrong passwords for this user, from every source; returns how many were waiting."""
    with desk.write(Permission.MANAGE_USERS) as session:
        user = _user(session, username)
        _in_reach(session, desk, user)
        cleared = session.execute(delete(LoginFailure).where(LoginFailure.username == user.username))
        count = int(getattr(cleared, "rowcount", 0) or 0)
        audit.record(session, desk, "user.unlock", "user", user.id, username=user.username, sources=count)
        return count


def set_active(desk: Desk, username: str, active: bool) -> None:
    with desk.write(Permission.MANAGE_USERS) as session:
        user = _user(session, username)
        _in_reach(session, desk, user)
        user.active = active
        audit.reseal(session, user)
        audit.record(
            session,
            desk,
            "user.activate" if active else "user.deactivate",
            "user",
            user.id,
            username=user.username,
        )


def list_users(desk: Desk) -> list[UserInfo]:
    """The users; a facility's administrator sees those of their own facilities."""
    with desk.read(Permission.MANAGE_USERS) as session:
        facilities: dict[int, list[tuple[int, str]]] = {}
        for user_id, facility_id, code in session.execute(
            select(UserFacility.user_id, Facility.id, Facility.code).join(
                Facility, Facility.id == UserFacility.facility_id
            )
        ):
            facilities.setdefault(user_id, []).append((facility_id, code))
        waits: dict[str, datetime | None] = dict(
            row
            for row in session.execute(
                select(LoginFailure.username, func.max(LoginFailure.blocked_until)).group_by(
                    LoginFailure.username
                )
            ).tuples()
        )
        rows = []
        for u in session.scalars(select(User).order_by(User.username)):
            places = facilities.get(u.id, [])
            if desk.facilities is not None and (not places or not {i for i, _ in places} <= desk.facilities):
                continue
            rows.append(
                UserInfo(
                    u.id,
                    u.username,
                    u.full_name,
                    Role(u.role),
                    u.active,
                    waits.get(u.username),
                    tuple(sorted(code for _, code in places)),
                )
            )
        return rows
