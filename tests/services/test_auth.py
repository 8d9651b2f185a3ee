"""Login, lock-out, roles and the first administrator."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quarantine_desk.db.models import User
from quarantine_desk.domain.errors import AccountLocked, AlreadyExists, InvalidInput, LoginFailed, NotAllowed
from quarantine_desk.domain.roles import Role
from quarantine_desk.services import auth
from tests.helpers import ADMIN_PASSWORD, as_role


def test_login_with_the_right_password(desk):
    logged = auth.login(desk.as_user(None), "Admin", ADMIN_PASSWORD)
    assert logged.user is not None and logged.user.role is Role.ADMIN


def test_password_is_not_stored_in_clear(desk):
    with desk.write(None) as session:
        stored = session.query(User).filter_by(username="admin").one().password_hash
    assert ADMIN_PASSWORD not in stored
    assert stored.startswith("$argon2id$")


def test_wrong_password_then_lock_out(desk, clock):
    anonymous = desk.as_user(None)
    for expected_left in (4, 3, 2, 1):
        with pytest.raises(LoginFailed) as info:
            auth.login(anonymous, "admin", "sai mật khẩu")
        assert info.value.tries_left == expected_left
    with pytest.raises(AccountLocked):
        auth.login(anonymous, "admin", "sai mật khẩu")
    # Locked even with the right password, until the lock runs out.
    with pytest.raises(AccountLocked):
        auth.login(anonymous, "admin", ADMIN_PASSWORD)
    clock.now += timedelta(minutes=auth.LOCK_MINUTES + 1)
    assert auth.login(anonymous, "admin", ADMIN_PASSWORD).user is not None


def test_unknown_user_gets_the_same_answer(desk):
    with pytest.raises(LoginFailed):
        auth.login(desk.as_user(None), "không-có", "whatever-123")


def test_long_vietnamese_passphrase(desk):
    phrase = "Tuyệt đối không để xảy ra lây nhiễm chéo trong các cơ sở cách ly tập trung"
    assert len(phrase.encode()) > 72
    auth.create_user(desk, "yte1", phrase, Role.MEDICAL)
    assert auth.login(desk.as_user(None), "yte1", phrase).user.role is Role.MEDICAL


def test_only_admin_manages_users(desk):
    with pytest.raises(NotAllowed):
        auth.create_user(as_role(desk, Role.MANAGER), "x1", "mat-khau-dai", Role.VIEWER)
    with pytest.raises(InvalidInput):
        auth.create_user(desk, "x1", "ngan", Role.VIEWER)
    auth.create_user(desk, "x1", "mat-khau-dai", Role.VIEWER)
    with pytest.raises(AlreadyExists):
        auth.create_user(desk, "X1", "mat-khau-dai", Role.VIEWER)


def test_first_admin_only_once(desk):
    with pytest.raises(AlreadyExists):
        auth.create_first_admin(desk, "second", "mat-khau-dai")


def test_deactivated_user_cannot_log_in(desk):
    auth.create_user(desk, "hc1", "mat-khau-dai", Role.LOGISTICS)
    auth.set_active(desk, "hc1", False)
    with pytest.raises(LoginFailed):
        auth.login(desk.as_user(None), "hc1", "mat-khau-dai")
