"""The audit trail: who did what, when, to whom and where, with the details as typed values.

Each event keeps its details as JSON, and beside them the person, the facility and room, and its words folded for
search, so that the audit log filters, searches and counts in SQL however long it grows. The sentences a user reads
are made by the window (``ui/audit_text.py``) from the codes given here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from quarantine_desk.db.models import AuditEvent, Facility, Person, Room, Stay
from quarantine_desk.domain.audit import event_person, event_place, search_words
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.text import fold
from quarantine_desk.services.context import Desk

PAGE = 200  # events fetched at a time by a view that scrolls


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _last_place(session: Session, person_id: int) -> tuple[str | None, str | None]:
    """Where the person stays, or stayed last: an event about a person is found by their room too."""
    row = session.execute(
        select(Facility.code, Room.name)
        .join(Stay, Stay.facility_id == Facility.id)
        .join(Room, Room.id == Stay.room_id)
        .where(Stay.person_id == person_id)
        .order_by(Stay.admitted_at.desc(), Stay.id.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else (None, None)


def record(
    session: Session, desk: Desk, action: str, entity: str, entity_id: int | None, **summary: Any
) -> None:
    """Add an audit event to the open transaction: it commits or rolls back with the change itself."""
    details = {k: _plain(v) for k, v in summary.items()}
    person_id = event_person(details)
    if person_id is None and entity == "person" and entity_id is not None:
        person_id = entity_id
    facility, room = event_place(details)
    names: list[str] = []
    if person_id is not None:
        session.flush()  # a person or stay added in this transaction is visible to the queries below
        name = session.scalar(select(Person.full_name).where(Person.id == person_id))
        if name:
            names.append(name)
        if room is None:
            facility, room = _last_place(session, person_id)
    session.add(
        AuditEvent(
            at=desk.now(),
            username=desk.username,
            action=action,
            entity=entity,
            entity_id=entity_id,
            summary=json.dumps(details, ensure_ascii=False, sort_keys=True),
            person_id=person_id,
            facility=facility,
            room=room,
            search=search_words(action, desk.username, details, *names, room or ""),
        )
    )


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    username: str | None
    action: str
    entity: str
    entity_id: int | None
    summary: str  # the details as stored (JSON)
    person_id: int | None = None
    person_name: str | None = None
    facility: str | None = None
    room: str | None = None

    @property
    def details(self) -> dict[str, Any]:
        """The recorded details as typed values (dates stay ISO strings: the window formats them)."""
        try:
            values = json.loads(self.summary)
        except ValueError:
            return {}
        return values if isinstance(values, dict) else {}


@dataclass(frozen=True)
class AuditFilter:
    """Which events to show. ``text`` is matched without diacritics in the event's own words, or through
    ``codes``: the action, field and value codes whose shown words contain it (the window finds those)."""

    text: str = ""
    codes: Sequence[str] = ()
    action: str | None = None
    username: str | None = None
    person_ids: Sequence[int] | None = None  # None: anyone; empty: nobody matched
    room: str | None = None
    since: date | None = None
    until: date | None = None


def _conditions(f: AuditFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.action:
        where.append(AuditEvent.action == f.action)
    if f.username:
        where.append(AuditEvent.username == f.username)
    if f.person_ids is not None:
        where.append(AuditEvent.person_id.in_(list(f.person_ids)))
    if f.room:
        where.append(func.lower(AuditEvent.room) == f.room.strip().lower())
    if f.since:
        where.append(AuditEvent.at >= datetime.combine(f.since, time.min))
    if f.until:
        where.append(AuditEvent.at < datetime.combine(f.until + timedelta(days=1), time.min))
    needle = fold(f.text).strip()
    if needle:
        found: list[ColumnElement[bool]] = [AuditEvent.search.contains(needle, autoescape=True)]
        codes = sorted(set(f.codes))
        if codes:
            found.append(AuditEvent.action.in_(codes))
            found += [AuditEvent.search.contains(fold(code), autoescape=True) for code in codes]
        where.append(or_(*found))
    return where


def _query(f: AuditFilter) -> Select[Any]:
    return (
        select(AuditEvent, Person.full_name)
        .outerjoin(Person, Person.id == AuditEvent.person_id)
        .where(and_(True, *_conditions(f)))
    )


def count_events(desk: Desk, f: AuditFilter = AuditFilter()) -> int:
    with desk.read(Permission.VIEW_AUDIT) as session:
        return int(session.scalar(select(func.count(AuditEvent.id)).where(and_(True, *_conditions(f)))) or 0)


def events(
    desk: Desk, f: AuditFilter = AuditFilter(), *, offset: int = 0, limit: int = PAGE
) -> list[AuditRow]:
    """A page of events, newest first."""
    query = _query(f).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).offset(offset).limit(limit)
    with desk.read(Permission.VIEW_AUDIT) as session:
        return [
            AuditRow(
                e.id,
                e.at,
                e.username,
                e.action,
                e.entity,
                e.entity_id,
                e.summary,
                e.person_id,
                name,
                e.facility,
                e.room,
            )
            for e, name in session.execute(query).tuples()
        ]


def list_events(
    desk: Desk,
    *,
    text: str = "",
    action: str | None = None,
    username: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 500,
) -> list[AuditRow]:
    """The newest events first, filtered; ``text`` matches the event's words without diacritics."""
    return events(
        desk, AuditFilter(text=text, action=action, username=username, since=since, until=until), limit=limit
    )


def choices(desk: Desk) -> tuple[list[str], list[str]]:
    """The user names and the actions that occur in the log, for the filters."""
    with desk.read(Permission.VIEW_AUDIT) as session:
        users = session.scalars(
            select(AuditEvent.username).distinct().where(AuditEvent.username.is_not(None))
        )
        actions = session.scalars(select(AuditEvent.action).distinct())
        return sorted(u for u in users if u), sorted(actions)
