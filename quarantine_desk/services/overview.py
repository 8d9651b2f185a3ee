"""What the manager watches: occupancy by zone and over the last days, today's movements, and the alerts.

``alerts`` lists what needs someone now, most urgent first: people positive and waiting for a transfer (R5),
the 16:00 report not yet made from 15:30, closed rooms, rooms to disinfect (R4), low stock and holes in the
24/24 duty cover.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from quarantine_desk.db.models import Bed, Person, Room, Stay
from quarantine_desk.domain.capacity import RELEASE_HORIZON_DAYS
from quarantine_desk.domain.rooms import RoomState, natural_key
from quarantine_desk.domain.stays import StayOutcome, roster_moment
from quarantine_desk.services import capacity, documents, medical, stays
from quarantine_desk.services.context import Desk
from quarantine_desk.services.facilities import (
    FacilityRow,
    Occupancy,
    RoomRow,
    facility_by_code,
    get_facility,
    occupancy_of,
    room_board,
)
from quarantine_desk.services.presence import present_at
from quarantine_desk.services.shifts import gaps
from quarantine_desk.services.supplies import KitShortage, StockAlert, kit_shortages, stock_alerts

log = logging.getLogger(__name__)

# "Định kỳ hằng ngày vào lúc 16 giờ ... báo cáo": the reminder starts half an hour before.
REPORT_DEADLINE = time(16, 0)
REPORT_REMINDER_FROM = time(15, 30)
SHIFT_LOOKAHEAD = timedelta(hours=24)
FILLING_WITHIN_DAYS = 7  # a projection crossing 90 % within this many days is an alert


@dataclass(frozen=True)
class DayOccupancy:
    day: date
    present: int  # people in the facility at the end of that day (now, for today): the roster's length then
    beds: int  # beds in service (today's count: the database keeps no history of beds)


@dataclass(frozen=True)
class ZoneOccupancy:
    zone: str
    beds: int
    occupied: int
    free: int
    closed: int


@dataclass(frozen=True)
class DayFigures:
    admitted: int
    released: int  # left the facility that day, transfers included
    transferred: int
    positives: int  # stays found positive that day


class AlertKind(StrEnum):
    POSITIVE = "positive"  # a person tested positive and waits for the transfer
    REPORT_DUE = "report_due"  # today's 16:00 report has not been made
    NEAR_FULL = "near_full"  # 90 % of the beds or more are taken (R7)
    ROOM_CLOSED = "room_closed"  # a room closed after a positive case (R5)
    DISINFECT = "disinfect"  # a room emptied and not yet disinfected (R4)
    KIT_SHORT = "kit_short"  # tests recorded while the store had no kit of their kind
    LOW_STOCK = "low_stock"  # an item below its minimum
    SHIFT_GAP = "shift_gap"  # hours in the next 24 that no staffed shift covers
    FILLING = "filling"  # the projection crosses 90 % of the beds within a week


URGENCY = tuple(AlertKind)  # the order above is the order of urgency


@dataclass(frozen=True)
class Alert:
    """One thing to act on. The window turns it into a sentence; the fields are what the sentence needs."""

    kind: AlertKind
    subject: str = ""  # the person (positive), the item (low stock)
    room: str = ""
    count: int = 0  # occupants of a closed room; periods without cover; the quantity left (low stock)
    at: datetime | None = None  # when the positive sample was taken; the report deadline; the first gap
    unit: str = ""  # of the item (low stock)
    minimum: int = 0  # the item's minimum stock (low stock)
    full_on: date | None = None  # the first day the projection has no free bed (near full, filling)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min)


def occupancy_history(
    desk: Desk, facility_code: str, days: int = 30, today: date | None = None
) -> list[DayOccupancy]:
    """People present at the end of each of the last ``days`` days up to ``today`` (now, for today), oldest
    first: each the length of that moment's roster.

    One query and one pass over the stays that overlap the window: a count per day as a sum of
    ``present_at(moment)``, the same condition as the roster's.
    """
    if days < 1:
        return []
    today = today or desk.now().date()
    first = today - timedelta(days=days - 1)
    day_list = [first + timedelta(days=i) for i in range(days)]
    now = desk.now()
    moments = [roster_moment(day, now) for day in day_list]
    with desk.read() as session:
        facility = facility_by_code(session, facility_code)
        beds = (
            session.scalar(
                select(func.count(Bed.id))
                .join(Room, Room.id == Bed.room_id)
                .where(Room.facility_id == facility.id, Bed.in_service.is_(True))
            )
            or 0
        )
        counts = [func.sum(case((present_at(moment), 1), else_=0)) for moment in moments]
        row = session.execute(
            select(*counts).where(
                Stay.facility_id == facility.id,
                Stay.admitted_at < _day_start(today + timedelta(days=1)),
                or_(Stay.released_at.is_(None), Stay.released_at >= _day_start(first)),
            )
        ).one()
    return [DayOccupancy(day, int(value or 0), int(beds)) for day, value in zip(day_list, row, strict=True)]


def zones_of(rows: list[RoomRow]) -> list[ZoneOccupancy]:
    """Occupancy per zone of a room board already loaded."""
    zones: dict[str, list[RoomRow]] = {}
    for row in rows:
        zones.setdefault(row.zone, []).append(row)
    result = []
    for zone in sorted(zones, key=natural_key):
        occupancy = occupancy_of(zones[zone])
        result.append(
            ZoneOccupancy(zone, occupancy.beds, occupancy.occupied, occupancy.free, occupancy.closed)
        )
    return result


def zone_occupancy(desk: Desk, facility_code: str) -> list[ZoneOccupancy]:
    """Beds in service, occupied, free and closed in each zone, counted as the room board counts them."""
    return zones_of(room_board(desk, facility_code))


def day_figures(desk: Desk, facility_code: str, on: date | None = None) -> DayFigures:
    """Admissions, departures and positive results of one day."""
    on = on or desk.now().date()
    start, end = _day_start(on), _day_start(on + timedelta(days=1))

    def on_day(column: InstrumentedAttribute[Any]) -> ColumnElement[bool]:
        return and_(column >= start, column < end)

    def count(condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.sum(case((condition, 1), else_=0))

    with desk.read() as session:
        facility = facility_by_code(session, facility_code)
        row = session.execute(
            select(
                count(on_day(Stay.admitted_at)),
                count(on_day(Stay.released_at)),
                count(and_(on_day(Stay.released_at), Stay.outcome == StayOutcome.TRANSFERRED)),
                count(on_day(Stay.positive_at)),
            ).where(
                Stay.facility_id == facility.id,
                Stay.admitted_at < end,
                or_(Stay.released_at.is_(None), Stay.released_at >= start),
            )
        ).one()
    admitted, released, transferred, positives = (int(v or 0) for v in row)
    return DayFigures(admitted, released, transferred, positives)


# --- alerts --------------------------------------------------------------------------------------------------------


def report_due(desk: Desk, facility_code: str, now: datetime) -> bool:
    """From 15:30, until today's report of this facility (or of all facilities) has been made."""
    if now.time() < REPORT_REMINDER_FROM:
        return False
    today = now.date()
    return not (
        documents.daily_report_made(desk, today, facility_code.upper())
        or documents.daily_report_made(desk, today, "ALL")
    )


def low_stock(desk: Desk, facility_code: str) -> tuple[StockAlert, ...]:
    """The items below their minimum."""
    with desk.read() as session:
        facility = facility_by_code(session, facility_code)
        return tuple(stock_alerts(session, facility.id))


def kit_shortfalls(desk: Desk, facility_code: str) -> tuple[KitShortage, ...]:
    """Tests recorded without a kit since the kit item's last receipt."""
    with desk.read() as session:
        facility = facility_by_code(session, facility_code)
        return kit_shortages(session, facility.id)


def shift_gaps(desk: Desk, facility_code: str, now: datetime) -> list[tuple[datetime, datetime]]:
    """The periods of the next 24 hours that no staffed shift covers."""
    end = now + SHIFT_LOOKAHEAD
    report = gaps(desk, facility_code, now.date(), end.date() + timedelta(days=1))
    periods = []
    for interval in report.uncovered:
        start, stop = max(interval.start, now), min(interval.end, end)
        if start < stop:
            periods.append((start, stop))
    return periods


def alerts(
    desk: Desk, facility_code: str, now: datetime | None = None, *, board: list[RoomRow] | None = None
) -> list[Alert]:
    """Everything that needs action in the facility, most urgent first. ``board``: the facility's room board
    when the caller has just loaded it."""
    now = now or desk.now()
    found: list[Alert] = []
    with desk.read() as session:
        facility = facility_by_code(session, facility_code)
        positives = session.execute(
            select(Person.full_name, Room.name, Stay.positive_at)
            .join(Person, Person.id == Stay.person_id)
            .join(Room, Room.id == Stay.room_id)
            .where(Stay.facility_id == facility.id, Stay.released_at.is_(None), Stay.positive_at.is_not(None))
            .order_by(Stay.positive_at, Person.sort_key)
        ).tuples()
        found.extend(Alert(AlertKind.POSITIVE, name, room, at=at) for name, room, at in positives)
        code = facility.code
    if report_due(desk, code, now):
        found.append(Alert(AlertKind.REPORT_DUE, at=datetime.combine(now.date(), REPORT_DEADLINE)))
    for row in board if board is not None else room_board(desk, code):
        if row.state is RoomState.CLOSED:
            found.append(Alert(AlertKind.ROOM_CLOSED, room=row.room, count=row.occupants))
        elif row.state is RoomState.AWAITING_DISINFECTION:
            found.append(Alert(AlertKind.DISINFECT, room=row.room))
    found.extend(
        Alert(AlertKind.KIT_SHORT, k.item, count=k.tests, at=k.since) for k in kit_shortfalls(desk, code)
    )
    found.extend(
        Alert(AlertKind.LOW_STOCK, a.name, count=a.quantity, unit=a.unit, minimum=a.min_stock)
        for a in low_stock(desk, code)
    )
    ahead = capacity.capacity(desk, code, FILLING_WITHIN_DAYS, now)
    if ahead.over_90:
        found.append(Alert(AlertKind.NEAR_FULL, count=ahead.percent, full_on=ahead.full_on))
    elif ahead.over_90_on is not None:
        found.append(
            Alert(
                AlertKind.FILLING,
                count=ahead.percent,
                at=datetime.combine(ahead.over_90_on, time.min),
                full_on=ahead.full_on,
            )
        )
    periods = shift_gaps(desk, code, now)
    if periods:
        found.append(Alert(AlertKind.SHIFT_GAP, count=len(periods), at=periods[0][0]))
    found.sort(key=lambda a: URGENCY.index(a.kind))  # stable: each kind keeps its own order
    return found


# --- the overview page in one read ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    """Everything the overview page shows of one facility, read at once."""

    facility: FacilityRow
    today: date
    occupancy: Occupancy
    zones: tuple[ZoneOccupancy, ...]
    present: int
    figures: DayFigures
    due_today: int  # planned releases today (or overdue)
    due_tomorrow: int  # planned for tomorrow, not already counted today
    tests_today: int
    tests_overdue: int
    rooms_to_disinfect: int
    closed_rooms: int
    alerts: tuple[Alert, ...]
    history: tuple[DayOccupancy, ...]
    capacity: capacity.Capacity | None = None  # beds ahead: the projection drawn after the history

    @property
    def low_stock(self) -> int:
        return sum(1 for a in self.alerts if a.kind is AlertKind.LOW_STOCK)

    @property
    def shift_gaps(self) -> int:
        return sum(a.count for a in self.alerts if a.kind is AlertKind.SHIFT_GAP)


def _present_now(desk: Desk, facility_id: int, moment: datetime) -> int:
    """The people on the roster of the moment who have not left: counted in SQL, never by loading the roster."""
    with desk.read() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(Stay)
                .where(Stay.facility_id == facility_id, present_at(moment), Stay.released_at.is_(None))
            )
            or 0
        )


def dashboard(
    desk: Desk, facility_code: str, now: datetime | None = None, history_days: int = 30
) -> Dashboard:
    """The overview of a facility: beds, people, today's movements, tests due, alerts and the last days."""
    now = now or desk.now()
    today = now.date()
    facility = get_facility(desk, facility_code)
    board = room_board(desk, facility.code)
    due_today = stays.releases_due(desk, facility.code, today)
    today_ids = {r.stay for r in due_today}
    due_tomorrow = stays.releases_due(desk, facility.code, today + timedelta(days=1))
    tests = medical.tests_due_list(desk, facility.code, today)
    overdue = sum(1 for t in tests if t.overdue(today))
    return Dashboard(
        facility=facility,
        today=today,
        occupancy=occupancy_of(board),
        zones=tuple(zones_of(board)),
        present=_present_now(desk, facility.id, roster_moment(today, desk.now())),
        figures=day_figures(desk, facility.code, today),
        due_today=len(due_today),
        due_tomorrow=sum(1 for r in due_tomorrow if r.stay not in today_ids),
        tests_today=len(tests) - overdue,
        tests_overdue=overdue,
        rooms_to_disinfect=sum(1 for r in board if r.state is RoomState.AWAITING_DISINFECTION),
        closed_rooms=sum(1 for r in board if r.state is RoomState.CLOSED),
        alerts=tuple(alerts(desk, facility.code, now, board=board)),
        history=tuple(occupancy_history(desk, facility.code, history_days, today)),
        capacity=capacity.capacity(desk, facility.code, RELEASE_HORIZON_DAYS, now),
    )
