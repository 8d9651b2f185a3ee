"""Cohorts of a facility as the manager and the district see them: kind, exposure date, source, and where their
people are now (``cohort list``, the check-in page's list of cohorts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from quarantine_desk.db.models import Cohort, Room, Stay
from quarantine_desk.domain.rooms import natural_key
from quarantine_desk.services.context import Desk
from quarantine_desk.services.facilities import facility_by_code
from quarantine_desk.services.presence import present_at


@dataclass(frozen=True)
class CohortRow:
    cohort: str
    kind: str
    exposure_date: date
    source: str | None
    admitted_on: date | None  # the day its people were admitted (R2: one day); None before anyone
    rooms: tuple[str, ...]  # rooms holding its people at the moment asked
    people: int  # its people present at that moment


def list_cohorts(desk: Desk, facility_code: str, *, at: datetime | None = None) -> list[CohortRow]:
    """Every cohort of the facility, newest first, with its people present at ``at`` (now by default)."""
    moment = at or desk.now()
    with desk.read() as session:
        facility = facility_by_code(session, facility_code)
        admitted = dict(
            session.execute(
                select(Stay.cohort_id, func.min(Stay.admitted_at))
                .where(Stay.facility_id == facility.id)
                .group_by(Stay.cohort_id)
            )
            .tuples()
            .all()
        )
        people: dict[int, int] = {}
        rooms: dict[int, set[str]] = {}
        for cohort_id, room in session.execute(
            select(Stay.cohort_id, Room.name)
            .join(Room, Room.id == Stay.room_id)
            .where(Stay.facility_id == facility.id, present_at(moment))
        ).tuples():
            people[cohort_id] = people.get(cohort_id, 0) + 1
            rooms.setdefault(cohort_id, set()).add(room)
        cohorts = session.scalars(
            select(Cohort)
            .where(Cohort.facility_id == facility.id)
            .order_by(Cohort.exposure_date.desc(), Cohort.created_at.desc(), Cohort.id.desc())
        )
        return [
            CohortRow(
                c.name,
                c.kind,
                c.exposure_date,
                c.source,
                admitted[c.id].date() if c.id in admitted else None,
                tuple(sorted(rooms.get(c.id, ()), key=natural_key)),
                people.get(c.id, 0),
            )
            for c in cohorts
        ]
