"""The audit log found by person, room and words: columns beside each event's details, filled from them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import json
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _fold(text: str) -> str:
    # A copy of the folding at the time of this revision: migrations must not change when the code does.
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _words(value: object) -> list[str]:
    if isinstance(value, dict):
        return [w for k, v in value.items() for w in (str(k), *_words(v))]
    if isinstance(value, list):
        return [w for v in value for w in _words(v)]
    if value is None or isinstance(value, bool):
        return []
    return [str(value)]


def upgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("facility", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("room", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("search", sa.Text(), nullable=False, server_default=""))
        batch_op.create_index(batch_op.f("ix_audit_event_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_room"), ["room"], unique=False)

    connection = op.get_bind()
    event = sa.table(
        "audit_event",
        sa.column("id", sa.Integer),
        sa.column("username", sa.String),
        sa.column("action", sa.String),
        sa.column("entity", sa.String),
        sa.column("entity_id", sa.Integer),
        sa.column("summary", sa.Text),
        sa.column("person_id", sa.Integer),
        sa.column("facility", sa.String),
        sa.column("room", sa.String),
        sa.column("search", sa.Text),
    )
    person = sa.table("person", sa.column("id", sa.Integer), sa.column("full_name", sa.String))
    names = dict(connection.execute(sa.select(person.c.id, person.c.full_name)).tuples().all())
    rows = connection.execute(
        sa.select(
            event.c.id, event.c.username, event.c.action, event.c.entity, event.c.entity_id, event.c.summary
        )
    ).all()
    for event_id, username, action, entity, entity_id, summary in rows:
        try:
            details = json.loads(summary)
        except ValueError:
            details = {}
        if not isinstance(details, dict):
            details = {}
        person_id = next(
            (v for k in ("person", "positive_person") if isinstance(v := details.get(k), int)),
            entity_id if entity == "person" else None,
        )
        facility = details.get("facility") if isinstance(details.get("facility"), str) else None
        room = details.get("room") if isinstance(details.get("room"), str) else None
        words = [action, username or "", names.get(person_id, "") if person_id else "", *_words(details)]
        connection.execute(
            event.update()
            .where(event.c.id == event_id)
            .values(
                person_id=person_id,
                facility=facility,
                room=room,
                search=_fold(" ".join(w for w in words if w)),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_room"))
        batch_op.drop_index(batch_op.f("ix_audit_event_person_id"))
        batch_op.drop_column("search")
        batch_op.drop_column("room")
        batch_op.drop_column("facility")
        batch_op.drop_column("person_id")
