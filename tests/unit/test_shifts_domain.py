"""Duty shifts as pure rules: patterns, gaps in the 24/24 cover, double booking and hours in any 24."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.domain.shifts import (
    MAX_PLAN_DAYS,
    Interval,
    coverage_gaps,
    double_booking,
    duty_warning,
    longest_duty,
    merge,
    parse_pattern,
    plan,
)

D = date(2021, 8, 10)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2021, 8, day, hour, minute)


def iv(start: datetime, end: datetime) -> Interval:
    return Interval(start, end)


def test_three_eight_hour_shifts_cover_every_hour_of_the_range() -> None:
    shifts = plan(parse_pattern("3x8"), D, 3)
    assert len(shifts) == 9
    assert [s.name for s in shifts[:3]] == ["Ca sáng", "Ca chiều", "Ca đêm"]
    assert (shifts[0].starts_at, shifts[0].ends_at) == (at(10, 6), at(10, 14))
    assert (shifts[2].starts_at, shifts[2].ends_at) == (
        at(10, 22),
        at(11, 6),
    )  # the night belongs to its start
    gaps = coverage_gaps([s.interval for s in shifts], at(10, 6), at(13, 6))
    assert gaps == []


def test_two_twelve_hour_shifts() -> None:
    shifts = plan(parse_pattern(" 2X12 "), D, 1)
    assert [(s.name, s.starts_at, s.ends_at) for s in shifts] == [
        ("Ca ngày", at(10, 7), at(10, 19)),
        ("Ca đêm", at(10, 19), at(11, 7)),
    ]


def test_unknown_pattern_and_bad_day_counts_are_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        parse_pattern("4x6")
    assert err.value.field == "pattern"
    for days in (0, -1, MAX_PLAN_DAYS + 1):
        with pytest.raises(InvalidInput) as err:
            plan(parse_pattern("3x8"), D, days)
        assert (err.value.field, err.value.reason) == ("plan_days", "out_of_range")


def test_gaps_at_the_start_in_the_middle_and_at_the_end() -> None:
    covered = [iv(at(10, 6), at(10, 14)), iv(at(10, 22), at(11, 6))]
    assert coverage_gaps(covered, at(10, 0), at(11, 12)) == [
        iv(at(10, 0), at(10, 6)),
        iv(at(10, 14), at(10, 22)),
        iv(at(11, 6), at(11, 12)),
    ]


def test_gaps_ignore_cover_outside_the_window_and_join_overlapping_cover() -> None:
    covered = [iv(at(9, 22), at(10, 6)), iv(at(10, 5), at(10, 15)), iv(at(10, 14), at(10, 20))]
    assert coverage_gaps(covered, at(10, 0), at(10, 20)) == []
    assert coverage_gaps(covered, at(10, 0), at(10, 21)) == [iv(at(10, 20), at(10, 21))]
    assert coverage_gaps([], at(10, 0), at(10, 1)) == [iv(at(10, 0), at(10, 1))]
    assert coverage_gaps(covered, at(10, 1), at(10, 1)) == []


def test_merge_joins_touching_intervals() -> None:
    assert merge([iv(at(10, 14), at(10, 22)), iv(at(10, 6), at(10, 14))]) == [iv(at(10, 6), at(10, 22))]


def test_an_interval_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError):
        Interval(at(10, 6), at(10, 6))


def test_double_booking_finds_the_overlapping_shift_only() -> None:
    morning, night = iv(at(10, 6), at(10, 14)), iv(at(10, 22), at(11, 6))
    assert double_booking(iv(at(10, 14), at(10, 22)), [morning, night]) is None  # back to back is allowed
    assert double_booking(iv(at(10, 7), at(10, 19)), [night, morning]) == morning
    assert double_booking(iv(at(11, 5), at(11, 13)), [morning, night]) == night


def test_longest_duty_in_any_24_hours() -> None:
    assert longest_duty([]) is None
    one = longest_duty([iv(at(10, 6), at(10, 14))])
    assert one is not None and one.hours == 8 and not one.too_long
    # Morning, then the night of the same day: 16 hours inside 24, allowed.
    two = longest_duty([iv(at(10, 6), at(10, 14)), iv(at(10, 22), at(11, 6))])
    assert two is not None and two.hours == 16 and not two.too_long
    # A third shift the next morning: 22–06 and 06–14 back to back plus the first morning.
    three = longest_duty([iv(at(10, 6), at(10, 14)), iv(at(10, 22), at(11, 6)), iv(at(11, 6), at(11, 14))])
    assert three is not None and three.hours == 16
    # Two 12-hour shifts in a row: 24 hours, a warning.
    long = longest_duty([iv(at(10, 7), at(10, 19)), iv(at(10, 19), at(11, 7))])
    assert long is not None and long.hours == 24 and long.too_long and long.window_start == at(10, 7)


def test_longest_duty_counts_an_overlap_once() -> None:
    load = longest_duty([iv(at(10, 6), at(10, 14)), iv(at(10, 10), at(10, 18))])
    assert load is not None and load.hours == 12


def test_duty_warning_only_above_sixteen_hours() -> None:
    existing = [iv(at(10, 6), at(10, 14))]
    assert duty_warning(iv(at(10, 14), at(10, 22)), existing) is None  # exactly 16
    warning = duty_warning(iv(at(10, 22), at(11, 6)), [*existing, iv(at(10, 14), at(10, 22))])
    assert warning is not None and warning.hours == 24


@pytest.mark.parametrize("code", ["3x8", "2x12"])
@pytest.mark.parametrize("days", [1, 7, 31])
def test_every_pattern_gives_24_hour_cover_without_overlap(code: str, days: int) -> None:
    shifts = plan(parse_pattern(code), D, days)
    intervals = [s.interval for s in shifts]
    start = intervals[0].start
    assert coverage_gaps(intervals, start, start + timedelta(days=days)) == []
    for a, b in zip(intervals, intervals[1:], strict=False):
        assert a.end == b.start
