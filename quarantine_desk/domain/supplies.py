"""Stock arithmetic: when an item runs low, how many days it lasts, and fair shares of relief goods.

"Phân phối hàng cứu trợ ... công bằng, đúng đối tượng, tránh tình trạng vừa thừa, vừa thiếu": every person
present gets the same whole number of units; what cannot be split evenly stays in the store and is said so,
rather than some rooms getting one more than others.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.domain.stays import TestKind

MAX_QUANTITY = 1_000_000
USAGE_WINDOW_DAYS = 7  # the days of issues that estimate how long the stock lasts


def is_low(quantity: int, min_stock: int) -> bool:
    """Below the minimum the facility keeps in store (an item without a minimum is never low)."""
    return min_stock > 0 and quantity < min_stock


def days_left(quantity: int, issued_in_window: int, window_days: int = USAGE_WINDOW_DAYS) -> int | None:
    """Whole days the stock lasts at the recent rate of use; ``None`` when nothing was used lately."""
    if issued_in_window <= 0 or window_days <= 0:
        return None
    return max(0, quantity) * window_days // issued_in_window


def check_quantity(quantity: int, field: str = "quantity") -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidInput(field, "out_of_range", quantity, minimum=1, maximum=MAX_QUANTITY)


@dataclass(frozen=True)
class RoomShare:
    """What one room receives: ``people`` present, ``share`` units in all (the same per person everywhere)."""

    room: str
    people: int
    share: int


@dataclass(frozen=True)
class FairShares:
    quantity: int  # what was offered for distribution
    per_person: int
    rooms: tuple[RoomShare, ...]
    remainder: int  # left in the store: fewer units than people to give one more each

    @property
    def people(self) -> int:
        return sum(r.people for r in self.rooms)

    @property
    def distributed(self) -> int:
        return self.quantity - self.remainder


def fair_shares(rooms: Iterable[tuple[str, int]], quantity: int) -> FairShares:
    """Split ``quantity`` units equally among the people of ``rooms`` (room name, people present).

    A room named twice is counted once with its people added; rooms without anybody get nothing and are left out.
    Refused when there is nobody, or fewer units than people (nobody would get a whole unit).
    """
    check_quantity(quantity)
    people: dict[str, int] = {}
    for room, count in rooms:
        if count < 0:
            raise InvalidInput("people", "bad_value", count)
        if count:
            people[room] = people.get(room, 0) + count
    total = sum(people.values())
    if total == 0:
        raise InvalidInput("people", "empty")
    if quantity < total:
        raise InvalidInput("quantity", "less_than_people", quantity, people=total)
    per_person = quantity // total
    lines = tuple(RoomShare(room, count, count * per_person) for room, count in people.items())
    return FairShares(quantity, per_person, lines, quantity - per_person * total)


# --- test kits by the schedule ---------------------------------------------------------------------------------------


def scheduled_kind(day: int, test_days: Sequence[int]) -> TestKind:
    """The kind of kit a scheduled test uses: the last test of the period (the one before release) is an RT-PCR,
    the others are rapid antigen tests."""
    return TestKind.PCR if test_days and day == max(test_days) else TestKind.RAPID


@dataclass(frozen=True)
class KitDay:
    """One day of the kit forecast: the tests due that day by kind, and the kits left in store after them
    (``None`` for a kind the facility keeps no kit item for)."""

    day: date
    due: Mapping[TestKind, int]
    left: Mapping[TestKind, int | None]
    short: Mapping[TestKind, int]  # tests due by the end of that day for which no kit is left

    @property
    def shortfall(self) -> bool:
        return any(self.short.values())


KINDS = (TestKind.RAPID, TestKind.PCR)


def kit_forecast(
    due: Iterable[tuple[date, TestKind]], stock: Mapping[TestKind, int | None], start: date, days: int
) -> tuple[KitDay, ...]:
    """Day by day from ``start`` for ``days`` days: the tests due (an overdue test counts on ``start``), the kits
    left after them, never below zero, and how many tests have no kit by then."""
    if days < 1:
        return ()
    per_day: dict[tuple[date, TestKind], int] = {}
    for when, kind in due:
        when = max(when, start)
        per_day[(when, kind)] = per_day.get((when, kind), 0) + 1
    used = dict.fromkeys(KINDS, 0)
    result = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        today = {kind: per_day.get((day, kind), 0) for kind in KINDS}
        for kind in KINDS:
            used[kind] += today[kind]
        left: dict[TestKind, int | None] = {}
        short: dict[TestKind, int] = {}
        for kind in KINDS:
            have = stock.get(kind)
            left[kind] = None if have is None else max(0, have - used[kind])
            short[kind] = 0 if have is None else max(0, used[kind] - max(0, have))
        result.append(KitDay(day, today, left, short))
    return tuple(result)


def first_shortfall(forecast: Sequence[KitDay], kind: TestKind | None = None) -> date | None:
    """The first day some test (of ``kind``, or of any kind) has no kit."""
    for entry in forecast:
        if entry.short.get(kind, 0) if kind is not None else entry.shortfall:
            return entry.day
    return None


def to_order(need: int, stock: int, min_stock: int, pack_size: int) -> tuple[int, int]:
    """(units, packs) to order so that the store covers ``need`` and still holds its minimum: whole packs."""
    missing = max(0, need + min_stock - max(0, stock))
    packs = -(-missing // max(1, pack_size))
    return packs * max(1, pack_size), packs
