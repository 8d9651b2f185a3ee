"""Meals by the clock: the diets the kitchen cooks, when each meal is served, and who is counted at that moment.

"Đảm bảo chế độ ăn, uống tại các khu cách ly và lực lượng phục vụ": a meal feeds the people present at the moment
it is served (the one definition of present, ``domain.stays.is_present``) and the staff on shift at that moment.
A person admitted at 10:59 eats the 11:00 lunch; one released at 10:59 does not.

For a moment still to come the kitchen counts what is planned: the people there now stay until the morning of
their planned release (they leave at ``PLANNED_LEAVE``, so they have breakfast on that day and no lunch); a person
whose planned release has already passed is still there and still eats; announced arrivals eat from their hour on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.domain.text import fold


class Diet(StrEnum):
    REGULAR = "regular"  # suất thường
    VEGETARIAN = "vegetarian"  # suất chay
    CHILD = "child"  # suất trẻ em
    SOFT = "soft"  # suất mềm (cháo, người già, người ốm)
    SPECIAL = "special"  # suất đặc biệt (bệnh nền, thai phụ, theo chỉ định)


DIETS: tuple[str, ...] = tuple(d.value for d in Diet)

MEALS: tuple[str, ...] = ("breakfast", "lunch", "dinner")
DINERS: tuple[str, ...] = ("quarantined", "staff")  # the kinds of diner a served meal is recorded for
DEFAULT_MEAL_TIMES: dict[str, time] = {"breakfast": time(6, 30), "lunch": time(11, 0), "dinner": time(17, 0)}
# The kitchen's order for a day is closed at 15:00 the day before; what changes after it is shown as a change.
DEFAULT_CUTOFF = time(15, 0)
# A planned release leaves in the morning of its day (after breakfast, before lunch).
PLANNED_LEAVE = time(9, 0)

_DIET_WORDS = {
    "regular": Diet.REGULAR,
    "thuong": Diet.REGULAR,
    "vegetarian": Diet.VEGETARIAN,
    "chay": Diet.VEGETARIAN,
    "child": Diet.CHILD,
    "tre em": Diet.CHILD,
    "soft": Diet.SOFT,
    "mem": Diet.SOFT,
    "chao": Diet.SOFT,
    "special": Diet.SPECIAL,
    "dac biet": Diet.SPECIAL,
}


def parse_diet(value: str | None) -> Diet:
    """A diet from its code or its Vietnamese word ("chay", "suất mềm"); empty means regular."""
    if value is None or not value.strip():
        return Diet.REGULAR
    word = fold(value).strip().removeprefix("suat ").strip()
    diet = _DIET_WORDS.get(word)
    if diet is None:
        raise InvalidInput("diet", "bad_value", value)
    return diet


@dataclass(frozen=True)
class MealTimes:
    """When a facility serves its meals and closes the kitchen's order for the next day."""

    breakfast: time = DEFAULT_MEAL_TIMES["breakfast"]
    lunch: time = DEFAULT_MEAL_TIMES["lunch"]
    dinner: time = DEFAULT_MEAL_TIMES["dinner"]
    cutoff: time = DEFAULT_CUTOFF

    def __post_init__(self) -> None:
        if not self.breakfast < self.lunch < self.dinner:
            raise InvalidInput(
                "meal_times", "bad_order", f"{self.breakfast:%H:%M}, {self.lunch:%H:%M}, {self.dinner:%H:%M}"
            )

    def at(self, meal: str) -> time:
        return {"breakfast": self.breakfast, "lunch": self.lunch, "dinner": self.dinner}[meal]

    def moment(self, day: date, meal: str) -> datetime:
        return datetime.combine(day, self.at(meal))

    def cutoff_for(self, day: date) -> datetime:
        """When the order for the meals of ``day`` is closed: the cut-off hour of the day before."""
        return datetime.combine(day - timedelta(days=1), self.cutoff)


def parse_clock(value: str, field: str) -> time:
    """ "06:30" or "6:30" or "6h30"."""
    text = value.strip().lower().replace("h", ":")
    try:
        hours, _, minutes = text.partition(":")
        return time(int(hours), int(minutes or 0))
    except (ValueError, OverflowError):
        raise InvalidInput(field, "bad_time_of_day", value) from None


def leaves_after(at: datetime) -> date:
    """A stay planned to end on a day later than this one is still there at ``at`` (it leaves at
    ``PLANNED_LEAVE`` of its planned release day)."""
    return (at - timedelta(hours=PLANNED_LEAVE.hour, minutes=PLANNED_LEAVE.minute)).date()


def planned_present(
    admitted_at: datetime,
    released_at: datetime | None,
    planned_release: date,
    at: datetime,
    known_at: datetime,
) -> bool:
    """Whether a stay is counted at ``at`` by what is known at ``known_at`` (now, or the kitchen's cut-off).

    Up to ``known_at`` it is the recorded truth; after it, a stay open at ``known_at`` stays until its planned
    release morning, or on when that has already passed.
    """
    if at <= known_at:
        return admitted_at <= at and (released_at is None or released_at > at)
    if admitted_at > known_at or (released_at is not None and released_at <= known_at):
        return False
    return planned_release > leaves_after(at) or planned_release <= leaves_after(known_at)


def meal_cost(portions: dict[str, int], rates: dict[str, int]) -> int:
    """The kitchen's cost of a day: each meal's portions at that meal's rate (VND a portion)."""
    return sum(portions.get(meal, 0) * rates.get(meal, 0) for meal in MEALS)
