"""Search people through an index of their words instead of scanning a folded text column.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _fold(text: str) -> str:
    # A copy of the folding at the time of this revision: migrations must not change when the code does.
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return re.sub(r"\s+", " ", text).strip().lower()


def upgrade() -> None:
    op.create_table(
        "person_token",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "token",
            sa.String(length=60).with_variant(sa.String(length=60, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_person_token_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("person_id", "token", name=op.f("pk_person_token")),
    )
    with op.batch_alter_table("person_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_token_token"), ["token"], unique=False)

    connection = op.get_bind()
    person = sa.table(
        "person",
        sa.column("id", sa.Integer),
        sa.column("full_name", sa.String),
        sa.column("id_number", sa.String),
        sa.column("phone", sa.String),
    )
    token = sa.table("person_token", sa.column("person_id", sa.Integer), sa.column("token", sa.String))
    rows = []
    for pid, name, id_number, phone in connection.execute(
        sa.select(person.c.id, person.c.full_name, person.c.id_number, person.c.phone)
    ):
        words = set(_fold(name).split()) | {w for w in (id_number, phone) if w}
        rows.extend({"person_id": pid, "token": w[:60]} for w in words)
        if len(rows) >= 5000:
            connection.execute(token.insert(), rows)
            rows = []
    if rows:
        connection.execute(token.insert(), rows)

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("ix_person_search_text")
        batch_op.drop_column("search_text")


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("search_text", sa.String(length=400), nullable=False, server_default="")
        )
        batch_op.create_index("ix_person_search_text", ["search_text"], unique=False)
    with op.batch_alter_table("person_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_token_token"))
    op.drop_table("person_token")
