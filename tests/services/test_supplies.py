"""Supplies on SQLite and PostgreSQL: items, receipts and issues (never below zero), alerts, fair distribution."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from quarantine_desk.db.models import AuditEvent, Facility
from quarantine_desk.domain.errors import AlreadyExists, InvalidInput, NotAllowed, NotFound
from quarantine_desk.domain.roles import Role
from quarantine_desk.messages import describe
from quarantine_desk.services import stays, supplies
from tests.helpers import NOW, as_role
from tests.services.fixtures import facility, person


@pytest.fixture
def f01(desk):  # type: ignore[no-untyped-def]
    facility(desk, "F01")
    supplies.add_item(desk, "F01", "test-nhanh", "Test nhanh kháng nguyên", "hộp", 100)
    return "F01"


def stock_of(desk, code: str = "TEST-NHANH") -> supplies.StockRow:  # type: ignore[no-untyped-def]
    return next(r for r in supplies.list_stock(desk, "F01") if r.code == code)


def test_receive_and_issue_change_the_stock(desk, f01) -> None:  # type: ignore[no-untyped-def]
    supplies.receive(desk, f01, "TEST-NHANH", 120, "Sở Y tế cấp", at=NOW - timedelta(days=3))
    moved = supplies.issue(desk, f01, "test-nhanh", 80, "Xét nghiệm ngày 7", at=NOW - timedelta(days=1))
    assert moved.quantity == -80 and moved.balance == 40 and moved.recorded_by == "admin"
    row = stock_of(desk)
    assert (row.quantity, row.min_stock, row.low) == (40, 100, True)
    assert row.days_left == 3  # 80 issued in the last seven days: about 11 a day


def test_issue_never_goes_below_zero(desk, f01) -> None:  # type: ignore[no-untyped-def]
    supplies.receive(desk, f01, "TEST-NHANH", 10)
    with pytest.raises(InvalidInput) as caught:
        supplies.issue(desk, f01, "TEST-NHANH", 11)
    assert (caught.value.field, caught.value.reason) == ("quantity", "more_than_stock")
    assert describe(caught.value) == "Số lượng (“11”) lớn hơn số còn trong kho (10 hộp)."
    assert describe(caught.value, "en") == "Quantity (“11”) is more than the store holds (10 hộp)."
    assert stock_of(desk).quantity == 10


def test_movements_newest_first_with_the_balance(desk, f01) -> None:  # type: ignore[no-untyped-def]
    supplies.receive(desk, f01, "TEST-NHANH", 50, at=NOW - timedelta(days=2))
    supplies.issue(desk, f01, "TEST-NHANH", 20, at=NOW - timedelta(days=1))
    supplies.receive(desk, f01, "TEST-NHANH", 5, at=NOW)
    rows = supplies.movements(desk, f01, "TEST-NHANH")
    assert [(r.quantity, r.balance) for r in rows] == [(5, 35), (-20, 30), (50, 50)]
    assert len(supplies.movements(desk, f01, "TEST-NHANH", limit=1)) == 1


def test_bad_entries_are_refused(desk, f01) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AlreadyExists):
        supplies.add_item(desk, f01, "TEST-NHANH", "Trùng", "hộp")
    with pytest.raises(InvalidInput) as caught:
        supplies.add_item(desk, f01, "MÃ CÓ DẤU", "Khẩu trang", "hộp")
    assert caught.value.field == "item_code"
    with pytest.raises(InvalidInput) as caught:
        supplies.add_item(desk, f01, "KT", " ", "hộp")
    assert caught.value.field == "item_name"
    with pytest.raises(InvalidInput):
        supplies.receive(desk, f01, "TEST-NHANH", 0)
    with pytest.raises(InvalidInput):
        supplies.receive(desk, f01, "TEST-NHANH", 5, at=NOW + timedelta(days=3))
    with pytest.raises(NotFound) as missing:
        supplies.issue(desk, f01, "KHONG-CO", 1)
    assert describe(missing.value) == "Không tìm thấy vật tư “KHONG-CO”."


def test_every_change_is_audited(desk, f01) -> None:  # type: ignore[no-untyped-def]
    supplies.receive(desk, f01, "TEST-NHANH", 30, "Nhà tài trợ")
    with desk.read() as session:
        events = session.query(AuditEvent).order_by(AuditEvent.id).all()
        actions = [e.action for e in events]
        last = json.loads(events[-1].summary)
    assert actions[-2:] == ["stock.add_item", "stock.receive"]
    assert last["quantity"] == 30 and last["stock"] == 30 and last["reason"] == "Nhà tài trợ"


def test_roles(desk, f01) -> None:  # type: ignore[no-untyped-def]
    logistics = as_role(desk, Role.LOGISTICS)
    supplies.receive(logistics, f01, "TEST-NHANH", 5)
    viewer = as_role(desk, Role.VIEWER)
    assert stock_of(viewer).quantity == 5
    for role in (Role.VIEWER, Role.MEDICAL):
        with pytest.raises(NotAllowed):
            supplies.issue(as_role(desk, role), f01, "TEST-NHANH", 1)


def test_stock_alerts_for_the_daily_report(desk, f01) -> None:  # type: ignore[no-untyped-def]
    supplies.add_item(desk, f01, "GAO", "Gạo", "kg", 200)
    supplies.receive(desk, f01, "TEST-NHANH", 40)
    supplies.receive(desk, f01, "GAO", 500)
    with desk.read() as session:
        facility_id = session.query(Facility.id).filter_by(code="F01").scalar()
        alerts = supplies.stock_alerts(session, facility_id)
    assert [(a.name, a.quantity, a.unit, a.min_stock) for a in alerts] == [
        ("Test nhanh kháng nguyên", 40, "hộp", 100)
    ]


def admit(desk, count: int, room: str, cohort: str = "Nhóm 1") -> None:  # type: ignore[no-untyped-def]
    given = ["An", "Bình", "Cường", "Dũng", "Hải"]
    for i in range(count):
        pid = person(desk, f"Nguyễn Văn {given[i]}", id_number=f"0010850{room}{i:02d}")
        stays.admit(desk, pid, "F01", cohort, room=room, at=NOW - timedelta(hours=2))


def test_fair_distribution_plan_and_record(desk, f01) -> None:  # type: ignore[no-untyped-def]
    supplies.add_item(desk, f01, "MI-TOM", "Mì tôm (gói)", "gói", 0)
    supplies.receive(desk, f01, "MI-TOM", 100, "Hàng cứu trợ")
    admit(desk, 3, "101")
    admit(desk, 2, "102", "Nhóm 2")
    plan = supplies.distribution_plan(desk, f01, "MI-TOM", 52)
    assert plan.rooms == (("101", 3, 30), ("102", 2, 20))
    assert (plan.shares.per_person, plan.shares.remainder) == (10, 2)
    assert stock_of(desk, "MI-TOM").quantity == 100  # a plan writes nothing

    done = supplies.distribute(desk, f01, "MI-TOM", 52, "Hàng cứu trợ của huyện")
    assert done.shares == plan.shares
    assert stock_of(desk, "MI-TOM").quantity == 50  # the remainder of 2 stays in the store
    moved = supplies.movements(desk, f01, "MI-TOM")[0]
    assert moved.quantity == -50 and "5 người × 10 gói" in (moved.reason or "")
    with desk.read() as session:
        summary = session.query(AuditEvent.summary).filter_by(action="stock.distribute").scalar()
    assert json.loads(summary)["rooms"] == {"101": 30, "102": 20}


def test_distribution_refusals(desk, f01) -> None:  # type: ignore[no-untyped-def]
    supplies.receive(desk, f01, "TEST-NHANH", 3)
    with pytest.raises(InvalidInput) as caught:
        supplies.distribution_plan(desk, f01, "TEST-NHANH", 2)
    assert (caught.value.field, caught.value.reason) == ("people", "empty")
    admit(desk, 4, "101")
    with pytest.raises(InvalidInput) as caught:
        supplies.distribute(desk, f01, "TEST-NHANH", 3)
    assert describe(caught.value) == (
        "Số lượng (“3”) ít hơn số người đang cách ly (4 người): không chia đều được."
    )
    with pytest.raises(InvalidInput) as caught:
        supplies.distribution_plan(desk, f01, "TEST-NHANH", 8)
    assert caught.value.reason == "more_than_stock"


def test_seed_demo(desk) -> None:  # type: ignore[no-untyped-def]
    facility(desk, "F01")
    summary = supplies.seed_demo(desk, "F01", NOW.date())
    rows = supplies.list_stock(desk, "F01")
    assert summary.items == len(rows) == 8
    assert [r.code for r in rows if r.low] == ["TEST-NHANH"]
    assert {r.code: (r.kit_kind, r.pack_size) for r in rows if r.kit_kind} == {
        "TEST-NHANH": ("rapid", 25),
        "PCR-MAU": ("pcr", 50),
    }
    assert all(r.quantity >= 0 for r in rows)
    assert len(supplies.movements(desk, "F01", "GAO")) >= 14
    assert max(m.moved_at for m in supplies.movements(desk, "F01", "GAO")) <= datetime.combine(
        NOW.date(), datetime.max.time()
    )
    assert supplies.seed_demo(desk, "F01", NOW.date()).items == 0  # a second call adds nothing
