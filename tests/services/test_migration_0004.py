"""The upgrade that gives cohorts a day and stays their policy and outcome keeps existing data valid, on SQLite and
PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, text

from quarantine_desk.db.engine import make_engine
from quarantine_desk.db.migrate import current_revision, head_revision, upgrade
from tests.helpers import PG_ADMIN_URL

OLD_ROWS = """
INSERT INTO facility (id, code, name, active, secret, created_at) VALUES (1, 'F01', 'Khu cũ', true, 'k', '2021-11-20 08:00:00');
INSERT INTO zone (id, facility_id, name) VALUES (1, 1, 'Tầng 1');
INSERT INTO room (id, facility_id, zone_id, name, sex, in_service, needs_disinfection, closed_at)
    VALUES (1, 1, 1, '101', 'any', true, false, '2021-11-26 10:00:00'), (2, 1, 1, '102', 'M', false, true, NULL);
INSERT INTO bed (id, room_id, label, position, in_service) VALUES (1, 1, '1', 0, true), (2, 1, '2', 1, true),
    (3, 1, '3', 2, false), (4, 2, '1', 0, true);
INSERT INTO person (id, full_name, sex, birth_year, doses, last_dose_on, sort_key, created_at, pre_registered)
    VALUES (1, 'Nguyễn Văn An', 'M', 1990, 2, '2021-07-01', 'a', '2021-11-20 08:00:00', false),
           (2, 'Trần Thị Bình', 'F', 1985, 0, NULL, 'b', '2021-11-20 08:00:00', false);
INSERT INTO cohort (id, facility_id, name, exposure, created_at)
    VALUES (1, 1, 'Nhóm A', 'F0 BN-123', '2021-11-25 07:00:00'), (2, 1, 'Nhóm trống', NULL, '2021-11-22 07:00:00');
INSERT INTO quarantine_policy (id, name, effective_from, kind, days, test_days)
    VALUES (9, '14 ngày', '2021-07-14', 'standard', 14, '1,7,14');
INSERT INTO stay (id, person_id, facility_id, room_id, bed_id, cohort_id, policy_id, admitted_at, period_start,
                  planned_release, released_at, outcome, override_reason)
    VALUES (1, 1, 1, 1, 1, 1, 9, '2021-11-24 09:30:00', '2021-11-24', '2021-12-08', '2021-11-29 08:00:00',
            'completed', 'gia đình có tang'),
           (2, 2, 1, 1, 2, 1, 9, '2021-11-24 10:00:00', '2021-11-24', '2021-12-08', NULL, NULL, NULL);
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def old_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Engine, str]]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
        engine = make_engine(url)
        yield engine, url
        engine.dispose()
        return
    name = f"qd_mig_{uuid.uuid4().hex[:8]}"
    admin = PG_ADMIN_URL.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{admin.rsplit('/', 1)[0]}/{name}".replace("postgresql://", "postgresql+psycopg://")
    engine = make_engine(url)
    try:
        yield engine, url
    finally:
        engine.dispose()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def test_upgrade_keeps_stays_valid(old_database: tuple[Engine, str]) -> None:
    engine, url = old_database
    upgrade(engine, url, "0003")
    with engine.begin() as connection:
        for statement in OLD_ROWS.split(";"):
            if statement.strip():
                connection.execute(text(statement))
    upgrade(engine, url)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        cohorts = {
            row[0]: row[1:]
            for row in connection.execute(text("SELECT name, exposure_date, kind, source FROM cohort"))
        }
        # The day of the earliest admission, else of the cohort's creation; the old free text becomes the source.
        assert {k: (_day(v[0]), *v[1:]) for k, v in cohorts.items()} == {
            "Nhóm A": (date(2021, 11, 24), "other", "F0 BN-123"),
            "Nhóm trống": (date(2021, 11, 22), "other", None),
        }
        stays = connection.execute(
            text(
                "SELECT id, outcome, override_reason, policy_name, policy_version, policy_kind, policy_days, "
                "policy_test_days FROM stay ORDER BY id"
            )
        ).all()
        assert [tuple(s) for s in stays] == [
            (1, "released_early", "gia đình có tang", "14 ngày", 1, "standard", 14, "1,7,14"),
            (2, None, None, "14 ngày", 1, "standard", 14, "1,7,14"),
        ]
        doses = connection.execute(
            text("SELECT person_id, given_on FROM vaccination ORDER BY person_id, given_on")
        ).all()
        # Two doses counted: the last with its date, the earlier one's date unknown.
        assert sorted(str(_day(d)) if d else "" for p, d in doses if p == 1) == ["", "2021-07-01"]
        assert all(p == 1 for p, _ in doses)
        states = connection.execute(
            text(
                "SELECT room_id, at, in_service, closed, needs_disinfection, beds_in_service "
                "FROM room_state_change ORDER BY room_id"
            )
        ).all()
        assert [(r[0], bool(r[2]), bool(r[3]), bool(r[4]), r[5]) for r in states] == [
            (1, True, True, False, 2),
            (2, False, False, True, 1),
        ]
        assert all(str(r[1]).startswith("2000-01-01") for r in states)
        # The new outcome is checked by the database too.
        with pytest.raises(Exception, match="(?i)check"):
            connection.execute(text("UPDATE stay SET outcome = 'vanished' WHERE id = 1"))
