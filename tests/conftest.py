"""Fixtures shared by every test folder: a desk on SQLite and on PostgreSQL, and a movable clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt without a screen, and no log files in the user's profile during tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from argon2 import PasswordHasher  # noqa: E402

from quarantine_desk.services import auth  # noqa: E402

# Argon2 with its real cost takes about a second a check on a busy 2-core machine; tests that log in hundreds
# of times use a cheap setting. Hashes still use argon2id, and a hash made with the real cost still verifies.
auth._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

from tests.helpers import (  # noqa: E402
    Clock,
    create_pg_database,
    drop_pg_database,
    pg_desk,
    sqlite_desk,
    sqlite_template,
)


@pytest.fixture(autouse=True)
def _isolated_profile(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("QUARANTINE_DESK_LOG_DIR", str(home / "logs"))
    monkeypatch.delenv("QUARANTINE_DESK_DB", raising=False)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    url = create_pg_database()
    yield url
    drop_pg_database(url)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["sqlite", "postgresql"])
def desk(request: pytest.FixtureRequest, template_db: Path, tmp_path: Path, clock: Clock):  # type: ignore[no-untyped-def]
    """A logged-in administrator on a fresh database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        d = sqlite_desk(template_db, tmp_path, clock)
    else:
        d = pg_desk(request.getfixturevalue("pg_url"), clock)
    yield d
    d.close()


@pytest.fixture
def sqlite_only_desk(template_db: Path, tmp_path: Path, clock: Clock):  # type: ignore[no-untyped-def]
    d = sqlite_desk(template_db, tmp_path, clock)
    yield d
    d.close()
