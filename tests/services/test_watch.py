"""Hearing other PCs (services.watch): a change committed by another connection is heard at the next poll, once;
nothing is heard when nothing changed or a write rolled back. On PostgreSQL the areas are the ones written, and a
process does not hear its own writes (its window already did)."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text

from quarantine_desk.db.engine import make_engine
from quarantine_desk.domain.errors import AlreadyExists
from quarantine_desk.services import changes, facilities, watch
from quarantine_desk.services.changes import Area
from quarantine_desk.services.context import Desk
from tests.helpers import pg_desk
from tests.services.fixtures import person


@pytest.fixture
def other_pc(desk, monkeypatch):  # type: ignore[no-untyped-def]
    """The same database through another engine, whose notices come from another sender (another process)."""
    other = Desk(make_engine(desk.url), desk.url, desk.user, clock=desk.clock)

    class Writing:
        def __enter__(self) -> Desk:
            monkeypatch.setattr(watch, "SENDER", "another-pc")
            return other

        def __exit__(self, *exc: object) -> None:
            monkeypatch.undo()

    yield Writing()
    other.close()


def test_a_change_made_elsewhere_is_heard_once(desk, other_pc):
    watcher = watch.Watcher(desk.url)
    try:
        assert watcher.poll() == frozenset()  # the starting point
        assert watcher.poll() == frozenset()
        with other_pc as other:
            person(other, "Nguyễn Thị Lan", "F")
        heard = watcher.poll()
        if desk.dialect == "sqlite":
            assert heard == changes.EVERYTHING  # SQLite says that, not what
        else:
            assert heard == {Area.PEOPLE, Area.AUDIT}
        assert watcher.poll() == frozenset()
    finally:
        watcher.close()


def test_a_write_that_rolled_back_is_not_heard(desk, other_pc):
    facilities.add_facility(desk, "F01", "Khu một")
    watcher = watch.Watcher(desk.url)
    try:
        watcher.poll()
        with other_pc as other, pytest.raises(AlreadyExists):
            facilities.add_facility(other, "F01", "Khu một lần nữa")
        assert watcher.poll() == frozenset()
    finally:
        watcher.close()


def test_own_writes_are_heard_only_where_the_database_cannot_tell_who_wrote(desk):
    watcher = watch.Watcher(desk.url)
    try:
        watcher.poll()
        facilities.add_facility(desk, "F01", "Khu một")
        # PostgreSQL's notices carry their sender; SQLite's data_version counts every other connection's commit.
        expected = changes.EVERYTHING if desk.dialect == "sqlite" else frozenset()
        assert watcher.poll() == expected
    finally:
        watcher.close()


def test_a_restore_elsewhere_is_heard_as_a_change_of_everything(desk, other_pc, tmp_path):
    from quarantine_desk.services import backup

    person(desk, "Nguyễn Thị Lan", "F")
    saved = backup.backup(desk, tmp_path / "sao-luu.sqlite3").path
    watcher = watch.Watcher(desk.url)
    try:
        watcher.poll()
        with other_pc as other:
            backup.restore(other, saved)
        assert watcher.poll() == changes.EVERYTHING
    finally:
        watcher.close()


@pytest.fixture
def pg_only_desk(pg_url, clock):  # type: ignore[no-untyped-def]
    """PostgreSQL alone: on SQLite, data_version counts every commit whoever made it (the tests above)."""
    d = pg_desk(pg_url, clock)
    yield d
    d.close()


def test_an_edit_made_around_the_program_is_heard_on_postgresql(pg_only_desk):
    """An UPDATE typed in psql (a bare connection, not the program's): the table's trigger announces it."""
    desk = pg_only_desk
    facilities.add_facility(desk, "F01", "Khu một")
    watcher = watch.Watcher(desk.url)
    url = desk.url.replace("postgresql+psycopg://", "postgresql://")
    try:
        watcher.poll()
        with psycopg.connect(url, autocommit=True) as bare:
            bare.execute("UPDATE facility SET name = 'Khu một (sửa tay)' WHERE code = 'F01'")
            assert watcher.poll() == {Area.FACILITIES}
            bare.execute("UPDATE person SET phone = NULL WHERE false")  # a statement that changed no row
            with bare.transaction():
                bare.execute("UPDATE facility SET name = 'Khu một' WHERE code = 'F01'")
                bare.execute("DELETE FROM login_failure")
            assert watcher.poll() == {Area.FACILITIES, Area.PEOPLE, Area.USERS}
            with pytest.raises(psycopg.errors.InsufficientPrivilege), bare.transaction():
                bare.execute("UPDATE facility SET name = 'x'")
                bare.execute(
                    "DELETE FROM audit_event"
                )  # refused by the audit trail's trigger: all rolled back
            assert watcher.poll() == frozenset()
        # the program's own writes are announced once, by the program (its connections say who they are)
        facilities.add_facility(desk, "F02", "Khu hai")
        assert watcher.poll() == frozenset()
    finally:
        watcher.close()


def test_every_table_behind_the_pages_announces_edits_made_elsewhere(pg_only_desk):
    desk = pg_only_desk
    with desk.engine.connect() as connection:
        announced = set(
            connection.execute(
                text(
                    "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                    "WHERE t.tgname = 'quarantine_desk_announce'"
                )
            ).scalars()
        )
    assert announced == set(changes.TABLE_AREAS)
