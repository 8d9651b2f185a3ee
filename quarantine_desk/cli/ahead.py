"""Commands that look ahead: the kits and the other items by the schedule (``stock forecast``), which item is the
kit of a test kind (``stock kit``), the request sheet (``stock request``), the stock report of a period (``stock
report``) and the beds ahead (``capacity``).

The ``stock`` ones are added to the logistics area's ``stock`` command (``register_stock``).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quarantine_desk.cli.args import number, output_path, parse_date
from quarantine_desk.cli.documents import document_written
from quarantine_desk.cli.output import Output
from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.domain.stays import TestKind
from quarantine_desk.lazy import lazy_module

if TYPE_CHECKING:
    from quarantine_desk.exports import common
    from quarantine_desk.services import capacity, forecast, supplies
    from quarantine_desk.services.context import Desk
else:
    common = lazy_module("quarantine_desk.exports.common")
    capacity = lazy_module("quarantine_desk.services.capacity")
    forecast = lazy_module("quarantine_desk.services.forecast")
    supplies = lazy_module("quarantine_desk.services.supplies")

KIND_VI = {TestKind.RAPID: "test nhanh", TestKind.PCR: "RT-PCR"}


def _kinds(values: Any) -> dict[str, Any]:
    return {kind.value: values[kind] for kind in (TestKind.RAPID, TestKind.PCR)}


def cmd_stock_forecast(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    result = forecast.stock_forecast(desk, args.facility, args.days)
    payload = {
        "facility": result.facility,
        "from": result.start,
        "days": [
            {
                "date": d.day,
                "tests_due": _kinds(d.due),
                "kits_left": _kinds(d.left),
                "tests_without_kit": _kinds(d.short),
            }
            for d in result.days
        ],
        "shortfall_on": result.shortfall_on,
        "kit_items": {kind.value: row.code for kind, row in result.kit_items.items()},
        "items": [
            {
                "code": i.code,
                "name": i.name,
                "unit": i.unit,
                "stock": i.stock,
                "per_day": i.per_day,
                "days_left": i.days_left,
                "runs_out_on": i.runs_out_on,
            }
            for i in result.items
        ],
    }

    def text() -> str:
        lines = [
            f"Dự báo kit xét nghiệm tại {result.facility} ({len(result.days)} ngày, theo lịch xét nghiệm):"
        ]
        lines.append("Ngày\tPhải test nhanh\tCòn kit nhanh\tPhải RT-PCR\tCòn kit PCR")
        for d in result.days:
            left = [("—" if d.left[k] is None else str(d.left[k])) for k in (TestKind.RAPID, TestKind.PCR)]
            mark = "  ← THIẾU KIT" if d.shortfall else ""
            lines.append(
                f"{d.day:%d/%m/%Y}\t{d.due[TestKind.RAPID]}\t{left[0]}\t{d.due[TestKind.PCR]}\t{left[1]}{mark}"
            )
        lines.append(
            f"Thiếu kit từ ngày {result.shortfall_on:%d/%m/%Y}."
            if result.shortfall_on
            else "Đủ kit cho cả giai đoạn."
        )
        for kind in (TestKind.RAPID, TestKind.PCR):
            if kind not in result.kit_items:
                lines.append(
                    f"Chưa chọn vật tư làm kit {KIND_VI[kind]} (stock kit KHU MÃ --kind {kind.value})."
                )
        if result.items:
            lines.append("Vật tư khác (mức dùng 7 ngày qua):")
            for i in result.items:
                days = "—" if i.days_left is None else f"{i.days_left} ngày"
                lines.append(
                    f"{i.code}\t{i.name}\tcòn {i.stock} {i.unit}\t{common.number_text(i.per_day)}/ngày\tđủ dùng {days}"
                )
        return "\n".join(lines)

    out.result(payload, text)
    return 0


def cmd_stock_kit(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    kind = None if args.kind == "none" else args.kind
    row = supplies.set_kit(desk, args.facility, args.item, kind, args.pack)
    out.result(
        {"code": row.code, "name": row.name, "kit_kind": row.kit_kind, "pack_size": row.pack_size},
        lambda: (
            f"{row.code} là kit {KIND_VI[TestKind(row.kit_kind)]}: mỗi xét nghiệm trừ 1 {row.unit}"
            f" (đóng gói {row.pack_size} {row.unit})."
            if row.kit_kind
            else f"{row.code} không còn là kit xét nghiệm."
        ),
    )
    return 0


def cmd_stock_request(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from quarantine_desk.services import store_files

    path, lines = store_files.write_request_sheet(desk, args.facility, Path(args.out), days=args.days)
    document_written(
        out,
        path,
        f"Đã ghi phiếu đề nghị cấp vật tư vào {path}",
        rows=len(lines),
        items=len(lines),
        facility=args.facility.upper(),
    )
    return 0


def cmd_stock_report(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from quarantine_desk.services import store_files

    start, end = parse_date(args.start, "from"), parse_date(args.end, "to")
    if start is None or end is None:
        raise InvalidInput("from", "empty")
    path, rows = store_files.write_stock_report(desk, args.facility, start, end, Path(args.out))
    document_written(
        out,
        path,
        f"Đã ghi báo cáo xuất nhập tồn vào {path}",
        rows=len(rows),
        items=len(rows),
        facility=args.facility.upper(),
    )
    return 0


def register_stock(stock: Any) -> None:
    """The look-ahead sub-commands of ``stock``."""
    p = stock.add_parser("forecast", help="dự báo kit xét nghiệm theo lịch và vật tư khác theo mức dùng")
    p.add_argument("facility")
    p.add_argument("--days", type=number("days", 1, 365), default=7)
    p.set_defaults(handler=cmd_stock_forecast)
    p = stock.add_parser("kit", help="chọn vật tư làm kit của một loại xét nghiệm")
    p.add_argument("facility")
    p.add_argument("item")
    p.add_argument("--kind", required=True, choices=["rapid", "pcr", "none"])
    p.add_argument(
        "--pack",
        type=number("quantity", 1, 100_000),
        help="số kit trong một hộp (phiếu đề nghị đặt theo hộp)",
    )
    p.set_defaults(handler=cmd_stock_kit)
    p = stock.add_parser("request", help="phiếu đề nghị cấp vật tư (xlsx/pdf)")
    p.add_argument("facility")
    p.add_argument("--days", type=number("days", 1, 365), default=7)
    p.add_argument("--out", required=True, type=output_path)
    p.set_defaults(handler=cmd_stock_request)
    p = stock.add_parser("report", help="báo cáo xuất nhập tồn trong một giai đoạn (xlsx/pdf)")
    p.add_argument("facility")
    p.add_argument("--from", dest="start", required=True)
    p.add_argument("--to", dest="end", required=True)
    p.add_argument("--out", required=True, type=output_path)
    p.set_defaults(handler=cmd_stock_report)


# --- capacity ------------------------------------------------------------------------------------------------------


def _capacity_payload(c: Any) -> dict[str, Any]:
    return {
        "facility": c.facility,
        "name": c.name,
        "beds": c.beds,
        "occupied": c.occupied,
        "free": c.free,
        "closed": c.closed,
        "arrivals_per_day": c.arrivals_per_day,
        "arrivals": [{"date": d, "count": n} for d, n in c.arrivals],
        "releases": [{"date": d, "count": n} for d, n in c.releases],
        "days": [
            {
                "date": d.day,
                "releases": d.releases,
                "arrivals": d.arrivals,
                "occupied": d.occupied,
                "free": d.free,
            }
            for d in c.days
        ],
        "full_on": c.full_on,
        "over_90_on": c.over_90_on,
        "assumption": common.capacity_assumption(c.arrivals_per_day),
    }


def _capacity_lines(c: Any) -> list[str]:
    head = "Toàn huyện" if c.facility == capacity.ALL else f"{c.facility} – {c.name}"
    over = f"vượt 90 % từ {c.over_90_on:%d/%m/%Y}" if c.over_90_on else "chưa vượt 90 %"
    full = f"hết giường từ {c.full_on:%d/%m/%Y}" if c.full_on else "chưa hết giường trong thời gian dự báo"
    return [
        f"{head}: {c.beds} giường, {c.occupied} đang dùng ({c.percent} %), {c.free} trống, {c.closed} đang đóng; "
        f"bình quân {common.number_text(c.arrivals_per_day)} người đến mỗi ngày (7 ngày qua).",
        f"  Dự kiến {over}; {full}.",
    ]


def cmd_capacity(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    if args.facility:
        c = capacity.capacity(desk, args.facility, args.days)

        def text() -> str:
            lines = _capacity_lines(c)
            lines.append("Ngày\tRa\tĐến (cộng dồn)\tCó mặt\tTrống")
            lines += [f"{d.day:%d/%m/%Y}\t{d.releases}\t{d.arrivals}\t{d.occupied}\t{d.free}" for d in c.days]
            lines.append(common.capacity_assumption(c.arrivals_per_day))
            return "\n".join(lines)

        out.result(_capacity_payload(c), text)
        return 0
    each, total = capacity.district_capacity(desk, args.days)
    out.result(
        [_capacity_payload(c) for c in (*each, total)],
        lambda: (
            "\n".join(line for c in (*each, total) for line in _capacity_lines(c))
            + "\n"
            + common.capacity_assumption(total.arrivals_per_day)
        ),
    )
    return 0


def register(sub: Any) -> None:
    """``capacity [FACILITY] [--days N]``."""
    p = sub.add_parser("capacity", help="sức chứa: giường trống dự kiến, ngày vượt 90 %%, ngày hết giường")
    p.add_argument("facility", nargs="?")
    p.add_argument("--days", type=number("days", 1, 365), default=14)
    p.set_defaults(handler=cmd_capacity)
