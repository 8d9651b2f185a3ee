"""Rates and caps that change by decision from a given day: what a portion costs the kitchen, and the support of
Resolution 68/NQ-CP. Each key has a default (in force until a manager records another value from a day on); the
value of a day is the one recorded with the latest start on or before it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from quarantine_desk.domain.errors import InvalidInput


@dataclass(frozen=True)
class RateKey:
    key: str
    default: int
    unit: str  # "VND" or "ngày"
    maximum: int


# The kitchen's price of a portion (VND); three meals make the 80,000 VND a day of Resolution 68's food support.
# Resolution 68/NQ-CP of 1 July 2021, II.10, and Decision 23/2021/QĐ-TTg (its chapter on children and people
# treated or in medical quarantine): food support of 80,000 VND a person a day for people in medical quarantine (F1), at most 21 days; 1,000,000 VND once for a
# child under 16 who is F0 or F1.
RATE_KEYS: tuple[RateKey, ...] = (
    RateKey("meal.breakfast", 20_000, "VND", 10_000_000),
    RateKey("meal.lunch", 30_000, "VND", 10_000_000),
    RateKey("meal.dinner", 30_000, "VND", 10_000_000),
    RateKey("support.daily", 80_000, "VND", 10_000_000),
    RateKey("support.max_days", 21, "ngày", 365),
    RateKey("support.child", 1_000_000, "VND", 100_000_000),
)
RATES: dict[str, RateKey] = {r.key: r for r in RATE_KEYS}


def rate_key(key: str) -> RateKey:
    found = RATES.get(key)
    if found is None:
        raise InvalidInput("rate", "bad_value", key)
    return found


def check_value(key: str, value: int) -> None:
    spec = rate_key(key)
    if not 0 <= value <= spec.maximum:
        raise InvalidInput("rate_value", "out_of_range", value, minimum=0, maximum=spec.maximum)


def value_on(key: str, history: Iterable[tuple[date, int]], day: date) -> int:
    """The value of ``key`` on ``day`` from its recorded (start, value) pairs; the default before the first."""
    best: tuple[date, int] | None = None
    for start, value in history:
        if start <= day and (best is None or start > best[0]):
            best = (start, value)
    return best[1] if best is not None else rate_key(key).default
