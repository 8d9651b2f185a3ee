"""Quarantine policy (R6): the period and test days in force on the admission date, and release checks.

Day 1 of a quarantine is the admission day (or the day of the last contact when R5 restarts it); the test of
day N is due on ``period_start + (N - 1)`` days, and release is the morning after the last day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Protocol

from quarantine_desk.domain.errors import NoPolicy, ProblemKind, ReleaseProblem


class PolicyKind(StrEnum):
    STANDARD = "standard"
    PROTECTED = "protected"  # fully vaccinated or recovered (see people.is_protected)


@dataclass(frozen=True)
class PolicyProfile:
    id: int | None
    name: str
    effective_from: date
    effective_to: date | None  # inclusive; None while the profile is in force with no end
    kind: PolicyKind
    days: int
    test_days: tuple[int, ...]
    version: int = 1  # raised by each edit; a stay records the version it was admitted under

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


DEFAULT_PROFILES: tuple[PolicyProfile, ...] = (
    PolicyProfile(
        id=None,
        name="21 ngày (từ 05/05/2021)",
        effective_from=date(2021, 5, 5),
        effective_to=date(2021, 7, 13),
        kind=PolicyKind.STANDARD,
        days=21,
        test_days=(1, 7, 14, 21),
    ),
    PolicyProfile(
        id=None,
        name="14 ngày – công văn 5599/BYT-MT",
        effective_from=date(2021, 7, 14),
        effective_to=None,
        kind=PolicyKind.STANDARD,
        days=14,
        test_days=(1, 7, 14),
    ),
    PolicyProfile(
        id=None,
        name="7 ngày – đã tiêm đủ hoặc đã khỏi bệnh (6288/BYT-MT)",
        effective_from=date(2021, 8, 4),
        effective_to=None,
        kind=PolicyKind.PROTECTED,
        days=7,
        test_days=(1, 7),
    ),
)


class Period(Protocol):
    """What the release rule reads of a policy: a live profile or the copy kept on a stay."""

    @property
    def days(self) -> int: ...

    @property
    def test_days(self) -> tuple[int, ...]: ...


@dataclass(frozen=True)
class TestRecord:
    __test__ = False  # a value type, not a pytest test class

    sampled_on: date
    positive: bool


def choose_policy(profiles: Sequence[PolicyProfile], admitted_on: date, protected: bool) -> PolicyProfile:
    """The profile that governs a stay admitted on ``admitted_on``.

    A protected person gets a protected profile when one is in force, else the standard one. Among several of
    a kind in force the one that took effect last wins: a new directive overrides an older open-ended one.
    """
    in_force = [p for p in profiles if p.in_force(admitted_on)]
    kinds = (PolicyKind.PROTECTED, PolicyKind.STANDARD) if protected else (PolicyKind.STANDARD,)
    for kind in kinds:
        candidates = [p for p in in_force if p.kind is kind]
        if candidates:
            # max() keeps the first of equal dates, so the order of the list breaks ties deterministically.
            return max(candidates, key=lambda p: p.effective_from)
    raise NoPolicy(admitted_on.isoformat())


def planned_release(period_start: date, profile: Period) -> date:
    """The release date: the morning after the last day of the period."""
    return period_start + timedelta(days=profile.days)


def test_schedule(period_start: date, profile: Period) -> tuple[tuple[int, date], ...]:
    """(day number, due date) of each required test, in day order."""
    return tuple((day, period_start + timedelta(days=day - 1)) for day in sorted(set(profile.test_days)))


def _satisfied(
    schedule: tuple[tuple[int, date], ...], tests: Sequence[TestRecord], until: date
) -> list[bool]:
    """For each scheduled test, whether a negative sample taken up to ``until`` counts for it.

    A sample counts for a scheduled test from the day before its due date (samples are often taken the
    evening before) until the window of the next test opens; the last test takes any later sample. One sample
    counts for one test only: with tests on adjacent days the windows overlap, so each test takes the
    earliest sample not already counted (the windows are in order, so this never misses a possible match).
    """
    negatives = sorted(t.sampled_on for t in tests if not t.positive and t.sampled_on <= until)
    used = [False] * len(negatives)
    result: list[bool] = []
    for index, (_day, due) in enumerate(schedule):
        opens = due - timedelta(days=1)
        if index + 1 < len(schedule):
            closes = max(schedule[index + 1][1] - timedelta(days=1), due + timedelta(days=1))  # exclusive
        else:
            closes = max(until, due) + timedelta(days=1)
        found = next(
            (i for i, s in enumerate(negatives) if not used[i] and opens <= s < closes),
            None,
        )
        if found is not None:
            used[found] = True
        result.append(found is not None)
    return result


def release_problems(
    period_start: date, profile: Period, tests: Sequence[TestRecord], release_on: date
) -> tuple[ReleaseProblem, ...]:
    """Why releasing on ``release_on`` needs a manager and a reason; empty when it does not (R6).

    "early" carries the planned release date as ``due``; "missing_test" carries the day and due date of each
    required test that is due by ``release_on`` and has no negative sample for it.
    """
    problems: list[ReleaseProblem] = []
    planned = planned_release(period_start, profile)
    if release_on < planned:
        problems.append(ReleaseProblem(ProblemKind.EARLY, day=profile.days, due=planned))
    if any(t.positive for t in tests):
        problems.append(ReleaseProblem(ProblemKind.POSITIVE))
    schedule = test_schedule(period_start, profile)
    for (day, due), ok in zip(schedule, _satisfied(schedule, tests, release_on), strict=True):
        if not ok and due <= release_on:
            problems.append(ReleaseProblem(ProblemKind.MISSING_TEST, day=day, due=due))
    return tuple(problems)


def tests_due(
    period_start: date, profile: Period, tests: Sequence[TestRecord], on: date
) -> tuple[tuple[int, date], ...]:
    """Required tests due on or before ``on`` that have no negative sample yet (due today and overdue)."""
    schedule = test_schedule(period_start, profile)
    return tuple(
        (day, due)
        for (day, due), ok in zip(schedule, _satisfied(schedule, tests, on), strict=True)
        if not ok and due <= on
    )


def open_tests(
    period_start: date, profile: Period, tests: Sequence[TestRecord], today: date
) -> tuple[tuple[int, date], ...]:
    """Every required test without a negative sample by ``today``: the overdue ones, today's and those to come."""
    schedule = test_schedule(period_start, profile)
    return tuple(
        entry for entry, ok in zip(schedule, _satisfied(schedule, tests, today), strict=True) if not ok
    )


# pytest collects every callable named "test…" in a test module, imported ones too; these are not tests.
test_schedule.__test__ = False  # type: ignore[attr-defined]
tests_due.__test__ = False  # type: ignore[attr-defined]
