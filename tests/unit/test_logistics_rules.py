"""The pure rules of meals by the clock, effective-dated rates and the Resolution 68 support, hand-computed."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from quarantine_desk.domain import meals, rates, support
from quarantine_desk.domain.errors import InvalidInput

D = date(2021, 8, 10)


def at(hour: int, minute: int = 0, day: int = 10) -> datetime:
    return datetime(2021, 8, day, hour, minute)


def test_present_at_the_meal_by_the_recorded_times_up_to_now() -> None:
    now = at(20)
    # admitted at 10:59: eats the 11:00 lunch, not the 06:30 breakfast
    assert meals.planned_present(at(10, 59), None, date(2021, 8, 24), at(11), now)
    assert not meals.planned_present(at(10, 59), None, date(2021, 8, 24), at(6, 30), now)
    # released at 10:59: had breakfast, no lunch; released at 11:00 exactly: gone at 11:00 as well
    assert meals.planned_present(at(8, 0, 1), at(10, 59), D, at(6, 30), now)
    assert not meals.planned_present(at(8, 0, 1), at(10, 59), D, at(11), now)
    assert not meals.planned_present(at(8, 0, 1), at(11), D, at(11), now)
    assert meals.planned_present(at(8, 0, 1), at(11, 0), D, at(10, 59), now)


def test_a_moment_to_come_uses_the_planned_release_morning() -> None:
    now = at(20, day=10)
    # planned to leave on the 12th: breakfast at 06:30 on the 12th, no lunch
    assert meals.planned_present(at(8, 0, 1), None, date(2021, 8, 12), at(6, 30, 12), now)
    assert not meals.planned_present(at(8, 0, 1), None, date(2021, 8, 12), at(11, 0, 12), now)
    # overdue (planned for the 9th, still there): still eats tomorrow
    assert meals.planned_present(at(8, 0, 1), None, date(2021, 8, 9), at(11, 0, 11), now)
    # a stay that ended before the moment known is gone; one admitted after it is not known yet
    assert not meals.planned_present(at(8, 0, 1), at(19), date(2021, 8, 14), at(11, 0, 11), now)
    assert not meals.planned_present(at(20, 30), None, date(2021, 8, 24), at(11, 0, 11), now)


def test_meal_times_keep_their_order_and_the_cutoff_is_the_day_before() -> None:
    times = meals.MealTimes()
    assert times.moment(D, "lunch") == at(11)
    assert times.cutoff_for(D) == datetime(2021, 8, 9, 15, 0)
    with pytest.raises(InvalidInput):
        meals.MealTimes(lunch=time(6, 0))
    assert meals.parse_clock("6h30", "breakfast") == time(6, 30)
    with pytest.raises(InvalidInput):
        meals.parse_clock("sáu giờ", "breakfast")
    assert meals.parse_diet("Chay") is meals.Diet.VEGETARIAN
    assert meals.parse_diet("suất mềm") is meals.Diet.SOFT
    assert meals.parse_diet("") is meals.Diet.REGULAR
    with pytest.raises(InvalidInput):
        meals.parse_diet("keto")


def test_cost_of_a_day() -> None:
    assert (
        meals.meal_cost(
            {"breakfast": 10, "lunch": 12, "dinner": 11},
            {"breakfast": 20_000, "lunch": 30_000, "dinner": 30_000},
        )
        == 890_000
    )


def test_rates_by_day() -> None:
    history = [(date(2021, 9, 1), 100_000), (date(2021, 8, 1), 90_000)]
    assert rates.value_on("support.daily", history, date(2021, 7, 31)) == 80_000
    assert rates.value_on("support.daily", history, date(2021, 8, 1)) == 90_000
    assert rates.value_on("support.daily", history, date(2021, 8, 31)) == 90_000
    assert rates.value_on("support.daily", history, date(2021, 9, 1)) == 100_000
    with pytest.raises(InvalidInput):
        rates.check_value("support.max_days", 400)
    with pytest.raises(InvalidInput):
        rates.rate_key("support.weekly")


def test_support_counts_the_real_days_capped() -> None:
    r = support.SupportRates(80_000, 21, 1_000_000)
    # admitted 1/8 08:00, completed 15/8 (14 days)
    s = support.support_for(at(8, 0, 1), at(8, 0, 15), r, child=False)
    assert (s.days, s.days_paid, s.amount, s.child_support) == (14, 14, 1_120_000, 0)
    # 25 days: capped at 21
    s = support.support_for(at(8, 0, 1), at(8, 0, 26), r, child=True)
    assert (s.days, s.days_paid, s.amount, s.child_support, s.total) == (
        25,
        21,
        1_680_000,
        1_000_000,
        2_680_000,
    )
    assert support.support_for(at(8, 0, 1), at(8, 0, 26), r, child=True, child_paid=True).child_support == 0
    assert support.qualifies("released_early") and support.qualifies("transferred")
    assert not support.qualifies("other") and not support.qualifies(None)
