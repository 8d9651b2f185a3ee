"""The audit trail: who did what, when, to which record, with a short before/after summary."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quarantine_desk.db.models import AuditEvent
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.text import fold
from quarantine_desk.services.context import Desk


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def record(
    session: Session, desk: Desk, action: str, entity: str, entity_id: int | None, **summary: Any
) -> None:
    """Add an audit event to the open transaction: it commits or rolls back with the change itself."""
    session.add(
        AuditEvent(
            at=desk.now(),
            username=desk.username,
            action=action,
            entity=entity,
            entity_id=entity_id,
            summary=json.dumps(
                {k: _plain(v) for k, v in summary.items()}, ensure_ascii=False, sort_keys=True
            ),
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
    summary: str


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
    """The newest events first, filtered; ``text`` matches the summary without diacritics."""
    with desk.read(Permission.VIEW_AUDIT) as session:
        query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        if action:
            query = query.where(AuditEvent.action == action)
        if username:
            query = query.where(AuditEvent.username == username)
        if since:
            query = query.where(AuditEvent.at >= datetime.combine(since, datetime.min.time()))
        if until:
            query = query.where(AuditEvent.at < datetime.combine(until, datetime.max.time()))
        needle = fold(text)
        rows: list[AuditRow] = []
        # The summary is JSON with diacritics; fold in Python, reading in pages so the limit holds.
        for event in session.scalars(query.limit(limit if not needle else limit * 20)):
            if needle and needle not in fold(f"{event.action} {event.entity} {event.summary}"):
                continue
            rows.append(
                AuditRow(
                    event.id,
                    event.at,
                    event.username,
                    event.action,
                    event.entity,
                    event.entity_id,
                    event.summary,
                )
            )
            if len(rows) >= limit:
                break
        return rows
