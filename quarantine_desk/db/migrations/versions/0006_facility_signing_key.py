"""Each facility signs its release certificates with an Ed25519 key of its own, so anyone holding the public key
can check a certificate without the facility's database; existing facilities get their key now.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _key_pair() -> tuple[str, str]:
    # A copy of the key making at the time of this revision: migrations must not change when the code does.
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return seed.hex(), public.hex()


def upgrade() -> None:
    with op.batch_alter_table("facility", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signing_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("public_key", sa.String(length=64), nullable=True))
    facility = sa.table(
        "facility", sa.column("id", sa.Integer), sa.column("signing_key"), sa.column("public_key")
    )
    connection = op.get_bind()
    for (facility_id,) in connection.execute(sa.select(facility.c.id)).all():
        private, public = _key_pair()
        connection.execute(
            facility.update()
            .where(facility.c.id == facility_id)
            .values(signing_key=private, public_key=public)
        )


def downgrade() -> None:
    with op.batch_alter_table("facility", schema=None) as batch_op:
        batch_op.drop_column("public_key")
        batch_op.drop_column("signing_key")
