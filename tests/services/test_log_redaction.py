"""A database error that echoes the statement's parameters (a password hash, a name, an ID number) reaches the
log without them, on SQLite and PostgreSQL; so does a command that names a person it did not find."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from quarantine_desk import cli, logging_setup
from tests.helpers import ADMIN_PASSWORD

HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$2hhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    path = logging_setup.configure(folder=tmp_path / "logs")
    assert path is not None
    yield path
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, logging_setup._OURS, False)]:
        root.removeHandler(handler)
        handler.close()


def test_a_database_error_echoing_a_password_hash(desk, log_file):  # type: ignore[no-untyped-def]
    with pytest.raises(DBAPIError) as info, desk.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO app_user (username, full_name, role, password_hash, active, failed_logins, created_at)"
                " VALUES (:u, :n, 'kẻ gian', :h, true, 0, '2021-08-01')"
            ),
            {"u": "x", "n": "Nguyễn Văn An 001085000111", "h": HASH},
        )
    assert HASH in str(info.value)  # what the database driver says …
    logging.getLogger("quarantine_desk.test").error("write failed: %s", info.value)
    logged = log_file.read_text(encoding="utf-8")
    assert "write failed" in logged  # … and what the log keeps
    assert "$argon2id$" not in logged and "Nguyễn" not in logged and "001085000111" not in logged


def test_a_person_not_found_by_the_command_line(tmp_path, monkeypatch, log_file):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("QUARANTINE_DESK_PASSWORD", ADMIN_PASSWORD)
    assert cli.run(["--db", url, "init", "--admin", "admin"]) == 0
    assert cli.run(["--db", url, "--user", "admin", "release", "001085000111"]) == 4
    assert cli.run(["--db", url, "--user", "admin", "release", "Nguyễn Văn An"]) == 4
    logged = log_file.read_text(encoding="utf-8")
    assert "command refused: not_found" in logged
    assert "001085000111" not in logged and "Nguyễn" not in logged
