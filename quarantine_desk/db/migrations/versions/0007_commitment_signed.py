"""A stay records that its commitment (bản cam kết) was signed: the day, who signed (the person, or a child's
guardian) and who at the facility received it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stay", schema=None) as batch_op:
        batch_op.add_column(sa.Column("commitment_signed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("commitment_signed_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("commitment_received_by", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stay", schema=None) as batch_op:
        batch_op.drop_column("commitment_received_by")
        batch_op.drop_column("commitment_signed_by")
        batch_op.drop_column("commitment_signed_on")
