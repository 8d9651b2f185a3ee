"""People found by name and birth year: an index on (sort_key, birth_year) for the duplicate check of imports.

An imported list is matched against the people already registered by ID number or by name and birth year. By
the name's sort key alone, a batch of 500 common names reads some 20,000 people of a province's records to keep
a few hundred of the right years; with the year in the index only those are read.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_person_sort_key_birth_year", "person", ["sort_key", "birth_year"])


def downgrade() -> None:
    op.drop_index("ix_person_sort_key_birth_year", table_name="person")
