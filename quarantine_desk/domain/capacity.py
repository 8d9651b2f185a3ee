"""Capacity ahead: from the beds, the people there now, their planned releases and the recent arrivals, the free
beds of the coming days and the first day a facility is full or crosses 90 % (R7): when the next facility must be
ready ("rà soát, quyết định thành lập thêm các khu cách ly tập trung mới", "sẵn sàng kích hoạt").

The assumption, said with every projection: arrivals go on at the average of the last seven days, everyone
leaves on their planned release day (a person waiting for transfer after a positive test leaves today), and the
beds closed now stay closed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from quarantine_desk.domain.rooms import near_full

ARRIVAL_WINDOW_DAYS = 7
RELEASE_HORIZON_DAYS = 14


@dataclass(frozen=True)
class CapacityDay:
    day: date
    releases: int  # planned for that day
    arrivals: int  # expected by then, in all, since today
    occupied: int
    free: int


def expected_arrivals(arrived: int, days_ahead: int, window: int = ARRIVAL_WINDOW_DAYS) -> int:
    """``arrived`` people in the last ``window`` days: how many by ``days_ahead`` days from now, rounded half
    up (integer arithmetic, so a hand count gives the same)."""
    return (2 * arrived * days_ahead + window) // (2 * window)


def project(
    occupied: int,
    beds: int,
    closed: int,
    arrived: int,
    releases: Mapping[date, int],
    today: date,
    days: int,
) -> tuple[CapacityDay, ...]:
    """Day by day from tomorrow for ``days`` days. ``releases``: planned releases by day (days before tomorrow
    count tomorrow: they are due now); ``arrived``: admissions in the last seven days."""
    usable = max(0, beds - closed)
    result = []
    left = 0
    for k in range(1, days + 1):
        day = today + timedelta(days=k)
        on_day = sum(n for d, n in releases.items() if d <= day) - left
        left += on_day
        arrivals = expected_arrivals(arrived, k)
        people = max(0, occupied - left + arrivals)
        result.append(CapacityDay(day, on_day, arrivals, people, max(0, usable - people)))
    return tuple(result)


def first_full(
    occupied: int, beds: int, closed: int, projection: Sequence[CapacityDay], today: date
) -> date | None:
    usable = max(0, beds - closed)
    if beds and occupied >= usable:
        return today
    return next((d.day for d in projection if beds and d.occupied >= usable), None)


def first_over_90(occupied: int, beds: int, projection: Sequence[CapacityDay], today: date) -> date | None:
    if near_full(occupied, beds):
        return today
    return next((d.day for d in projection if near_full(d.occupied, beds)), None)
