"""Random days at a facility: admissions (some as contacts), tests, releases, transfers, disinfections and policy
edits. After every step, every count the program shows for a moment equals the length of the roster of that
moment, and no room holds people of two exposure days. On SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quarantine_desk.domain.errors import DeskError
from quarantine_desk.domain.policy import PolicyKind, PolicyProfile
from quarantine_desk.services import (
    cohorts,
    documents,
    facilities,
    meals,
    medical,
    overview,
    policies,
    stays,
)
from quarantine_desk.services.context import Desk
from tests.helpers import Clock, pg_desk, sqlite_desk
from tests.services.fixtures import facility, person

START = datetime(2021, 11, 20, 7, 0)
ROOMS = ("1", "2", "3")

admit = st.tuples(
    st.just("admit"), st.integers(0, 7), st.sampled_from((None, *ROOMS)), st.integers(0, 2), st.booleans()
)
test = st.tuples(st.just("test"), st.integers(0, 7), st.booleans())
leave = st.tuples(st.sampled_from(("release", "transfer")), st.integers(0, 7))
disinfect = st.tuples(st.just("disinfect"), st.sampled_from(ROOMS))
policy = st.tuples(st.just("policy"), st.integers(5, 21))
steps = st.lists(
    st.tuples(st.one_of(admit, admit, test, leave, disinfect, policy), st.integers(1, 40)),
    min_size=4,
    max_size=10,
)


def _people(desk: Desk) -> list[int]:
    made = [
        person(desk, "Nguyễn Văn An"),
        person(desk, "Trần Văn Bình"),
        person(desk, "Lê Thị Cúc", "F"),
        person(desk, "Phạm Thị Dung", "F"),
        person(desk, "Hoàng Văn Em"),
        person(desk, "Vũ Thị Hoa", "F"),
        person(desk, "Đỗ Văn Khôi", born="2014", household="HK-9"),
        person(desk, "Đỗ Thị Lan", "F", born="1985", household="HK-9"),
    ]
    return made


def _do(desk: Desk, clock: Clock, people: list[int], step: tuple[object, ...]) -> None:
    kind = step[0]
    now = clock.now
    if kind == "admit":
        _, who, room, cohort, as_contact = step
        name = f"Nhóm {now:%d/%m}-{cohort}"
        stays.admit(
            desk, people[int(who)], "F01", name, room=room, as_contact=bool(as_contact) and room is not None
        )
    elif kind == "test":
        medical.record_test(desk, people[int(step[1])], "pcr", "positive" if step[2] else "negative")
    elif kind == "release":
        stays.release(desk, people[int(step[1])], override="Ra theo quyết định")
    elif kind == "transfer":
        stays.transfer(desk, people[int(step[1])], "Bệnh viện dã chiến")
    elif kind == "disinfect":
        stays.disinfect(desk, "F01", str(step[1]))
    elif kind == "policy":
        current = next(
            p
            for p in policies.list_policies(desk)
            if p.kind is PolicyKind.STANDARD and p.in_force(START.date())
        )
        days = int(step[1])
        policies.save_policy(
            desk,
            PolicyProfile(
                current.id, current.name, current.effective_from, None, current.kind, days, (1, days)
            ),
        )


def _check(desk: Desk, clock: Clock) -> None:
    now = clock.now
    present = stays.roster(desk, "F01", at=now)
    count = len(present)
    assert sum(r.occupants for r in facilities.room_board(desk, "F01")) == count
    assert sum(z.occupied for z in overview.zone_occupancy(desk, "F01")) == count
    assert overview.occupancy_history(desk, "F01", days=2)[-1].present == count
    # Each meal of the day already served counts the people present at its moment.
    for meal in meals.meal_counts(desk, "F01", staff=0).meals:
        if not meal.planned:
            assert meal.quarantined == len(stays.roster(desk, "F01", at=meal.at)), meal.meal
    assert sum(c.people for c in cohorts.list_cohorts(desk, "F01")) == count
    # The 16:00 report of today (as of now when earlier) and of yesterday, against the roster of their moment.
    for day in (now.date(), now.date() - timedelta(days=1)):
        report = documents.daily_report(desk, "F01", day)
        figures = report.facilities[0]
        assert report.as_of is not None
        assert figures.present_now == len(stays.roster(desk, "F01", at=report.as_of))
        assert figures.beds_occupied == figures.present_now
        assert figures.present_start + figures.admitted - figures.released - figures.transferred_positive == (
            figures.present_now
        )
    # No room holds two exposure days (a person found positive waits for the transfer and is not a contact).
    days: dict[str, set[date]] = {}
    for row in present:
        if row.positive_at is None:
            days.setdefault(row.room, set()).add(row.period_start)
    assert all(len(d) == 1 for d in days.values()), days


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=steps)
def test_every_count_is_the_roster_of_its_moment(
    backend: str,
    plan: list[tuple[tuple[object, ...], int]],
    request: pytest.FixtureRequest,
    template_db: Path,
) -> None:
    clock = Clock(START)
    if backend == "sqlite":
        folder = template_db.parent / f"prop-{uuid.uuid4().hex[:8]}"
        folder.mkdir()
        desk = sqlite_desk(template_db, folder, clock)
    else:
        desk = pg_desk(request.getfixturevalue("pg_url"), clock)
    try:
        facility(desk, rooms="1-3", beds=2)
        people = _people(desk)
        _check(desk, clock)
        for step, hours in plan:
            # A refusal by a rule changes nothing; the counts must still agree.
            with contextlib.suppress(DeskError):
                _do(desk, clock, people, step)
            _check(desk, clock)
            clock.now += timedelta(hours=hours)
            _check(desk, clock)
    finally:
        desk.close()
