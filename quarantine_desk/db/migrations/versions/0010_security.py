"""Security: login failures counted per user and source, users' facilities, a sealed role, a chained audit trail.

- ``login_failure``: repeated wrong passwords slow down one user name from one source (a PC), never everyone.
- ``user_facility``: the facilities a user works for; a user with none works for the whole district (existing
  users keep the district, as before).
- ``app_user.seal``: an HMAC over the role, the state and the facilities, keyed by a secret kept in ``setting``;
  a role changed by hand in the database no longer matches it.
- ``audit_event.seq/prev_hash/hash`` and ``audit_chain`` (its head): each event carries the hash of the one before
  it. Existing events are chained now, in the order they were written. On PostgreSQL a trigger refuses to change
  or delete a chained event.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

SEAL_KEY = "user_seal_key"
GENESIS = "0" * 64


# Copies of the hashing at the time of this revision: migrations must not change when the code does.
def _chain_hash(prev_hash: str, seq: int, row: sa.Row[tuple[object, ...]]) -> str:
    fields = [
        prev_hash,
        seq,
        row.at.isoformat(),
        row.username,
        row.action,
        row.entity,
        row.entity_id,
        row.summary,
        row.person_id,
        row.facility,
        row.room,
    ]
    canonical = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _seal(key: str, user_id: int, username: str, role: str, active: bool) -> str:
    message = f"{user_id}|{username}|{role}|{int(active)}|district"
    return hmac.new(bytes.fromhex(key), message.encode("utf-8"), hashlib.sha256).hexdigest()


APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.hash IS NOT NULL THEN
        RAISE EXCEPTION 'audit events cannot be changed or deleted' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("username", sa.String(length=50), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("username", "source", name=op.f("pk_login_failure")),
    )
    op.create_table(
        "user_facility",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_user_facility_user_id_app_user"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["facility.id"], name=op.f("fk_user_facility_facility_id_facility")
        ),
        sa.PrimaryKeyConstraint("user_id", "facility_id", name=op.f("pk_user_facility")),
    )
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain")),
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seal", sa.String(length=64), nullable=True))
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_event_seq"), ["seq"], unique=True)

    connection = op.get_bind()
    key = secrets.token_hex(32)
    setting = sa.table("setting", sa.column("key", sa.String), sa.column("value", sa.Text))
    connection.execute(setting.insert().values(key=SEAL_KEY, value=key))

    user = sa.table(
        "app_user",
        sa.column("id", sa.Integer),
        sa.column("username", sa.String),
        sa.column("role", sa.String),
        sa.column("active", sa.Boolean),
        sa.column("seal", sa.String),
    )
    for row in connection.execute(sa.select(user.c.id, user.c.username, user.c.role, user.c.active)).all():
        connection.execute(
            user.update()
            .where(user.c.id == row.id)
            .values(seal=_seal(key, row.id, row.username, row.role, bool(row.active)))
        )

    event = sa.table(
        "audit_event",
        sa.column("id", sa.Integer),
        sa.column("at", sa.DateTime),
        sa.column("username", sa.String),
        sa.column("action", sa.String),
        sa.column("entity", sa.String),
        sa.column("entity_id", sa.Integer),
        sa.column("summary", sa.Text),
        sa.column("person_id", sa.Integer),
        sa.column("facility", sa.String),
        sa.column("room", sa.String),
        sa.column("seq", sa.Integer),
        sa.column("prev_hash", sa.String),
        sa.column("hash", sa.String),
    )
    previous, seq = GENESIS, 0
    rows = connection.execute(sa.select(event).order_by(event.c.id)).all()
    for row in rows:
        seq += 1
        digest = _chain_hash(previous, seq, row)
        connection.execute(
            event.update().where(event.c.id == row.id).values(seq=seq, prev_hash=previous, hash=digest)
        )
        previous = digest
    chain = sa.table("audit_chain", sa.column("id", sa.Integer), sa.column("seq"), sa.column("hash"))
    connection.execute(chain.insert().values(id=1, seq=seq, hash=previous))

    if connection.dialect.name == "postgresql":
        op.execute(APPEND_ONLY)
        op.execute(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_seq"))
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("seal")
    op.execute(sa.text("DELETE FROM setting WHERE key = :key").bindparams(key=SEAL_KEY))
    op.drop_table("audit_chain")
    op.drop_table("user_facility")
    op.drop_table("login_failure")
