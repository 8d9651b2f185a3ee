"""Login, lock-out, roles and the first administrator."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from quarantine_desk.db.models import LoginFailure, User
from quarantine_desk.domain.errors import (
    AccountTampered,
    AlreadyExists,
    InvalidInput,
    LoginFailed,
    LoginSlowedDown,
    NotAllowed,
)
from quarantine_desk.domain.roles import Role
from quarantine_desk.messages import describe
from quarantine_desk.services import audit, auth
from tests.helpers import ADMIN_PASSWORD, as_role


def test_login_with_the_right_password(desk):
    logged = auth.login(desk.as_user(None), "Admin", ADMIN_PASSWORD)
    assert logged.user is not None and logged.user.role is Role.ADMIN


def test_password_is_not_stored_in_clear(desk):
    with desk.write(None) as session:
        stored = session.query(User).filter_by(username="admin").one().password_hash
    assert ADMIN_PASSWORD not in stored
    assert stored.startswith("$argon2id$")


def test_wrong_passwords_slow_down_that_user_from_that_source_only(desk, clock):
    anonymous = desk.as_user(None)
    for _ in range(auth.FREE_FAILURES):
        with pytest.raises(LoginFailed):
            auth.login(anonymous, "admin", "sai mật khẩu", source="pc:gate")
    # Now this PC waits, even with the right password ...
    with pytest.raises(LoginSlowedDown) as info:
        auth.login(anonymous, "admin", ADMIN_PASSWORD, source="pc:gate")
    assert info.value.seconds == auth.FIRST_DELAY
    # ... but the administrator still logs in from another PC: nobody is locked out for everyone.
    assert auth.login(anonymous, "admin", ADMIN_PASSWORD, source="pc:office").user is not None
    clock.now += timedelta(seconds=auth.FIRST_DELAY)
    with pytest.raises(LoginFailed):
        auth.login(anonymous, "admin", "sai lần nữa", source="pc:gate")
    with pytest.raises(LoginSlowedDown) as info:
        auth.login(anonymous, "admin", ADMIN_PASSWORD, source="pc:gate")
    assert info.value.seconds == 2 * auth.FIRST_DELAY  # the wait grows
    clock.now += timedelta(seconds=2 * auth.FIRST_DELAY)
    assert auth.login(anonymous, "admin", ADMIN_PASSWORD, source="pc:gate").user is not None
    # A good login starts the count again.
    with pytest.raises(LoginFailed):
        auth.login(anonymous, "admin", "sai", source="pc:gate")


def test_failures_of_names_tried_long_ago_are_forgotten(desk, clock):
    anonymous = desk.as_user(None)
    for name in ("ai-do-1", "ai-do-2"):
        with pytest.raises(LoginFailed):
            auth.login(anonymous, name, "sai mật khẩu", source="pc:x")
    clock.now += timedelta(days=2)
    with pytest.raises(LoginFailed):
        auth.login(anonymous, "ai-do-3", "sai mật khẩu", source="pc:x")
    with desk.read() as session:
        assert [f.username for f in session.query(LoginFailure)] == ["ai-do-3"]


def test_the_delay_grows_and_is_bounded():
    assert [auth.delay_after(n) for n in range(6)] == [0, 0, 0, 5, 10, 20]
    assert auth.delay_after(100) == auth.MAX_DELAY


def test_an_administrator_unlocks_a_user(desk):
    anonymous = desk.as_user(None)
    auth.create_user(desk, "yte9", "mat-khau-dai", Role.MEDICAL)
    for source in ("pc:a", "pc:b"):
        for _ in range(auth.FREE_FAILURES):
            with pytest.raises(LoginFailed):
                auth.login(anonymous, "yte9", "sai mật khẩu", source=source)
    assert {u.username: u for u in auth.list_users(desk)}["yte9"].locked_until is not None
    with pytest.raises(NotAllowed):
        auth.unlock_user(as_role(desk, Role.MANAGER), "yte9")
    assert auth.unlock_user(desk, "yte9") == 2
    assert auth.login(anonymous, "yte9", "mat-khau-dai", source="pc:a").user is not None
    assert {e.action for e in audit.list_events(desk, action="user.unlock")} == {"user.unlock"}


def test_unknown_user_gets_the_same_answer(desk):
    with pytest.raises(LoginFailed) as unknown:
        auth.login(desk.as_user(None), "không-có", "whatever-123")
    with pytest.raises(LoginFailed) as known:
        auth.login(desk.as_user(None), "admin", "whatever-123")
    assert describe(unknown.value, "vi") == describe(known.value, "vi") == "Sai tên đăng nhập hoặc mật khẩu."


class _CountingHasher:
    """The test hasher, counting the hashes each check is made against."""

    def __init__(self, inner: PasswordHasher) -> None:
        self.inner = inner
        self.checked: list[str] = []

    def verify(self, password_hash: str, password: str) -> bool:
        self.checked.append(password_hash)
        return self.inner.verify(password_hash, password)

    def hash(self, password: str) -> str:
        return self.inner.hash(password)

    def check_needs_rehash(self, password_hash: str) -> bool:
        return self.inner.check_needs_rehash(password_hash)


@pytest.mark.parametrize("who", ["unknown", "wrong_password", "deactivated"])
def test_login_does_the_same_work_for_an_unknown_user_as_for_a_wrong_password(desk, monkeypatch, who):
    """Timing without a clock: every failed login checks exactly one argon2 hash of the same cost (the user's,
    or the dummy one for a name that does not exist), then writes the same bookkeeping."""
    auth.create_user(desk, "hc2", "mat-khau-dai", Role.LOGISTICS)
    if who == "deactivated":
        auth.set_active(desk, "hc2", False)
    hasher = _CountingHasher(auth._hasher)
    monkeypatch.setattr(auth, "_hasher", hasher)
    name = "khong-ton-tai" if who == "unknown" else "hc2"
    password = "mat-khau-dai" if who == "deactivated" else "mat-khau-sai"
    with pytest.raises(LoginFailed):
        auth.login(desk.as_user(None), name, password, source="pc:t")
    assert len(hasher.checked) == 1
    checked = hasher.checked[0]
    if who == "wrong_password":
        assert checked != auth._dummy_hash()
    else:
        assert checked == auth._dummy_hash()
    # The dummy hash costs what a real one does.
    real = auth._hasher.inner.hash("x" * 12)
    assert checked.split("$")[3] == real.split("$")[3]  # m=…,t=…,p=…
    failed = audit.list_events(desk, action="login.failed")
    assert [e.details["username"] for e in failed] == [name]
    with desk.read() as session:
        assert session.get(LoginFailure, (name, "pc:t")).failures == 1


def test_every_login_and_failure_is_audited_with_the_user_and_source(desk):
    auth.login(desk.as_user(None), "admin", ADMIN_PASSWORD, source="pc:office")
    with pytest.raises(LoginFailed):
        auth.login(desk.as_user(None), "admin", "sai", source="pc:gate")
    logins = audit.list_events(desk, action="login")
    assert [(e.username, e.details["source"]) for e in logins] == [("admin", "pc:office")]
    failed = audit.list_events(desk, action="login.failed")
    assert [(e.details["username"], e.details["source"]) for e in failed] == [("admin", "pc:gate")]
    for _ in range(auth.FREE_FAILURES - 1):
        with pytest.raises(LoginFailed):
            auth.login(desk.as_user(None), "admin", "sai", source="pc:gate")
    slowed = audit.list_events(desk, action="login.slowed")
    assert [(e.details["username"], e.details["seconds"]) for e in slowed] == [("admin", auth.FIRST_DELAY)]


def test_a_role_changed_in_the_database_is_refused_and_reported(desk):
    auth.create_user(desk, "xem1", "mat-khau-dai", Role.VIEWER)
    assert audit.verify(desk) == []
    with desk.engine.begin() as conn:
        conn.execute(text("UPDATE app_user SET role = 'admin' WHERE username = 'xem1'"))
    with pytest.raises(AccountTampered):
        auth.login(desk.as_user(None), "xem1", "mat-khau-dai")
    assert audit.TamperProblem("user_seal", "xem1") in audit.verify(desk)
    assert audit.list_events(desk, action="login.refused")[0].details["reason"] == "seal"
    # An administrator sets the role again through the program: sealed, audited, and the login works.
    auth.update_user(desk, "xem1", role=Role.VIEWER)
    assert auth.login(desk.as_user(None), "xem1", "mat-khau-dai").user.role is Role.VIEWER
    assert not [p for p in audit.verify(desk) if p.problem == "user_seal"]


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
