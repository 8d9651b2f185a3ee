"""Eight PCs at once, on SQLite and on PostgreSQL: 8 processes x 200 mixed operations (register, admit, test,
release, disinfect, search, roster, the room board), each with its own seed, against one database.

Afterwards every write a process was told succeeded is in the database (0 lost writes), nothing else is, no
process failed with anything but a typed refusal, and the rules hold over the whole database: no bed or person
with two open stays, no room with two cohorts, mixed sexes outside a household, or more people than beds, no
test or release before its admission.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter

import pytest
from sqlalchemy import text

from quarantine_desk.services import check
from tests.services.fixtures import facility
from tests.services.stress_worker import FACILITIES, Tally, work

PROCESSES = 8
OPERATIONS = 200

pytestmark = pytest.mark.slow


def violations(desk) -> list[str]:  # type: ignore[no-untyped-def]
    """The rules, asked of the data itself."""
    checks = {
        "a bed with two open stays": """
            SELECT bed_id FROM stay WHERE released_at IS NULL GROUP BY bed_id HAVING count(*) > 1""",
        "a person with two open stays": """
            SELECT person_id FROM stay WHERE released_at IS NULL GROUP BY person_id HAVING count(*) > 1""",
        "a room with two cohorts": """
            SELECT room_id FROM stay WHERE released_at IS NULL GROUP BY room_id
            HAVING count(DISTINCT cohort_id) > 1""",
        "a room with both sexes outside one household": """
            SELECT s.room_id FROM stay s JOIN person p ON p.id = s.person_id WHERE s.released_at IS NULL
            GROUP BY s.room_id HAVING count(DISTINCT p.sex) > 1 AND
            (count(DISTINCT p.household_id) > 1 OR count(p.household_id) < count(*))""",
        "a room with more people than beds": """
            SELECT s.room_id FROM stay s WHERE s.released_at IS NULL GROUP BY s.room_id
            HAVING count(*) > (SELECT count(*) FROM bed b WHERE b.room_id = s.room_id)""",
        "a release before its admission": "SELECT id FROM stay WHERE released_at < admitted_at",
        "a test before its admission": """
            SELECT t.id FROM medical_test t JOIN stay s ON s.id = t.stay_id WHERE t.sampled_at < s.admitted_at""",
    }
    found = []
    with desk.engine.connect() as connection:
        for name, query in checks.items():
            rows = connection.execute(text(query)).fetchall()
            found += [f"{name}: {row[0]}" for row in rows]
    return found


def test_eight_processes_keep_every_write_and_every_rule(desk):
    for code in FACILITIES:
        facility(desk, code, rooms="101-108", beds=3, sex="any")
    with desk.engine.connect() as connection:
        before = {
            t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("person", "stay", "medical_test")
        }
    context = multiprocessing.get_context("spawn")
    with context.Pool(PROCESSES) as pool:
        tallies: list[Tally] = pool.starmap(work, [(desk.url, n, OPERATIONS) for n in range(PROCESSES)])

    assert [t.failures for t in tallies] == [[]] * PROCESSES
    assert sum(t.operations for t in tallies) == PROCESSES * OPERATIONS
    refused = sum((t.refused for t in tallies), Counter())
    # refusals are the rules' (a room of another cohort, no free bed, a release by a rule) or another PC's
    # change at the same moment; never an unknown error
    assert set(refused) <= {
        "room_cohort_conflict", "room_sex_conflict", "room_awaiting_disinfection", "bed_taken", "no_bed_available",
        "room_not_empty", "concurrent_change", "no_open_stay", "room_closed", "child_alone",
    }, refused  # fmt: skip

    people = [p for t in tallies for p in t.people]
    admitted = [s for t in tallies for s in t.admitted]
    released = [s for t in tallies for s in t.released]
    tests = [x for t in tallies for x in t.tests]
    assert admitted and released and tests, "the mix must reach every kind of write"
    with desk.engine.connect() as connection:

        def ids(query: str) -> set[int]:
            return {row[0] for row in connection.execute(text(query))}

        # 0 lost writes, and nothing written that no process was told about
        assert connection.execute(text("SELECT count(*) FROM person")).scalar_one() == before["person"] + len(
            people
        )
        assert ids("SELECT id FROM person") >= set(people)
        assert connection.execute(text("SELECT count(*) FROM stay")).scalar_one() == before["stay"] + len(
            admitted
        )
        assert ids("SELECT id FROM stay") >= set(admitted)
        assert ids("SELECT id FROM stay WHERE released_at IS NOT NULL") == set(released)
        assert ids("SELECT id FROM medical_test") == set(tests)
        assert before["medical_test"] == 0
    assert violations(desk) == []
    # and the program's own checker, which also walks the audit chain the 8 processes wrote at once
    assert check.check(desk) == []
