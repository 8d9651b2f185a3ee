"""A relief round may hand out an item of the store: each handout then draws its quantity from the stock.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("relief_round") as batch:
        batch.add_column(sa.Column("item_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("item_quantity", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_relief_round_item_id_supply_item", "supply_item", ["item_id"], ["id"])
        batch.create_check_constraint(
            "ck_relief_round_item_quantity",
            "(item_id IS NULL AND item_quantity IS NULL) OR (item_id IS NOT NULL AND item_quantity > 0)",
        )


def downgrade() -> None:
    with op.batch_alter_table("relief_round") as batch:
        batch.drop_constraint("ck_relief_round_item_quantity", type_="check")
        batch.drop_constraint("fk_relief_round_item_id_supply_item", type_="foreignkey")
        batch.drop_column("item_quantity")
        batch.drop_column("item_id")
