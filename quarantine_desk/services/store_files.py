"""The store's files: the stock report of a period (opening, in, out, closing per item) and the request sheet of
what to order (from the forecast), each as xlsx or pdf with the national header."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import case, func, select

from quarantine_desk.db.models import StockMovement, SupplyItem
from quarantine_desk.domain.errors import BadFile, InvalidInput
from quarantine_desk.domain.progress import Progress, ShouldStop
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.stays import TestKind
from quarantine_desk.exports.common import dmy
from quarantine_desk.exports.tables import Section, TableDocument, write_table_document
from quarantine_desk.services.context import Desk
from quarantine_desk.services.facilities import facility_by_code
from quarantine_desk.services.forecast import RequestLine, request_lines

SUFFIXES = (".xlsx", ".pdf")
MAX_PERIOD_DAYS = 366


def _check_out(out: Path) -> None:
    if out.suffix.lower() not in SUFFIXES:
        raise BadFile(str(out), "unknown_format")


@dataclass(frozen=True)
class StockLine:
    """One item over a period: the stock at its start, what came in and went out, the stock at its end."""

    code: str
    name: str
    unit: str
    opening: int
    received: int
    issued: int
    closing: int


@dataclass(frozen=True)
class StockReport:
    facility: str
    facility_name: str
    district: str | None
    province: str | None
    start: date
    end: date  # included
    lines: tuple[StockLine, ...]


def stock_report(desk: Desk, facility_code: str, start: date, end: date) -> StockReport:
    """From the start of day ``start`` to the end of day ``end``: per item the opening stock, the receipts, the
    issues (test kits drawn by tests included) and the closing stock; opening + in − out = closing."""
    if end < start or (end - start).days >= MAX_PERIOD_DAYS:
        raise InvalidInput("period", "bad_range", f"{dmy(start)} – {dmy(end)}")
    lo = datetime.combine(start, time.min)
    hi = datetime.combine(end + timedelta(days=1), time.min)
    with desk.read(Permission.EXPORT) as session:
        place = facility_by_code(session, facility_code)
        before = StockMovement.moved_at < lo
        within = (StockMovement.moved_at >= lo) & (StockMovement.moved_at < hi)
        sums = {
            item_id: (int(opening or 0), int(received or 0), int(issued or 0))
            for item_id, opening, received, issued in session.execute(
                select(
                    StockMovement.item_id,
                    func.sum(case((before, StockMovement.quantity), else_=0)),
                    func.sum(case((within & (StockMovement.quantity > 0), StockMovement.quantity), else_=0)),
                    func.sum(case((within & (StockMovement.quantity < 0), -StockMovement.quantity), else_=0)),
                )
                .join(SupplyItem, SupplyItem.id == StockMovement.item_id)
                .where(SupplyItem.facility_id == place.id)
                .group_by(StockMovement.item_id)
            ).tuples()
        }
        lines = []
        for item in session.scalars(
            select(SupplyItem)
            .where(SupplyItem.facility_id == place.id)
            .order_by(SupplyItem.name, SupplyItem.id)
        ):
            opening, received, issued = sums.get(item.id, (0, 0, 0))
            lines.append(
                StockLine(
                    item.code, item.name, item.unit, opening, received, issued, opening + received - issued
                )
            )
        return StockReport(place.code, place.name, place.district, place.province, start, end, tuple(lines))


def write_stock_report(
    desk: Desk,
    facility_code: str,
    start: date,
    end: date,
    out: Path,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> tuple[Path, tuple[StockLine, ...]]:
    _check_out(out)
    report = stock_report(desk, facility_code, start, end)
    rows = tuple(
        (n, line.code, line.name, line.unit, line.opening, line.received, line.issued, line.closing)
        for n, line in enumerate(report.lines, start=1)
    )
    doc = TableDocument(
        title="BÁO CÁO XUẤT, NHẬP, TỒN VẬT TƯ",
        subtitle=f"{report.facility_name} — từ ngày {dmy(start)} đến ngày {dmy(end)}",
        facility=report.facility_name,
        district=report.district,
        province=report.province,
        on=desk.now().date(),
        columns=(
            "STT",
            "Mã",
            "Tên vật tư",
            "Đơn vị tính",
            "Tồn đầu kỳ",
            "Nhập trong kỳ",
            "Xuất trong kỳ",
            "Tồn cuối kỳ",
        ),
        widths=(0.5, 1.2, 3.5, 1, 1, 1, 1, 1),
        sections=(Section(None, rows),),
        notes=(
            "Tồn đầu kỳ: số còn trong kho lúc 0 giờ ngày đầu kỳ; xuất trong kỳ gồm cả kit đã dùng cho từng lần "
            "xét nghiệm; tồn cuối kỳ = tồn đầu kỳ + nhập − xuất.",
        ),
        signers=(
            ("Thủ kho", "(Ký, ghi rõ họ tên)"),
            ("Trưởng ban quản lý khu cách ly", "(Ký, ghi rõ họ tên)"),
        ),
        empty="Khu cách ly chưa có vật tư nào.",
    )
    return write_table_document(doc, out, progress, should_stop), report.lines


KIT_NAME = {TestKind.RAPID: "test nhanh", TestKind.PCR: "RT-PCR"}


def write_request_sheet(
    desk: Desk,
    facility_code: str,
    out: Path,
    *,
    days: int = 7,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> tuple[Path, tuple[RequestLine, ...]]:
    """What to ask the province for: the items the next ``days`` days need beyond the stock (test kits by the
    test schedule, the rest by their recent use), keeping each item's minimum, in whole packs."""
    _check_out(out)
    result, lines = request_lines(desk, facility_code, days)
    last = result.start + timedelta(days=days - 1)
    kit_codes = {row.code: kind for kind, row in result.kit_items.items()}
    runs_out = {i.code: i.runs_out_on for i in result.items}

    def remark(line: RequestLine) -> str:
        kind = kit_codes.get(line.code)
        if kind is not None:
            short = result.shortfall_of(kind)
            due = result.tests_due(kind)
            text = f"{due} lần xét nghiệm {KIT_NAME[kind]} theo lịch"
            return text + (f"; thiếu kit từ {dmy(short)}" if short else "")
        when = runs_out.get(line.code)
        return f"hết vào khoảng {dmy(when)}" if when else ""

    rows = tuple(
        (
            n, line.name, line.unit, line.stock, line.need, line.min_stock,
            f"{line.pack_size} {line.unit}/hộp" if line.pack_size > 1 else "",
            line.order, line.packs if line.pack_size > 1 else None, remark(line),
        )
        for n, line in enumerate(lines, start=1)
    )  # fmt: skip
    doc = TableDocument(
        title="PHIẾU ĐỀ NGHỊ CẤP VẬT TƯ",
        subtitle=f"{result.facility_name} — dự trù cho {days} ngày, từ {dmy(result.start)} đến {dmy(last)}",
        facility=result.facility_name,
        district=result.district,
        province=result.province,
        on=result.start,
        columns=(
            "STT",
            "Tên vật tư",
            "Đơn vị tính",
            "Tồn kho hiện có",
            f"Cần dùng {days} ngày",
            "Tồn tối thiểu",
            "Quy cách",
            "Đề nghị cấp",
            "Số hộp",
            "Ghi chú",
        ),  # fmt: skip
        widths=(0.5, 3, 0.9, 1, 1, 1, 1.1, 1, 0.7, 2.6),
        sections=(Section(None, rows),),
        notes=(
            "Cách tính: kit xét nghiệm theo lịch xét nghiệm của từng người đang cách ly (kể cả người phải tính lại "
            "thời gian cách ly), lần xét nghiệm cuối của đợt cách ly bằng RT-PCR, các lần khác bằng test nhanh, "
            "cùng lịch xét nghiệm của nhân viên; vật tư khác theo mức xuất dùng bình quân 7 ngày qua. Số đề nghị "
            "cấp đủ dùng trong thời gian dự trù, vẫn giữ mức tồn tối thiểu, làm tròn lên theo hộp.",
        ),
        signers=(
            ("Người lập phiếu", "(Ký, ghi rõ họ tên)"),
            ("Trưởng ban quản lý khu cách ly", "(Ký, ghi rõ họ tên)"),
        ),
        empty="Không cần đề nghị cấp thêm: kho đủ dùng cho thời gian dự trù.",
    )
    return write_table_document(doc, out, progress, should_stop), lines
