"""Lists for the home communes: the people a facility hands back on a day ("bàn giao cho địa phương"), and the
people of the F1 lists who were expected and have not arrived, for the tracing teams.

The home commune is read from the person's address (``domain.address.home_commune``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from quarantine_desk.db.models import Facility, Person, Stay
from quarantine_desk.domain.address import commune_key, home_commune, same_commune
from quarantine_desk.domain.errors import BadFile
from quarantine_desk.domain.progress import Progress, ShouldStop
from quarantine_desk.domain.roles import Permission
from quarantine_desk.exports.common import dmy, outcome_label, sex_label
from quarantine_desk.exports.handover import Cell, CommuneLists, group_rows, write_commune_lists
from quarantine_desk.services import audit
from quarantine_desk.services.context import Desk
from quarantine_desk.services.facilities import facility_by_code
from quarantine_desk.services.moments import day_bounds

UNKNOWN_COMMUNE = "Không rõ xã/phường"
HANDOVER_TITLE = "DANH SÁCH BÀN GIAO NGƯỜI KẾT THÚC CÁCH LY TẬP TRUNG VỀ ĐỊA PHƯƠNG"
NOT_ARRIVED_TITLE = "DANH SÁCH F1 ĐÃ ĐƯỢC CHUYỂN ĐẾN NHƯNG CHƯA CÓ MẶT TẠI KHU CÁCH LY"


@dataclass(frozen=True)
class HandoverSummary:
    path: Path
    people: int
    communes: tuple[str, ...]


def _born(person: Person) -> str:
    return dmy(person.birth_date) if person.birth_date else str(person.birth_year or "")


def _check_suffix(out: Path) -> None:
    if Path(out).suffix.lower() not in (".xlsx", ".pdf"):
        raise BadFile(str(out), "unknown_format")


def export_handover(
    desk: Desk,
    facility_code: str,
    on: date,
    out: Path,
    *,
    commune: str | None = None,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> HandoverSummary:
    """The people who left the facility on ``on`` (and where to, when transferred), by home commune; only
    those of ``commune`` when given."""
    _check_suffix(out)
    start, end = day_bounds(on)
    with desk.read(Permission.EXPORT) as session:
        facility: Facility = facility_by_code(session, facility_code)
        found = session.execute(
            select(Stay, Person)
            .join(Person, Person.id == Stay.person_id)
            .where(Stay.facility_id == facility.id, Stay.released_at >= start, Stay.released_at < end)
            .order_by(Person.sort_key, Person.id)
        ).tuples()
        rows: list[tuple[str, tuple[Cell, ...]]] = []
        for stay, person in found:
            home = person.commune or home_commune(person.address)
            if commune and not same_commune(home, commune):
                continue
            released = stay.released_at
            assert released is not None
            leaving = outcome_label(stay.outcome)
            if stay.transfer_to:
                leaving = f"{leaving}: {stay.transfer_to}" if leaving else stay.transfer_to
            rows.append(
                (
                    home or "",
                    (
                        person.full_name,
                        _born(person),
                        sex_label(person.sex),
                        person.id_number or "",
                        person.phone or "",
                        person.address or "",
                        stay.admitted_at.date(),
                        released.date(),
                        leaving,
                    ),
                )
            )
        doc = CommuneLists(
            title=HANDOVER_TITLE,
            subtitle=f"Ngày bàn giao: {dmy(on)}",
            facility=facility.name,
            district=facility.district,
            province=facility.province,
            on=on,
            columns=(
                "Họ và tên",
                "Ngày sinh",
                "Giới tính",
                "CCCD/CMND",
                "Số điện thoại",
                "Địa chỉ",
                "Ngày vào",
                "Ngày ra",
                "Kết quả / nơi chuyển đến",
            ),
            widths=(3, 1.5, 1, 2, 1.7, 3.6, 1.6, 1.6, 2.8),
            groups=group_rows(rows, commune or UNKNOWN_COMMUNE, commune_key),
        )
    write_commune_lists(doc, Path(out), progress, should_stop)
    audit.record_done(
        desk,
        Permission.EXPORT,
        "export.handover",
        "facility",
        None,
        facility=facility_code.upper(),
        on=on,
        commune=commune,
        rows=len(rows),
        file=Path(out).name,
    )
    return HandoverSummary(Path(out), len(rows), tuple(g.commune for g in doc.groups))


def export_not_arrived(
    desk: Desk,
    days: int,
    out: Path,
    *,
    on: date | None = None,
    commune: str | None = None,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> HandoverSummary:
    """The people of the imported F1 lists, registered at least ``days`` days before ``on``, who have never
    been admitted anywhere, by home commune."""
    _check_suffix(out)
    on = on or desk.now().date()
    before = datetime.combine(on - timedelta(days=days), datetime.max.time())
    with desk.read(Permission.EXPORT) as session:
        found = session.scalars(
            select(Person)
            .where(
                Person.pre_registered.is_(True),
                Person.created_at <= before,
                ~select(Stay.id).where(Stay.person_id == Person.id).exists(),
            )
            .order_by(Person.sort_key, Person.id)
        )
        rows: list[tuple[str, tuple[Cell, ...]]] = []
        for person in found:
            home = person.commune or home_commune(person.address)
            if commune and not same_commune(home, commune):
                continue
            waiting = (on - person.created_at.date()).days
            rows.append(
                (
                    home or "",
                    (
                        person.full_name,
                        _born(person),
                        sex_label(person.sex),
                        person.id_number or "",
                        person.phone or "",
                        person.address or "",
                        person.created_at.date(),
                        waiting,
                    ),
                )
            )
    doc = CommuneLists(
        title=NOT_ARRIVED_TITLE,
        subtitle=f"Đã nhập danh sách từ {days} ngày trở lên, tính đến ngày {dmy(on)}",
        facility="Khu cách ly tập trung",
        district=None,
        province=None,
        on=on,
        columns=(
            "Họ và tên",
            "Ngày sinh",
            "Giới tính",
            "CCCD/CMND",
            "Số điện thoại",
            "Địa chỉ",
            "Ngày nhập danh sách",
            "Số ngày chưa đến",
        ),
        widths=(3, 1.5, 1, 2, 1.7, 4, 1.7, 1.4),
        groups=group_rows(rows, commune or UNKNOWN_COMMUNE, commune_key),
        signers=(
            ("Người lập danh sách", "(Ký, ghi rõ họ tên)"),
            ("Trưởng ban quản lý", "(Ký, ghi rõ họ tên)"),
        ),
    )
    write_commune_lists(doc, Path(out), progress, should_stop)
    audit.record_done(
        desk,
        Permission.EXPORT,
        "export.not_arrived",
        "person",
        None,
        days=days,
        on=on,
        commune=commune,
        rows=len(rows),
        file=Path(out).name,
    )
    return HandoverSummary(Path(out), len(rows), tuple(g.commune for g in doc.groups))
