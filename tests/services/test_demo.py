"""The demo facility shows what the program is for: an early release, a move home and a transfer with their
papers' outcomes, families with children kept together, a policy change that only later cohorts follow, and
people who need special watch. Built on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from quarantine_desk.domain.stays import StayOutcome, is_child
from quarantine_desk.services import demo, facilities, people, stays


def test_the_demo_has_every_kind_of_stay_the_district_asks_about(desk, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now = datetime(2021, 12, 1, 15, 0)
    summary = demo.build_demo(desk, people_count=60)
    assert summary.transferred == 1
    board = stays.roster(desk, "KT01")
    # An empty search lists everybody registered.
    everyone = [
        row for p in people.search_people(desk, "", limit=1000) for row in stays.person_stays(desk, p.id)
    ]
    assert len({row.person for row in everyone}) >= 60
    outcomes = {row.outcome for row in everyone}
    assert {StayOutcome.RELEASED_EARLY, StayOutcome.TRANSFERRED, StayOutcome.COMPLETED} <= outcomes
    early = next(row for row in everyone if row.outcome is StayOutcome.RELEASED_EARLY)
    assert early.reason and "tang" in early.reason
    # Families: a child under 16 in a room with an adult of the same household.
    today = clock.now.date()
    households: dict[str, list[tuple[str, bool]]] = {}
    for row in board:
        person = people.get_person(desk, row.person)
        if person.household:
            households.setdefault(person.household, []).append(
                (row.room, is_child(person.birth_year, person.birth_date, today))
            )
    with_child = [rooms for rooms in households.values() if any(child for _, child in rooms)]
    assert with_child
    for members in with_child:
        for room, child in members:
            if child:
                assert any(r == room and not c for r, c in members)
    # The policy change: stays of the earlier cohorts keep 14 days, the later ones follow the new policy.
    assert {row.policy for row in board} >= {demo.NEW_POLICY} and len({row.policy for row in board}) >= 2
    # Special watch on the lists; the F-level and F0 case shared through the cohort.
    watched = [row for row in board if row.special_watch]
    assert watched and all(row.conditions for row in watched)
    assert sum(r.special_watch for r in facilities.room_board(desk, "KT01")) == len(watched)
    f1 = next(row for row in board if row.cohort.startswith("F1 ca BN 12345"))
    assert (f1.f_level, f1.exposure, f1.exposure_from_cohort) == ("f1", "BN 12345", True)
    assert people.get_person(desk, f1.person).commune
