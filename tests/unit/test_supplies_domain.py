"""Stock arithmetic: the low flag, days of stock left, and fair shares of relief goods."""

from __future__ import annotations

import pytest

from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.domain.supplies import RoomShare, days_left, fair_shares, is_low


def test_low_below_the_minimum_only() -> None:
    assert is_low(40, 100)
    assert not is_low(100, 100)
    assert not is_low(0, 0)  # no minimum: never reported


def test_days_left_at_the_recent_rate() -> None:
    assert days_left(40, 70) == 4  # 10 a day
    assert days_left(0, 70) == 0
    assert days_left(40, 0) is None
    assert days_left(-3, 7) == 0


def test_equal_shares_and_the_remainder_stays() -> None:
    plan = fair_shares([("101", 4), ("102", 3), ("201", 2)], 30)
    assert plan.per_person == 3
    assert plan.rooms == (RoomShare("101", 4, 12), RoomShare("102", 3, 9), RoomShare("201", 2, 6))
    assert plan.remainder == 3
    assert plan.distributed == 27 and plan.people == 9


def test_a_room_named_twice_is_listed_once_and_empty_rooms_are_left_out() -> None:
    plan = fair_shares([("101", 2), ("102", 0), ("101", 1)], 6)
    assert plan.rooms == (RoomShare("101", 3, 6),)
    assert plan.remainder == 0


@pytest.mark.parametrize(
    ("rooms", "quantity", "field", "reason"),
    [
        ([("101", 4)], 3, "quantity", "less_than_people"),
        ([], 10, "people", "empty"),
        ([("101", 4)], 0, "quantity", "out_of_range"),
        ([("101", -1)], 5, "people", "bad_value"),
    ],
)
def test_refusals(rooms: list[tuple[str, int]], quantity: int, field: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        fair_shares(rooms, quantity)
    assert (caught.value.field, caught.value.reason) == (field, reason)


@pytest.mark.parametrize("quantity", [9, 10, 17, 1000, 12345])
def test_nothing_is_lost_and_nobody_gets_more(quantity: int) -> None:
    rooms = [("A", 4), ("B", 1), ("C", 3), ("D", 1)]
    plan = fair_shares(rooms, quantity)
    assert sum(r.share for r in plan.rooms) + plan.remainder == quantity
    assert all(r.share == r.people * plan.per_person for r in plan.rooms)
    assert 0 <= plan.remainder < plan.people
