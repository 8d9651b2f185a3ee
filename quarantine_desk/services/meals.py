"""Meals: how many portions the kitchen cooks for each meal, by the clock, and how many were served.

"Đảm bảo chế độ ăn, uống tại các khu cách ly và lực lượng phục vụ": each meal feeds the people present at the
moment it is served (``services.presence``, the one definition) and the staff on shift at that moment
(``staff_at_meal``: the shift plan, less anyone flagged to quarantine by then), counted per diet and per zone. A
meal still to come is counted from what is planned (``domain.meals``): planned releases leave in the morning of
their day, announced arrivals eat from their hour on. The kitchen's order sheet for a day is closed at the
facility's cut-off the day before; a sheet made after it shows what changed since. The cost of a day comes from
the effective-dated price of each meal (``domain.rates``). What was served is recorded per day, meal and kind of
diner, once (a second entry corrects the first).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from quarantine_desk.db.models import (
    Assignment,
    Facility,
    MealRecord,
    Person,
    PlannedArrival,
    Room,
    Shift,
    Staff,
    Stay,
    Zone,
)
from quarantine_desk.domain import meals as rules
from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.domain.meals import DIETS, DINERS, MEALS, Diet, MealTimes
from quarantine_desk.domain.progress import Progress, ShouldStop
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.text import clean_text
from quarantine_desk.services import audit
from quarantine_desk.services.context import Desk
from quarantine_desk.services.facilities import facility_by_code
from quarantine_desk.services.presence import expected_at
from quarantine_desk.services.rates import values_on

log = logging.getLogger(__name__)

MAX_PORTIONS = 100_000
#: How ``by_zone`` names the people announced but not yet given a room.
ARRIVING = "Sắp đến (chưa xếp phòng)"

StaffCounter = Callable[[Session, int, datetime, datetime], int]


@dataclass(frozen=True)
class MealLine:
    meal: str
    at: datetime
    quarantined: int  # the people present at ``at`` (planned, for a moment still to come)
    staff: int  # on shift at ``at``
    served_quarantined: int | None  # None until recorded
    served_staff: int | None
    by_diet: dict[str, int] = field(default_factory=dict)  # the people (not the staff) per diet, every diet
    by_zone: dict[str, int] = field(default_factory=dict)  # the people per zone
    planned: bool = False  # counted from the plans: ``at`` was still to come
    rate: int = 0  # VND a portion, on that day

    @property
    def total(self) -> int:
        return self.quarantined + self.staff

    @property
    def cost(self) -> int:
        return self.total * self.rate


@dataclass(frozen=True)
class MealCounts:
    facility: str
    on: date
    staff_source: str  # "given", "shifts" or "none"
    meals: tuple[MealLine, ...]
    known_at: datetime  # what was known then (now, or the kitchen's cut-off)

    def line(self, meal: str) -> MealLine:
        return next(m for m in self.meals if m.meal == meal)

    @property
    def cost(self) -> int:
        """The kitchen's cost of the day: every portion at its meal's price."""
        return sum(m.cost for m in self.meals)

    @property
    def portions(self) -> int:
        return sum(m.total for m in self.meals)


@dataclass(frozen=True)
class ServedRow:
    meal: str
    diners: str
    portions: int


@dataclass(frozen=True)
class MealSettings:
    facility: str
    times: MealTimes


def staff_at_meal(session: Session, facility_id: int, start: datetime, end: datetime) -> int:
    """The staff on shifts that cover ``[start, end)`` who eat with the team: one flagged to quarantine from a
    moment before ``start`` is in quarantine, not on duty, and is not counted."""
    count = session.scalar(
        select(func.count(func.distinct(Assignment.staff_id)))
        .join(Shift, Shift.id == Assignment.shift_id)
        .join(Staff, Staff.id == Assignment.staff_id)
        .where(
            Shift.facility_id == facility_id,
            Shift.starts_at < end,
            Shift.ends_at > start,
            or_(Staff.quarantine_from.is_(None), Staff.quarantine_from > start),
        )
    )
    return int(count or 0)


def _staff_counter() -> StaffCounter | None:
    """How many staff the shift plan puts on duty at a meal (the tests replace it to type the staff in)."""
    return staff_at_meal


def meal_times(place: Facility) -> MealTimes:
    return MealTimes(
        place.breakfast_at or rules.DEFAULT_MEAL_TIMES["breakfast"],
        place.lunch_at or rules.DEFAULT_MEAL_TIMES["lunch"],
        place.dinner_at or rules.DEFAULT_MEAL_TIMES["dinner"],
        place.meal_cutoff or rules.DEFAULT_CUTOFF,
    )


def _served(session: Session, facility_id: int, on: date) -> list[ServedRow]:
    rows = session.scalars(
        select(MealRecord).where(MealRecord.facility_id == facility_id, MealRecord.served_on == on)
    )
    order = {m: i for i, m in enumerate(MEALS)}
    return sorted(
        (ServedRow(r.meal, r.diners, r.portions) for r in rows),
        key=lambda r: (order.get(r.meal, 9), r.diners),
    )


def people_at(
    session: Session, facility_id: int, at: datetime, known_at: datetime
) -> tuple[dict[str, int], dict[str, int]]:
    """The people counted at ``at`` by what was known at ``known_at``: per diet, per zone."""
    by_diet = dict.fromkeys(DIETS, 0)
    by_zone: dict[str, int] = {}
    rows = session.execute(
        select(Person.diet, Zone.name, func.count())
        .select_from(Stay)
        .join(Person, Person.id == Stay.person_id)
        .join(Room, Room.id == Stay.room_id)
        .join(Zone, Zone.id == Room.zone_id)
        .where(Stay.facility_id == facility_id, expected_at(at, known_at))
        .group_by(Person.diet, Zone.name)
    ).tuples()
    for diet, zone, count in rows:
        by_diet[diet] = by_diet.get(diet, 0) + int(count)
        by_zone[zone] = by_zone.get(zone, 0) + int(count)
    if at > known_at:
        arriving = int(
            session.scalar(
                select(func.coalesce(func.sum(PlannedArrival.people), 0)).where(
                    PlannedArrival.facility_id == facility_id,
                    PlannedArrival.at > known_at,
                    PlannedArrival.at <= at,
                    PlannedArrival.created_at <= known_at,
                )
            )
            or 0
        )
        if arriving:
            by_diet[Diet.REGULAR] += arriving
            by_zone[ARRIVING] = arriving
    return by_diet, dict(sorted(by_zone.items()))


def _counts(session: Session, place: Facility, on: date, known_at: datetime, staff: int | None) -> MealCounts:
    times = meal_times(place)
    counter = None if staff is not None else _staff_counter()
    source = "given" if staff is not None else ("shifts" if counter else "none")
    served = {(r.meal, r.diners): r.portions for r in _served(session, place.id, on)}
    prices = values_on(session, tuple(f"meal.{m}" for m in MEALS), on)
    lines = []
    for meal in MEALS:
        at = times.moment(on, meal)
        by_diet, by_zone = people_at(session, place.id, at, known_at)
        if staff is not None:
            eating_staff = staff
        elif counter is not None:
            eating_staff = int(counter(session, place.id, at, at + timedelta(seconds=1)))
        else:
            eating_staff = 0
        lines.append(
            MealLine(
                meal,
                at,
                sum(by_diet.values()),
                eating_staff,
                served.get((meal, "quarantined")),
                served.get((meal, "staff")),
                by_diet,
                by_zone,
                at > known_at,
                prices[f"meal.{meal}"],
            )
        )
    return MealCounts(place.code, on, source, tuple(lines), known_at)


def meal_counts(desk: Desk, facility: str, on: date | None = None, staff: int | None = None) -> MealCounts:
    """Portions for each meal of the day ``on``: the people present at the meal's time, plus the staff.

    ``staff`` is the number of staff who eat each meal; without it, the staff on shift at each meal's time come
    from the shift plan.
    """
    on = on or desk.now().date()
    if staff is not None and not 0 <= staff <= MAX_PORTIONS:
        raise InvalidInput("staff", "out_of_range", staff, minimum=0, maximum=MAX_PORTIONS)
    with desk.read() as session:
        place = facility_by_code(session, facility)
        return _counts(session, place, on, desk.now(), staff)


# --- the kitchen's order sheet -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MealSheet:
    """The order for one day as the kitchen gets it: the counts now and, after the cut-off, those of the cut-off."""

    facility: str
    facility_name: str
    district: str | None
    province: str | None
    on: date
    made_at: datetime
    cutoff: datetime
    counts: MealCounts
    at_cutoff: MealCounts | None  # None while the cut-off has not come

    @property
    def changed(self) -> bool:
        return self.at_cutoff is not None and any(
            (a.quarantined, a.staff, a.by_diet) != (b.quarantined, b.staff, b.by_diet)
            for a, b in zip(self.at_cutoff.meals, self.counts.meals, strict=True)
        )


def meal_sheet(desk: Desk, facility: str, on: date | None = None) -> MealSheet:
    """The order sheet of ``on`` (tomorrow by default)."""
    now = desk.now()
    on = on or now.date() + timedelta(days=1)
    with desk.read() as session:
        place = facility_by_code(session, facility)
        cutoff = meal_times(place).cutoff_for(on)
        counts = _counts(session, place, on, now, None)
        at_cutoff = _counts(session, place, on, cutoff, None) if now > cutoff else None
        return MealSheet(
            place.code, place.name, place.district, place.province, on, now, cutoff, counts, at_cutoff
        )


def write_meal_sheet(
    desk: Desk,
    facility: str,
    on: date | None,
    path: Path,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> MealSheet:
    """The order sheet as .xlsx or .pdf (by the extension)."""
    from quarantine_desk.exports.logistics import meal_sheet_document
    from quarantine_desk.exports.table_sets import write_table_set

    desk.require(Permission.EXPORT)
    sheet = meal_sheet(desk, facility, on)
    write_table_set(meal_sheet_document(sheet), path, progress, should_stop)
    return sheet


# --- settings and plans --------------------------------------------------------------------------------------------


def set_meal_times(
    desk: Desk,
    facility: str,
    *,
    breakfast: time | None = None,
    lunch: time | None = None,
    dinner: time | None = None,
    cutoff: time | None = None,
) -> MealSettings:
    """Change the facility's meal times or the kitchen's cut-off (what is not given stays)."""
    with desk.write(Permission.MANAGE_FACILITY) as session:
        place = facility_by_code(session, facility, lock=True)
        before = meal_times(place)
        after = MealTimes(
            breakfast or before.breakfast,
            lunch or before.lunch,
            dinner or before.dinner,
            cutoff or before.cutoff,
        )
        place.breakfast_at, place.lunch_at, place.dinner_at = after.breakfast, after.lunch, after.dinner
        place.meal_cutoff = after.cutoff
        audit.record(
            session, desk, "meal.times", "facility", place.id,
            facility=place.code, breakfast=f"{after.breakfast:%H:%M}", lunch=f"{after.lunch:%H:%M}",
            dinner=f"{after.dinner:%H:%M}", cutoff=f"{after.cutoff:%H:%M}",
        )  # fmt: skip
        return MealSettings(place.code, after)


def meal_settings(desk: Desk, facility: str) -> MealSettings:
    with desk.read() as session:
        place = facility_by_code(session, facility)
        return MealSettings(place.code, meal_times(place))


@dataclass(frozen=True)
class ArrivalRow:
    id: int
    at: datetime
    people: int
    note: str | None


def plan_arrival(desk: Desk, facility: str, at: datetime, people: int, note: str | None = None) -> ArrivalRow:
    """A group the facility expects at ``at`` (announced by the tracing team): the kitchen counts it from then."""
    if not 1 <= people <= MAX_PORTIONS:
        raise InvalidInput("people", "out_of_range", people, minimum=1, maximum=MAX_PORTIONS)
    if at <= desk.now():
        raise InvalidInput("at", "in_past", at.isoformat())
    clean_note = clean_text(note, "note")
    with desk.write(Permission.MANAGE_STOCK) as session:
        place = facility_by_code(session, facility, lock=True)
        plan = PlannedArrival(
            facility_id=place.id, at=at, people=people, note=clean_note, created_at=desk.now(),
            created_by=desk.username,
        )  # fmt: skip
        session.add(plan)
        session.flush()
        audit.record(
            session, desk, "meal.arrival", "planned_arrival", plan.id,
            facility=place.code, at=at, people=people, note=clean_note,
        )  # fmt: skip
        return ArrivalRow(plan.id, at, people, clean_note)


# --- what was served -----------------------------------------------------------------------------------------------


def record_served(desk: Desk, facility: str, on: date, meal: str, diners: str, portions: int) -> ServedRow:
    """Record the portions served at one meal to one kind of diner; a second entry replaces the first."""
    if meal not in MEALS:
        raise InvalidInput("meal", "bad_value", meal)
    if diners not in DINERS:
        raise InvalidInput("diners", "bad_value", diners)
    if not 0 <= portions <= MAX_PORTIONS:
        raise InvalidInput("portions", "out_of_range", portions, minimum=0, maximum=MAX_PORTIONS)
    if on > desk.now().date():
        raise InvalidInput("date", "in_future", on.isoformat())
    with desk.write(Permission.MANAGE_STOCK) as session:
        # The facility row lock makes two PCs recording the same meal wait for each other (one row, not two).
        place = facility_by_code(session, facility, lock=True)
        record = session.scalar(
            select(MealRecord).where(
                MealRecord.facility_id == place.id,
                MealRecord.served_on == on,
                MealRecord.meal == meal,
                MealRecord.diners == diners,
            )
        )
        before = record.portions if record else None
        if record is None:
            record = MealRecord(
                facility_id=place.id, served_on=on, meal=meal, diners=diners, portions=portions
            )
            session.add(record)
        else:
            record.portions = portions
        session.flush()
        audit.record(
            session, desk, "meal.served", "meal_record", record.id,
            facility=place.code, on=on, meal=meal, diners=diners, portions=portions, before=before,
        )  # fmt: skip
        return ServedRow(meal, diners, portions)


def served(desk: Desk, facility: str, on: date | None = None) -> list[ServedRow]:
    """What was recorded as served on that day, breakfast first."""
    on = on or desk.now().date()
    with desk.read() as session:
        place = facility_by_code(session, facility)
        return _served(session, place.id, on)


@dataclass(frozen=True)
class MealsDemo:
    days: int
    records: int


def seed_demo(desk: Desk, facility_code: str, today: date, *, days: int = 5, seed: int = 2021) -> MealsDemo:
    """Meals served in the demo facility over the last ``days`` days and today's breakfast.

    Portions follow the count of each meal, a few short or spare as in a real kitchen, and the staff on duty.
    """
    rng = random.Random(seed)
    made = 0
    for offset in range(days, -1, -1):
        on = today - timedelta(days=offset)
        counts = meal_counts(desk, facility_code, on)
        for meal in MEALS if offset else MEALS[:1]:
            line = counts.line(meal)
            people = line.quarantined + rng.choice([-2, -1, 0, 0, 0, 1])
            record_served(desk, facility_code, on, meal, "quarantined", max(0, people))
            # The staff on duty when the shifts are there, else a typical team of a small facility.
            staff = line.staff or rng.randint(8, 12)
            record_served(desk, facility_code, on, meal, "staff", staff)
            made += 2
    return MealsDemo(days, made)
