"""Start-up and locks: a read never takes the write lock, the password is checked outside any transaction, times
are read after the lock is held, and each database problem is named for what it is.

On SQLite the tests set the busy timeout to zero: any attempt to take a lock that another connection holds fails
at once, so "does not wait" is checked without a clock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import event, select

from quarantine_desk import cli
from quarantine_desk.db import engine as engine_module
from quarantine_desk.db.engine import make_engine
from quarantine_desk.db.models import AuditEvent
from quarantine_desk.domain.errors import DatabaseBusy, DatabaseUnavailable
from quarantine_desk.services import auth, check, facilities, medical, people, stays
from quarantine_desk.services.context import Desk, open_desk
from tests.helpers import ADMIN_PASSWORD, NOW, Clock
from tests.services.fixtures import AUG1, facility, person


def _sqlite_path(desk: Desk) -> str:
    return desk.url.removeprefix("sqlite:///")


@contextmanager
def held_write_lock(desk: Desk) -> Iterator[None]:
    """Another PC in the middle of a long write: the write lock is held, a row written and not committed."""
    if desk.dialect == "sqlite":
        other = sqlite3.connect(_sqlite_path(desk), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE app_user SET full_name = 'đang ghi' WHERE username = 'admin'")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
    else:
        url = desk.url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url) as other:
            other.execute("SELECT id FROM app_user WHERE username = 'admin' FOR UPDATE")
            other.execute("SELECT id FROM facility FOR UPDATE")
            yield
            other.rollback()


@pytest.fixture
def no_waiting(monkeypatch):
    """SQLite gives up at once on a lock held by another connection (engines made from now on)."""
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_SECONDS", 0)


def test_opening_logging_in_and_reading_go_on_during_another_pcs_write(sqlite_only_desk, no_waiting):
    desk = sqlite_only_desk
    facility(desk)
    person(desk, "Trần Thị Bình", "F")
    opened = open_desk(desk.url)
    # Logging in writes (the login is audited): a short write, before the other PC's long one.
    user = auth.login(opened, "admin", ADMIN_PASSWORD)
    with held_write_lock(desk):
        try:
            with pytest.raises(DatabaseBusy):
                auth.login(opened, "admin", ADMIN_PASSWORD)  # named as busy, never as "cannot reach"
            assert [r.room for r in facilities.room_board(user, "F01")][:2] == ["101", "102"]
            assert [p.full_name for p in people.search_people(user, "tran thi binh")] == ["Trần Thị Bình"]
            with pytest.raises(DatabaseBusy):
                facilities.add_facility(user, "F02", "Khu hai")
        finally:
            opened.close()
    assert facilities.add_facility(desk, "F02", "Khu hai")


def test_the_command_line_reads_during_another_pcs_write_and_names_a_busy_write(
    sqlite_only_desk, no_waiting, monkeypatch, capsys
):
    import json

    desk = sqlite_only_desk
    facility(desk)
    pid = person(desk)
    monkeypatch.setenv("QUARANTINE_DESK_PASSWORD", ADMIN_PASSWORD)
    base = ["--db", desk.url, "--user", "admin", "--json"]
    # Each command logs in, and a login is audited. While another PC holds the write lock beyond the busy timeout
    # (zero here), a command that writes is told the database is busy, never "cannot reach"; a command that only
    # reads goes on, its login kept beside the database and recorded by the next login that writes.
    monkeypatch.setattr(auth, "READING_WAIT", 0.0)
    pending = auth.pending_logins(desk)
    assert pending is not None
    with held_write_lock(desk):
        code = cli.run([*base, "admit", str(pid), "--facility", "F01", "--cohort", "Nhóm A"])
        error = json.loads(capsys.readouterr().out)
        assert (code, error["error"]) == (1, "database_busy")
        assert "đang bận" in error["message"]
        assert cli.run([*base, "rooms", "F01"]) == 0
        assert len(json.loads(capsys.readouterr().out)) == 4
        assert cli.run([*base, "people", "search", "nguyen van an"]) == 0
        assert json.loads(capsys.readouterr().out)[0]["person"] == pid
        assert len(list(pending.glob("*.json"))) == 2
        with pytest.raises(
            DatabaseBusy
        ):  # a wrong password is counted, which needs the lock: never kept aside
            auth.login(desk, "admin", "sai-mật-khẩu", reading=True)
    logins_before = _logins(desk)
    assert stays.roster(desk, "F01", NOW.date()) == []
    assert cli.run([*base, "rooms", "F01"]) == 0  # the lock is free: this login is recorded, and the two kept
    capsys.readouterr()
    assert list(pending.glob("*")) == []
    late = [e for e in _logins(desk) if e not in logins_before]
    assert len(late) == 3 and sum(1 for _, _, summary in late if '"late"' in summary) == 2
    assert {user for _, user, _ in late} == {"admin"}
    assert check.check(desk) == []  # the audit chain holds with the events recorded late


def _logins(desk: Desk) -> list[tuple[int, str | None, str]]:
    with desk.read(None) as session:
        rows = session.execute(
            select(AuditEvent.id, AuditEvent.username, AuditEvent.summary).where(AuditEvent.action == "login")
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


class _WatchedHasher:
    """The real hasher, checking at each slow step that nobody's lock is held (another connection may take it)."""

    def __init__(self, desk: Desk, inner: object, rehash: bool) -> None:
        self.desk, self.inner, self.rehash, self.steps = desk, inner, rehash, []

    def _nothing_locked(self, step: str) -> None:
        self.steps.append(step)
        if self.desk.dialect == "sqlite":
            other = sqlite3.connect(_sqlite_path(self.desk), isolation_level=None, timeout=0)
            other.execute("BEGIN IMMEDIATE")  # raises "database is locked" if the login held the lock
            other.execute("ROLLBACK")
            other.close()
        else:
            url = self.desk.url.replace("postgresql+psycopg://", "postgresql://")
            with psycopg.connect(url) as other:
                other.execute("SELECT id FROM app_user FOR UPDATE NOWAIT")  # raises if a row is locked

    def verify(self, stored: str, password: str) -> bool:
        self._nothing_locked("verify")
        return self.inner.verify(stored, password)  # type: ignore[attr-defined, no-any-return]

    def check_needs_rehash(self, stored: str) -> bool:
        return self.rehash

    def hash(self, password: str) -> str:
        self._nothing_locked("hash")
        return self.inner.hash(password)  # type: ignore[attr-defined, no-any-return]


@pytest.mark.parametrize("rehash", [False, True])
def test_the_password_is_checked_and_rehashed_outside_any_transaction(desk, monkeypatch, rehash):
    watched = _WatchedHasher(desk, auth._hasher, rehash)
    monkeypatch.setattr(auth, "_hasher", watched)
    auth.set_password(desk, "admin", ADMIN_PASSWORD)
    watched.steps.clear()
    with pytest.raises(auth.LoginFailed):
        auth.login(desk, "admin", "sai mật khẩu")
    assert auth.login(desk, "admin", ADMIN_PASSWORD).username == "admin"
    assert watched.steps == ["verify", "verify"] + (["hash"] if rehash else [])
    # The bookkeeping still happened: the wrong try was counted, then cleared by the good one.
    [admin] = [u for u in auth.list_users(desk) if u.username == "admin"]
    assert admin.locked_until is None
    if rehash:
        assert auth.login(desk, "admin", ADMIN_PASSWORD).username == "admin"


class _Order:
    """The statements sent and the clock's readings, in the order they happened."""

    def __init__(self, desk: Desk) -> None:
        self.events: list[str] = []
        self.clock = Clock(AUG1 + timedelta(days=1))
        self.desk = Desk(desk.engine, desk.url, desk.user, clock=self._now)

    def _now(self):  # type: ignore[no-untyped-def]
        self.events.append("clock")
        return self.clock()

    def statement(self, _conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        self.events.append(statement)

    def lock_taken_before_the_clock(self) -> bool:
        def is_lock(s: str) -> bool:
            if self.desk.dialect == "sqlite":
                return s == "BEGIN IMMEDIATE"
            return "FOR UPDATE" in s and "facility" in s

        first_lock = next(i for i, s in enumerate(self.events) if is_lock(s))
        first_clock = self.events.index("clock")
        return first_lock < first_clock


OPERATIONS = {
    "admit": lambda d, pid: stays.admit(d, pid, "F01", "Nhóm B", room="102"),
    "admit_chosen": lambda d, pid: stays.admit(d, pid, "F01", "Nhóm B"),
    "test": lambda d, pid: medical.record_test(d, 1, "rapid", "negative"),
    "release": lambda d, pid: stays.release(d, 1, override="Về theo quyết định"),
    "transfer": lambda d, pid: stays.transfer(d, 1, "Bệnh viện tỉnh"),
    "disinfect": lambda d, pid: stays.disinfect(d, "F01", "103"),
}


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_times_are_read_after_the_lock_is_held(desk, operation):
    facility(desk)
    first = person(desk, "Nguyễn Văn An")
    stays.admit(desk, first, "F01", "Nhóm A", room="101", at=AUG1)
    assert first == 1
    pid = person(desk, "Lê Văn Cường")
    order = _Order(desk)
    event.listen(desk.engine, "before_cursor_execute", order.statement)
    try:
        OPERATIONS[operation](order.desk, pid)
    finally:
        event.remove(desk.engine, "before_cursor_execute", order.statement)
    assert "clock" in order.events
    assert order.lock_taken_before_the_clock(), order.events[:8]


def test_a_read_only_file_is_named_as_read_only(sqlite_only_desk):
    path = _sqlite_path(sqlite_only_desk)
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    read_only = Desk(make_engine(url), url, sqlite_only_desk.user)
    try:
        assert facilities.list_facilities(read_only) == []
        with pytest.raises(DatabaseUnavailable) as info:
            facilities.add_facility(read_only, "F01", "Khu một")
        assert info.value.reason == "read_only"
    finally:
        read_only.close()


def test_a_full_disk_is_named_as_full_and_nothing_is_half_written(sqlite_only_desk):
    desk = sqlite_only_desk
    full = make_engine(desk.url, check=False)

    @event.listens_for(full, "connect")
    def _no_more_pages(connection, _record):  # type: ignore[no-untyped-def]
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")

    facility(desk, rooms="101")
    cramped = Desk(full, desk.url, desk.user)
    try:
        with pytest.raises(DatabaseUnavailable) as info:
            facilities.add_rooms(cramped, "F01", "Tầng 2", "201-299", 8, "any")
        assert info.value.reason == "disk_full"
    finally:
        cramped.close()
    assert [r.room for r in facilities.room_board(desk, "F01")] == ["101"]


def test_a_refused_postgresql_login_is_not_an_unreachable_server(pg_url):
    name = pg_url.rsplit("/", 1)[1]
    with pytest.raises(DatabaseUnavailable) as info:
        open_desk(f"postgresql://no_such_role@127.0.0.1:5432/{name}")
    assert info.value.reason == "login_refused"
    with pytest.raises(DatabaseUnavailable) as info:
        open_desk("postgresql://postgres@127.0.0.1:5432/qd_no_such_database")
    assert info.value.reason == "login_refused"


def test_a_read_only_postgresql_session_is_named_as_read_only(pg_url):
    url = pg_url.replace("postgresql://", "postgresql+psycopg://")
    engine = make_engine(url, check=False)

    @event.listens_for(engine, "connect")
    def _read_only(connection, _record):  # type: ignore[no-untyped-def]
        with connection.cursor() as cursor:
            cursor.execute("SET default_transaction_read_only = on")
        connection.commit()

    writable = Desk(make_engine(url), url)
    admin = auth.login(writable, "admin", ADMIN_PASSWORD).user
    writable.close()
    read_only = Desk(engine, url, admin)
    try:
        with pytest.raises(DatabaseUnavailable) as info:
            facilities.add_facility(read_only, "F77", "Khu bảy")
        assert info.value.reason == "read_only"
    finally:
        read_only.close()
