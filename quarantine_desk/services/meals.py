"""Meals: how many portions the kitchen cooks for each meal, and how many were served.

"Đảm bảo chế độ ăn, uống tại các khu cách ly và lực lượng phục vụ": each meal feeds the people in quarantine
that day (the roster) and the staff on duty (from the duty shifts when that part of the program is there, or a
number the user gives). What was served is recorded per day, meal and kind of diner, once (a second entry
corrects the first).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from quarantine_desk.db.models import MealRecord
from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.domain.meals import DINERS, MEALS
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.stays import roster_moment
from quarantine_desk.services import audit
from quarantine_desk.services.context import Desk
from quarantine_desk.services.facilities import facility_by_code
from quarantine_desk.services.presence import present_count
from quarantine_desk.services.shifts import staff_on_duty

log = logging.getLogger(__name__)

MAX_PORTIONS = 100_000
# When each meal is served: the staff on duty in that window eat it.
MEAL_TIMES = {
    "breakfast": (time(6, 0), time(8, 0)),
    "lunch": (time(11, 0), time(13, 0)),
    "dinner": (time(17, 0), time(19, 0)),
}

StaffCounter = Callable[[Session, int, datetime, datetime], int]


@dataclass(frozen=True)
class MealLine:
    meal: str
    quarantined: int
    staff: int
    served_quarantined: int | None  # None until recorded
    served_staff: int | None

    @property
    def total(self) -> int:
        return self.quarantined + self.staff


@dataclass(frozen=True)
class MealCounts:
    facility: str
    on: date
    quarantined: int  # the roster of the day: present at its end, or now for today
    staff_source: str  # "given", "shifts" or "none"
    meals: tuple[MealLine, ...]

    def line(self, meal: str) -> MealLine:
        return next(m for m in self.meals if m.meal == meal)


@dataclass(frozen=True)
class ServedRow:
    meal: str
    diners: str
    portions: int


def _staff_counter() -> StaffCounter | None:
    """How many staff the shift plan puts on duty (the tests replace it to type the staff in)."""
    return staff_on_duty


def _served(session: Session, facility_id: int, on: date) -> list[ServedRow]:
    rows = session.scalars(
        select(MealRecord).where(MealRecord.facility_id == facility_id, MealRecord.served_on == on)
    )
    order = {m: i for i, m in enumerate(MEALS)}
    return sorted(
        (ServedRow(r.meal, r.diners, r.portions) for r in rows),
        key=lambda r: (order.get(r.meal, 9), r.diners),
    )


def meal_counts(desk: Desk, facility: str, on: date | None = None, staff: int | None = None) -> MealCounts:
    """Portions for each meal of the day ``on``: the people present that day, plus the staff.

    ``staff`` is the number of staff who eat each meal; without it, the staff on duty at each meal's time come
    from the duty shifts when available, else none are counted.
    """
    on = on or desk.now().date()
    if staff is not None and not 0 <= staff <= MAX_PORTIONS:
        raise InvalidInput("staff", "out_of_range", staff, minimum=0, maximum=MAX_PORTIONS)
    with desk.read() as session:
        place = facility_by_code(session, facility)
        # The roster of the day: the people present at its end, or now for today.
        present = present_count(session, place.id, roster_moment(on, desk.now()))
        counter = None if staff is not None else _staff_counter()
        source = "given" if staff is not None else ("shifts" if counter else "none")
        served = {(r.meal, r.diners): r.portions for r in _served(session, place.id, on)}
        lines = []
        for meal in MEALS:
            if staff is not None:
                eating_staff = staff
            elif counter is not None:
                start, end = MEAL_TIMES[meal]
                eating_staff = int(
                    counter(session, place.id, datetime.combine(on, start), datetime.combine(on, end))
                )
            else:
                eating_staff = 0
            lines.append(
                MealLine(
                    meal,
                    present,
                    eating_staff,
                    served.get((meal, "quarantined")),
                    served.get((meal, "staff")),
                )
            )
        return MealCounts(place.code, on, present, source, tuple(lines))


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

    Portions follow the roster of each day, a few short or spare as in a real kitchen, and the staff on duty.
    """
    rng = random.Random(seed)
    made = 0
    for offset in range(days, -1, -1):
        on = today - timedelta(days=offset)
        counts = meal_counts(desk, facility_code, on)
        for meal in MEALS if offset else MEALS[:1]:
            people = counts.quarantined + rng.choice([-2, -1, 0, 0, 0, 1])
            record_served(desk, facility_code, on, meal, "quarantined", max(0, people))
            # The staff on duty when the shifts are there, else a typical team of a small facility.
            staff = counts.line(meal).staff or rng.randint(8, 12)
            record_served(desk, facility_code, on, meal, "staff", staff)
            made += 2
    return MealsDemo(days, made)
