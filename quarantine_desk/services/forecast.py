"""The store ahead: test kits by the test schedule of the people staying, every other item by its recent use, and
what to ask the province for.

The tests due come from each open stay's own copy of its policy's test days, counted from its period start (moved
forward by a restart, R5), less the tests already taken for them; an overdue test counts today. The last test of
a period is an RT-PCR, the others rapid tests (``domain.supplies.scheduled_kind``). Staff of a facility with a
staff test schedule add their tests too (``services.staff_tests``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from quarantine_desk.db.models import Facility, MedicalTest, Stay
from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.domain.policy import TestRecord, open_tests
from quarantine_desk.domain.stays import TestKind, TestResult
from quarantine_desk.domain.supplies import (
    KINDS,
    USAGE_WINDOW_DAYS,
    KitDay,
    first_shortfall,
    kit_forecast,
    scheduled_kind,
    to_order,
)
from quarantine_desk.services.context import Desk
from quarantine_desk.services.facilities import facility_by_code
from quarantine_desk.services.policies import stay_policy
from quarantine_desk.services.supplies import StockRow, issued_since, stock_rows

MAX_DAYS = 60


@dataclass(frozen=True)
class ItemOutlook:
    """An item other than the kits: its stock, the use per day over the last seven days, and how long it lasts."""

    code: str
    name: str
    unit: str
    stock: int
    per_day: float  # units issued per day over the last seven days
    days_left: int | None  # None when nothing was issued lately
    runs_out_on: date | None


@dataclass(frozen=True)
class RequestLine:
    """One line of the request sheet: what the forecast period needs and what to order, in whole packs."""

    code: str
    name: str
    unit: str
    stock: int
    need: int  # over the forecast period
    min_stock: int
    pack_size: int
    order: int  # units, a whole number of packs
    packs: int


@dataclass(frozen=True)
class StockForecast:
    facility: str
    facility_name: str
    district: str | None
    province: str | None
    start: date
    days: tuple[KitDay, ...]
    kit_items: dict[TestKind, StockRow]
    items: tuple[ItemOutlook, ...]

    @property
    def shortfall_on(self) -> date | None:
        return first_shortfall(self.days)

    def shortfall_of(self, kind: TestKind) -> date | None:
        return first_shortfall(self.days, kind)

    def tests_due(self, kind: TestKind) -> int:
        return sum(d.due[kind] for d in self.days)

    def request(self, rows: list[StockRow]) -> tuple[RequestLine, ...]:
        """What to order so that the period is covered and every item keeps its minimum; lines with nothing to
        order are left out."""
        need: dict[str, int] = {}
        for kind, row in self.kit_items.items():
            need[row.code] = self.tests_due(kind)
        for item in self.items:
            need[item.code] = math.ceil(item.per_day * len(self.days))
        lines = []
        for row in rows:
            wanted = need.get(row.code, 0)
            order, packs = to_order(wanted, row.quantity, row.min_stock, row.pack_size)
            if order:
                lines.append(
                    RequestLine(
                        row.code, row.name, row.unit, row.quantity, wanted, row.min_stock, row.pack_size,
                        order, packs,
                    )
                )  # fmt: skip
        return tuple(lines)


def scheduled_tests(session: Session, facility_id: int, today: date) -> list[tuple[date, TestKind]]:
    """(due date, kind) of every test still owed by the open stays of the facility (not the positives, who leave)."""
    stays = list(
        session.scalars(
            select(Stay).where(
                Stay.facility_id == facility_id, Stay.released_at.is_(None), Stay.positive_at.is_(None)
            )
        )
    )
    taken: dict[int, list[TestRecord]] = {}
    for stay_id, sampled_at, result in session.execute(
        select(MedicalTest.stay_id, MedicalTest.sampled_at, MedicalTest.result)
        .join(Stay, Stay.id == MedicalTest.stay_id)
        .where(Stay.facility_id == facility_id, Stay.released_at.is_(None))
    ).tuples():
        taken.setdefault(stay_id, []).append(TestRecord(sampled_at.date(), result == TestResult.POSITIVE))
    due = []
    for stay in stays:
        policy = stay_policy(stay)
        for day, when in open_tests(stay.period_start, policy, taken.get(stay.id, []), today):
            due.append((when, scheduled_kind(day, policy.test_days)))
    return due


def stock_forecast(
    desk: Desk, facility_code: str, days: int = 7, now: datetime | None = None
) -> StockForecast:
    """The kits day by day for ``days`` days from today, and every other item at its recent rate."""
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput("forecast_days", "out_of_range", days, minimum=1, maximum=MAX_DAYS)
    now = now or desk.now()
    today = now.date()
    with desk.read() as session:
        place = facility_by_code(session, facility_code)
        rows = stock_rows(session, place.id, now)
        kit_items = {TestKind(r.kit_kind): r for r in rows if r.kit_kind is not None}
        due = scheduled_tests(session, place.id, today)
        due += _staff_tests_due(session, place, today, days)
        issued = issued_since(session, place.id, now - timedelta(days=USAGE_WINDOW_DAYS))
        header = (place.code, place.name, place.district, place.province)
    stock: dict[TestKind, int | None] = {kind: None for kind in KINDS}
    for kind, row in kit_items.items():
        stock[kind] = row.quantity
    outlook = []
    for row in rows:
        if row.kit_kind is not None:
            continue
        used = issued.get(row.id, 0)
        per_day = used / USAGE_WINDOW_DAYS
        runs_out = None if row.days_left is None else today + timedelta(days=row.days_left)
        outlook.append(
            ItemOutlook(
                row.code, row.name, row.unit, row.quantity, round(per_day, 1), row.days_left, runs_out
            )
        )
    return StockForecast(
        *header,
        start=today,
        days=kit_forecast(due, stock, today, days),
        kit_items=kit_items,
        items=tuple(outlook),
    )


def _staff_tests_due(
    session: Session, place: Facility, today: date, days: int
) -> list[tuple[date, TestKind]]:
    from quarantine_desk.services.staff_tests import staff_tests_due

    return staff_tests_due(session, place, today, days)


def request_lines(
    desk: Desk, facility_code: str, days: int = 7
) -> tuple[StockForecast, tuple[RequestLine, ...]]:
    """The forecast and the request sheet's lines from it."""
    forecast = stock_forecast(desk, facility_code, days)
    with desk.read() as session:
        place = facility_by_code(session, facility_code)
        rows = stock_rows(session, place.id, desk.now())
    return forecast, forecast.request(rows)
