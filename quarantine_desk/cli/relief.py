"""Commands for relief goods by the person, the Resolution 68 support list, and the effective-dated rates.

``relief add|give|pending|report|list``; ``support-list FACILITY --from D --to D [--out FILE]``;
``rates [--date D]`` and ``rates set KEY VALUE --from D``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quarantine_desk.cli.args import Parser, UsageError, parse_at, parse_date
from quarantine_desk.cli.output import Output
from quarantine_desk.lazy import lazy_module

if TYPE_CHECKING:
    from quarantine_desk.services import rates, relief, support
    from quarantine_desk.services.context import Desk
else:
    rates = lazy_module("quarantine_desk.services.rates")
    relief = lazy_module("quarantine_desk.services.relief")
    support = lazy_module("quarantine_desk.services.support")

OUTCOME_VI = {
    "completed": "Hoàn thành cách ly",
    "released_early": "Ra sớm",
    "transferred": "Chuyển điều trị",
    "home_quarantine": "Chuyển cách ly tại nhà",
    "other": "Ra khỏi khu (lý do khác)",
}
PER = ("person", "household")


def _money(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _round_payload(r: relief.RoundRow) -> dict[str, Any]:
    return {
        "round": r.id,
        "facility": r.facility,
        "name": r.name,
        "date": r.on,
        "goods": r.goods,
        "per": r.per,
        "entitled": r.entitled,
        "entitled_at": r.entitled_at,
        "zone": r.zone,
        "shares": r.shares,
        "given": r.given,
        "not_given": r.not_given,
        "sets": r.sets,
        "left_over": r.left_over,
        "item": r.item,
        "item_quantity": r.item_quantity,
        "item_stock": r.item_stock,
    }


def cmd_relief_add(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    on = parse_date(args.date) or desk.now().date()
    people = [p.strip() for p in args.people.split(",") if p.strip()] if args.people is not None else None
    if people is not None and (args.at or args.zone):
        raise UsageError("--people không dùng cùng --at hoặc --zone")
    r = relief.add_round(
        desk, args.facility, args.name, on, args.goods, per=args.per, at=parse_at(args.at), zone=args.zone,
        people=people, sets=args.sets, item=args.item, item_quantity=args.item_quantity,
    )  # fmt: skip
    out.result(_round_payload(r), lambda: str(r.id))
    return 0


def cmd_relief_give(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    h = relief.give(desk, args.round, args.person, at=parse_at(args.at), goods=args.goods)
    out.result(
        {"round": h.round, "person": h.person, "name": h.name, "goods": h.goods, "given_at": h.given_at,
         "given_by": h.given_by},
        lambda: f"Đã phát cho {h.name}: {h.goods} ({h.given_at:%H:%M %d/%m/%Y}).",
    )  # fmt: skip
    return 0


def cmd_relief_pending(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    rows = relief.pending(desk, args.round)
    out.result(
        [{"person": e.person, "name": e.name, "room": e.room, "household": e.household} for e in rows],
        lambda: "\n".join(f"{e.person}\t{e.name}\t{e.room or 'đã ra'}" for e in rows) or "Tất cả đã nhận.",
    )
    return 0


def cmd_relief_report(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    made = relief.write_report(desk, args.round, Path(args.out))
    r = made.round
    out.result(
        {**_round_payload(r), "file": args.out},
        lambda: (
            f"Đã ghi báo cáo “{r.name}” vào {args.out}: đã phát {r.given}, chưa phát {r.not_given}"
            + (f", còn lại {r.left_over}." if r.left_over is not None else ".")
        ),
    )
    return 0


def cmd_relief_list(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    rows = relief.rounds(desk, args.facility)
    out.result(
        [_round_payload(r) for r in rows],
        lambda: (
            "\n".join(
                f"{r.id}\t{r.on:%d/%m/%Y}\t{r.name}\t{r.goods}\tđã phát {r.given}/{r.shares}" for r in rows
            )
            or "Chưa có đợt cứu trợ nào."
        ),
    )
    return 0


def cmd_support_list(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    start = parse_date(args.start, "from")
    end = parse_date(args.end, "to")
    assert start is not None and end is not None
    if args.out:
        made = support.write_support_list(desk, args.facility, start, end, Path(args.out))
    else:
        made = support.support_list(desk, args.facility, start, end)
    rows = [
        {
            "person": r.person,
            "name": r.name,
            "days": r.days,
            "days_paid": r.days_paid,
            "amount": r.amount,
            "child_support": r.child_support,
            "outcome": r.outcome,
            "admitted_at": r.admitted_at,
            "released_at": r.released_at,
            "daily": r.daily,
        }
        for r in made.rows
    ]

    def text() -> str:
        lines = ["Họ và tên\tSố ngày\tNgày hỗ trợ\tTiền ăn\tTrẻ em\tHình thức ra"]
        lines += [
            f"{r.name}\t{r.days}\t{r.days_paid}\t{_money(r.amount)}\t{_money(r.child_support)}\t"
            f"{OUTCOME_VI.get(r.outcome, r.outcome)}"
            for r in made.rows
        ]
        lines.append(
            f"Tổng: {len(made.rows)} người, {made.days_paid} ngày, {_money(made.total)} đồng"
            + (f"; không thuộc diện hỗ trợ: {made.left_out}" if made.left_out else "")
            + (f". Đã ghi {args.out}." if args.out else ".")
        )
        return "\n".join(lines)

    out.result(rows, text)
    return 0


def cmd_rates(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    rows = rates.list_rates(desk, parse_date(args.date))
    out.result(
        [
            {"key": r.key, "value": r.value, "unit": r.unit, "since": r.since, "default": r.default}
            for r in rows
        ],
        lambda: "\n".join(
            f"{r.key}\t{_money(r.value)} {r.unit}\t" + (f"từ {r.since:%d/%m/%Y}" if r.since else "mặc định")
            for r in rows
        ),
    )
    return 0


def cmd_rates_set(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    start = parse_date(args.start, "from")
    assert start is not None
    r = rates.set_rate(desk, args.key, args.value, start)
    out.result(
        {"key": r.key, "value": r.value, "unit": r.unit, "since": r.since},
        lambda: f"{r.key} = {_money(r.value)} {r.unit} từ ngày {start:%d/%m/%Y}.",
    )
    return 0


def register(sub: Any) -> None:
    """Registers relief, support-list and rates on the main parser's sub-commands."""
    rel = sub.add_parser("relief", help="hàng cứu trợ theo từng người").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = rel.add_parser("add", help="tạo một đợt cứu trợ; in số của đợt")
    p.add_argument("facility")
    p.add_argument("name")
    p.add_argument("--date")
    p.add_argument("--goods", required=True, help="hàng phát mỗi người (hoặc mỗi hộ)")
    p.add_argument("--per", choices=list(PER), default="person")
    p.add_argument("--at", help="người có mặt lúc này được nhận (mặc định 08:00 ngày phát)")
    p.add_argument("--zone", help="chỉ người ở khu / tầng này")
    p.add_argument("--people", help="danh sách người được nhận (số hoặc CCCD, cách nhau bởi dấu phẩy)")
    p.add_argument("--sets", type=int, help="số suất đã chuẩn bị")
    p.add_argument("--item", help="mã vật tư trong kho phát kèm mỗi suất (mỗi lần phát xuất kho)")
    p.add_argument("--item-quantity", type=int, help="số lượng vật tư đó mỗi suất (mặc định 1)")
    p.set_defaults(handler=cmd_relief_add)
    p = rel.add_parser("give", help="ghi phát cho một người (từ chối nếu đã nhận)")
    p.add_argument("round", type=int)
    p.add_argument("person")
    p.add_argument("--at")
    p.add_argument("--goods")
    p.set_defaults(handler=cmd_relief_give)
    p = rel.add_parser("pending", help="những người chưa nhận")
    p.add_argument("round", type=int)
    p.set_defaults(handler=cmd_relief_pending)
    p = rel.add_parser("report", help="báo cáo đợt: đã phát, chưa phát, còn lại (.xlsx hoặc .pdf)")
    p.add_argument("round", type=int)
    p.add_argument("--out", required=True)
    p.set_defaults(handler=cmd_relief_report)
    p = rel.add_parser("list", help="các đợt cứu trợ của khu")
    p.add_argument("facility")
    p.set_defaults(handler=cmd_relief_list, reads_only=True)

    p = sub.add_parser("support-list", help="danh sách hỗ trợ theo Nghị quyết 68/NQ-CP")
    p.add_argument("facility")
    p.add_argument("--from", dest="start", required=True)
    p.add_argument("--to", dest="end", required=True)
    p.add_argument("--out", help="tệp .xlsx hoặc .pdf")
    p.set_defaults(handler=cmd_support_list)

    rate = sub.add_parser("rates", help="định mức: giá suất ăn, mức hỗ trợ NQ68").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = rate.add_parser("list", help="định mức đang áp dụng")
    p.add_argument("--date")
    p.set_defaults(handler=cmd_rates, reads_only=True)
    p = rate.add_parser("set", help="định mức mới từ một ngày")
    p.add_argument(
        "key", help="meal.breakfast, meal.lunch, meal.dinner, support.daily, support.max_days, support.child"
    )
    p.add_argument("value", type=int)
    p.add_argument("--from", dest="start", required=True)
    p.set_defaults(handler=cmd_rates_set)
