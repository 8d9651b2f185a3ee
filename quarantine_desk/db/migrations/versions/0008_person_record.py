"""The person record as the communes' lists carry it: home commune, district and province as fields, the F-level
and exposure, a relative to call, underlying conditions and pregnancy with the "cần theo dõi đặc biệt" flag, notes.

Existing people keep their address line; the new fields start empty (the flags false).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TEXT = (
    ("commune", 100),
    ("district", 100),
    ("province", 100),
    ("f_level", 10),
    ("exposure", 200),
    ("relative_name", 120),
    ("relative_phone", 15),
    ("conditions", 500),
)


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        for name, length in _TEXT:
            batch.add_column(sa.Column(name, sa.String(length), nullable=True))
        batch.add_column(sa.Column("pregnant", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("special_watch", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("notes", sa.Text(), nullable=True))
        batch.create_check_constraint(
            "ck_person_f_level", "f_level IS NULL OR f_level IN ('f1', 'f2', 'returnee', 'other')"
        )


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_constraint("ck_person_f_level", type_="check")
        for name in ("notes", "special_watch", "pregnant", *(n for n, _ in reversed(_TEXT))):
            batch.drop_column(name)
