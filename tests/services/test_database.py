"""Opening databases: migrations, upgrades with a copy aside, and plain errors for bad URLs and files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect

from quarantine_desk.db.engine import make_engine
from quarantine_desk.db.migrate import alembic_config, current_revision, head_revision, upgrade
from quarantine_desk.db.models import Base
from quarantine_desk.domain.errors import BadFile, DatabaseNotInitialised, DatabaseUnavailable
from quarantine_desk.messages import describe
from quarantine_desk.services.context import open_desk
from tests.helpers import damage


def test_upgrade_from_empty_matches_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine, url)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    # Alembic's own check: nothing in the models is missing from the migrations.
    from alembic import command

    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.check(config)
    engine.dispose()


def test_previous_revision_is_upgraded_after_a_copy_aside(tmp_path):
    path = tmp_path / "old.sqlite3"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine, url, "0001")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO facility (code, name, active, secret, created_at) "
            "VALUES ('F01', 'Khu cũ', 1, 'k', '2021-08-01 00:00:00')"
        )
    engine.dispose()
    desk = open_desk(url)
    assert current_revision(desk.engine) == head_revision() != "0001"
    with desk.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT name FROM facility").scalar() == "Khu cũ"
    desk.close()
    copies = list(tmp_path.glob("old.sqlite3.before-0001-*"))
    assert len(copies) == 1
    with sqlite3.connect(copies[0]) as old:
        assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)


def test_file_that_is_not_sqlite(tmp_path):
    path = tmp_path / "report.sqlite3"
    path.write_bytes(b"This is a spreadsheet, not a database" * 100)
    with pytest.raises(DatabaseUnavailable) as info:
        open_desk(f"sqlite:///{path}")
    assert info.value.reason == "not_sqlite"
    assert path.read_bytes().startswith(b"This is a spreadsheet")


def test_unreachable_server():
    with pytest.raises(DatabaseUnavailable) as info:
        open_desk("postgresql://nobody@127.0.0.1:1/none")
    assert info.value.reason == "unreachable"


def test_bad_url():
    for url in ("postgresql+nosuch://h/db", "postgresql://u@h:notaport/db"):
        with pytest.raises(DatabaseUnavailable) as info:
            open_desk(url)
        assert info.value.reason == "bad_url", url


def test_another_kind_of_database_is_named_as_such():
    for url in ("nosuchdb://x", "mysql://u:p@h/db", "mssql+pyodbc://h/db"):
        with pytest.raises(DatabaseUnavailable) as info:
            open_desk(url)
        assert info.value.reason == "unsupported", url


def test_foreign_database_is_not_taken_over(tmp_path):
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE accounts (id INTEGER)")
    for create in (False, True):
        with pytest.raises(DatabaseUnavailable) as info:
            open_desk(f"sqlite:///{path}", create=create)
        assert info.value.reason == "not_ours"
    with sqlite3.connect(path) as connection:
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"accounts"}


def test_foreign_postgresql_database_is_not_taken_over(pg_url):
    import psycopg

    from tests.helpers import PG_ADMIN_URL

    admin = PG_ADMIN_URL.replace("postgresql+psycopg", "postgresql")
    name = "qd_foreign_" + pg_url.rsplit("_", 1)[1]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{admin.rsplit('/', 1)[0]}/{name}"
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE accounts (id integer)")
        with pytest.raises(DatabaseNotInitialised):
            open_desk(url, create=True)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_missing_file_is_named_and_never_becomes_a_new_database(tmp_path):
    path = tmp_path / "mistyped.sqlite3"
    with pytest.raises(DatabaseUnavailable) as info:
        open_desk(str(path))
    assert info.value.reason == "missing"
    assert str(path) in describe(info.value) and str(path) in describe(info.value, "en")
    assert not path.exists()


def test_an_empty_file_is_named_and_left_empty(tmp_path):
    path = tmp_path / "zero.sqlite3"
    path.touch()
    with pytest.raises(DatabaseUnavailable) as info:
        open_desk(f"sqlite:///{path}")
    assert info.value.reason == "empty"
    assert str(path) in describe(info.value)
    assert path.stat().st_size == 0


def test_init_creates_a_missing_or_empty_file(tmp_path):
    for path in (tmp_path / "new.sqlite3", tmp_path / "zero.sqlite3"):
        if path.name.startswith("zero"):
            path.touch()
        desk = open_desk(f"sqlite:///{path}", create=True)
        assert current_revision(desk.engine) == head_revision()
        desk.close()


def test_a_damaged_file_is_named_at_start(sqlite_only_desk):
    from tests.services.fixtures import person

    for i in range(50):
        person(sqlite_only_desk, f"Người {chr(65 + i % 26)}{chr(65 + i // 26)}")
    url = sqlite_only_desk.url
    sqlite_only_desk.close()
    path = url.removeprefix("sqlite:///")
    damage(path)
    with pytest.raises(DatabaseUnavailable) as info:
        open_desk(url)
    assert info.value.reason == "damaged"
    assert "sao lưu" in describe(info.value)


def test_the_window_opens_a_damaged_file_unchecked_and_its_check_later_names_the_damage(sqlite_only_desk):
    """The window's start leaves the whole-file check for after the window is shown: the file opens, the desk
    says the check is owed, and the check names the damage as the check at opening does."""
    from tests.services.fixtures import person

    for i in range(50):
        person(sqlite_only_desk, f"Người {chr(65 + i % 26)}{chr(65 + i // 26)}")
    url = sqlite_only_desk.url
    sqlite_only_desk.close()
    damage(url.removeprefix("sqlite:///"))
    desk = open_desk(url, defer_integrity=True)
    try:
        assert desk.integrity_due and desk.as_user(None).integrity_due
        with pytest.raises(DatabaseUnavailable) as info:
            desk.check_integrity()
        assert info.value.reason == "damaged"
        assert "sao lưu" in describe(info.value)
        assert desk.integrity_due
    finally:
        desk.close()


def test_a_sound_file_passes_its_deferred_check_and_an_upgrade_is_never_deferred(tmp_path, monkeypatch):
    import quarantine_desk.services.context as context_module

    path = tmp_path / "x.sqlite3"
    open_desk(f"sqlite:///{path}", create=True).close()
    desk = open_desk(f"sqlite:///{path}", defer_integrity=True)
    assert desk.integrity_due
    desk.check_integrity()
    assert not desk.integrity_due
    desk.close()
    desk = open_desk(f"sqlite:///{path}")
    assert not desk.integrity_due  # the command line checks at once, as before
    desk.close()

    old = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = make_engine(old)
    upgrade(engine, old, "0001")
    engine.dispose()
    checked: list[str] = []
    original = context_module.check_integrity
    monkeypatch.setattr(context_module, "check_integrity", lambda e, u: (checked.append(u), original(e, u)))
    upgraded = open_desk(old, defer_integrity=True)
    assert checked == [old] and not upgraded.integrity_due  # checked before its schema is changed
    assert current_revision(upgraded.engine) == head_revision()
    upgraded.close()


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path):
    desk = open_desk(f"sqlite:///{tmp_path / 'x.sqlite3'}", create=True)
    with desk.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    desk.close()


def test_pg_schema_is_at_head(pg_url):
    engine = make_engine(pg_url.replace("postgresql://", "postgresql+psycopg://"))
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_people_registered_before_the_token_index_are_found_after_the_upgrade(tmp_path):
    from quarantine_desk.services import people
    from tests.helpers import as_admin

    path = tmp_path / "0002.sqlite3"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine, url, "0002")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO person (full_name, sex, birth_year, id_number, doses, pre_registered, search_text, "
            "sort_key, created_at) VALUES ('Nguyễn Thị Hường', 'F', 1980, '062180000001', 0, 0, "
            "'nguyen thi huong 062180000001', 'x', '2021-08-01 00:00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO app_user (username, role, password_hash, active, failed_logins, created_at) "
            "VALUES ('admin', 'admin', '!', 1, 0, '2021-08-01 00:00:00')"
        )
    engine.dispose()
    desk = as_admin(open_desk(url))
    assert [p.full_name for p in people.search_people(desk, "nguyen thi huong")] == ["Nguyễn Thị Hường"]
    assert [p.full_name for p in people.search_people(desk, "0621800")] == ["Nguyễn Thị Hường"]
    desk.close()


def test_audit_events_recorded_before_the_upgrade_are_found_by_person_room_and_words(tmp_path):
    from quarantine_desk.services import audit
    from quarantine_desk.services.audit import AuditFilter
    from tests.helpers import as_admin

    path = tmp_path / "0003.sqlite3"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine, url, "0003")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO app_user (username, role, password_hash, active, failed_logins, created_at) "
            "VALUES ('admin', 'admin', '!', 1, 0, '2021-08-01 00:00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO audit_event (at, username, action, entity, entity_id, summary) VALUES "
            "('2021-08-02 07:40:00', 'yta1', 'room.disinfect', 'room', 3, "
            '\'{"by": "Tổ khử khuẩn", "facility": "F01", "room": "101"}\')'
        )
    engine.dispose()
    desk = as_admin(open_desk(url))
    [event] = audit.events(desk, AuditFilter(room="101"))
    assert (event.facility, event.action) == ("F01", "room.disinfect")
    assert audit.count_events(desk, AuditFilter(text="to khu khuan")) == 1
    desk.close()


def test_people_and_rooms_of_an_older_database_start_at_edit_version_1(tmp_path):
    from quarantine_desk.services import people
    from tests.helpers import as_admin

    path = tmp_path / "0008.sqlite3"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine, url, "0008")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO person (full_name, sex, birth_year, doses, pre_registered, pregnant, special_watch, "
            "sort_key, created_at) VALUES ('Nguyễn Thị Hường', 'F', 1980, 0, 0, 0, 0, 'x', '2021-08-01 00:00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO app_user (username, role, password_hash, active, failed_logins, created_at) "
            "VALUES ('admin', 'admin', '!', 1, 0, '2021-08-01 00:00:00')"
        )
    engine.dispose()
    desk = as_admin(open_desk(url))
    assert people.get_person(desk, 1).version == 1
    desk.close()


def test_a_damaged_file_is_replaced_by_a_checked_backup_and_kept_aside(sqlite_only_desk, tmp_path):
    from quarantine_desk.services import backup, people
    from tests.helpers import as_admin
    from tests.services.fixtures import person

    desk = sqlite_only_desk
    for i in range(30):
        person(desk, f"Người {chr(65 + i % 26)}{chr(65 + i // 26)}")
    saved = backup.backup(desk, tmp_path / "sao-luu.sqlite3").path
    unsound = tmp_path / "hong-quy-tac.sqlite3"
    unsound.write_bytes(saved.read_bytes())
    with sqlite3.connect(unsound) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'a1b2c3d4e5f6'")
    connection.close()
    url = desk.url
    desk.close()
    path = Path(url.removeprefix("sqlite:///"))
    damage(path)
    damaged_bytes = path.read_bytes()
    with pytest.raises(BadFile):
        backup.replace_damaged(url, unsound)  # a file this program cannot read is refused, nothing moves
    assert path.read_bytes() == damaged_bytes
    aside = backup.replace_damaged(url, saved)
    assert aside.read_bytes() == damaged_bytes
    restored = as_admin(open_desk(url))
    assert len(people.search_people(restored, "nguoi", limit=100)) == 30
    restored.close()
