"""Open stays by partial indexes: a room's occupants and a facility's, without reading the ended stays.

A province's stay table is mostly history; the bed choice and the room board ask only for the open stays, of a
room (with their cohort and first day, for R2) or of a facility.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

OPEN = sa.text("released_at IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_stay_open_room",
        "stay",
        ["room_id", "cohort_id", "period_start"],
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_index(
        "ix_stay_open_facility", "stay", ["facility_id", "room_id"], sqlite_where=OPEN, postgresql_where=OPEN
    )


def downgrade() -> None:
    op.drop_index("ix_stay_open_facility", table_name="stay")
    op.drop_index("ix_stay_open_room", table_name="stay")
