"""PostgreSQL: a change made around the program (psql, another tool) is announced like the program's own, so that
the open windows follow it (services/watch.py).

A statement-level trigger on each table behind the pages sends ``NOTIFY quarantine_desk`` with the table's name, on
commit, unless the connection is the program's (it sets ``quarantine_desk.sender``, engine.make_engine, and
announces its writes itself). SQLite needs nothing: the windows there poll ``PRAGMA data_version``, which counts
every commit, whoever made it.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# The tables of services.changes.TABLE_AREAS, as they are at this revision.
TABLES = (
    "facility", "zone", "room", "bed", "room_state_change", "person", "person_token", "household", "vaccination",
    "stay", "cohort", "quarantine_policy", "medical_test", "health_check", "meal_record", "planned_arrival",
    "effective_rate", "relief_round", "relief_entitled", "relief_handout", "supply_item", "stock_movement", "staff",
    "shift", "assignment", "staff_test", "app_user", "user_facility", "login_failure", "audit_event", "audit_chain",
    "setting",
)  # fmt: skip

FUNCTION = """
CREATE OR REPLACE FUNCTION quarantine_desk_announce() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('quarantine_desk.sender', true), '') = '' THEN
        PERFORM pg_notify('quarantine_desk', 'db:' || TG_TABLE_NAME);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER quarantine_desk_announce AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE PROCEDURE quarantine_desk_announce()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS quarantine_desk_announce ON {table}")
    op.execute("DROP FUNCTION IF EXISTS quarantine_desk_announce()")
