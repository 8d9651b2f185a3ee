"""Quarantine policy (R6): which profile applies, release date, test schedule, release problems."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quarantine_desk.domain import policy
from quarantine_desk.domain.errors import NoPolicy, ReleaseProblem
from quarantine_desk.domain.policy import (
    DEFAULT_PROFILES,
    PolicyKind,
    PolicyProfile,
    TestRecord,
    choose_policy,
    planned_release,
    release_problems,
)

STD_21, STD_14, PROTECTED_7 = DEFAULT_PROFILES


def profile(
    name: str,
    start: date,
    end: date | None = None,
    kind: PolicyKind = PolicyKind.STANDARD,
    days: int = 14,
    test_days: tuple[int, ...] = (1, 7, 14),
) -> PolicyProfile:
    return PolicyProfile(None, name, start, end, kind, days, test_days)


def neg(d: date) -> TestRecord:
    return TestRecord(d, positive=False)


def pos(d: date) -> TestRecord:
    return TestRecord(d, positive=True)


# --- default profiles ------------------------------------------------------------------------------------------


def test_default_profiles() -> None:
    assert (
        PolicyProfile(
            None,
            "21 ngày (từ 05/05/2021)",
            date(2021, 5, 5),
            date(2021, 7, 13),
            PolicyKind.STANDARD,
            21,
            (1, 7, 14, 21),
        )
        == STD_21
    )
    assert (
        PolicyProfile(
            None,
            "14 ngày – công văn 5599/BYT-MT",
            date(2021, 7, 14),
            None,
            PolicyKind.STANDARD,
            14,
            (1, 7, 14),
        )
        == STD_14
    )
    assert (
        PolicyProfile(
            None,
            "7 ngày – đã tiêm đủ hoặc đã khỏi bệnh (6288/BYT-MT)",
            date(2021, 8, 4),
            None,
            PolicyKind.PROTECTED,
            7,
            (1, 7),
        )
        == PROTECTED_7
    )


def test_profiles_are_immutable() -> None:
    with pytest.raises(AttributeError):
        STD_14.days = 7  # type: ignore[misc]


# --- choose_policy ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("admitted_on", "protected", "expected"),
    [
        (date(2021, 5, 5), False, STD_21),
        (date(2021, 7, 13), False, STD_21),  # the last day of the 21-day rule
        (date(2021, 7, 14), False, STD_14),
        (date(2021, 7, 14), True, STD_14),  # no protected profile yet: standard
        (date(2021, 8, 3), True, STD_14),
        (date(2021, 8, 4), True, PROTECTED_7),
        (date(2021, 8, 4), False, STD_14),
        (date(2022, 1, 1), True, PROTECTED_7),
        (date(2021, 6, 1), True, STD_21),
    ],
)
def test_choose_default_policy(admitted_on: date, protected: bool, expected: PolicyProfile) -> None:
    assert choose_policy(DEFAULT_PROFILES, admitted_on, protected) == expected


def test_no_policy_before_the_first() -> None:
    with pytest.raises(NoPolicy) as exc:
        choose_policy(DEFAULT_PROFILES, date(2021, 5, 4), False)
    assert exc.value.on == "2021-05-04"
    assert exc.value.rule == "R6"


def test_no_policy_in_a_gap() -> None:
    profiles = [profile("a", date(2021, 1, 1), date(2021, 1, 31)), profile("b", date(2021, 3, 1))]
    with pytest.raises(NoPolicy):
        choose_policy(profiles, date(2021, 2, 15), True)
    assert choose_policy(profiles, date(2021, 1, 31), False).name == "a"
    assert choose_policy(profiles, date(2021, 3, 1), False).name == "b"


def test_only_protected_in_force_does_not_serve_the_unprotected() -> None:
    profiles = [profile("p", date(2021, 1, 1), kind=PolicyKind.PROTECTED, days=7)]
    assert choose_policy(profiles, date(2021, 2, 1), True).name == "p"
    with pytest.raises(NoPolicy):
        choose_policy(profiles, date(2021, 2, 1), False)


def test_latest_effective_from_wins_in_any_list_order() -> None:
    old = profile("old", date(2021, 1, 1))
    new = profile("new", date(2021, 6, 1), days=10)
    future = profile("future", date(2022, 1, 1))
    for profiles in ([old, new, future], [future, new, old], [new, old, future]):
        assert choose_policy(profiles, date(2021, 7, 1), False) is new
        assert choose_policy(profiles, date(2021, 5, 31), False) is old


def test_expired_profile_is_ignored_even_if_newer() -> None:
    open_ended = profile("open", date(2021, 1, 1))
    short = profile("short", date(2021, 6, 1), date(2021, 6, 30))
    assert choose_policy([open_ended, short], date(2021, 6, 30), False) is short
    assert choose_policy([open_ended, short], date(2021, 7, 1), False) is open_ended


# --- planned release and schedule ------------------------------------------------------------------------------


def test_planned_release_is_the_morning_after_the_last_day() -> None:
    # Admitted 1 August (day 1); day 14 is 14 August; released 15 August.
    assert planned_release(date(2021, 8, 1), STD_14) == date(2021, 8, 15)
    assert planned_release(date(2021, 8, 1), PROTECTED_7) == date(2021, 8, 8)
    assert planned_release(date(2021, 12, 20), STD_21) == date(2022, 1, 10)


def test_test_schedule() -> None:
    assert policy.test_schedule(date(2021, 8, 1), STD_14) == (
        (1, date(2021, 8, 1)),
        (7, date(2021, 8, 7)),
        (14, date(2021, 8, 14)),
    )
    assert policy.test_schedule(date(2021, 8, 30), PROTECTED_7) == (
        (1, date(2021, 8, 30)),
        (7, date(2021, 9, 5)),
    )


def test_test_schedule_sorted_without_duplicates() -> None:
    odd = profile("odd", date(2021, 1, 1), test_days=(14, 1, 7, 7))
    assert [day for day, _ in policy.test_schedule(date(2021, 8, 1), odd)] == [1, 7, 14]


def test_functions_named_test_are_not_collected_by_pytest() -> None:
    assert getattr(policy.test_schedule, "__test__", True) is False
    assert getattr(policy.tests_due, "__test__", True) is False
    assert getattr(TestRecord, "__test__", True) is False


# --- release_problems ------------------------------------------------------------------------------------------

START = date(2021, 8, 1)  # day 1; tests due 1, 7, 14 August; release 15 August


def all_tests() -> list[TestRecord]:
    return [neg(date(2021, 8, 1)), neg(date(2021, 8, 7)), neg(date(2021, 8, 14))]


def test_clean_release() -> None:
    assert release_problems(START, STD_14, all_tests(), date(2021, 8, 15)) == ()


def test_late_release_is_fine() -> None:
    assert release_problems(START, STD_14, all_tests(), date(2021, 8, 20)) == ()


def test_early_release() -> None:
    problems = release_problems(START, STD_14, all_tests(), date(2021, 8, 14))
    assert problems == (ReleaseProblem("early", day=14, due=date(2021, 8, 15)),)


def test_early_release_also_reports_tests_due_by_then() -> None:
    problems = release_problems(START, STD_14, [], date(2021, 8, 7))
    assert [p.kind for p in problems] == ["early", "missing_test", "missing_test"]
    assert problems[1] == ReleaseProblem("missing_test", day=1, due=date(2021, 8, 1))
    assert problems[2] == ReleaseProblem("missing_test", day=7, due=date(2021, 8, 7))


def test_positive_test_blocks_release() -> None:
    tests = [*all_tests(), pos(date(2021, 8, 10))]
    assert release_problems(START, STD_14, tests, date(2021, 8, 15)) == (ReleaseProblem("positive"),)


def test_positive_test_is_not_a_negative_one() -> None:
    tests = [neg(date(2021, 8, 1)), pos(date(2021, 8, 7)), neg(date(2021, 8, 14))]
    kinds = [p.kind for p in release_problems(START, STD_14, tests, date(2021, 8, 15))]
    assert kinds == ["positive", "missing_test"]


@pytest.mark.parametrize("missing", [0, 1, 2])
def test_each_missing_test_is_named(missing: int) -> None:
    tests = all_tests()
    del tests[missing]
    day, due = policy.test_schedule(START, STD_14)[missing]
    assert release_problems(START, STD_14, tests, date(2021, 8, 15)) == (
        ReleaseProblem("missing_test", day=day, due=due),
    )


def test_sample_the_evening_before_counts() -> None:
    tests = [neg(date(2021, 7, 31)), neg(date(2021, 8, 6)), neg(date(2021, 8, 13))]
    assert release_problems(START, STD_14, tests, date(2021, 8, 15)) == ()


def test_sample_two_days_before_does_not_count() -> None:
    tests = [neg(date(2021, 8, 1)), neg(date(2021, 8, 5)), neg(date(2021, 8, 14))]
    assert release_problems(START, STD_14, tests, date(2021, 8, 15)) == (
        ReleaseProblem("missing_test", day=7, due=date(2021, 8, 7)),
    )


def test_late_sample_counts_until_the_next_window() -> None:
    # The day-1 test taken late on day 3 still counts for day 1.
    tests = [neg(date(2021, 8, 3)), neg(date(2021, 8, 7)), neg(date(2021, 8, 14))]
    assert release_problems(START, STD_14, tests, date(2021, 8, 15)) == ()


def test_one_sample_does_not_count_twice() -> None:
    # 6 August is the evening before day 7: it counts for day 7, not also for the missed day 1.
    tests = [neg(date(2021, 8, 6)), neg(date(2021, 8, 14))]
    assert release_problems(START, STD_14, tests, date(2021, 8, 15)) == (
        ReleaseProblem("missing_test", day=1, due=date(2021, 8, 1)),
    )


def test_last_test_takes_any_later_sample() -> None:
    tests = [neg(date(2021, 8, 1)), neg(date(2021, 8, 7)), neg(date(2021, 8, 17))]
    assert release_problems(START, STD_14, tests, date(2021, 8, 18)) == ()
    # …but not one sampled after the release date.
    assert release_problems(START, STD_14, tests, date(2021, 8, 16)) == (
        ReleaseProblem("missing_test", day=14, due=date(2021, 8, 14)),
    )


def test_sample_before_the_period_does_not_count() -> None:
    tests = [neg(date(2021, 7, 30)), neg(date(2021, 8, 7)), neg(date(2021, 8, 14))]
    assert release_problems(START, STD_14, tests, date(2021, 8, 15)) == (
        ReleaseProblem("missing_test", day=1, due=date(2021, 8, 1)),
    )


def test_restarted_period_needs_the_new_tests() -> None:
    # R5: a roommate tested positive on 10 August; the period restarts that day.
    restart = date(2021, 8, 10)
    tests = [*all_tests()[:2], neg(date(2021, 8, 10))]
    problems = release_problems(restart, STD_14, tests, date(2021, 8, 24))
    assert problems == (
        ReleaseProblem("missing_test", day=7, due=date(2021, 8, 16)),
        ReleaseProblem("missing_test", day=14, due=date(2021, 8, 23)),
    )


def test_protected_profile() -> None:
    tests = [neg(date(2021, 9, 1)), neg(date(2021, 9, 7))]
    assert release_problems(date(2021, 9, 1), PROTECTED_7, tests, date(2021, 9, 8)) == ()


def test_adjacent_test_days_each_need_a_sample() -> None:
    daily = profile("daily", date(2021, 1, 1), days=3, test_days=(1, 2, 3))
    start = date(2021, 8, 1)
    assert release_problems(start, daily, [neg(date(2021, 8, 1))], date(2021, 8, 4)) == (
        ReleaseProblem("missing_test", day=2, due=date(2021, 8, 2)),
        ReleaseProblem("missing_test", day=3, due=date(2021, 8, 3)),
    )
    three = [neg(date(2021, 8, d)) for d in (1, 2, 3)]
    assert release_problems(start, daily, three, date(2021, 8, 4)) == ()


# --- tests_due -------------------------------------------------------------------------------------------------


def test_nothing_due_before_admission() -> None:
    assert policy.tests_due(START, STD_14, [], date(2021, 7, 31)) == ()


def test_due_today() -> None:
    assert policy.tests_due(START, STD_14, [], START) == ((1, START),)


def test_done_test_is_no_longer_due() -> None:
    assert policy.tests_due(START, STD_14, [neg(START)], START) == ()


def test_overdue_and_due_today() -> None:
    assert policy.tests_due(START, STD_14, [], date(2021, 8, 7)) == ((1, START), (7, date(2021, 8, 7)))


def test_sample_taken_yesterday_evening_covers_today() -> None:
    assert policy.tests_due(START, STD_14, [neg(START), neg(date(2021, 8, 6))], date(2021, 8, 7)) == ()


def test_tomorrows_test_is_not_due_today() -> None:
    assert policy.tests_due(START, STD_14, [neg(START)], date(2021, 8, 6)) == ()


def test_positive_sample_does_not_clear_a_due_test() -> None:
    assert policy.tests_due(START, STD_14, [pos(START)], START) == ((1, START),)


# --- properties ------------------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(date(2021, 1, 1), date(2022, 12, 31)),
    days=st.integers(1, 30),
    test_days=st.sets(st.integers(1, 30), min_size=1, max_size=6),
    samples=st.lists(st.tuples(st.integers(-3, 40), st.booleans()), max_size=10),
    release_offset=st.integers(-5, 40),
)
def test_release_problems_properties(
    start: date,
    days: int,
    test_days: set[int],
    samples: list[tuple[int, bool]],
    release_offset: int,
) -> None:
    prof = profile("p", date(2020, 1, 1), days=days, test_days=tuple(sorted(test_days)))
    tests = [TestRecord(start + timedelta(days=o), positive=p) for o, p in samples]
    release_on = start + timedelta(days=release_offset)
    problems = release_problems(start, prof, tests, release_on)
    kinds = [p.kind for p in problems]
    assert ("early" in kinds) == (release_on < planned_release(start, prof))
    assert ("positive" in kinds) == any(p for _, p in samples)
    missing = [(p.day, p.due) for p in problems if p.kind == "missing_test"]
    assert missing == list(policy.tests_due(start, prof, tests, release_on))
    # Missing tests are all due by the release date.
    assert all(p.due is not None and p.due <= release_on for p in problems if p.kind == "missing_test")
    # A negative sample on each due date clears every missing test.
    complete = tests + [TestRecord(d, False) for _, d in policy.test_schedule(start, prof)]
    assert all(p.kind != "missing_test" for p in release_problems(start, prof, complete, release_on))
