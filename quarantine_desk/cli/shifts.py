"""Commands for duty shifts: the staff of a facility, the shift plan, assignments and the gaps in the 24/24 cover.

``staff add|list`` and ``shifts [plan|assign|unassign|gaps] FACILITY ...``: ``shifts FACILITY`` alone lists the
shifts with their staff. Times in the text output are written the Vietnamese way (22:00 11/08/2021).
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from quarantine_desk.cli.args import Parser, parse_date
from quarantine_desk.cli.output import Output
from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.domain.shifts import PATTERNS, Interval
from quarantine_desk.lazy import lazy_module

if TYPE_CHECKING:
    from quarantine_desk.services import shifts
    from quarantine_desk.services.context import Desk
else:
    shifts = lazy_module("quarantine_desk.services.shifts")

SHIFT_ACTIONS = {"plan": 1, "assign": 3, "unassign": 3, "gaps": 1, "list": 1}  # action: positional arguments


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
    p.set_defaults(handler=cmd_staff_list)

    p = sub.add_parser(
        "shifts",
        help="ca trực 24/24",
        usage=(
            "%(prog)s FACILITY [--from D] [--days N]\n"
            "       %(prog)s plan FACILITY --from D --days N [--pattern 3x8|2x12]\n"
            "       %(prog)s assign|unassign FACILITY SHIFT_ID STAFF_ID\n"
            "       %(prog)s gaps FACILITY [--from D] [--days N]"
        ),
    )
    p.add_argument("words", nargs="+", metavar="[ACTION] FACILITY ...")
    p.add_argument("--from", dest="start", metavar="D", help="ngày bắt đầu (mặc định hôm nay)")
    p.add_argument("--days", type=int, metavar="N", help="số ngày (mặc định 7)")
    p.add_argument("--pattern", default="3x8", choices=sorted(PATTERNS))
    p.set_defaults(handler=cmd_shifts, shifts_parser=p)
