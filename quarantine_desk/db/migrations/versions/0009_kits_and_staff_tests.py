"""Test kits drawn from the store and staff tests: a stock item can be the kit of a test kind (rapid or PCR), with
the number of kits in a pack for the request sheet; a test recorded when the store had no kit says so; staff are
tested on a schedule set per facility, and a staff member who must quarantine is flagged.

Existing items are no kit (pack of 1), existing tests used no kit and lacked none, no facility has a staff test
schedule and nobody is flagged.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("supply_item") as batch:
        batch.add_column(sa.Column("kit_kind", sa.String(10), nullable=True))
        batch.add_column(sa.Column("pack_size", sa.Integer(), nullable=False, server_default="1"))
        batch.create_check_constraint(
            "ck_supply_item_kit_kind", "kit_kind IS NULL OR kit_kind IN ('rapid', 'pcr')"
        )
        batch.create_check_constraint("ck_supply_item_pack_size", "pack_size >= 1")
    op.create_index(
        "uq_supply_item_kit",
        "supply_item",
        ["facility_id", "kit_kind"],
        unique=True,
        sqlite_where=sa.text("kit_kind IS NOT NULL"),
        postgresql_where=sa.text("kit_kind IS NOT NULL"),
    )
    with op.batch_alter_table("medical_test") as batch:
        batch.add_column(sa.Column("kit_short", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("facility") as batch:
        batch.add_column(sa.Column("staff_test_every", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("staff_test_kind", sa.String(10), nullable=False, server_default="rapid"))
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("quarantine_from", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("quarantine_reason", sa.String(20), nullable=True))
        batch.add_column(sa.Column("quarantine_note", sa.String(200), nullable=True))
    op.create_table(
        "staff_test",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("sampled_at", sa.DateTime(), nullable=False),
        sa.Column("result", sa.String(10), nullable=False),
        sa.Column("kit_short", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("recorded_by", sa.String(100), nullable=True),
        sa.CheckConstraint("kind IN ('rapid', 'pcr')", name=op.f("ck_staff_test_kind")),
        sa.CheckConstraint(
            "result IN ('negative', 'positive', 'pending')", name=op.f("ck_staff_test_result")
        ),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_staff_test_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_test")),
    )
    op.create_index(op.f("ix_staff_test_staff_id"), "staff_test", ["staff_id"])
    op.create_index(op.f("ix_staff_test_sampled_at"), "staff_test", ["sampled_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_test_sampled_at"), table_name="staff_test")
    op.drop_index(op.f("ix_staff_test_staff_id"), table_name="staff_test")
    op.drop_table("staff_test")
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("quarantine_note")
        batch.drop_column("quarantine_reason")
        batch.drop_column("quarantine_from")
    with op.batch_alter_table("facility") as batch:
        batch.drop_column("staff_test_kind")
        batch.drop_column("staff_test_every")
    with op.batch_alter_table("medical_test") as batch:
        batch.drop_column("kit_short")
    op.drop_index("uq_supply_item_kit", table_name="supply_item")
    with op.batch_alter_table("supply_item") as batch:
        batch.drop_constraint("ck_supply_item_pack_size", type_="check")
        batch.drop_constraint("ck_supply_item_kit_kind", type_="check")
        batch.drop_column("pack_size")
        batch.drop_column("kit_kind")
