"""Logistics that follow the people: a diet on the person record, each facility's meal times and the kitchen's
cut-off, arrivals the kitchen expects, effective-dated rates (meals, Resolution 68 support), relief rounds with
who is entitled and each handout.

Existing people eat the regular diet; existing facilities keep the default meal times (the columns stay empty).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("diet", sa.String(10), nullable=False, server_default="regular"))
        batch.create_check_constraint(
            "ck_person_diet", "diet IN ('regular', 'vegetarian', 'child', 'soft', 'special')"
        )
    with op.batch_alter_table("facility") as batch:
        for name in ("breakfast_at", "lunch_at", "dinner_at", "meal_cutoff"):
            batch.add_column(sa.Column(name, sa.Time(), nullable=True))
    op.create_table(
        "planned_arrival",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("facility_id", sa.Integer(), sa.ForeignKey("facility.id"), nullable=False, index=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=True),
        sa.CheckConstraint("people > 0", name="ck_planned_arrival_people"),
    )
    op.create_table(
        "effective_rate",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.Column("set_by", sa.String(100), nullable=True),
        sa.UniqueConstraint("key", "effective_from", name="uq_effective_rate_key"),
        sa.CheckConstraint("value >= 0", name="ck_effective_rate_value"),
    )
    op.create_table(
        "relief_round",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("facility_id", sa.Integer(), sa.ForeignKey("facility.id"), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("goods", sa.String(300), nullable=False),
        sa.Column("per", sa.String(10), nullable=False),
        sa.Column("entitled", sa.String(10), nullable=False),
        sa.Column("entitled_at", sa.DateTime(), nullable=True),
        sa.Column("zone_id", sa.Integer(), sa.ForeignKey("zone.id"), nullable=True),
        sa.Column("sets", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=True),
        sa.CheckConstraint("per IN ('person', 'household')", name="ck_relief_round_per"),
        sa.CheckConstraint("entitled IN ('present', 'zone', 'list')", name="ck_relief_round_entitled"),
        sa.CheckConstraint("sets IS NULL OR sets >= 0", name="ck_relief_round_sets"),
    )
    op.create_table(
        "relief_entitled",
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("relief_round.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), primary_key=True),
        sa.Column("share_key", sa.String(20), nullable=False),
    )
    op.create_table(
        "relief_handout",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("relief_round.id"), nullable=False, index=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False, index=True),
        sa.Column("share_key", sa.String(20), nullable=False),
        sa.Column("given_at", sa.DateTime(), nullable=False),
        sa.Column("given_by", sa.String(100), nullable=True),
        sa.Column("goods", sa.String(300), nullable=False),
        sa.UniqueConstraint("round_id", "share_key", name="uq_relief_handout_round_id"),
    )


def downgrade() -> None:
    op.drop_table("relief_handout")
    op.drop_table("relief_entitled")
    op.drop_table("relief_round")
    op.drop_table("effective_rate")
    op.drop_table("planned_arrival")
    with op.batch_alter_table("facility") as batch:
        for name in ("meal_cutoff", "dinner_at", "lunch_at", "breakfast_at"):
            batch.drop_column(name)
    with op.batch_alter_table("person") as batch:
        batch.drop_constraint("ck_person_diet", type_="check")
        batch.drop_column("diet")
