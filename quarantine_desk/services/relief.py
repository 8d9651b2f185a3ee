"""Relief by the person: rounds of relief goods, who is entitled, each handout, who has not received yet.

"Phân phối hàng cứu trợ ... công bằng, đúng đối tượng, tránh tình trạng vừa thừa, vừa thiếu": a round ("Đợt 2")
names its goods for each person (or each household) and who is entitled: everyone present at a moment, the people
present in one zone, or a list. The entitled are fixed when the round is made, so "who should receive" never
drifts. Each handout records the person, what, when and by whom; a second handout of the round to the same person
(or household) is refused, in the database itself (one handout per round and share). The pending list and the
report (given, not given, left over) show that nobody got twice and nobody was missed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quarantine_desk.db.models import (
    Facility,
    Person,
    ReliefEntitled,
    ReliefHandout,
    ReliefRound,
    Room,
    Stay,
    StockMovement,
    SupplyItem,
    Zone,
)
from quarantine_desk.domain.errors import AlreadyHandedOut, InvalidInput, NotEntitled, NotFound
from quarantine_desk.domain.progress import Progress, ShouldStop
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.supplies import check_quantity
from quarantine_desk.domain.text import clean_text, name_sort_key, nfc, required_text
from quarantine_desk.services import audit, scope
from quarantine_desk.services.context import Desk
from quarantine_desk.services.facilities import facility_by_code
from quarantine_desk.services.moments import moment
from quarantine_desk.services.people import person_by_ref
from quarantine_desk.services.presence import present_at

log = logging.getLogger(__name__)

PER = ("person", "household")
ENTITLED = ("present", "zone", "list")
MAX_SETS = 1_000_000


@dataclass(frozen=True)
class RoundRow:
    id: int
    facility: str
    name: str
    on: date
    goods: str
    per: str
    entitled: str  # present, zone or list
    entitled_at: datetime | None
    zone: str | None
    sets: int | None  # prepared, when known
    shares: int  # how many persons or households are entitled
    given: int
    item: str | None = None  # the store's item handed out with each set, its code
    item_quantity: int | None = None  # of it, per set
    item_unit: str | None = None
    item_stock: int | None = None  # left in the store now

    @property
    def not_given(self) -> int:
        return self.shares - self.given

    @property
    def left_over(self) -> int | None:
        return None if self.sets is None else self.sets - self.given


@dataclass(frozen=True)
class EntitledRow:
    person: int
    name: str
    room: str | None  # where the person stays now (None: gone)
    household: str | None
    given_at: datetime | None  # when this person's share was handed out (to them or their household)
    given_by: str | None
    received_by: int | None  # who took the share (a household member, maybe another)
    goods: str | None


@dataclass(frozen=True)
class HandoutRow:
    round: int
    person: int
    name: str
    goods: str
    given_at: datetime
    given_by: str | None


@dataclass(frozen=True)
class ReliefReport:
    round: RoundRow
    facility_name: str
    district: str | None
    province: str | None
    rows: tuple[EntitledRow, ...]
    made_at: datetime


def _share_key(per: str, person: Person) -> str:
    if per == "household" and person.household_id is not None:
        return f"h{person.household_id}"
    return f"p{person.id}"


def _round(session: Session, round_id: int, *, lock: bool = False) -> ReliefRound:
    query = select(ReliefRound).where(ReliefRound.id == round_id)
    if lock:
        query = query.with_for_update()
    found = session.scalar(query)
    if found is None:
        raise NotFound("relief_round", round_id)
    scope.require_id(
        session, found.facility_id
    )  # another facility's staff may not see or hand out its rounds
    return found


def _round_row(session: Session, r: ReliefRound) -> RoundRow:
    place = session.get(Facility, r.facility_id)
    assert place is not None
    zone = session.get(Zone, r.zone_id).name if r.zone_id is not None else None  # type: ignore[union-attr]
    shares = {
        k for k in session.scalars(select(ReliefEntitled.share_key).where(ReliefEntitled.round_id == r.id))
    }
    given = len(list(session.scalars(select(ReliefHandout.id).where(ReliefHandout.round_id == r.id))))
    item = session.get(SupplyItem, r.item_id) if r.item_id is not None else None
    return RoundRow(
        r.id, place.code, r.name, r.held_on, r.goods, r.per, r.entitled, r.entitled_at, zone, r.sets,
        len(shares), given, item.code if item else None, r.item_quantity, item.unit if item else None,
        _stock(session, item.id) if item else None,
    )  # fmt: skip


def _stock(session: Session, item_id: int) -> int:
    """What the store holds of an item: the sum of its movements, as the store counts it."""
    return int(
        session.scalar(
            select(func.coalesce(func.sum(StockMovement.quantity), 0)).where(StockMovement.item_id == item_id)
        )
        or 0
    )


def add_round(
    desk: Desk,
    facility: str,
    name: str,
    on: date,
    goods: str,
    *,
    per: str = "person",
    at: datetime | None = None,
    zone: str | None = None,
    people: Sequence[str] | None = None,
    sets: int | None = None,
    item: str | None = None,
    item_quantity: int | None = None,
) -> RoundRow:
    """A round of relief goods. Entitled: the people of ``people`` when given; else those present at ``at``
    (by default the round's day at 08:00, or now when that is earlier), in ``zone`` when given. With ``item`` (a
    code of the facility's store), each handout draws ``item_quantity`` (1 by default) of it from the stock."""
    clean_name = required_text(name, "round_name")
    clean_goods = required_text(goods, "goods")
    if per not in PER:
        raise InvalidInput("per", "bad_value", per)
    if sets is not None and not 0 <= sets <= MAX_SETS:
        raise InvalidInput("sets", "out_of_range", sets, minimum=0, maximum=MAX_SETS)
    if people is not None and zone is not None:
        raise InvalidInput("people", "bad_value", ", ".join(people))
    if item is None and item_quantity is not None:
        raise InvalidInput("item_code", "empty")
    if item is not None:
        item_quantity = item_quantity or 1
        check_quantity(item_quantity)
    with desk.write(Permission.MANAGE_STOCK) as session:
        place = facility_by_code(session, facility, lock=True)
        stored = None
        if item is not None:
            stored = session.scalar(
                select(SupplyItem).where(
                    SupplyItem.facility_id == place.id, SupplyItem.code == nfc(item).upper()
                )
            )
            if stored is None:
                raise NotFound("supply_item", item)
        zone_row = None
        if zone is not None:
            zone_row = session.scalar(
                select(Zone).where(Zone.facility_id == place.id, Zone.name == zone.strip())
            )
            if zone_row is None:
                raise NotFound("zone", zone)
        chosen: list[Person]
        when: datetime | None = None
        if people is not None:
            if not people:
                raise InvalidInput("people", "empty")
            chosen = []
            for key in people:
                person = person_by_ref(session, key)
                if person.id not in {p.id for p in chosen}:
                    chosen.append(person)
            kind = "list"
        else:
            when = moment(desk, at) if at is not None else min(datetime.combine(on, time(8, 0)), desk.now())
            query = (
                select(Person)
                .join(Stay, Stay.person_id == Person.id)
                .where(Stay.facility_id == place.id, present_at(when))
            )
            if zone_row is not None:
                query = query.join(Room, Room.id == Stay.room_id).where(Room.zone_id == zone_row.id)
            chosen = list(session.scalars(query))
            kind = "zone" if zone_row is not None else "present"
        if not chosen:
            raise InvalidInput("people", "nobody_entitled")
        r = ReliefRound(
            facility_id=place.id, name=clean_name, held_on=on, goods=clean_goods, per=per, entitled=kind,
            entitled_at=when, zone_id=zone_row.id if zone_row else None, sets=sets, created_at=desk.now(),
            created_by=desk.username, item_id=stored.id if stored else None,
            item_quantity=item_quantity if stored else None,
        )  # fmt: skip
        session.add(r)
        session.flush()
        for person in chosen:
            session.add(ReliefEntitled(round_id=r.id, person_id=person.id, share_key=_share_key(per, person)))
        session.flush()
        row = _round_row(session, r)
        audit.record(
            session, desk, "relief.add", "relief_round", r.id,
            facility=place.code, name=clean_name, on=on, goods=clean_goods, per=per, entitled=kind,
            entitled_at=when, zone=zone, people=len(chosen), shares=row.shares, sets=sets, item=row.item,
            quantity=row.item_quantity,
        )  # fmt: skip
        return row


def give(
    desk: Desk, round_id: int, person: str, *, at: datetime | None = None, goods: str | None = None
) -> HandoutRow:
    """Hand the round's set to ``person``; refused when they are not entitled, or when they (or, for a round per
    household, their household) already received it."""
    when = moment(desk, at)
    clean_goods = clean_text(goods, "goods")
    with desk.write(Permission.MANAGE_STOCK) as session:
        # The round's row is the lock: two PCs handing out the same share queue here, and the unique index
        # (round, share) refuses the second even without it.
        r = _round(session, round_id, lock=True)
        who = person_by_ref(session, person)
        entitled = session.get(ReliefEntitled, (r.id, who.id))
        if entitled is None:
            raise NotEntitled(r.name, who.full_name)
        earlier = session.scalar(
            select(ReliefHandout).where(
                ReliefHandout.round_id == r.id, ReliefHandout.share_key == entitled.share_key
            )
        )
        if earlier is not None:
            taker = session.get(Person, earlier.person_id)
            raise AlreadyHandedOut(
                r.name, who.full_name, earlier.given_at.isoformat(), earlier.given_by,
                taker.full_name if taker and taker.id != who.id else None,
            )  # fmt: skip
        handout = ReliefHandout(
            round_id=r.id, person_id=who.id, share_key=entitled.share_key, given_at=when, given_by=desk.username,
            goods=clean_goods or r.goods,
        )  # fmt: skip
        session.add(handout)
        if r.item_id is not None and r.item_quantity:
            # The item's row is the store's lock (as for every movement): the stock never goes below zero.
            item = session.scalar(select(SupplyItem).where(SupplyItem.id == r.item_id).with_for_update())
            assert item is not None
            stock = _stock(session, item.id)
            if stock < r.item_quantity:
                raise InvalidInput(
                    "quantity", "more_than_stock", r.item_quantity, stock=stock, unit=item.unit
                )
            session.add(
                StockMovement(
                    item_id=item.id,
                    moved_at=when,
                    quantity=-r.item_quantity,
                    reason=f"{r.name}: {who.full_name}"[:200],
                    recorded_by=desk.username,
                )  # fmt: skip
            )
        try:
            session.flush()
        except IntegrityError:
            raise AlreadyHandedOut(r.name, who.full_name, when.isoformat(), None, None) from None
        audit.record(
            session, desk, "relief.give", "relief_round", r.id,
            round=r.name, person_id=who.id, goods=handout.goods, at=when,
        )  # fmt: skip
        return HandoutRow(r.id, who.id, who.full_name, handout.goods, when, desk.username)


def _entitled_rows(session: Session, r: ReliefRound) -> list[EntitledRow]:
    handouts = {
        h.share_key: h for h in session.scalars(select(ReliefHandout).where(ReliefHandout.round_id == r.id))
    }
    rooms = dict(
        session.execute(
            select(Stay.person_id, Room.name)
            .join(Room, Room.id == Stay.room_id)
            .join(ReliefEntitled, ReliefEntitled.person_id == Stay.person_id)
            .where(
                ReliefEntitled.round_id == r.id, Stay.facility_id == r.facility_id, Stay.released_at.is_(None)
            )
        )
        .tuples()
        .all()
    )
    rows = []
    for entitled, person in session.execute(
        select(ReliefEntitled, Person)
        .join(Person, Person.id == ReliefEntitled.person_id)
        .where(ReliefEntitled.round_id == r.id)
    ).tuples():
        h = handouts.get(entitled.share_key)
        rows.append(
            EntitledRow(
                person.id,
                person.full_name,
                rooms.get(person.id),
                person.household.code if person.household else None,
                h.given_at if h else None,
                h.given_by if h else None,
                h.person_id if h else None,
                h.goods if h else None,
            )  # fmt: skip
        )
    return sorted(rows, key=lambda e: (_room_order(e.room), name_sort_key(e.name), e.person))


def _room_order(room: str | None) -> tuple[int, tuple[object, ...]]:
    from quarantine_desk.domain.rooms import natural_key

    return (1, ()) if room is None else (0, tuple(natural_key(room)))


def rounds(desk: Desk, facility: str) -> list[RoundRow]:
    """The facility's rounds, the latest first."""
    with desk.read() as session:
        place = facility_by_code(session, facility)
        found = session.scalars(
            select(ReliefRound)
            .where(ReliefRound.facility_id == place.id)
            .order_by(ReliefRound.held_on.desc(), ReliefRound.id.desc())
        )
        return [_round_row(session, r) for r in found]


def entitled(desk: Desk, round_id: int) -> list[EntitledRow]:
    """Everyone entitled to the round, by room and name, with whether and when their share was handed out."""
    with desk.read() as session:
        return _entitled_rows(session, _round(session, round_id))


def pending(desk: Desk, round_id: int) -> list[EntitledRow]:
    """Who has not received the round yet (for a round per household: whose household has not)."""
    return [e for e in entitled(desk, round_id) if e.given_at is None]


def report(desk: Desk, round_id: int) -> ReliefReport:
    with desk.read() as session:
        r = _round(session, round_id)
        place = session.get(Facility, r.facility_id)
        assert place is not None
        return ReliefReport(
            _round_row(session, r), place.name, place.district, place.province,
            tuple(_entitled_rows(session, r)), desk.now(),
        )  # fmt: skip


def write_report(
    desk: Desk,
    round_id: int,
    path: Path,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> ReliefReport:
    """The round's report as .xlsx or .pdf: given (what, when, by whom), not given, left over."""
    from quarantine_desk.exports.logistics import relief_report_document
    from quarantine_desk.exports.table_sets import write_table_set

    desk.require(Permission.EXPORT)
    made = report(desk, round_id)
    write_table_set(relief_report_document(made), path, progress, should_stop)
    return made


def zone_names(desk: Desk, facility: str) -> list[str]:
    """The facility's zones, for choosing the one a round is for."""
    with desk.read() as session:
        place = facility_by_code(session, facility)
        return sorted(session.scalars(select(Zone.name).where(Zone.facility_id == place.id)))


@dataclass(frozen=True)
class ReliefDemo:
    rounds: int
    handouts: int


def seed_demo(desk: Desk, facility_code: str, today: date) -> ReliefDemo:
    """Two rounds in the demo facility: three days ago, per person, handed to everyone still there (those who have
    left since are the ones not given); this morning, per household, handed to about half so far."""

    first_day = today - timedelta(days=3)
    first = add_round(
        desk, facility_code, "Đợt 1 – Ủy ban MTTQ huyện", first_day, "1 thùng mì, 5 kg gạo, 10 quả trứng",
        at=datetime.combine(first_day, time(8, 0)),
    )  # fmt: skip
    made = 0
    rows = entitled(desk, first.id)
    for n, row in enumerate(rows):
        if row.room is None:
            continue  # left before the round was handed out
        give(
            desk, first.id, str(row.person), at=datetime.combine(first_day, time(9, 0)) + timedelta(minutes=n)
        )
        made += 1
    at = min(datetime.combine(today, time(8, 0)), desk.now())
    second = add_round(
        desk, facility_code, "Đợt 2 – Nhà tài trợ", today, "1 bình nước 20 lít, 2 hộp sữa", per="household",
        at=at, sets=first.shares,
    )  # fmt: skip
    given: set[str] = set()
    for n, row in enumerate(entitled(desk, second.id)):
        key = row.household or str(row.person)
        if n % 2 or key in given or row.room is None:
            continue
        give(desk, second.id, str(row.person), at=at + timedelta(minutes=30 + n))
        given.add(key)
        made += 1
    return ReliefDemo(2, made)
