"""Users, roles and login.

Passwords are hashed with argon2id (memory-hard; bcrypt would refuse Vietnamese passphrases over 72 bytes) and
are never stored or logged in clear. Five wrong passwords lock the account for a few minutes; the counter is
kept in the database so the lock holds on every PC.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from quarantine_desk.db.models import User
from quarantine_desk.domain.errors import (
    AccountLocked,
    AlreadyExists,
    InvalidInput,
    LoginFailed,
    NotFound,
)
from quarantine_desk.domain.roles import Permission, Role
from quarantine_desk.domain.text import nfc
from quarantine_desk.services import audit
from quarantine_desk.services.context import Desk, UserRow

log = logging.getLogger(__name__)

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 5
MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    full_name: str | None
    role: Role
    active: bool
    locked_until: datetime | None


def _row(user: User) -> UserRow:
    return UserRow(user.id, user.username, user.full_name, Role(user.role))


def _check_username(username: str) -> str:
    username = nfc(username).lower()
    if not username:
        raise InvalidInput("username", "empty")
    if len(username) > 50 or any(c.isspace() for c in username):
        raise InvalidInput("username", "bad_format", username)
    return username


def _check_password(password: str) -> str:
    password = nfc(password) if password.strip() else password
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", "too_short", minimum=MIN_PASSWORD_LENGTH)
    return password


def has_users(desk: Desk) -> bool:
    with desk.read(None) as session:
        return bool(session.scalar(select(func.count()).select_from(User)))


def create_first_admin(desk: Desk, username: str, password: str, full_name: str | None = None) -> UserRow:
    """The first administrator of a new database; refused once any user exists."""
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
        session.flush()
        audit.record(
            session,
            desk.as_user(_row(user)),
            "user.create",
            "user",
            user.id,
            username=username,
            role=Role.ADMIN.value,
            first=True,
        )
        return _row(user)


@dataclass(frozen=True)
class _Account:
    """What a login reads of the user, before any lock is taken."""

    id: int
    password_hash: str
    active: bool
    failed_logins: int
    locked_until: datetime | None
    row: UserRow


def _account(desk: Desk, username: str) -> _Account | None:
    with desk.read(None) as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            return None
        return _Account(
            user.id, user.password_hash, user.active, user.failed_logins, user.locked_until, _row(user)
        )


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def login(desk: Desk, username: str, password: str) -> Desk:
    """Check the password; returns the desk acting as that user.

    The password is checked (argon2, deliberately slow) outside any transaction: a read first, then at most one
    short write for the bookkeeping (the counter of wrong tries, a lock, a stronger hash), so a login never holds
    up another PC's work, nor waits for it longer than that write.
    """
    username = nfc(username).lower()
    account = _account(desk, username)
    if account is None or not account.active:
        # Same answer as a wrong password: do not tell which user names exist.
        raise LoginFailed(username)
    now = desk.now()
    if account.locked_until and account.locked_until > now:
        raise AccountLocked(username, _minutes_left(account.locked_until, now))
    if not _password_matches(account.password_hash, password):
        log.info("failed login for %s", username)
        raise _count_failure(desk, account.id, username)
    stronger = _hasher.hash(password) if _hasher.check_needs_rehash(account.password_hash) else None
    if account.failed_logins or account.locked_until or stronger:
        with desk.write(None) as session:
            user = session.get(User, account.id, with_for_update=True)
            if user is not None:
                user.failed_logins = 0
                user.locked_until = None
                # Only over the hash just checked: a password changed meanwhile stays changed.
                if stronger and user.password_hash == account.password_hash:
                    user.password_hash = stronger
    log.info("login: %s (%s)", account.row.username, account.row.role)
    return desk.as_user(account.row)


def _minutes_left(locked_until: datetime, now: datetime) -> int:
    return max(1, int((locked_until - now).total_seconds() // 60) + 1)


def _count_failure(desk: Desk, user_id: int, username: str) -> LoginFailed | AccountLocked:
    """One short write: count the wrong try, and lock the account at the fifth (the error to raise)."""
    with desk.write(None) as session:
        user = session.get(User, user_id, with_for_update=True)
        if user is None:
            return LoginFailed(username)
        now = desk.now()  # after the lock: tries of two PCs at once are both counted, in order
        if user.locked_until and user.locked_until > now:
            return AccountLocked(username, _minutes_left(user.locked_until, now))
        user.failed_logins += 1
        tries_left = MAX_FAILED_LOGINS - user.failed_logins
        if tries_left > 0:
            return LoginFailed(username, tries_left)
        user.failed_logins = 0
        user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        audit.record(session, desk, "user.locked", "user", user.id, username=username)
        return AccountLocked(username, LOCK_MINUTES)


def create_user(
    desk: Desk, username: str, password: str, role: Role | str, full_name: str | None = None
) -> UserInfo:
    username = _check_username(username)
    password = _check_password(password)
    try:
        role = Role(role)
    except ValueError as exc:
        raise InvalidInput("role", "bad_value", role) from exc
    password_hash = _hasher.hash(password)
    with desk.write(Permission.MANAGE_USERS) as session:
        if session.scalar(select(User.id).where(User.username == username)):
            raise AlreadyExists("user", username)
        user = User(
            username=username,
            full_name=nfc(full_name) if full_name else None,
            role=role.value,
            password_hash=password_hash,
            active=True,
            failed_logins=0,
            created_at=desk.now(),
        )
        session.add(user)
        session.flush()
        audit.record(session, desk, "user.create", "user", user.id, username=username, role=role.value)
        return UserInfo(user.id, user.username, user.full_name, role, True, None)


def set_password(desk: Desk, username: str, new_password: str) -> None:
    """An administrator resets anyone's password; a user changes their own."""
    username = nfc(username).lower()
    new_password = _check_password(new_password)
    if desk.user is None or desk.user.username != username:
        desk.require(Permission.MANAGE_USERS)
    password_hash = _hasher.hash(new_password)
    with desk.write(None) as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound("user", username)
        user.password_hash = password_hash
        user.failed_logins = 0
        user.locked_until = None
        audit.record(session, desk, "user.password", "user", user.id, username=username)


def set_active(desk: Desk, username: str, active: bool) -> None:
    with desk.write(Permission.MANAGE_USERS) as session:
        user = session.scalar(select(User).where(User.username == nfc(username).lower()))
        if user is None:
            raise NotFound("user", username)
        user.active = active
        audit.record(
            session,
            desk,
            "user.activate" if active else "user.deactivate",
            "user",
            user.id,
            username=user.username,
        )


def list_users(desk: Desk) -> list[UserInfo]:
    with desk.read(Permission.MANAGE_USERS) as session:
        return [
            UserInfo(u.id, u.username, u.full_name, Role(u.role), u.active, u.locked_until)
            for u in session.scalars(select(User).order_by(User.username))
        ]
