"""Supplies: test kits, masks, protective clothing, disinfectant, food and water; fair distribution of relief goods.

The stock of an item is the sum of its movements (positive in, negative out), never a stored number that could
drift from them. Every change locks the item's row first, so two PCs issuing the same item at once are checked
one after the other and the stock never goes below zero (R8). Each change is audited.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quarantine_desk.db.models import MedicalTest, Room, Staff, StaffTest, Stay, StockMovement, SupplyItem
from quarantine_desk.domain.errors import AlreadyExists, InvalidInput, NotFound
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.rooms import natural_key
from quarantine_desk.domain.stays import TestKind
from quarantine_desk.domain.supplies import (
    MAX_QUANTITY,
    USAGE_WINDOW_DAYS,
    FairShares,
    check_quantity,
    days_left,
    fair_shares,
    is_low,
)
from quarantine_desk.domain.text import clean_text, nfc, printable_key, required_text, shown_key
from quarantine_desk.services import audit
from quarantine_desk.services.context import Desk
from quarantine_desk.services.facilities import facility_by_code
from quarantine_desk.services.moments import moment

log = logging.getLogger(__name__)

_CODE = re.compile(r"^[A-Za-z0-9_\-]{1,30}$")


@dataclass(frozen=True)
class StockRow:
    id: int
    code: str
    name: str
    unit: str
    quantity: int
    min_stock: int
    low: bool
    days_left: int | None  # at the rate of the last seven days' issues; None when nothing was issued
    kit_kind: str | None = None  # the test kind whose tests draw one unit each (rapid, pcr)
    pack_size: int = 1


@dataclass(frozen=True)
class MovementRow:
    id: int
    moved_at: datetime
    quantity: int  # positive in, negative out
    balance: int  # the stock right after this movement
    reason: str | None
    recorded_by: str | None


@dataclass(frozen=True)
class DistributionPlan:
    """Relief goods split equally among the people present, room by room (no room twice)."""

    facility: str
    item: str
    name: str
    unit: str
    stock: int
    shares: FairShares

    @property
    def rooms(self) -> tuple[tuple[str, int, int], ...]:
        """(room, people, share) for each room."""
        return tuple((r.room, r.people, r.share) for r in self.shares.rooms)


# --- helpers -------------------------------------------------------------------------------------------------------


def _item(session: Session, facility_id: int, code: str, *, lock: bool = False) -> SupplyItem:
    if not printable_key(code):
        raise NotFound("supply_item", shown_key(code))
    query = select(SupplyItem).where(
        SupplyItem.facility_id == facility_id, SupplyItem.code == nfc(code).upper()
    )
    if lock:
        query = query.with_for_update()
    item = session.scalar(query)
    if item is None:
        raise NotFound("supply_item", code)
    return item


def _balance(session: Session, item_id: int) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.sum(StockMovement.quantity), 0)).where(StockMovement.item_id == item_id)
        )
        or 0
    )


def issued_since(session: Session, facility_id: int, since: datetime) -> dict[int, int]:
    rows = session.execute(
        select(StockMovement.item_id, func.sum(-StockMovement.quantity))
        .join(SupplyItem, SupplyItem.id == StockMovement.item_id)
        .where(
            SupplyItem.facility_id == facility_id,
            StockMovement.quantity < 0,
            StockMovement.moved_at >= since,
        )
        .group_by(StockMovement.item_id)
    ).tuples()
    return {item_id: int(issued or 0) for item_id, issued in rows}


def stock_rows(session: Session, facility_id: int, now: datetime) -> list[StockRow]:
    balances = dict(
        session.execute(
            select(StockMovement.item_id, func.sum(StockMovement.quantity))
            .join(SupplyItem, SupplyItem.id == StockMovement.item_id)
            .where(SupplyItem.facility_id == facility_id)
            .group_by(StockMovement.item_id)
        )
        .tuples()
        .all()
    )
    issued = issued_since(session, facility_id, now - timedelta(days=USAGE_WINDOW_DAYS))
    rows = []
    for item in session.scalars(
        select(SupplyItem)
        .where(SupplyItem.facility_id == facility_id)
        .order_by(SupplyItem.name, SupplyItem.id)
    ):
        quantity = int(balances.get(item.id) or 0)
        rows.append(
            StockRow(
                item.id,
                item.code,
                item.name,
                item.unit,
                quantity,
                item.min_stock,
                is_low(quantity, item.min_stock),
                days_left(quantity, issued.get(item.id, 0)),
                item.kit_kind,
                item.pack_size,
            )
        )
    return rows


# --- use cases -----------------------------------------------------------------------------------------------------


def add_item(desk: Desk, facility: str, code: str, name: str, unit: str, min_stock: int = 0) -> StockRow:
    """A new item the facility keeps in store, with the minimum below which it is reported low."""
    code = nfc(code).upper()
    if not _CODE.match(code):
        raise InvalidInput("item_code", "bad_format", code)
    clean_name = required_text(name, "item_name")
    clean_unit = required_text(unit, "unit")
    if not 0 <= min_stock <= MAX_QUANTITY:
        raise InvalidInput("min_stock", "out_of_range", min_stock, minimum=0, maximum=MAX_QUANTITY)
    assert clean_name is not None and clean_unit is not None
    with desk.write(Permission.MANAGE_STOCK) as session:
        place = facility_by_code(session, facility, lock=True)
        exists = session.scalar(
            select(SupplyItem.id).where(SupplyItem.facility_id == place.id, SupplyItem.code == code)
        )
        if exists:
            raise AlreadyExists("supply_item", code)
        item = SupplyItem(
            facility_id=place.id, code=code, name=clean_name, unit=clean_unit, min_stock=min_stock
        )
        session.add(item)
        session.flush()
        audit.record(
            session, desk, "stock.add_item", "supply_item", item.id,
            facility=place.code, code=code, name=clean_name, unit=clean_unit, min_stock=min_stock,
        )  # fmt: skip
        return StockRow(item.id, code, clean_name, clean_unit, 0, min_stock, is_low(0, min_stock), None)


def list_stock(desk: Desk, facility: str) -> list[StockRow]:
    """Every item of the facility with its stock now, whether it is low, and how many days it lasts."""
    with desk.read() as session:
        place = facility_by_code(session, facility)
        return stock_rows(session, place.id, desk.now())


def _move(
    desk: Desk,
    facility: str,
    item_code: str,
    change: int,
    reason: str | None,
    at: datetime | None,
    action: str,
) -> MovementRow:
    clean_reason = clean_text(reason, "reason")
    with desk.write(Permission.MANAGE_STOCK) as session:
        place = facility_by_code(session, facility)
        item = _item(session, place.id, item_code, lock=True)
        when = moment(desk, at)  # after the lock: see moment()
        stock = _balance(session, item.id)
        if stock + change < 0:
            raise InvalidInput("quantity", "more_than_stock", -change, stock=stock, unit=item.unit)
        movement = StockMovement(
            item_id=item.id, moved_at=when, quantity=change, reason=clean_reason, recorded_by=desk.username
        )
        session.add(movement)
        session.flush()
        audit.record(
            session, desk, action, "supply_item", item.id,
            facility=place.code, item=item.code, quantity=abs(change), stock=stock + change, reason=clean_reason,
            at=when,
        )  # fmt: skip
        return MovementRow(movement.id, when, change, stock + change, clean_reason, desk.username)


def receive(
    desk: Desk,
    facility: str,
    item_code: str,
    quantity: int,
    reason: str | None = None,
    at: datetime | None = None,
) -> MovementRow:
    """Goods into the store (a delivery, a donation)."""
    check_quantity(quantity)
    return _move(desk, facility, item_code, quantity, reason, at, "stock.receive")


def issue(
    desk: Desk,
    facility: str,
    item_code: str,
    quantity: int,
    reason: str | None = None,
    at: datetime | None = None,
) -> MovementRow:
    """Goods out of the store; refused when the store holds less than asked."""
    check_quantity(quantity)
    return _move(desk, facility, item_code, -quantity, reason, at, "stock.issue")


def movements(desk: Desk, facility: str, item_code: str, limit: int = 200) -> list[MovementRow]:
    """The item's latest movements, newest first, each with the stock right after it."""
    with desk.read() as session:
        place = facility_by_code(session, facility)
        item = _item(session, place.id, item_code)
        balance = _balance(session, item.id)
        query = (
            select(StockMovement)
            .where(StockMovement.item_id == item.id)
            .order_by(StockMovement.moved_at.desc(), StockMovement.id.desc())
            .limit(limit)
        )
        rows = []
        for m in session.scalars(query):
            rows.append(MovementRow(m.id, m.moved_at, m.quantity, balance, m.reason, m.recorded_by))
            balance -= m.quantity
        return rows


@dataclass(frozen=True)
class StockAlert:
    """An item below its minimum: what the 16:00 report and the overview say about it."""

    code: str
    name: str
    quantity: int
    unit: str
    min_stock: int


def stock_alerts(session: Session, facility_id: int) -> tuple[StockAlert, ...]:
    """The items below their minimum, in the store's order. Runs inside the caller's transaction."""
    # "low" does not depend on the time; the usage estimate is not part of an alert.
    return tuple(
        StockAlert(row.code, row.name, row.quantity, row.unit, row.min_stock)
        for row in stock_rows(session, facility_id, datetime.min + timedelta(days=USAGE_WINDOW_DAYS))
        if row.low
    )


# --- test kits ------------------------------------------------------------------------------------------------------

KIT_REASON = {TestKind.RAPID: "Xét nghiệm nhanh", TestKind.PCR: "Xét nghiệm PCR"}


def set_kit(
    desk: Desk, facility: str, item_code: str, kind: str | None, pack_size: int | None = None
) -> StockRow:
    """Mark an item as the kit of a test kind (each recorded test of that kind then draws one unit), or unmark it
    with ``kind`` None. Another item that was the kit of that kind stops being it. ``pack_size``: the units of a
    pack as delivered, by which the request sheet orders."""
    test_kind = None if kind is None else _kit_kind(kind)
    if pack_size is not None and not 1 <= pack_size <= 10_000:
        raise InvalidInput("pack_size", "out_of_range", pack_size, minimum=1, maximum=10_000)
    with desk.write(Permission.MANAGE_STOCK) as session:
        place = facility_by_code(session, facility, lock=True)
        item = _item(session, place.id, item_code, lock=True)
        if test_kind is not None:
            for other in session.scalars(
                select(SupplyItem).where(
                    SupplyItem.facility_id == place.id,
                    SupplyItem.kit_kind == test_kind.value,
                    SupplyItem.id != item.id,
                )
            ):
                other.kit_kind = None
            session.flush()
        item.kit_kind = None if test_kind is None else test_kind.value
        if pack_size is not None:
            item.pack_size = pack_size
        session.flush()
        audit.record(
            session, desk, "stock.kit", "supply_item", item.id,
            facility=place.code, item=item.code, kind=item.kit_kind, pack_size=item.pack_size,
        )  # fmt: skip
        return next(r for r in stock_rows(session, place.id, desk.now()) if r.id == item.id)


def _kit_kind(kind: str) -> TestKind:
    try:
        return TestKind(kind)
    except ValueError:
        raise InvalidInput("kind", "bad_value", kind) from None


def draw_kit(session: Session, desk: Desk, facility_id: int, kind: str, at: datetime, who: str) -> bool:
    """One kit of ``kind`` out of the store for a test taken at ``at``, inside the caller's transaction.

    False when the facility keeps a kit item for that kind and it is empty: the test is still recorded, the
    stock stays at zero and the shortfall is an alert (``kit_shortages``). True when a kit was drawn, or when the
    facility keeps no kit item for that kind (nothing to draw from, nothing short).
    """
    item = session.scalar(
        select(SupplyItem)
        .where(SupplyItem.facility_id == facility_id, SupplyItem.kit_kind == kind)
        .with_for_update()
    )
    if item is None:
        return True
    if _balance(session, item.id) < 1:
        log.warning("no %s kit left in store for a test of %s", kind, who)
        return False
    session.add(
        StockMovement(
            item_id=item.id,
            moved_at=at,
            quantity=-1,
            reason=f"{KIT_REASON[TestKind(kind)]}: {who}"[:200],
            recorded_by=desk.username,
        )
    )
    return True


@dataclass(frozen=True)
class KitShortage:
    """Tests recorded while the store had no kit of their kind, since the kit item's last receipt."""

    kind: TestKind
    item: str  # the kit item's name
    tests: int
    since: datetime  # the first of them


def kit_shortages(session: Session, facility_id: int) -> tuple[KitShortage, ...]:
    """Per kit item: the tests (of people and of staff) recorded without a kit after its last receipt. A receipt
    of kits ends the alert: the kits owed are then counted by the forecast, not here."""
    return kit_shortages_each(session, [facility_id]).get(facility_id, ())


def kit_shortages_each(session: Session, facility_ids: Sequence[int]) -> dict[int, tuple[KitShortage, ...]]:
    """``kit_shortages`` of several facilities: one query for their kit items, then two per kit item (a facility
    keeps one or two, and most none)."""
    last_receipt = (
        select(func.max(StockMovement.moved_at))
        .where(StockMovement.item_id == SupplyItem.id, StockMovement.quantity > 0)
        .scalar_subquery()
    )
    shortages: dict[int, list[KitShortage]] = {}
    for item, received in session.execute(
        select(SupplyItem, last_receipt)
        .where(SupplyItem.facility_id.in_(facility_ids), SupplyItem.kit_kind.is_not(None))
        .order_by(SupplyItem.facility_id, SupplyItem.kit_kind)
    ).tuples():
        facility_id = item.facility_id
        found = shortages.setdefault(facility_id, [])
        since = received or datetime.min
        stays_short = session.execute(
            select(func.count(), func.min(MedicalTest.sampled_at))
            .join(Stay, Stay.id == MedicalTest.stay_id)
            .where(
                Stay.facility_id == facility_id,
                MedicalTest.kind == item.kit_kind,
                MedicalTest.kit_short.is_(True),
                MedicalTest.sampled_at >= since,
            )
        ).one()
        staff_short = session.execute(
            select(func.count(), func.min(StaffTest.sampled_at))
            .join(Staff, Staff.id == StaffTest.staff_id)
            .where(
                Staff.facility_id == facility_id,
                StaffTest.kind == item.kit_kind,
                StaffTest.kit_short.is_(True),
                StaffTest.sampled_at >= since,
            )
        ).one()
        count = int(stays_short[0] or 0) + int(staff_short[0] or 0)
        if count:
            first = min(t for t in (stays_short[1], staff_short[1]) if t is not None)
            assert item.kit_kind is not None
            found.append(KitShortage(TestKind(item.kit_kind), item.name, count, first))
    return {facility_id: tuple(found) for facility_id, found in shortages.items() if found}


def stock_alerts_each(session: Session, facility_ids: Sequence[int]) -> dict[int, tuple[StockAlert, ...]]:
    """``stock_alerts`` of several facilities in one query (the all-facility report), each in the store's order."""
    balance = (
        select(StockMovement.item_id, func.sum(StockMovement.quantity).label("quantity"))
        .group_by(StockMovement.item_id)
        .subquery()
    )
    rows = session.execute(
        select(SupplyItem, func.coalesce(balance.c.quantity, 0))
        .outerjoin(balance, balance.c.item_id == SupplyItem.id)
        .where(SupplyItem.facility_id.in_(facility_ids))
        .order_by(SupplyItem.facility_id, SupplyItem.name, SupplyItem.id)
    ).tuples()
    alerts: dict[int, list[StockAlert]] = {}
    for item, quantity in rows:
        if is_low(int(quantity), item.min_stock):
            alerts.setdefault(item.facility_id, []).append(
                StockAlert(item.code, item.name, int(quantity), item.unit, item.min_stock)
            )
    return {facility_id: tuple(found) for facility_id, found in alerts.items()}


# --- fair distribution of relief goods -----------------------------------------------------------------------------


def _people_by_room(session: Session, facility_id: int) -> list[tuple[str, int]]:
    rows = session.execute(
        select(Room.name, func.count(Stay.id))
        .join(Room, Room.id == Stay.room_id)
        .where(Stay.facility_id == facility_id, Stay.released_at.is_(None))
        .group_by(Room.name)
    ).tuples()
    return sorted(((name, int(count)) for name, count in rows), key=lambda r: natural_key(r[0]))


def _plan(
    session: Session, facility: str, item_code: str, quantity: int
) -> tuple[DistributionPlan, SupplyItem]:
    place = facility_by_code(session, facility)
    item = _item(session, place.id, item_code, lock=True)
    stock = _balance(session, item.id)
    if quantity > stock:
        raise InvalidInput("quantity", "more_than_stock", quantity, stock=stock, unit=item.unit)
    shares = fair_shares(_people_by_room(session, place.id), quantity)
    return DistributionPlan(place.code, item.code, item.name, item.unit, stock, shares), item


def distribution_plan(desk: Desk, facility: str, item_code: str, quantity: int) -> DistributionPlan:
    """How ``quantity`` units would be shared among the people present now: the same for each person, room by
    room, with what cannot be split evenly left in the store."""
    check_quantity(quantity)
    with desk.read() as session:
        return _plan(session, facility, item_code, quantity)[0]


def distribute(
    desk: Desk, facility: str, item_code: str, quantity: int, reason: str | None = None
) -> DistributionPlan:
    """Hand out relief goods by the fair plan: one movement out for what is distributed, the plan in the audit.

    The plan is made again inside the transaction, so it matches the people present at the moment of writing.
    """
    check_quantity(quantity)
    clean_reason = clean_text(reason, "reason")
    with desk.write(Permission.MANAGE_STOCK) as session:
        plan, item = _plan(session, facility, item_code, quantity)
        shares = plan.shares
        moment = desk.now().replace(microsecond=0)
        note = clean_reason or "Phân phối hàng cứu trợ"
        session.add(
            StockMovement(
                item_id=item.id,
                moved_at=moment,
                quantity=-shares.distributed,
                reason=f"{note} ({shares.people} người × {shares.per_person} {item.unit})"[:200],
                recorded_by=desk.username,
            )
        )
        audit.record(
            session, desk, "stock.distribute", "supply_item", item.id,
            facility=plan.facility, item=item.code, quantity=quantity, distributed=shares.distributed,
            per_person=shares.per_person, people=shares.people, remainder=shares.remainder, reason=clean_reason,
            rooms={r.room: r.share for r in shares.rooms},
        )  # fmt: skip
        log.info("distributed %s %s of %s in %s", shares.distributed, item.unit, item.code, plan.facility)
        return plan


# --- demo ------------------------------------------------------------------------------------------------------------

# code, name, unit, minimum, first delivery, (daily use low, high), days between issues
# The two kits count single tests (a box holds 25 rapid tests, a carton 50 PCR sampling sets).
DEMO_KITS = (("TEST-NHANH", "rapid", 25), ("PCR-MAU", "pcr", 50))
DEMO_ITEMS = (
    ("TEST-NHANH", "Test nhanh kháng nguyên", "test", 100, 420, (20, 30), 1),
    ("PCR-MAU", "Bộ lấy mẫu xét nghiệm RT-PCR", "bộ", 30, 160, (4, 8), 1),
    ("KHAU-TRANG", "Khẩu trang y tế (hộp 50 cái)", "hộp", 40, 200, (6, 10), 1),
    ("BO-BAO-HO", "Bộ đồ bảo hộ", "bộ", 60, 400, (14, 22), 1),
    ("CON-70", "Cồn 70 độ", "lít", 20, 120, (6, 10), 2),
    ("CLORAMIN-B", "Cloramin B", "kg", 10, 50, (3, 5), 3),
    ("GAO", "Gạo", "kg", 200, 1500, (70, 90), 1),
    ("NUOC-UONG", "Nước uống đóng chai (thùng 24 chai)", "thùng", 30, 300, (12, 18), 1),
)


@dataclass(frozen=True)
class SuppliesDemo:
    items: int
    movements: int


def seed_demo(desk: Desk, facility_code: str, today: date, *, seed: int = 2021) -> SuppliesDemo:
    """Stock for the demo facility: eight items, two weeks of deliveries and daily issues, rapid tests running low;
    the rapid tests and the PCR sampling sets are the facility's kits, so the tests recorded from now on draw them.

    Does nothing when the facility already keeps items. Goes through the same use cases as the window.
    """
    if list_stock(desk, facility_code):
        return SuppliesDemo(0, 0)
    rng = random.Random(seed)
    start = today - timedelta(days=14)
    moves = 0
    for code, name, unit, minimum, first, (low, high), every in DEMO_ITEMS:
        add_item(desk, facility_code, code, name, unit, minimum)
        receive(desk, facility_code, code, first, "Sở Y tế cấp đợt 1", datetime.combine(start, time(9, 0)))
        moves += 1
        for offset in range(1, 15):
            day = start + timedelta(days=offset)
            if code not in ("TEST-NHANH",) and offset == 8:
                # A second delivery keeps everything but the test kits above the minimum.
                receive(
                    desk,
                    facility_code,
                    code,
                    first // 2,
                    "Nhà tài trợ ủng hộ",
                    datetime.combine(day, time(14, 0)),
                )
                moves += 1
            if offset % every:
                continue
            wanted = rng.randint(low, high) * every
            stock = next(r.quantity for r in list_stock(desk, facility_code) if r.code == code)
            if stock - wanted < 0:
                continue
            issue(
                desk, facility_code, code, wanted, "Xuất dùng trong ngày", datetime.combine(day, time(7, 30))
            )
            moves += 1
    for code, kind, pack in DEMO_KITS:
        set_kit(desk, facility_code, code, kind, pack)
    return SuppliesDemo(len(DEMO_ITEMS), moves)
