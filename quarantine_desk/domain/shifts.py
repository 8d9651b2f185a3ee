"""Duty shifts, 24/24: shift patterns, the shifts they give for a run of days, gaps in cover, and a person's load.

The directives ask for "phân ca trực nghiêm túc 24/24 tại các điểm cách ly": every hour of every day has someone on
duty. A pattern (three 8-hour shifts, or two 12-hour shifts) turns a date range into shift intervals;
``coverage_gaps`` finds the hours nobody covers; ``double_booking`` refuses a person on two shifts at once; and
``longest_duty`` measures the most hours a person works in any 24, which above ``MAX_HOURS_IN_24`` is a warning,
not a refusal (a manager may need it in an outbreak). Times are naive local datetimes, as everywhere in the program.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.domain.text import fold

MAX_PLAN_DAYS = 62  # two months at a time is as far ahead as a facility plans
MAX_HOURS_IN_24 = 16  # more than this in any 24 hours is reported as a warning
DAY = timedelta(hours=24)


@dataclass(frozen=True)
class Interval:
    """A period of time, ``start`` included, ``end`` excluded."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"an interval ends after it starts: {self.start} – {self.end}")

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end

    def clip(self, start: datetime, end: datetime) -> Interval | None:
        """The part of this interval inside ``[start, end)``, or None."""
        lo, hi = max(self.start, start), min(self.end, end)
        return Interval(lo, hi) if lo < hi else None


@dataclass(frozen=True)
class ShiftSlot:
    """One shift of a day: its name on the duty board, when it starts, how long it lasts."""

    name: str
    starts: time
    hours: int


@dataclass(frozen=True)
class ShiftPattern:
    code: str
    slots: tuple[ShiftSlot, ...]


PATTERNS: dict[str, ShiftPattern] = {
    "3x8": ShiftPattern(
        "3x8",
        (
            ShiftSlot("Ca sáng", time(6, 0), 8),
            ShiftSlot("Ca chiều", time(14, 0), 8),
            ShiftSlot("Ca đêm", time(22, 0), 8),
        ),
    ),
    "2x12": ShiftPattern(
        "2x12",
        (
            ShiftSlot("Ca ngày", time(7, 0), 12),
            ShiftSlot("Ca đêm", time(19, 0), 12),
        ),
    ),
}


def parse_pattern(code: str) -> ShiftPattern:
    """``3x8`` or ``2x12`` (case and spaces ignored)."""
    pattern = PATTERNS.get(code.strip().lower().replace(" ", ""))
    if pattern is None:
        raise InvalidInput("pattern", "bad_value", code)
    return pattern


@dataclass(frozen=True)
class PlannedShift:
    """A shift a pattern gives for one day; a night shift belongs to the day on which it starts."""

    name: str
    starts_at: datetime
    ends_at: datetime

    @property
    def interval(self) -> Interval:
        return Interval(self.starts_at, self.ends_at)


def plan(pattern: ShiftPattern, start: date, days: int) -> list[PlannedShift]:
    """The shifts of ``days`` days from ``start``, in time order; together they cover the whole period."""
    if not 1 <= days <= MAX_PLAN_DAYS:
        raise InvalidInput("plan_days", "out_of_range", days, minimum=1, maximum=MAX_PLAN_DAYS)
    shifts: list[PlannedShift] = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        for slot in pattern.slots:
            begins = datetime.combine(day, slot.starts)
            shifts.append(PlannedShift(slot.name, begins, begins + timedelta(hours=slot.hours)))
    return shifts


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """The union of ``intervals`` as disjoint intervals in time order (touching ones joined)."""
    merged: list[Interval] = []
    for current in sorted(intervals, key=lambda i: (i.start, i.end)):
        if merged and current.start <= merged[-1].end:
            if current.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, current.end)
        else:
            merged.append(current)
    return merged


def coverage_gaps(intervals: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    """The periods inside ``[start, end)`` that no interval covers, in time order."""
    if end <= start:
        return []
    gaps: list[Interval] = []
    cursor = start
    for covered in merge(intervals):
        if covered.end <= cursor:
            continue
        if covered.start >= end:
            break
        if covered.start > cursor:
            gaps.append(Interval(cursor, covered.start))
        cursor = max(cursor, covered.end)
        if cursor >= end:
            break
    if cursor < end:
        gaps.append(Interval(cursor, end))
    return gaps


def double_booking(new: Interval, existing: Sequence[Interval]) -> Interval | None:
    """The first of a person's ``existing`` shifts that ``new`` overlaps, or None: nobody is in two places."""
    for other in sorted(existing, key=lambda i: i.start):
        if new.overlaps(other):
            return other
    return None


@dataclass(frozen=True)
class DutyLoad:
    """The most hours worked in any 24-hour window, and the window where that happens."""

    hours: float
    window_start: datetime

    @property
    def too_long(self) -> bool:
        return self.hours > MAX_HOURS_IN_24


def _hours_inside(worked: Sequence[Interval], start: datetime, end: datetime) -> float:
    total = 0.0
    for interval in worked:
        part = interval.clip(start, end)
        if part is not None:
            total += part.hours
    return total


def longest_duty(intervals: Iterable[Interval], window: timedelta = DAY) -> DutyLoad | None:
    """The heaviest ``window`` (24 hours) of a person's shifts; None without shifts.

    Hours worked in a sliding window change slope only where an interval starts or ends, so the maximum is
    reached with the window starting at a shift's start or ending at a shift's end: only those are tried.
    """
    worked = merge(intervals)
    if not worked:
        return None
    candidates = sorted({i.start for i in worked} | {i.end - window for i in worked})
    best: DutyLoad | None = None
    for start in candidates:
        hours = _hours_inside(worked, start, start + window)
        if best is None or hours > best.hours + 1e-9:
            best = DutyLoad(round(hours, 2), start)
    return best


def duty_warning(new: Interval, existing: Sequence[Interval]) -> DutyLoad | None:
    """The load after adding ``new`` to a person's shifts, when it is more than ``MAX_HOURS_IN_24``; else None."""
    load = longest_duty([*existing, new])
    return load if load is not None and load.too_long else None


# --- the duty roster's roles -----------------------------------------------------------------------------------------

#: Every shift needs one of each: medical staff, security, and logistics or service (the demo's teams are so made).
ROLE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Y tế", ("bac si", "dieu duong", "y ta", "y si", "ky thuat vien", "duoc si")),
    ("An ninh", ("cong an", "quan doi", "dan quan", "bo doi", "bao ve")),
    ("Hậu cần, phục vụ", ("hau can", "tinh nguyen vien", "phuc vu", "cap duong", "ve sinh")),
)
OTHER_ROLE = "Khác"


def role_group(position: str | None) -> str:
    """The role group of a position as typed ("Bác sĩ" → "Y tế"); anything not known is "Khác"."""
    folded = fold(position or "")
    for group, words in ROLE_GROUPS:
        if any(word in folded for word in words):
            return group
    return OTHER_ROLE


def missing_roles(positions: Iterable[str | None]) -> tuple[str, ...]:
    """The role groups a shift lacks, given the positions of the people on it who may serve."""
    present = {role_group(p) for p in positions}
    return tuple(group for group, _ in ROLE_GROUPS if group not in present)
