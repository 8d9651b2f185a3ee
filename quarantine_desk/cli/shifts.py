"""Commands for duty shifts: the staff of a facility, the shift plan, assignments and the gaps in the 24/24 cover.

``staff add|list`` and ``shifts [plan|assign|unassign|gaps] FACILITY ...``: ``shifts FACILITY`` alone lists the
shifts with their staff. Times in the text output are written the Vietnamese way (22:00 11/08/2021).
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quarantine_desk.cli.args import Parser, number, output_path, parse_at, parse_date
from quarantine_desk.cli.output import Output
from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.domain.shifts import MAX_PLAN_DAYS, PATTERNS, Interval
from quarantine_desk.lazy import lazy_module

if TYPE_CHECKING:
    from quarantine_desk.services import shifts, staff_tests
    from quarantine_desk.services.context import Desk
else:
    shifts = lazy_module("quarantine_desk.services.shifts")
    staff_tests = lazy_module("quarantine_desk.services.staff_tests")

SHIFT_ACTIONS = {
    "plan": 1,
    "assign": 3,
    "unassign": 3,
    "gaps": 1,
    "list": 1,
    "export": 1,
}  # action: positional arguments


def _id(text: str, field: str) -> int:
    try:
        return int(text)
    except ValueError as exc:
        raise InvalidInput(field, "bad_format", text) from exc


def _when(moment: datetime) -> str:
    return moment.strftime("%H:%M %d/%m/%Y")


def _span(start: datetime, end: datetime) -> str:
    return f"{_when(start)} – {_when(end)}"


def _staff_payload(s: shifts.StaffRow) -> dict[str, Any]:
    return {"staff": s.id, "name": s.full_name, "position": s.position, "phone": s.phone}


def _shift_payload(r: shifts.ShiftRow) -> dict[str, Any]:
    return {
        "shift": r.id,
        "name": r.name,
        "starts_at": r.starts_at,
        "ends_at": r.ends_at,
        "staff": [_staff_payload(s) for s in r.staff],
    }


def _interval_payload(i: Interval) -> dict[str, Any]:
    return {"from": i.start, "to": i.end, "hours": i.hours}


def _shift_line(r: shifts.ShiftRow) -> str:
    people = ", ".join(s.full_name for s in r.staff) or "CHƯA CÓ NGƯỜI"
    return f"{r.id}\t{r.name}\t{_span(r.starts_at, r.ends_at)}\t{people}"


# --- staff ---------------------------------------------------------------------------------------------------------


def cmd_staff_add(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    row = shifts.add_staff(desk, args.facility, args.name, args.position, args.phone)
    out.result(
        _staff_payload(row),
        lambda: f"Đã thêm {row.full_name}{' (' + row.position + ')' if row.position else ''}, số {row.id}.",
    )
    return 0


def cmd_staff_list(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    rows = shifts.list_staff(desk, args.facility)
    out.result(
        [_staff_payload(r) for r in rows],
        lambda: (
            "\n".join(f"{r.id}\t{r.full_name}\t{r.position or ''}\t{r.phone or ''}" for r in rows)
            or "Chưa có nhân viên nào."
        ),
    )
    return 0


REASON_VI = {"positive": "dương tính", "exposure": "tiếp xúc"}
RESULT_VI = {"negative": "âm tính", "positive": "dương tính", "pending": "chờ kết quả"}


def _health_payload(h: staff_tests.StaffHealth) -> dict[str, Any]:
    return {
        "staff": h.staff,
        "name": h.full_name,
        "position": h.position,
        "last_test": h.last_test,
        "last_kind": h.last_kind,
        "last_result": h.last_result,
        "next_due": h.next_due,
        "must_quarantine": h.flagged,
        "quarantine_from": h.quarantine_from,
        "reason": h.quarantine_reason,
        "note": h.quarantine_note,
        "shifts_ahead": h.shifts_ahead,
    }


def cmd_staff_schedule(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    result = staff_tests.set_schedule(desk, args.facility, args.every, args.kind)
    out.result(
        {"facility": result.facility, "every": result.every, "kind": result.kind},
        lambda: (
            f"Nhân viên {result.facility} xét nghiệm mỗi {result.every} ngày."
            if result.every
            else f"Nhân viên {result.facility} không có lịch xét nghiệm."
        ),
    )
    return 0


def cmd_staff_test(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    row = staff_tests.record_staff_test(desk, args.staff, args.kind, args.result, at=parse_at(args.at))

    def text() -> str:
        line = f"Đã ghi xét nghiệm của {row.full_name}: {RESULT_VI[row.result]}."
        if row.kit_short:
            line += " Kho đã hết kit loại này: cần nhập bù."
        if row.flagged:
            line += f" {row.full_name} PHẢI CÁCH LY, không phân công trực."
        return line

    out.result(
        {
            "test": row.id,
            "staff": row.staff,
            "kind": row.kind,
            "result": row.result,
            "sampled_at": row.sampled_at,
            "kit_short": row.kit_short,
            "must_quarantine": row.flagged,
        },
        text,
    )
    return 0


def cmd_staff_flag(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    staff_tests.flag(desk, args.staff, args.reason, args.note, at=parse_at(args.at))
    out.result(
        {"staff": args.staff, "must_quarantine": True, "reason": args.reason},
        lambda: f"Đã đánh dấu nhân viên số {args.staff} phải cách ly ({REASON_VI[args.reason]}).",
    )
    return 0


def cmd_staff_unflag(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    staff_tests.clear_flag(desk, args.staff)
    out.result(
        {"staff": args.staff, "must_quarantine": False},
        lambda: f"Nhân viên số {args.staff} không còn phải cách ly.",
    )
    return 0


def cmd_staff_tests(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    rows = staff_tests.staff_health(desk, args.facility)
    today = desk.now().date()

    def text() -> str:
        lines = ["Số\tHọ tên\tChức vụ\tXét nghiệm gần nhất\tLần tới\tGhi chú"]
        for h in rows:
            last = (
                f"{h.last_test:%d/%m/%Y} {RESULT_VI[h.last_result or 'pending']}"
                if h.last_test
                else "chưa có"
            )
            due = "" if h.next_due is None else f"{h.next_due:%d/%m/%Y}"
            note = ""
            if h.flagged:
                note = f"PHẢI CÁCH LY ({REASON_VI.get(h.quarantine_reason or '', '')})"
                if h.shifts_ahead:
                    note += f", còn {h.shifts_ahead} ca trực cần thay người"
            elif h.overdue(today):
                note = "QUÁ HẠN XÉT NGHIỆM"
            lines.append(f"{h.staff}\t{h.full_name}\t{h.position or ''}\t{last}\t{due}\t{note}")
        return "\n".join(lines) if rows else "Chưa có nhân viên nào."

    out.result([_health_payload(h) for h in rows], text)
    return 0


# --- shifts --------------------------------------------------------------------------------------------------------


def _range(desk: Desk, args: argparse.Namespace) -> tuple[date, date]:
    start = parse_date(args.start, "from") or desk.now().date()
    days = 7 if args.days is None else args.days
    if not 1 <= days <= 366:
        raise InvalidInput("days", "out_of_range", days, minimum=1, maximum=366)
    return start, start + timedelta(days=days)


def cmd_shifts(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    """``shifts FACILITY`` or ``shifts ACTION FACILITY ...``: the action word is optional for the list."""
    words: list[str] = list(args.words)
    action = words.pop(0) if words[0] in SHIFT_ACTIONS else "list"
    if len(words) != SHIFT_ACTIONS[action]:
        args.shifts_parser.error(f"“shifts {action}” cần {SHIFT_ACTIONS[action]} tham số")
    facility = words[0]
    if action == "plan":
        return _plan(desk, facility, args, out)
    if action == "export":
        return _export(desk, facility, args, out)
    if action in ("assign", "unassign"):
        return _assign(desk, facility, action, _id(words[1], "shift"), _id(words[2], "staff"), out)
    start, end = _range(desk, args)
    if action == "gaps":
        return _gaps(desk, facility, start, end, out)
    rows = shifts.roster_of_shifts(desk, facility, start, end)
    out.result(
        [_shift_payload(r) for r in rows],
        lambda: "\n".join(_shift_line(r) for r in rows) or "Chưa lập lịch ca trực cho những ngày này.",
    )
    return 0


def _plan(desk: Desk, facility: str, args: argparse.Namespace, out: Output) -> int:
    start = parse_date(args.start, "from")
    if start is None or args.days is None:
        args.shifts_parser.error("“shifts plan” cần --from NGÀY và --days SỐ")
    assert start is not None
    result = shifts.plan_shifts(desk, facility, start, args.days, args.pattern)
    out.result(
        {
            "facility": facility.upper(),
            "pattern": args.pattern,
            "created": result.created,
            "existing": result.existing,
            "from": result.first,
            "to": result.last,
        },
        lambda: (
            f"Đã lập {result.created} ca trực ({args.pattern}) từ {_span(result.first, result.last)}"
            + (f"; {result.existing} ca đã có từ trước." if result.existing else ".")
        ),
    )
    return 0


def _assign(desk: Desk, facility: str, action: str, shift_id: int, staff_id: int, out: Output) -> int:
    if action == "unassign":
        row = shifts.unassign(desk, facility, shift_id, staff_id)
        out.result(_shift_payload(row), lambda: f"Đã bỏ phân công. {_shift_line(row)}")
        return 0
    result = shifts.assign(desk, facility, shift_id, staff_id)
    payload = _shift_payload(result.shift)
    payload["warning"] = (
        {"hours_in_24": result.warning.hours, "from": result.warning.window_start} if result.warning else None
    )

    def text() -> str:
        line = (
            f"Đã phân công {result.staff.full_name} vào {result.shift.name} "
            f"{_span(result.shift.starts_at, result.shift.ends_at)}."
        )
        if result.warning:
            line += (
                f" Lưu ý: {result.staff.full_name} trực {result.warning.hours:g} giờ trong 24 giờ kể từ "
                f"{_when(result.warning.window_start)} (quá 16 giờ)."
            )
        return line

    out.result(payload, text)
    return 0


def _export(desk: Desk, facility: str, args: argparse.Namespace, out: Output) -> int:
    from quarantine_desk.cli.documents import document_written
    from quarantine_desk.services import duty_roster

    if not args.week or not args.out:
        args.shifts_parser.error("“shifts export” cần --week YYYY-Www và --out TỆP")
    path, roster = duty_roster.write_week_roster(desk, facility, args.week, Path(args.out))
    document_written(
        out,
        path,
        f"Đã ghi lịch trực tuần vào {path}",
        rows=len(roster.lines),
        facility=roster.facility,
        week=args.week,
        shifts=len(roster.lines),
        gaps=roster.gaps,
    )
    return 0


def _gaps(desk: Desk, facility: str, start: date, end: date, out: Output) -> int:
    report = shifts.gaps(desk, facility, start, end)

    def text() -> str:
        if report.covered:
            return f"Đủ người trực 24/24 từ {_span(report.start, report.end)}."
        lines = [f"Ca chưa có người ({len(report.unstaffed)}):"]
        lines += [f"{r.id}\t{r.name}\t{_span(r.starts_at, r.ends_at)}" for r in report.unstaffed]
        lines.append(f"Khoảng thời gian không có ai trực ({len(report.uncovered)}):")
        lines += [f"{_span(i.start, i.end)}\t{i.hours:g} giờ" for i in report.uncovered]
        return "\n".join(lines)

    out.result(
        {
            "from": report.start,
            "to": report.end,
            "unstaffed": [_shift_payload(r) for r in report.unstaffed],
            "uncovered": [_interval_payload(i) for i in report.uncovered],
        },
        text,
    )
    return 0


def register(sub: Any) -> None:
    """Registers ``staff`` and ``shifts`` on the main parser's sub-commands."""
    staff = sub.add_parser("staff", help="nhân viên trực").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = staff.add_parser("add", help="thêm nhân viên")
    p.add_argument("facility")
    p.add_argument("name")
    p.add_argument("--position", help="Bác sĩ, Điều dưỡng, Công an, Quân đội, Hậu cần, Tình nguyện viên…")
    p.add_argument("--phone")
    p.set_defaults(handler=cmd_staff_add)
    p = staff.add_parser("list", help="danh sách nhân viên")
    p.add_argument("facility")
    p.set_defaults(handler=cmd_staff_list, reads_only=True)
    p = staff.add_parser("schedule", help="lịch xét nghiệm nhân viên của khu: mỗi N ngày")
    p.add_argument("facility")
    p.add_argument(
        "--every",
        type=number("days", 1, 60),
        help="số ngày giữa hai lần xét nghiệm (bỏ trống: không có lịch)",
    )
    p.add_argument("--kind", choices=["rapid", "pcr"], default="rapid")
    p.set_defaults(handler=cmd_staff_schedule)
    p = staff.add_parser("test", help="ghi kết quả xét nghiệm của nhân viên")
    p.add_argument("staff", type=number("staff_member", 1, 2**31 - 1))
    p.add_argument("--kind", required=True, choices=["rapid", "pcr"])
    p.add_argument("--result", required=True, choices=["negative", "positive", "pending"])
    p.add_argument("--at")
    p.set_defaults(handler=cmd_staff_test)
    p = staff.add_parser("flag", help="đánh dấu nhân viên phải cách ly (dương tính, tiếp xúc)")
    p.add_argument("staff", type=number("staff_member", 1, 2**31 - 1))
    p.add_argument("--reason", required=True, choices=["positive", "exposure"])
    p.add_argument("--note")
    p.add_argument("--at")
    p.set_defaults(handler=cmd_staff_flag)
    p = staff.add_parser("unflag", help="bỏ đánh dấu cách ly (đã hết thời gian cách ly)")
    p.add_argument("staff", type=number("staff_member", 1, 2**31 - 1))
    p.set_defaults(handler=cmd_staff_unflag)
    p = staff.add_parser("tests", help="xét nghiệm của nhân viên: lần gần nhất, lần tới, người phải cách ly")
    p.add_argument("facility")
    p.set_defaults(handler=cmd_staff_tests)

    p = sub.add_parser(
        "shifts",
        help="ca trực 24/24",
        usage=(
            "%(prog)s FACILITY [--from D] [--days N]\n"
            "       %(prog)s plan FACILITY --from D --days N [--pattern 3x8|2x12]\n"
            "       %(prog)s assign|unassign FACILITY SHIFT_ID STAFF_ID\n"
            "       %(prog)s gaps FACILITY [--from D] [--days N]\n"
            "       %(prog)s export FACILITY --week YYYY-Www --out FILE.xlsx|FILE.pdf"
        ),
    )
    p.add_argument("words", nargs="+", metavar="[ACTION] FACILITY ...")
    p.add_argument("--from", dest="start", metavar="D", help="ngày bắt đầu (mặc định hôm nay)")
    p.add_argument(
        "--days", type=number("plan_days", 1, MAX_PLAN_DAYS), metavar="N", help="số ngày (mặc định 7)"
    )
    p.add_argument("--pattern", default="3x8", choices=sorted(PATTERNS))
    p.add_argument("--week", metavar="YYYY-Www", help="tuần của lịch trực (export), ví dụ 2021-W32")
    p.add_argument("--out", type=output_path, metavar="FILE", help="tệp lịch trực (export): .xlsx hoặc .pdf")
    p.set_defaults(handler=cmd_shifts, shifts_parser=p)
