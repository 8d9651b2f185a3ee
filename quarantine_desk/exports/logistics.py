"""The documents of the logistics staff as tables (``exports.table_sets``): the kitchen's meal order sheet, the
report of a relief round, the Resolution 68 support list. Each takes the plain rows a service made."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from .common import dmy, outcome_label, time_of_day
from .pdf import SIGN_HINT
from .table_sets import Cell, Table, TableSet, column_widths

if TYPE_CHECKING:
    from quarantine_desk.services.meals import MealCounts, MealSheet
    from quarantine_desk.services.relief import ReliefReport
    from quarantine_desk.services.support import SupportList

MEAL_LABELS = {"breakfast": "Bữa sáng", "lunch": "Bữa trưa", "dinner": "Bữa tối"}
DIET_LABELS = {
    "regular": "Thường",
    "vegetarian": "Chay",
    "child": "Trẻ em",
    "soft": "Mềm",
    "special": "Đặc biệt",
}
MEAL_SHEET_TITLE = "PHIẾU BÁO SUẤT ĂN"
RELIEF_REPORT_TITLE = "BÁO CÁO PHÁT HÀNG CỨU TRỢ"
SUPPORT_LIST_TITLE = "DANH SÁCH HỖ TRỢ TIỀN ĂN NGƯỜI CÁCH LY Y TẾ TẬP TRUNG"


class _Made(Protocol):
    """What every document here was made for and when: the facility, its place, the time it was made."""

    @property
    def facility_name(self) -> str: ...
    @property
    def district(self) -> str | None: ...
    @property
    def province(self) -> str | None: ...
    @property
    def made_at(self) -> datetime: ...


def _document(made: _Made, **parts: Any) -> TableSet:
    """A landscape document of ``made``'s facility, signed on the day it was made."""
    return TableSet(
        facility=made.facility_name,
        district=made.district,
        province=made.province,
        on=made.made_at.date(),
        wide=True,
        **parts,
    )


def _diet_rows(counts: MealCounts) -> tuple[tuple[Cell, ...], ...]:
    return tuple(
        (
            MEAL_LABELS[m.meal],
            f"{m.at:%H:%M}",
            *(m.by_diet.get(d, 0) for d in DIET_LABELS),
            m.quarantined,
            m.staff,
            m.total,
            m.rate,
            m.cost,
        )
        for m in counts.meals
    )


def meal_sheet_document(sheet: MealSheet) -> TableSet:
    counts = sheet.counts
    diet_columns = (
        ("Bữa", 11.0),
        ("Giờ", 7.0),
        *((f"Suất {label.lower()}", 8.5) for label in DIET_LABELS.values()),
        ("Người cách ly", 9.0),
        ("Lực lượng phục vụ", 9.5),
        ("Tổng số suất", 8.5),
        ("Đơn giá (đồng/suất)", 11.0),
        ("Thành tiền (đồng)", 13.0),
    )
    total: tuple[Cell, ...] = (
        "Cộng cả ngày",
        "",
        *(sum(m.by_diet.get(d, 0) for m in counts.meals) for d in DIET_LABELS),
        sum(m.quarantined for m in counts.meals),
        sum(m.staff for m in counts.meals),
        counts.portions,
        "",
        counts.cost,
    )
    tables = [
        Table(
            *column_widths(diet_columns),
            _diet_rows(counts),
            heading="1. Số suất theo chế độ ăn (người cách ly có mặt lúc phục vụ bữa và lực lượng phục vụ trong ca)",
            total=total,
        )
    ]
    zones = sorted({z for m in counts.meals for z in m.by_zone})
    tables.append(
        Table(
            ("Khu / tầng", *(MEAL_LABELS[m.meal] for m in counts.meals)),
            (30.0, 12.0, 12.0, 12.0),
            tuple((zone, *(m.by_zone.get(zone, 0) for m in counts.meals)) for zone in zones),
            heading="2. Số suất người cách ly theo khu (chia suất tại cửa khu)",
            total=("Cộng", *(m.quarantined for m in counts.meals)),
            empty="Không có người cách ly.",
        )
    )
    cutoff = time_of_day(sheet.cutoff)
    notes = []
    if sheet.at_cutoff is not None:
        rows: list[tuple[Cell, ...]] = []
        for before, now in zip(sheet.at_cutoff.meals, counts.meals, strict=True):
            pairs = [(DIET_LABELS[d], before.by_diet.get(d, 0), now.by_diet.get(d, 0)) for d in DIET_LABELS]
            pairs.append(("Lực lượng phục vụ", before.staff, now.staff))
            for label, was, is_ in pairs:
                if was != is_:
                    rows.append((MEAL_LABELS[now.meal], label, was, is_, f"{is_ - was:+d}"))
        tables.append(
            Table(
                ("Bữa", "Suất", "Lúc chốt", "Hiện nay", "Thay đổi"),
                (14.0, 20.0, 11.0, 11.0, 11.0),
                tuple(rows),
                heading=f"3. Thay đổi sau giờ chốt ({cutoff}): bếp điều chỉnh theo số hiện nay",
                marked=frozenset(range(len(rows))),
                empty="Không có thay đổi sau giờ chốt.",
            )
        )
    else:
        notes.append(f"Số liệu chốt lúc {cutoff}; thay đổi sau giờ chốt sẽ được ghi thành mục riêng.")
    if any(m.planned for m in counts.meals):
        notes.append(
            "Các bữa chưa đến tính theo kế hoạch: người dự kiến ra khỏi khu ra sau bữa sáng của ngày ra; "
            "đoàn dự kiến đến được tính suất từ giờ đến."
        )
    notes.append(f"Lập lúc {time_of_day(sheet.made_at)}.")
    return _document(
        sheet,
        title=MEAL_SHEET_TITLE,
        subtitle=f"Ngày {dmy(sheet.on)} — {sheet.facility_name}",
        tables=tuple(tables),
        notes=tuple(notes),
        signers=(("Người lập phiếu", SIGN_HINT), ("Bếp ăn nhận", SIGN_HINT)),
        sheet="Suất ăn",
        keywords="quarantine-desk/meal-sheet",
    )


PER_LABELS = {"person": "mỗi người", "household": "mỗi hộ gia đình"}


def relief_report_document(made: ReliefReport) -> TableSet:
    r = made.round
    given = [e for e in made.rows if e.given_at is not None]
    missing = [e for e in made.rows if e.given_at is None]
    names = {e.person: e.name for e in made.rows}
    at = time_of_day(r.entitled_at) if r.entitled_at else ""
    entitled = {
        "present": f"người có mặt lúc {at}" if at else "",
        "zone": f"người ở {r.zone} lúc {at}" if at else "",
        "list": "theo danh sách",
    }[r.entitled]
    summary: tuple[tuple[Cell, ...], ...] = (
        ("Hàng phát " + PER_LABELS[r.per], r.goods),
        ("Đối tượng được nhận", entitled),
        ("Số suất được nhận" + (" (hộ)" if r.per == "household" else " (người)"), r.shares),
        ("Đã phát", r.given),
        ("Chưa phát", r.not_given),
        ("Số suất đã chuẩn bị", r.sets if r.sets is not None else "không ghi"),
        ("Còn lại (chuẩn bị − đã phát)", r.left_over if r.left_over is not None else "không tính được"),
    )
    if r.item is not None:
        summary += (
            ("Xuất kho mỗi suất", f"{r.item_quantity} {r.item_unit} {r.item}"),
            ("Còn trong kho (" + (r.item_unit or "") + ")", r.item_stock),
        )
    tables = (
        Table(("Nội dung", "Số liệu"), (40.0, 60.0), summary, heading="1. Tổng hợp"),
        Table(
            (
                "STT",
                "Họ và tên",
                "Phòng",
                "Hộ gia đình",
                "Hàng đã nhận",
                "Thời gian nhận",
                "Người phát",
                "Người nhận thay",
            ),
            (6.0, 24.0, 9.0, 12.0, 24.0, 16.0, 13.0, 18.0),
            tuple(
                (
                    n,
                    e.name,
                    e.room or "đã ra",
                    e.household or "",
                    e.goods or "",
                    e.given_at,
                    e.given_by or "",
                    names.get(e.received_by, "") if e.received_by not in (None, e.person) else "",
                )
                for n, e in enumerate(given, start=1)
            ),
            heading=f"2. Đã nhận ({len(given)} người)",
        ),
        Table(
            ("STT", "Họ và tên", "Phòng", "Hộ gia đình", "Ghi chú"),
            (6.0, 30.0, 10.0, 14.0, 40.0),
            tuple(
                (n, e.name, e.room or "đã ra", e.household or "", "" if e.room else "đã ra khỏi khu")
                for n, e in enumerate(missing, start=1)
            ),
            heading=f"3. Chưa nhận ({len(missing)} người)",
            empty="Tất cả đã nhận.",
        ),
    )
    return _document(
        made,
        title=RELIEF_REPORT_TITLE,
        subtitle=f"{r.name} — ngày {dmy(r.on)}",
        tables=tables,
        notes=(
            "Mỗi " + ("hộ" if r.per == "household" else "người") + " chỉ được nhận một lần trong một đợt.",
        ),
        signers=(("Người phát", SIGN_HINT), ("Trưởng ban quản lý", SIGN_HINT)),
        sheet="Cứu trợ",
        keywords="quarantine-desk/relief-report",
    )


#: Names and widths; a column is wide enough for the longest word of its name ("(đồng/ngày)" unbroken).
SUPPORT_COLUMNS = (
    ("STT", 5.5),
    ("Họ và tên", 16.5),
    ("Năm sinh", 8.0),
    ("Số CCCD/CMND", 14.5),
    ("Ngày vào", 12.0),
    ("Ngày ra", 12.0),
    ("Hình thức ra", 12.5),
    ("Số ngày cách ly", 7.5),
    ("Số ngày hỗ trợ", 7.5),
    ("Mức hỗ trợ (đồng/ngày)", 13.5),
    ("Tiền ăn (đồng)", 12.5),
    ("Hỗ trợ trẻ em (đồng)", 12.5),
    ("Tổng cộng (đồng)", 12.5),
    ("Ký nhận", 9.0),
)


def support_list_document(made: SupportList) -> TableSet:
    rows = tuple(
        (
            n,
            r.name,
            r.born,
            r.id_number or "",
            r.admitted_at.date(),
            r.released_at.date(),
            outcome_label(r.outcome),
            r.days,
            r.days_paid,
            r.daily,
            r.amount,
            r.child_support,
            r.total,
            "",
        )
        for n, r in enumerate(made.rows, start=1)
    )
    total: tuple[Cell, ...] = (
        "",
        "Tổng cộng",
        "",
        "",
        None,
        None,
        "",
        sum(r.days for r in made.rows),
        made.days_paid,
        "",
        made.amount,
        made.child_support,
        made.total,
        "",
    )
    notes = [
        "Căn cứ Nghị quyết 68/NQ-CP ngày 01/7/2021 của Chính phủ và Quyết định 23/2021/QĐ-TTg ngày 07/7/2021: "
        "hỗ trợ tiền ăn theo số ngày cách ly thực tế (tối đa theo quy định), hỗ trợ thêm một lần cho trẻ em dưới "
        "16 tuổi.",
        "Được hỗ trợ: hoàn thành cách ly, ra sớm theo quyết định của Ban quản lý, chuyển điều trị (tính đến ngày "
        "chuyển), chuyển cách ly tại nhà (tính đến ngày chuyển).",
    ]
    if made.left_out:
        notes.append(
            f"Không thuộc diện hỗ trợ (ra khỏi khu vì lý do khác): {made.left_out} người, không có trong danh sách."
        )
    return _document(
        made,
        title=SUPPORT_LIST_TITLE,
        subtitle=f"Từ ngày {dmy(made.start)} đến ngày {dmy(made.end)} — theo Nghị quyết 68/NQ-CP",
        tables=(
            Table(
                *column_widths(SUPPORT_COLUMNS),
                rows,
                total=total,
                empty="Không có người nào ra khỏi khu trong thời gian này.",
            ),
        ),
        notes=tuple(notes),
        signers=(
            ("Người lập danh sách", SIGN_HINT),
            ("Kế toán", SIGN_HINT),
            ("Trưởng ban quản lý", SIGN_HINT),
        ),
        sheet="Hỗ trợ NQ68",
        keywords="quarantine-desk/support-list",
    )
