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
    with desk.write(None) as session:
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


def login(desk: Desk, username: str, password: str) -> Desk:
    """Check the password; returns the desk acting as that user."""
    username = nfc(username).lower()
    now = desk.now()
    failure: LoginFailed | AccountLocked | None = None
    row: UserRow | None = None
    with desk.write(None) as session:
        user = session.scalar(select(User).where(User.username == username).with_for_update())
        if user is None or not user.active:
            # Same answer as a wrong password: do not tell which user names exist.
            raise LoginFailed(username)
        if user.locked_until and user.locked_until > now:
            minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
            raise AccountLocked(username, minutes)
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            user.failed_logins += 1
            tries_left = MAX_FAILED_LOGINS - user.failed_logins
            if tries_left <= 0:
                user.failed_logins = 0
                user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                audit.record(session, desk, "user.locked", "user", user.id, username=username)
                failure = AccountLocked(username, LOCK_MINUTES)
            else:
                failure = LoginFailed(username, tries_left)
            log.info("failed login for %s", username)
            # The counter must be kept although the login fails: leave the block normally, then raise.
        else:
            user.failed_logins = 0
            user.locked_until = None
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = _hasher.hash(password)
            row = _row(user)
    if failure is not None:
        raise failure
    assert row is not None
    log.info("login: %s (%s)", row.username, row.role)
    return desk.as_user(row)


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
