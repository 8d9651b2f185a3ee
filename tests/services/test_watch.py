"""Hearing other PCs (services.watch): a change committed by another connection is heard at the next poll, once;
nothing is heard when nothing changed or a write rolled back. On PostgreSQL the areas are the ones written, and a
process does not hear its own writes (its window already did)."""

from __future__ import annotations

import pytest

from quarantine_desk.db.engine import make_engine
from quarantine_desk.domain.errors import AlreadyExists
from quarantine_desk.services import changes, facilities, watch
from quarantine_desk.services.changes import Area
from quarantine_desk.services.context import Desk
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
