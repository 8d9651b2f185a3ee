"""Meals on SQLite and PostgreSQL: portions per meal from the roster and the staff, portions served."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from quarantine_desk.db.models import AuditEvent
from quarantine_desk.domain.errors import InvalidInput, NotAllowed
from quarantine_desk.domain.roles import Role
from quarantine_desk.services import meals, stays
from tests.helpers import NOW, as_role
from tests.services.fixtures import facility, person

TODAY = NOW.date()


@pytest.fixture
def f01(desk):  # type: ignore[no-untyped-def]
    facility(desk, "F01")
    for i, name in enumerate(["Nguyễn Văn An", "Trần Văn Bình", "Lê Văn Cường"]):
        pid = person(desk, name, id_number=f"00108500010{i}")
        stays.admit(desk, pid, "F01", "Nhóm 1", room="101", at=NOW - timedelta(days=2))
    return "F01"


def test_counts_follow_the_roster_and_the_staff_given(desk, f01) -> None:  # type: ignore[no-untyped-def]
    counts = meals.meal_counts(desk, f01, TODAY, staff=12)
    assert [m.meal for m in counts.meals] == ["breakfast", "lunch", "dinner"]
    assert counts.staff_source == "given"
    assert all((m.quarantined, m.staff, m.total) == (3, 12, 15) for m in counts.meals)
    assert all(m.served_quarantined is None for m in counts.meals)
    # Before the admissions nobody is there; each meal counts who is there at its time, so a person transferred
    # at 09:00 had breakfast and is no longer counted from lunch on, today or later.
    assert meals.meal_counts(desk, f01, TODAY - timedelta(days=3), staff=0).line("dinner").quarantined == 0
    stays.transfer(desk, "001085000100", "Bệnh viện tỉnh")
    today = meals.meal_counts(desk, f01, TODAY)
    assert [m.quarantined for m in today.meals] == [3, 2, 2]
    assert today.line("lunch").quarantined == len(stays.roster(desk, f01, TODAY))
    assert [m.quarantined for m in meals.meal_counts(desk, f01, TODAY + timedelta(days=1)).meals] == [2, 2, 2]


def test_staff_from_the_shifts_when_available(desk, f01, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    windows: list[tuple[int, int, int]] = []

    def on_duty(session, facility_id, start, end):  # type: ignore[no-untyped-def]
        windows.append((start.hour, start.minute, int((end - start).total_seconds())))
        return 7 if start.hour < 12 else 5

    monkeypatch.setattr(meals, "_staff_counter", lambda: on_duty)
    counts = meals.meal_counts(desk, f01, TODAY)
    assert counts.staff_source == "shifts"
    assert [m.staff for m in counts.meals] == [7, 7, 5]
    # the staff on shift at the moment each meal is served (06:30, 11:00, 17:00)
    assert windows == [(6, 30, 1), (11, 0, 1), (17, 0, 1)]
    monkeypatch.setattr(meals, "_staff_counter", lambda: None)
    counts = meals.meal_counts(desk, f01, TODAY)
    assert counts.staff_source == "none" and counts.line("lunch").staff == 0


def test_record_served_replaces_the_earlier_entry(desk, f01) -> None:  # type: ignore[no-untyped-def]
    meals.record_served(desk, f01, TODAY, "lunch", "quarantined", 3)
    meals.record_served(desk, f01, TODAY, "lunch", "staff", 10)
    meals.record_served(desk, f01, TODAY, "breakfast", "quarantined", 2)
    meals.record_served(desk, f01, TODAY, "lunch", "staff", 11)
    assert [(r.meal, r.diners, r.portions) for r in meals.served(desk, f01, TODAY)] == [
        ("breakfast", "quarantined", 2),
        ("lunch", "quarantined", 3),
        ("lunch", "staff", 11),
    ]
    line = meals.meal_counts(desk, f01, TODAY, staff=0).line("lunch")
    assert (line.served_quarantined, line.served_staff) == (3, 11)
    with desk.read() as session:
        summaries = [
            json.loads(s)
            for s in session.scalars(
                select(AuditEvent.summary).where(AuditEvent.action == "meal.served").order_by(AuditEvent.id)
            )
        ]
    assert summaries[-1]["before"] == 10 and summaries[-1]["portions"] == 11


@pytest.mark.parametrize(
    ("meal", "diners", "portions", "days", "field"),
    [
        ("supper", "staff", 1, 0, "meal"),
        ("lunch", "guests", 1, 0, "diners"),
        ("lunch", "staff", -1, 0, "portions"),
        ("lunch", "staff", 1, 2, "date"),
    ],
)
def test_bad_entries(desk, f01, meal: str, diners: str, portions: int, days: int, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as caught:
        meals.record_served(desk, f01, TODAY + timedelta(days=days), meal, diners, portions)
    assert caught.value.field == field


def test_only_logistics_and_managers_record(desk, f01) -> None:  # type: ignore[no-untyped-def]
    meals.record_served(as_role(desk, Role.LOGISTICS), f01, TODAY, "dinner", "staff", 9)
    with pytest.raises(NotAllowed):
        meals.record_served(as_role(desk, Role.MEDICAL), f01, TODAY, "dinner", "staff", 9)
    assert meals.meal_counts(as_role(desk, Role.VIEWER), f01, TODAY, staff=1).line("dinner").served_staff == 9


def test_seed_demo(desk, f01) -> None:  # type: ignore[no-untyped-def]
    summary = meals.seed_demo(desk, f01, TODAY, days=3)
    assert summary.records == 3 * 3 * 2 + 2
    yesterday = meals.meal_counts(desk, f01, TODAY - timedelta(days=1), staff=0)
    assert all(m.served_quarantined is not None and m.served_staff for m in yesterday.meals)
    today = meals.meal_counts(desk, f01, TODAY, staff=0)
    assert today.line("breakfast").served_staff and today.line("dinner").served_staff is None
