"""Search walks a word's people in name order: the search index carries each person's sort key.

``person_token`` gains ``sort_key`` (the person's, copied) and one index on (token, sort_key, person_id) in place of
the one on token alone, so that the people of a common word ("nguyen") are read in the list's order and the
search stops at the fiftieth, instead of collecting and sorting them all.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

SORT_KEY = sa.String(length=400).with_variant(sa.String(length=400, collation="C"), "postgresql")


def upgrade() -> None:
    connection = op.get_bind()
    op.add_column("person_token", sa.Column("sort_key", SORT_KEY, nullable=True))
    if connection.dialect.name == "postgresql":
        connection.execute(
            sa.text(
                "UPDATE person_token SET sort_key = person.sort_key FROM person WHERE person.id = person_token.person_id"
            )
        )
    else:
        connection.execute(
            sa.text(
                "UPDATE person_token SET sort_key = "
                "(SELECT person.sort_key FROM person WHERE person.id = person_token.person_id)"
            )
        )
    with op.batch_alter_table("person_token", schema=None) as batch_op:
        batch_op.alter_column("sort_key", existing_type=SORT_KEY, nullable=False)
        batch_op.drop_index("ix_person_token_token")
        batch_op.create_index(
            "ix_person_token_token_sort_key", ["token", "sort_key", "person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("person_token", schema=None) as batch_op:
        batch_op.drop_index("ix_person_token_token_sort_key")
        batch_op.create_index("ix_person_token_token", ["token"], unique=False)
        batch_op.drop_column("sort_key")
