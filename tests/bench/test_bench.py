"""The benchmark runs end to end on a tiny province and reports every line; its timings are never asserted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from quarantine_desk.bench.__main__ import main
from quarantine_desk.bench.cases import cases
from quarantine_desk.bench.province import generate
from quarantine_desk.db.models import Person, Stay
from quarantine_desk.services import auth
from quarantine_desk.services.context import open_desk
from quarantine_desk.services.setup import initialise
from tests.helpers import create_pg_database, drop_pg_database
from tests.services.fixtures import person

DATABASE_CASES = [
    "search_common",
    "search_given",
    "admit_small",
    "admit_big",
    "propose_40",
    "roster",
    "roster_full",
    "daily_report",
    "roster_pdf",
    "roster_xlsx",
    "import",
]


def _run(url: str, tmp_path: Path, *extra: str) -> dict:
    out = tmp_path / "figures.json"
    code = main(["--people", "300", "--db", url, "--quick", "--in-process", "--json", str(out), *extra])
    report = json.loads(out.read_text(encoding="utf-8"))
    assert code == 0, [c for c in report["cases"] if "error" in c["now"] or "error" in c["reference"]]
    return report


def test_every_line_on_sqlite(tmp_path: Path) -> None:
    report = _run(f"sqlite:///{tmp_path / 'province.sqlite3'}", tmp_path)
    province = report["province"]
    expected = [c.key for c in cases(generate(f"sqlite:///{tmp_path / 'province.sqlite3'}", 300, say=str))]
    assert [c["key"] for c in report["cases"]] == expected
    for line in report["cases"]:
        for side in ("now", "reference"):
            assert line[side]["runs"] == 1
            assert line[side]["p50_ms"] > 0
        assert line["ratio"] is not None
    assert province["people"] == 300
    assert report["database"] == "sqlite"


def test_database_lines_on_postgresql(tmp_path: Path) -> None:
    url = create_pg_database()  # a database of its own: the province is not emptied between tests
    try:
        report = _run(url, tmp_path, "--only", ",".join(DATABASE_CASES))
    finally:
        drop_pg_database(url)
    assert sorted(c["key"] for c in report["cases"]) == sorted(DATABASE_CASES)
    assert report["database"] == "postgresql"


def test_province_keeps_its_shape_and_rules(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    province = generate(url, 1_000, say=str)
    again = generate(url, 1_000, say=str)
    assert again == province  # made once, then reused
    desk = open_desk(url)
    with desk.write(None) as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 1_000
        assert session.scalar(select(func.count()).select_from(Stay)) == 1_000
        open_stays = session.scalar(select(func.count()).select_from(Stay).where(Stay.released_at.is_(None)))
        assert open_stays == province.open_stays
        assert 0.15 * 1_000 < open_stays < 0.22 * 1_000
        # R2 and R3 hold in what was made: one cohort per room, one sex unless one household.
        mixed = session.execute(
            select(Stay.room_id)
            .join(Person, Person.id == Stay.person_id)
            .where(Stay.released_at.is_(None))
            .group_by(Stay.room_id)
            .having(
                (func.count(Stay.cohort_id.distinct()) > 1)
                | (
                    (func.count(Person.sex.distinct()) > 1)
                    & (func.count(func.coalesce(Person.household_id, -Person.id).distinct()) > 1)
                )
            )
        ).all()
        assert mixed == []
    desk.close()


def test_refuses_a_database_it_did_not_make(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'real.sqlite3'}"
    desk, _ = initialise(url, "admin", "mat-khau-dai-1")
    person(auth.login(desk, "admin", "mat-khau-dai-1"))
    desk.close()
    with pytest.raises(SystemExit):
        generate(url, 300, say=str)
