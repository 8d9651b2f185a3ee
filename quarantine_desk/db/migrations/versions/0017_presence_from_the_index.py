"""Who was present, counted from the index: the facility-time index of stays carries the room, the planned
release, the positive mark and the outcome.

The roster's count, the room board's occupants, the daily report and the capacity outlook count a facility's
stays present at a moment (``services.presence``) through the index on (facility, admitted at, released at).
Each of these counts also needs the room, the planned release, the positive mark or the outcome; with them in
the index the count is read from the index alone, instead of fetching every open stay's row (on a province's
database, some 40,000 rows for each of the report's counts).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

OLD = ["facility_id", "admitted_at", "released_at"]
NEW = [*OLD, "room_id", "planned_release", "positive_at", "outcome"]


def upgrade() -> None:
    op.drop_index("ix_stay_facility_times", table_name="stay")
    op.create_index("ix_stay_facility_times", "stay", NEW)


def downgrade() -> None:
    op.drop_index("ix_stay_facility_times", table_name="stay")
    op.create_index("ix_stay_facility_times", "stay", OLD)
