"""Capacity ahead, per facility and for all facilities together (the district): beds, occupied, free and closed
now, the arrivals of the last seven days, the releases planned for the next fourteen, and the projection of free
beds day by day with the first day full and the first day over 90 % (``domain.capacity``, whose assumption every
screen and file states)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from quarantine_desk.db.models import Facility, Stay
from quarantine_desk.domain.capacity import (
    ARRIVAL_WINDOW_DAYS,
    RELEASE_HORIZON_DAYS,
    CapacityDay,
    first_full,
    first_over_90,
    project,
)
from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.domain.rooms import near_full, percent_used
from quarantine_desk.services.context import Desk
from quarantine_desk.services.facilities import facility_by_code, occupancy_of, room_board
from quarantine_desk.services.presence import BedFigures, bed_figures, present_at, rooms_at_each

MAX_DAYS = 60
ALL = "ALL"


@dataclass(frozen=True)
class Capacity:
    facility: str  # the code, or ALL for every facility together
    name: str
    today: date
    beds: int
    occupied: int
    closed: int
    arrivals: tuple[tuple[date, int], ...]  # admissions on each of the last seven days, oldest first
    planned: tuple[
        tuple[date, int], ...
    ]  # planned releases of the people there now, by day (today: due or overdue)
    days: tuple[CapacityDay, ...]
    full_on: date | None
    over_90_on: date | None

    @property
    def releases(self) -> tuple[tuple[date, int], ...]:
        """Planned releases on each of the next fourteen days, today first."""
        by_day = dict(self.planned)
        return tuple(
            (self.today + timedelta(days=i), by_day.get(self.today + timedelta(days=i), 0))
            for i in range(RELEASE_HORIZON_DAYS)
        )

    @property
    def free(self) -> int:
        return max(0, self.beds - self.occupied - self.closed)

    @property
    def arrived(self) -> int:
        return sum(n for _, n in self.arrivals)

    @property
    def arrivals_per_day(self) -> float:
        return round(self.arrived / ARRIVAL_WINDOW_DAYS, 1)

    @property
    def percent(self) -> int:
        return percent_used(self.occupied, self.beds)

    @property
    def over_90(self) -> bool:
        return near_full(self.occupied, self.beds)


def _check_days(days: int) -> None:
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput("forecast_days", "out_of_range", days, minimum=1, maximum=MAX_DAYS)


def capacity_in(
    session: Session, place: Facility, now: datetime, days: int, beds: BedFigures | None = None
) -> Capacity:
    """A facility's capacity at ``now`` inside the caller's transaction (the 16:00 report of a past day, with the
    beds of that moment); ``beds``: the beds now, as the room board counts them."""
    return capacity_each(session, [place], now, days, {place.id: beds} if beds else None)[place.id]


def capacity_each(
    session: Session,
    places: Sequence[Facility],
    now: datetime,
    days: int,
    beds: dict[int, BedFigures] | None = None,
) -> dict[int, Capacity]:
    """``capacity_in`` of several facilities in a fixed number of grouped queries (the all-facility report).
    ``beds``: the facilities' beds, when the caller has counted them (else those recorded at ``now``)."""
    today = now.date()
    ids = [place.id for place in places]
    if beds is None:
        beds = {fid: bed_figures(rooms) for fid, rooms in rooms_at_each(session, ids, now).items()}
    first = today - timedelta(days=ARRIVAL_WINDOW_DAYS)
    by_day: dict[int, dict[date, int]] = {}
    for facility_id, day, count in session.execute(
        select(Stay.facility_id, func.date(Stay.admitted_at), func.count())
        .where(
            Stay.facility_id.in_(ids),
            Stay.admitted_at >= datetime.combine(first, time.min),
            Stay.admitted_at < datetime.combine(today, time.min),
        )
        .group_by(Stay.facility_id, func.date(Stay.admitted_at))
    ).tuples():
        by_day.setdefault(facility_id, {})[_as_date(day)] = int(count)
    # Present now: each leaves on the planned day; a positive waiting for the transfer leaves today.
    planned: dict[int, dict[date, int]] = {}
    positive = Stay.positive_at.is_not(None)
    for facility_id, release, waiting, count in session.execute(
        select(Stay.facility_id, Stay.planned_release, positive, func.count())
        .where(Stay.facility_id.in_(ids), present_at(now))
        .group_by(Stay.facility_id, Stay.planned_release, positive)
    ).tuples():
        day = today if waiting else max(release, today)
        leaving = planned.setdefault(facility_id, {})
        leaving[day] = leaving.get(day, 0) + int(count)
    found = {}
    for place in places:
        arrived = by_day.get(place.id, {})
        arrivals = tuple(
            (first + timedelta(days=i), arrived.get(first + timedelta(days=i), 0)) for i in range(7)
        )
        bed = beds.get(place.id, BedFigures(0, 0, 0))
        found[place.id] = _capacity(
            place.code,
            place.name,
            today,
            bed.beds,
            bed.occupied,
            bed.closed,
            arrivals,
            planned.get(place.id, {}),
            days,
        )
    return found


def _as_date(value: object) -> date:
    """``func.date`` gives a date on PostgreSQL and an ISO string on SQLite."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _capacity(
    code: str,
    name: str,
    today: date,
    beds: int,
    occupied: int,
    closed: int,
    arrivals: tuple[tuple[date, int], ...],
    planned: dict[date, int],
    days: int,
) -> Capacity:
    arrived = sum(n for _, n in arrivals)
    projection = project(occupied, beds, closed, arrived, planned, today, days)
    return Capacity(
        code,
        name,
        today,
        beds,
        occupied,
        closed,
        arrivals,
        tuple(sorted(planned.items())),
        projection,
        first_full(occupied, beds, closed, projection, today),
        first_over_90(occupied, beds, projection, today),
    )


def capacity(desk: Desk, facility_code: str, days: int = 14, now: datetime | None = None) -> Capacity:
    """One facility's capacity now and ahead for ``days`` days."""
    _check_days(days)
    now = now or desk.now()
    live = occupancy_of(room_board(desk, facility_code))  # the beds as the overview counts them
    with desk.read() as session:
        place = facility_by_code(session, facility_code)
        return capacity_in(session, place, now, days, BedFigures(live.beds, live.occupied, live.closed))


def district_capacity(
    desk: Desk, days: int = 14, now: datetime | None = None
) -> tuple[tuple[Capacity, ...], Capacity]:
    """Every open facility, and all of them together (beds, people, arrivals and releases added up, projected as
    one: the first day the district has no free bed)."""
    _check_days(days)
    now = now or desk.now()
    with desk.read() as session:
        places = list(
            session.scalars(
                select(Facility)
                .where(
                    or_(
                        Facility.active.is_(True),
                        Facility.id.in_(select(Stay.facility_id).where(present_at(now))),
                    )
                )
                .order_by(Facility.code)
            )
        )
        codes = [p.code for p in places]
    boards = {code: occupancy_of(room_board(desk, code)) for code in codes}
    with desk.read() as session:
        places = [facility_by_code(session, code) for code in codes]
        beds = {
            p.id: BedFigures(boards[p.code].beds, boards[p.code].occupied, boards[p.code].closed) for p in places
        }
        found = capacity_each(session, places, now, days, beds)
        each = tuple(found[p.id] for p in places)
    today = now.date()
    arrivals = tuple(
        (today - timedelta(days=ARRIVAL_WINDOW_DAYS - i), sum(c.arrivals[i][1] for c in each))
        for i in range(ARRIVAL_WINDOW_DAYS)
    )
    planned: dict[date, int] = {}
    for c in each:
        for day, n in c.planned:
            planned[day] = planned.get(day, 0) + n
    total = _capacity(
        ALL,
        "Toàn huyện",
        today,
        sum(c.beds for c in each),
        sum(c.occupied for c in each),
        sum(c.closed for c in each),
        arrivals,
        planned,
        days,
    )
    return each, total
