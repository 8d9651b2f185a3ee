"""Facility scoping: a user works for one or more facilities, or for the whole district.

The desk puts the user's facilities on every session it opens (``context.FACILITIES``); the services check them
wherever a facility is looked up (``facilities.facility_by_code``, a person's stay, a stay by id) and filter
their lists with ``where``, so a facility's staff cannot read or change another facility's data whatever the
caller (window, command line, script). A refusal is ``OutsideFacility`` (exit 5).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, true
from sqlalchemy.orm import Session

from quarantine_desk.db.models import Facility
from quarantine_desk.domain.errors import OutsideFacility
from quarantine_desk.services.context import FACILITIES


def allowed(session: Session) -> frozenset[int] | None:
    """The ids of the facilities this session's user works for; None: every one."""
    ids: frozenset[int] | None = session.info.get(FACILITIES)
    return ids


def require(session: Session, facility: Facility) -> Facility:
    ids = allowed(session)
    if ids is not None and facility.id not in ids:
        raise OutsideFacility(facility.code)
    return facility


def require_id(session: Session, facility_id: int) -> None:
    ids = allowed(session)
    if ids is not None and facility_id not in ids:
        facility = session.get(Facility, facility_id)
        raise OutsideFacility(facility.code if facility else str(facility_id))


def require_district(session: Session, what: str = "district") -> None:
    """Work for the whole district only (a new facility, a backup of every facility's data)."""
    if allowed(session) is not None:
        raise OutsideFacility(what)


def where(session: Session, column: Any) -> ColumnElement[bool]:
    """A condition keeping the rows of the user's facilities (``column`` holds a facility id)."""
    ids = allowed(session)
    if ids is None:
        return true()
    condition: ColumnElement[bool] = column.in_(sorted(ids))
    return condition
