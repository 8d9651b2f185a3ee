"""Cohorts with a day, kind and source; stays keep their policy and outcome as it happened; dose history; room
states over time (the beds of a past moment).

Existing data stays valid: a cohort's exposure date is the day of its earliest admission; each stay gets a copy of
the policy it points to; a "completed" release that carried an override becomes "released_early"; a person's dose
count becomes that many doses (the last one with its date); every room gets its present state as its state since
long ago.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# The state of every existing room "since always": earlier than any stay this program can hold.
LONG_AGO = datetime(2000, 1, 1)


def _day(value: object) -> date:
    # SQLite hands back text, PostgreSQL a datetime.
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.fromisoformat(str(value)).date()


def upgrade() -> None:
    connection = op.get_bind()

    # --- cohorts -------------------------------------------------------------------------------------------------
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.add_column(sa.Column("exposure_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("kind", sa.String(length=12), nullable=False, server_default="other"))
        batch_op.add_column(sa.Column("source", sa.String(length=200), nullable=True))
    cohort = sa.table(
        "cohort",
        sa.column("id", sa.Integer),
        sa.column("created_at", sa.DateTime),
        sa.column("exposure", sa.String),
        sa.column("exposure_date", sa.Date),
        sa.column("source", sa.String),
    )
    stay = sa.table(
        "stay",
        sa.column("id", sa.Integer),
        sa.column("cohort_id", sa.Integer),
        sa.column("room_id", sa.Integer),
        sa.column("admitted_at", sa.DateTime),
        sa.column("released_at", sa.DateTime),
        sa.column("outcome", sa.String),
        sa.column("override_reason", sa.String),
    )
    earliest = dict(
        connection.execute(
            sa.select(stay.c.cohort_id, sa.func.min(stay.c.admitted_at)).group_by(stay.c.cohort_id)
        )
        .tuples()
        .all()
    )
    for cid, created_at, exposure in connection.execute(
        sa.select(cohort.c.id, cohort.c.created_at, cohort.c.exposure)
    ).tuples():
        first = earliest.get(cid) or created_at
        connection.execute(
            cohort.update()
            .where(cohort.c.id == cid)
            .values(exposure_date=_day(first), source=(exposure or None) and str(exposure)[:200])
        )
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.alter_column("exposure_date", existing_type=sa.Date(), nullable=False)
        batch_op.drop_column("exposure")
        batch_op.create_check_constraint("kind", "kind IN ('f1_contact', 'returnee', 'other')")

    # --- policies and the copy each stay keeps ----------------------------------------------------------------------
    with op.batch_alter_table("quarantine_policy", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("stay", schema=None) as batch_op:
        batch_op.add_column(sa.Column("policy_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("policy_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("policy_kind", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("policy_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("policy_test_days", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("home_address", sa.String(length=300), nullable=True))
    for column, source in (
        ("policy_name", "name"),
        ("policy_version", "version"),
        ("policy_kind", "kind"),
        ("policy_days", "days"),
        ("policy_test_days", "test_days"),
    ):
        op.execute(
            f"UPDATE stay SET {column} = "
            f"(SELECT quarantine_policy.{source} FROM quarantine_policy WHERE quarantine_policy.id = stay.policy_id)"
        )
    with op.batch_alter_table("stay", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_stay_outcome"), type_="check")
    with op.batch_alter_table("stay", schema=None) as batch_op:
        for column, kind in (
            ("policy_name", sa.String(length=200)),
            ("policy_version", sa.Integer()),
            ("policy_kind", sa.String(length=10)),
            ("policy_days", sa.Integer()),
            ("policy_test_days", sa.String(length=100)),
        ):
            batch_op.alter_column(column, existing_type=kind, nullable=False)
        batch_op.alter_column(
            "outcome", existing_type=sa.String(length=12), type_=sa.String(length=20), existing_nullable=True
        )
    # An override release was stored as "completed": it was an early release.
    connection.execute(
        stay.update()
        .where(stay.c.outcome == "completed", stay.c.override_reason.is_not(None))
        .values(outcome="released_early")
    )
    with op.batch_alter_table("stay", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "outcome",
            "outcome IS NULL OR outcome IN "
            "('completed', 'released_early', 'transferred', 'home_quarantine', 'other')",
        )
        batch_op.create_check_constraint("policy_days", "policy_days > 0")

    # --- dose history ------------------------------------------------------------------------------------------------
    op.create_table(
        "vaccination",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=True),
        sa.Column("vaccine", sa.String(length=60), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_vaccination_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vaccination")),
    )
    with op.batch_alter_table("vaccination", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vaccination_person_id"), ["person_id"], unique=False)
    person = sa.table(
        "person",
        sa.column("id", sa.Integer),
        sa.column("doses", sa.Integer),
        sa.column("last_dose_on", sa.Date),
    )
    vaccination = sa.table("vaccination", sa.column("person_id", sa.Integer), sa.column("given_on", sa.Date))
    rows: list[dict[str, object]] = []
    for pid, doses, last in connection.execute(
        sa.select(person.c.id, person.c.doses, person.c.last_dose_on).where(person.c.doses > 0)
    ).tuples():
        # The earlier doses' dates were never asked for; the last one's was.
        rows.extend({"person_id": pid, "given_on": None} for _ in range(doses - 1))
        rows.append({"person_id": pid, "given_on": _day(last) if last is not None else None})
        if len(rows) >= 5000:
            connection.execute(vaccination.insert(), rows)
            rows = []
    if rows:
        connection.execute(vaccination.insert(), rows)

    # --- room states over time -------------------------------------------------------------------------------------
    op.create_table(
        "room_state_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("in_service", sa.Boolean(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("needs_disinfection", sa.Boolean(), nullable=False),
        sa.Column("beds_in_service", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["room.id"], name=op.f("fk_room_state_change_room_id_room"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_state_change")),
    )
    with op.batch_alter_table("room_state_change", schema=None) as batch_op:
        batch_op.create_index("ix_room_state_change_room_at", ["room_id", "at"], unique=False)
    room = sa.table(
        "room",
        sa.column("id", sa.Integer),
        sa.column("in_service", sa.Boolean),
        sa.column("closed_at", sa.DateTime),
        sa.column("needs_disinfection", sa.Boolean),
    )
    bed = sa.table("bed", sa.column("room_id", sa.Integer), sa.column("in_service", sa.Boolean))
    beds = dict(
        connection.execute(
            sa.select(bed.c.room_id, sa.func.count())
            .where(bed.c.in_service.is_(True))
            .group_by(bed.c.room_id)
        )
        .tuples()
        .all()
    )
    change = sa.table(
        "room_state_change",
        sa.column("room_id", sa.Integer),
        sa.column("at", sa.DateTime),
        sa.column("in_service", sa.Boolean),
        sa.column("closed", sa.Boolean),
        sa.column("needs_disinfection", sa.Boolean),
        sa.column("beds_in_service", sa.Integer),
    )
    states = [
        {
            "room_id": rid,
            "at": LONG_AGO,
            "in_service": bool(in_service),
            "closed": closed_at is not None,
            "needs_disinfection": bool(needs),
            "beds_in_service": int(beds.get(rid, 0)),
        }
        for rid, in_service, closed_at, needs in connection.execute(
            sa.select(room.c.id, room.c.in_service, room.c.closed_at, room.c.needs_disinfection)
        ).tuples()
    ]
    if states:
        connection.execute(change.insert(), states)


def downgrade() -> None:
    with op.batch_alter_table("room_state_change", schema=None) as batch_op:
        batch_op.drop_index("ix_room_state_change_room_at")
    op.drop_table("room_state_change")
    with op.batch_alter_table("vaccination", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vaccination_person_id"))
    op.drop_table("vaccination")
    with op.batch_alter_table("stay", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_stay_outcome"), type_="check")
        batch_op.drop_constraint(op.f("ck_stay_policy_days"), type_="check")
    op.execute(
        "UPDATE stay SET outcome = CASE WHEN outcome = 'released_early' THEN 'completed' "
        "WHEN outcome = 'home_quarantine' THEN 'other' ELSE outcome END"
    )
    with op.batch_alter_table("stay", schema=None) as batch_op:
        batch_op.alter_column(
            "outcome", existing_type=sa.String(length=20), type_=sa.String(length=12), existing_nullable=True
        )
        batch_op.create_check_constraint(
            "outcome", "outcome IS NULL OR outcome IN ('completed', 'transferred', 'other')"
        )
        for column in ("policy_name", "policy_version", "policy_kind", "policy_days", "policy_test_days"):
            batch_op.drop_column(column)
        batch_op.drop_column("home_address")
    with op.batch_alter_table("quarantine_policy", schema=None) as batch_op:
        batch_op.drop_column("version")
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_cohort_kind"), type_="check")
        batch_op.add_column(sa.Column("exposure", sa.String(length=300), nullable=True))
    op.execute("UPDATE cohort SET exposure = source")
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.drop_column("source")
        batch_op.drop_column("kind")
        batch_op.drop_column("exposure_date")
