"""Which areas of the data a write changed, so that the window reloads only what shows them (Anki's
``OpChanges``).

``Desk`` notes the tables that each write session flushes or changes by statement (``watch``) and, once the
transaction has committed, adds their areas to the record of the current thread (``committed``). The caller of
a use case wraps it in ``track()`` and gets the areas back. Work that writes around the session says what it
changed: ``wrote(session, table…)`` for statements on the session's connection, ``record(areas)`` for a restore.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum
from itertools import chain
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker


class Area(StrEnum):
    FACILITIES = "facilities"  # facilities and their zones
    ROOMS = "rooms"  # rooms and beds
    PEOPLE = "people"  # people, their households and search keys
    STAYS = "stays"  # admissions, cohorts, releases, transfers
    POLICIES = "policies"  # quarantine policies
    TESTS = "tests"  # test results and health checks
    MEALS = "meals"
    STOCK = "stock"  # supply items and stock movements
    RELIEF = "relief"  # relief rounds, who is entitled, handouts
    SHIFTS = "shifts"  # staff, shifts, assignments
    USERS = "users"
    AUDIT = "audit"
    REPORTS = "reports"  # when the daily report was last made


EVERYTHING = frozenset(Area)

TABLE_AREAS: dict[str, Area] = {
    "facility": Area.FACILITIES,
    "zone": Area.FACILITIES,
    "room": Area.ROOMS,
    "bed": Area.ROOMS,
    "room_state_change": Area.ROOMS,
    "person": Area.PEOPLE,
    "person_token": Area.PEOPLE,
    "household": Area.PEOPLE,
    "vaccination": Area.PEOPLE,
    "stay": Area.STAYS,
    "cohort": Area.STAYS,
    "quarantine_policy": Area.POLICIES,
    "medical_test": Area.TESTS,
    "health_check": Area.TESTS,
    "meal_record": Area.MEALS,
    "planned_arrival": Area.MEALS,
    "effective_rate": Area.MEALS,  # the price of a portion; the support list is read when it is made
    "relief_round": Area.RELIEF,
    "relief_entitled": Area.RELIEF,
    "relief_handout": Area.RELIEF,
    "supply_item": Area.STOCK,
    "stock_movement": Area.STOCK,
    "staff": Area.SHIFTS,
    "shift": Area.SHIFTS,
    "assignment": Area.SHIFTS,
    "staff_test": Area.SHIFTS,
    "app_user": Area.USERS,
    "user_facility": Area.USERS,
    "login_failure": Area.USERS,
    "audit_event": Area.AUDIT,
    "audit_chain": Area.AUDIT,
    "setting": Area.REPORTS,
}

_TABLES = "quarantine_desk_changed_tables"  # key in Session.info
_record: ContextVar[set[Area] | None] = ContextVar("quarantine_desk_changed_areas", default=None)


def areas_of(tables: Iterable[str]) -> frozenset[Area]:
    """The areas of some tables; a table this map does not know counts as a change to everything."""
    found: set[Area] = set()
    for table in tables:
        area = TABLE_AREAS.get(table)
        if area is None:
            return EVERYTHING
        found.add(area)
    return frozenset(found)


@contextmanager
def track() -> Iterator[set[Area]]:
    """Collect the areas changed by the writes committed inside the block, on this thread."""
    found: set[Area] = set()
    token = _record.set(found)
    try:
        yield found
    finally:
        _record.reset(token)


def record(areas: Iterable[Area]) -> None:
    """Add ``areas`` to the record of the enclosing ``track()``, if any."""
    found = _record.get()
    if found is not None:
        found.update(areas)


def watch(sessions: sessionmaker[Session]) -> None:
    """Note in each session of ``sessions`` the tables its flushes and its statements change."""
    event.listen(sessions, "after_flush", _after_flush)
    event.listen(sessions, "do_orm_execute", _on_statement)


def wrote(session: Session, *tables: str) -> None:
    """Statements sent around the session (on ``session.connection()``, a COPY) name the tables they change."""
    _tables(session).update(tables)


def pending(session: Session) -> set[str]:
    """The tables the open transaction of ``session`` has changed so far."""
    return set(session.info.get(_TABLES, ()))


def committed(session: Session) -> None:
    """The transaction of ``session`` has committed: the areas of the tables it changed join the record."""
    tables = session.info.pop(_TABLES, None)
    if tables:
        record(areas_of(tables))


def _tables(session: Session) -> set[str]:
    tables: set[str] = session.info.setdefault(_TABLES, set())
    return tables


def _after_flush(session: Session, _context: Any) -> None:
    # After a flush the session still lists what it has just written as new, dirty or deleted.
    tables = _tables(session)
    for instance in chain(session.new, session.dirty, session.deleted):
        tables.update(table.name for table in inspect(instance).mapper.tables)


def _on_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        name = getattr(table, "name", None)
        _tables(state.session).add(name if isinstance(name, str) else "?")
