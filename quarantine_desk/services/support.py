"""The Resolution 68/NQ-CP support list of a facility for a period: each person whose stay ended in it, the days
in quarantine from the stay record, the days supported (capped), the amount, the child support, the totals.

Who qualifies and how the days count is the rule of ``domain.support`` (with its source); the rates and the cap
are the effective-dated settings in force on the admission day (``services.rates``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from quarantine_desk.db.models import Person, Stay
from quarantine_desk.domain import support as rules
from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.domain.progress import Progress, ShouldStop
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.stays import is_child
from quarantine_desk.domain.text import name_sort_key
from quarantine_desk.services.context import Desk
from quarantine_desk.services.facilities import facility_by_code
from quarantine_desk.services.rates import value_on

MAX_PERIOD_DAYS = 366


@dataclass(frozen=True)
class SupportRow:
    person: int
    name: str
    born: str  # a year, or dd/mm/yyyy
    id_number: str | None
    address: str | None
    admitted_at: datetime
    released_at: datetime
    outcome: str
    days: int
    days_paid: int
    daily: int  # VND a day, in force on the admission day
    amount: int
    child_support: int

    @property
    def total(self) -> int:
        return self.amount + self.child_support


@dataclass(frozen=True)
class SupportList:
    facility: str
    facility_name: str
    district: str | None
    province: str | None
    start: date
    end: date  # included
    rows: tuple[SupportRow, ...]
    left_out: int  # stays that ended in the period with an outcome that does not qualify
    made_at: datetime

    @property
    def amount(self) -> int:
        return sum(r.amount for r in self.rows)

    @property
    def child_support(self) -> int:
        return sum(r.child_support for r in self.rows)

    @property
    def total(self) -> int:
        return self.amount + self.child_support

    @property
    def days_paid(self) -> int:
        return sum(r.days_paid for r in self.rows)


def _born(person: Person) -> str:
    if person.birth_date is not None:
        return person.birth_date.strftime("%d/%m/%Y")
    return str(person.birth_year) if person.birth_year else ""


def support_list(desk: Desk, facility: str, start: date, end: date) -> SupportList:
    """The list for the stays of ``facility`` that ended from ``start`` to ``end`` (both included)."""
    if end < start:
        raise InvalidInput("date", "bad_range", f"{start} – {end}")
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise InvalidInput("date", "bad_range", f"{start} – {end}")
    lo, hi = datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)
    with desk.read() as session:
        place = facility_by_code(session, facility)
        found = session.execute(
            select(Stay, Person)
            .join(Person, Person.id == Stay.person_id)
            .where(Stay.facility_id == place.id, Stay.released_at >= lo, Stay.released_at < hi)
            .order_by(Stay.released_at, Stay.id)
        ).tuples()
        rows: list[SupportRow] = []
        left_out = 0
        children_paid: set[int] = set()
        for stay, person in found:
            assert stay.released_at is not None and stay.outcome is not None
            if not rules.qualifies(stay.outcome):
                left_out += 1
                continue
            day = stay.admitted_at.date()
            rates = rules.SupportRates(
                value_on(session, "support.daily", day),
                value_on(session, "support.max_days", day),
                value_on(session, "support.child", day),
            )
            child = is_child(person.birth_year, person.birth_date, day)
            support = rules.support_for(
                stay.admitted_at, stay.released_at, rates, child=child, child_paid=person.id in children_paid
            )
            if support.child_support:
                children_paid.add(person.id)
            rows.append(
                SupportRow(
                    person.id,
                    person.full_name,
                    _born(person),
                    person.id_number,
                    person.address,
                    stay.admitted_at,
                    stay.released_at,
                    stay.outcome,
                    support.days,
                    support.days_paid,
                    rates.daily,
                    support.amount,
                    support.child_support,
                )  # fmt: skip
            )
        rows.sort(key=lambda r: (name_sort_key(r.name), r.person, r.released_at))
        return SupportList(
            place.code,
            place.name,
            place.district,
            place.province,
            start,
            end,
            tuple(rows),
            left_out,
            desk.now(),
        )


def write_support_list(
    desk: Desk,
    facility: str,
    start: date,
    end: date,
    path: Path,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> SupportList:
    """The list as .xlsx or .pdf (by the extension), with the national header and the signatures."""
    from quarantine_desk.exports.logistics import support_list_document
    from quarantine_desk.exports.table_sets import write_table_set

    desk.require(Permission.EXPORT)
    made = support_list(desk, facility, start, end)
    write_table_set(support_list_document(made), path, progress, should_stop)
    return made
