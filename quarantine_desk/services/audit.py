"""The audit trail: who did what, when, to whom and where, with the details as typed values.

Each event keeps its details as JSON, and beside them the person, the facility and room, and its words folded for
search, so that the audit log filters, searches and counts in SQL however long it grows. The sentences a user reads
are made by the window (``ui/audit_text.py``) from the codes given here.

The trail is tamper-evident: when a transaction commits, its events are chained, each carrying the hash of the one
before it (``domain.audit.chain_hash``), under a lock on the chain's head so that two PCs never chain to the same
event. ``chain_problems`` walks the chain and names an event edited, deleted or slipped in by hand;
``user_problems`` names a user whose role or facilities were changed outside the program (their seal no longer
matches). On PostgreSQL a trigger also refuses to change or delete a chained event.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, event, func, or_, select, true
from sqlalchemy.orm import Session

from quarantine_desk.db.models import (
    AuditChain,
    AuditEvent,
    Facility,
    Person,
    Room,
    Setting,
    Stay,
    User,
    UserFacility,
)
from quarantine_desk.domain.audit import (
    GENESIS,
    chain_hash,
    event_person,
    event_place,
    search_words,
    user_seal,
)
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.text import fold
from quarantine_desk.services import scope
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


_PENDING = "quarantine_desk_audit_pending"


def _loaded_name(session: Session, person_id: int) -> str | None:
    """The person's name when the transaction already holds their row (the use case has loaded it): as the
    database would give it after a flush, without a statement; None when it must be read."""
    person = session.identity_map.get(session.identity_key(Person, person_id))
    if not isinstance(person, Person) or "full_name" not in person.__dict__ or person in session.deleted:
        return None  # not loaded, expired, or going
    return person.full_name


def record(
    session: Session, desk: Desk, action: str, entity: str, entity_id: int | None, **summary: Any
) -> None:
    """Add an audit event to the open transaction: it commits or rolls back with the change itself, and is
    chained when the transaction commits."""
    details = {k: _plain(v) for k, v in summary.items()}
    person_id = event_person(details)
    if person_id is None and entity == "person" and entity_id is not None:
        person_id = entity_id
    facility, room = event_place(details)
    names: list[str] = []
    if person_id is not None:
        name = _loaded_name(session, person_id)
        if name is None or room is None:
            session.flush()  # a person or stay added in this transaction is visible to the queries below
        if name is None:
            name = session.scalar(select(Person.full_name).where(Person.id == person_id))
        if name:
            names.append(name)
        if room is None:
            facility, room = _last_place(session, person_id)
    session.info.setdefault(_PENDING, []).append(
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


def record_done(
    desk: Desk, permission: Permission, action: str, entity: str, entity_id: int | None, **summary: Any
) -> None:
    """Audit work that only read the data (an export, a certificate, a report): one short write of its own,
    once the file is written."""
    with desk.write(permission) as session:
        record(session, desk, action, entity, entity_id, **summary)


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


def _in_scope(session: Session) -> ColumnElement[bool]:
    """A facility's staff see the events of their facilities; the district sees every event."""
    ids = scope.allowed(session)
    if ids is None:
        return true()
    codes = list(session.scalars(select(Facility.code).where(Facility.id.in_(sorted(ids)))))
    return AuditEvent.facility.in_(codes)


def count_events(desk: Desk, f: AuditFilter = AuditFilter()) -> int:
    with desk.read(Permission.VIEW_AUDIT) as session:
        where = and_(_in_scope(session), *_conditions(f))
        return int(session.scalar(select(func.count(AuditEvent.id)).where(where)) or 0)


def events(
    desk: Desk, f: AuditFilter = AuditFilter(), *, offset: int = 0, limit: int = PAGE
) -> list[AuditRow]:
    """A page of events, newest first."""
    query = _query(f).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).offset(offset).limit(limit)
    with desk.read(Permission.VIEW_AUDIT) as session:
        query = query.where(_in_scope(session))
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
            select(AuditEvent.username).distinct().where(AuditEvent.username.is_not(None), _in_scope(session))
        )
        actions = session.scalars(select(AuditEvent.action).distinct().where(_in_scope(session)))
        return sorted(u for u in users if u), sorted(actions)


# --- the hash chain ----------------------------------------------------------------------------------------------------

SEAL_KEY = "user_seal_key"
CHAIN_BATCH = 2000


def _event_hash(e: AuditEvent, prev_hash: str, seq: int) -> str:
    return chain_hash(
        prev_hash,
        seq,
        e.at.isoformat(),
        e.username,
        e.action,
        e.entity,
        e.entity_id,
        e.summary,
        e.person_id,
        e.facility,
        e.room,
    )


def _chain_head(session: Session) -> AuditChain:
    """The chain's head, locked until the transaction ends (made from the last event if it is missing)."""
    head = session.scalar(select(AuditChain).where(AuditChain.id == 1).with_for_update())
    if head is None:
        last = session.execute(
            select(AuditEvent.seq, AuditEvent.hash)
            .where(AuditEvent.seq.is_not(None))
            .order_by(AuditEvent.seq.desc())
            .limit(1)
        ).first()
        head = AuditChain(id=1, seq=last[0] if last else 0, hash=(last[1] or GENESIS) if last else GENESIS)
        session.add(head)
    return head


@event.listens_for(Session, "before_commit")
def _chain_pending(session: Session) -> None:
    """Chain the transaction's events at its very end: the head's lock is the last one taken and is held only
    while the transaction commits, so it neither waits on nor holds up the facility locks."""
    pending: list[AuditEvent] = session.info.pop(_PENDING, None) or []
    if not pending:
        return
    # Every other row of the transaction is written first, so that while it holds the head it waits on nothing.
    session.flush()
    head = _chain_head(session)
    for e in pending:
        e.seq = head.seq + 1
        e.prev_hash = head.hash
        e.hash = _event_hash(e, e.prev_hash, e.seq)
        head.seq, head.hash = e.seq, e.hash
        session.add(e)


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


@dataclass(frozen=True)
class TamperProblem:
    """A sign that the data was changed outside the program. ``problem`` is a code (``audit_event_edited``,
    ``audit_event_missing``, ``audit_event_unchained``, ``audit_chain_head``, ``user_seal``); ``where`` names the
    event (its place in the chain and id) or the user."""

    problem: str
    where: str


def chain_problems(session: Session) -> list[TamperProblem]:
    """Walk the audit chain in order and name every event that does not hold: edited (its hash no longer matches),
    missing (a place skipped or a link to a hash nobody has), added by hand without a place in the chain, and a
    head that the last event does not match (events removed from the end)."""
    problems: list[TamperProblem] = []
    expected_prev, expected_seq = GENESIS, 1
    query = select(AuditEvent).where(AuditEvent.seq.is_not(None)).order_by(AuditEvent.seq)
    for e in session.scalars(query.execution_options(yield_per=CHAIN_BATCH)):
        assert e.seq is not None
        where = f"#{e.seq} (id {e.id}, {e.action})"
        if e.seq != expected_seq or e.prev_hash != expected_prev:
            problems.append(TamperProblem("audit_event_missing", where))
        if e.prev_hash is None or e.hash != _event_hash(e, e.prev_hash, e.seq):
            problems.append(TamperProblem("audit_event_edited", where))
        expected_prev, expected_seq = e.hash or "", e.seq + 1
    for event_id, action in session.execute(
        select(AuditEvent.id, AuditEvent.action).where(AuditEvent.seq.is_(None)).order_by(AuditEvent.id)
    ):
        problems.append(TamperProblem("audit_event_unchained", f"id {event_id} ({action})"))
    head = session.get(AuditChain, 1)
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or (last_seq and head.hash != expected_prev)):
        problems.append(TamperProblem("audit_chain_head", f"#{head.seq} / #{last_seq}"))
    return problems


def seal_key(session: Session) -> str:
    """The database's secret for the users' seals (made on first use in a database that lacks it)."""
    key = session.scalar(select(Setting.value).where(Setting.key == SEAL_KEY))
    if key is None:
        key = secrets.token_hex(32)
        session.add(Setting(key=SEAL_KEY, value=key))
        session.flush()
    return key


def facility_ids_of(session: Session, user_id: int) -> list[int]:
    return list(session.scalars(select(UserFacility.facility_id).where(UserFacility.user_id == user_id)))


def seal_of(session: Session, user: User) -> str:
    return user_seal(
        seal_key(session), user.id, user.username, user.role, user.active, facility_ids_of(session, user.id)
    )


def reseal(session: Session, user: User) -> None:
    """Seal what the program itself just set on the user (role, state, facilities)."""
    session.flush()
    user.seal = seal_of(session, user)


def user_problems(session: Session) -> list[TamperProblem]:
    """Every user whose role, state or facilities do not match their seal: changed in the database by hand."""
    key = session.scalar(select(Setting.value).where(Setting.key == SEAL_KEY))
    facilities: dict[int, list[int]] = {}
    for user_id, facility_id in session.execute(select(UserFacility.user_id, UserFacility.facility_id)):
        facilities.setdefault(user_id, []).append(facility_id)
    problems = []
    for user in session.scalars(select(User).order_by(User.username)):
        expected = (
            user_seal(key, user.id, user.username, user.role, user.active, facilities.get(user.id, []))
            if key
            else None
        )
        if user.seal is None or user.seal != expected:
            problems.append(TamperProblem("user_seal", user.username))
    return problems


def tamper_problems(session: Session) -> list[TamperProblem]:
    """The audit chain and the users' seals checked on any session (the open database or a backup's copy)."""
    return chain_problems(session) + user_problems(session)


def verify(desk: Desk) -> list[TamperProblem]:
    """The audit chain and the users' seals, checked (``audit verify``)."""
    with desk.read(Permission.VIEW_AUDIT) as session:
        return tamper_problems(session)
