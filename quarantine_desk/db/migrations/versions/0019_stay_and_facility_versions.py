"""Edit versions on stays and facilities, like people, rooms and policies: a release or transfer chosen on a stay
as the window showed it, or a facility's details edited there, is refused when another PC has changed that stay or
facility since (StaleEdit), instead of acting on what the person at the desk did not see.

Existing rows start at version 1.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

TABLES = ("facility", "stay")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
