"""Stock arithmetic: when an item runs low, how many days it lasts, and fair shares of relief goods.

"Phân phối hàng cứu trợ ... công bằng, đúng đối tượng, tránh tình trạng vừa thừa, vừa thiếu": every person
present gets the same whole number of units; what cannot be split evenly stays in the store and is said so,
rather than some rooms getting one more than others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from quarantine_desk.domain.errors import InvalidInput

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
