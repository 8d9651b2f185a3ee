"""Commands of the logistics staff (hậu cần): the store of supplies, relief goods, and meal counts.

``stock FACILITY`` lists the store; ``stock receive|issue|add-item|movements|distribute ...`` change or show it.
``meals FACILITY`` gives the portions of each meal by the clock (per diet, per zone); ``meals sheet`` writes the
kitchen's order sheet; ``meals times`` and ``meals expect`` set the meal times and announced arrivals; ``meals
record ...`` records what was served.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quarantine_desk.cli import ahead
from quarantine_desk.cli.args import Parser, number, parse_at, parse_date
from quarantine_desk.cli.output import Output
from quarantine_desk.domain.meals import DINERS, MEALS, parse_clock
from quarantine_desk.lazy import lazy_module

if TYPE_CHECKING:
    from quarantine_desk.services import meals, supplies
    from quarantine_desk.services.context import Desk
else:
    meals = lazy_module("quarantine_desk.services.meals")
    supplies = lazy_module("quarantine_desk.services.supplies")

MEAL_VI = {"breakfast": "Bữa sáng", "lunch": "Bữa trưa", "dinner": "Bữa tối"}
DIET_VI = {"regular": "Thường", "vegetarian": "Chay", "child": "Trẻ em", "soft": "Mềm", "special": "Đặc biệt"}
DINERS_VI = {"quarantined": "người cách ly", "staff": "lực lượng phục vụ"}


class _DefaultAction(argparse._SubParsersAction):  # type: ignore[type-arg]
    """Sub-commands where a first word that is no sub-command means the default one (``stock F01`` lists).

    argparse checks the word against the choices before the action runs, so the choices admit any word and the
    action puts the default sub-command in front of an unknown one.
    """

    default_command = "list"

    class _AnyWord(Mapping[str, argparse.ArgumentParser]):
        """The sub-commands, as argparse's check of the first word sees them: any word passes."""

        def __init__(self, parsers: dict[str, argparse.ArgumentParser]) -> None:
            self._parsers = parsers

        def __getitem__(self, key: str) -> argparse.ArgumentParser:
            return self._parsers[key]

        def __iter__(self) -> Iterator[str]:
            return iter(self._parsers)

        def __len__(self) -> int:
            return len(self._parsers)

        def __contains__(self, key: object) -> bool:
            return True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = self._AnyWord(self._name_parser_map)  # type: ignore[assignment]  # argparse reads it as a mapping

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        words: Sequence[str] = values
        if words and words[0] not in self._name_parser_map:
            words = [self.default_command, *words]
        super().__call__(parser, namespace, words, option_string)


class _MealsDefault(_DefaultAction):
    default_command = "counts"


def _stock_payload(r: supplies.StockRow) -> dict[str, Any]:
    return {
        "code": r.code,
        "name": r.name,
        "unit": r.unit,
        "quantity": r.quantity,
        "min_stock": r.min_stock,
        "low": r.low,
        "days_left": r.days_left,
    }


def cmd_stock(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    rows = supplies.list_stock(desk, args.facility)

    def text() -> str:
        lines = ["Mã\tTên vật tư\tTồn kho\tTối thiểu\tĐủ dùng (ngày)"]
        for r in rows:
            mark = "  ← DƯỚI MỨC TỐI THIỂU" if r.low else ""
            days = "" if r.days_left is None else str(r.days_left)
            lines.append(f"{r.code}\t{r.name}\t{r.quantity} {r.unit}\t{r.min_stock}\t{days}{mark}")
        return "\n".join(lines) if rows else "Chưa có vật tư nào."

    out.result([_stock_payload(r) for r in rows], text)
    return 0


def _movement_payload(args: argparse.Namespace, m: supplies.MovementRow) -> dict[str, Any]:
    return {
        "facility": args.facility.upper(),
        "item": args.item.upper(),
        "quantity": m.quantity,
        "stock": m.balance,
        "moved_at": m.moved_at,
        "reason": m.reason,
    }


def cmd_stock_receive(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    m = supplies.receive(desk, args.facility, args.item, args.quantity, args.reason, parse_at(args.at))
    out.result(
        _movement_payload(args, m),
        lambda: f"Đã nhập {m.quantity} {args.item.upper()}; còn trong kho {m.balance}.",
    )
    return 0


def cmd_stock_issue(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    m = supplies.issue(desk, args.facility, args.item, args.quantity, args.reason, parse_at(args.at))
    out.result(
        _movement_payload(args, m),
        lambda: f"Đã xuất {-m.quantity} {args.item.upper()}; còn trong kho {m.balance}.",
    )
    return 0


def cmd_stock_add_item(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    r = supplies.add_item(desk, args.facility, args.code, args.name, args.unit, args.min)
    out.result(_stock_payload(r), lambda: f"Đã thêm vật tư {r.code} – {r.name} ({r.unit}).")
    return 0


def cmd_stock_movements(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    rows = supplies.movements(desk, args.facility, args.item, args.limit)
    out.result(
        rows,
        lambda: (
            "\n".join(
                f"{m.moved_at:%d/%m/%Y %H:%M}\t{'+' if m.quantity > 0 else ''}{m.quantity}\t"
                f"còn {m.balance}\t{m.reason or ''}\t{m.recorded_by or ''}"
                for m in rows
            )
            or "Chưa có lần nhập, xuất nào."
        ),
    )
    return 0


def cmd_stock_distribute(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    if args.dry_run:
        plan = supplies.distribution_plan(desk, args.facility, args.item, args.quantity)
    else:
        plan = supplies.distribute(desk, args.facility, args.item, args.quantity, args.reason)
    shares = plan.shares
    payload = {
        "facility": plan.facility,
        "item": plan.item,
        "quantity": shares.quantity,
        "people": shares.people,
        "per_person": shares.per_person,
        "distributed": shares.distributed,
        "remainder": shares.remainder,
        "recorded": not args.dry_run,
        "rooms": [{"room": r.room, "people": r.people, "share": r.share} for r in shares.rooms],
    }

    def text() -> str:
        head = "Phương án" if args.dry_run else "Đã phân phối"
        lines = [
            f"{head}: {shares.people} người, mỗi người {shares.per_person} {plan.unit}; phát {shares.distributed}, "
            f"còn lại trong kho {shares.remainder} chưa chia."
        ]
        lines += [f"Phòng {r.room}\t{r.people} người\t{r.share} {plan.unit}" for r in shares.rooms]
        return "\n".join(lines)

    out.result(payload, text)
    return 0


def _meal_payload(m: meals.MealLine) -> dict[str, Any]:
    return {
        "meal": m.meal,
        "at": m.at,
        "people": m.quarantined,
        "staff": m.staff,
        "by_diet": m.by_diet,
        "by_zone": m.by_zone,
        "total": m.total,
        "planned": m.planned,
        "rate": m.rate,
        "cost": m.cost,
        "served_quarantined": m.served_quarantined,
        "served_staff": m.served_staff,
    }


def cmd_meals(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    counts = meals.meal_counts(desk, args.facility, parse_date(args.date), args.staff)

    def text() -> str:
        diets = list(DIET_VI)
        lines = [
            f"Suất ăn ngày {counts.on:%d/%m/%Y} tại {counts.facility}:",
            "\t".join(["Bữa", "Giờ", *DIET_VI.values(), "Cách ly", "Phục vụ", "Tổng", "Thành tiền"]),
        ]
        for m in counts.meals:
            mark = " (dự kiến)" if m.planned else ""
            lines.append(
                "\t".join(
                    [
                        MEAL_VI[m.meal] + mark,
                        f"{m.at:%H:%M}",
                        *(str(m.by_diet.get(d, 0)) for d in diets),
                        str(m.quarantined),
                        str(m.staff),
                        str(m.total),
                        f"{m.cost:,}".replace(",", "."),
                    ]
                )
            )
        lines.append(f"Chi phí cả ngày: {counts.cost:,} đồng.".replace(",", "."))
        return "\n".join(lines)

    out.result([_meal_payload(m) for m in counts.meals], text)
    return 0


def cmd_meals_sheet(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    sheet = meals.write_meal_sheet(desk, args.facility, parse_date(args.date), Path(args.out))
    payload = {
        "facility": sheet.facility,
        "date": sheet.on,
        "file": args.out,
        "cutoff": sheet.cutoff,
        "changed_after_cutoff": sheet.changed,
        "meals": [_meal_payload(m) for m in sheet.counts.meals],
    }
    out.result(payload, lambda: f"Đã ghi phiếu báo suất ăn ngày {sheet.on:%d/%m/%Y} vào {args.out}.")
    return 0


def cmd_meals_times(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    given = {
        name: parse_clock(getattr(args, name), name)
        for name in ("breakfast", "lunch", "dinner", "cutoff")
        if getattr(args, name)
    }
    settings = meals.set_meal_times(desk, args.facility, **given) if given else meals.meal_settings(desk, args.facility)
    t = settings.times
    payload = {
        "facility": settings.facility,
        "breakfast": f"{t.breakfast:%H:%M}",
        "lunch": f"{t.lunch:%H:%M}",
        "dinner": f"{t.dinner:%H:%M}",
        "cutoff": f"{t.cutoff:%H:%M}",
    }
    out.result(
        payload,
        lambda: (
            f"{settings.facility}: sáng {payload['breakfast']}, trưa {payload['lunch']}, tối {payload['dinner']}; "
            f"chốt suất ăn lúc {payload['cutoff']} ngày hôm trước."
        ),
    )
    return 0


def cmd_meals_expect(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    at = parse_at(args.at)
    assert at is not None
    row = meals.plan_arrival(desk, args.facility, at, args.people, args.note)
    out.result(
        {"facility": args.facility.upper(), "id": row.id, "at": row.at, "people": row.people, "note": row.note},
        lambda: f"Đã ghi: {row.people} người dự kiến đến lúc {row.at:%H:%M %d/%m/%Y}; bếp tính suất từ giờ đó.",
    )
    return 0


def cmd_meals_record(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    on = parse_date(args.date) or desk.now().date()
    row = meals.record_served(desk, args.facility, on, args.meal, args.diners, args.portions)
    out.result(
        {"facility": args.facility.upper(), "date": on, **vars(row)},
        lambda: (
            f"Đã ghi {row.portions} suất {MEAL_VI[row.meal].lower()} cho {DINERS_VI[row.diners]} "
            f"ngày {on:%d/%m/%Y}."
        ),
    )
    return 0


def register(sub: Any) -> None:
    """Registers the logistics commands on the main parser's sub-commands."""
    stock = sub.add_parser("stock", help="kho vật tư: stock KHU để xem tồn kho").add_subparsers(
        dest="action",
        required=True,
        parser_class=Parser,
        action=_DefaultAction,
        metavar="{list,receive,...}",
    )
    p = stock.add_parser("list", help="tồn kho của khu (mặc định)")
    p.add_argument("facility")
    p.set_defaults(handler=cmd_stock, reads_only=True)
    for name, handler, help_text in (
        ("receive", cmd_stock_receive, "nhập kho"),
        ("issue", cmd_stock_issue, "xuất kho (không quá số còn lại)"),
    ):
        p = stock.add_parser(name, help=help_text)
        p.add_argument("facility")
        p.add_argument("item")
        p.add_argument("quantity", type=number("quantity", 1, 1_000_000))
        p.add_argument("--reason")
        p.add_argument("--at")
        p.set_defaults(handler=handler)
    p = stock.add_parser("add-item", help="thêm một loại vật tư")
    p.add_argument("facility")
    p.add_argument("code")
    p.add_argument("name")
    p.add_argument("--unit", required=True)
    p.add_argument("--min", type=number("min_stock", 0, 1_000_000), default=0, help="tồn kho tối thiểu")
    p.set_defaults(handler=cmd_stock_add_item)
    p = stock.add_parser("movements", help="các lần nhập, xuất của một vật tư")
    p.add_argument("facility")
    p.add_argument("item")
    p.add_argument("--limit", type=number("limit", 1, 10_000), default=50)
    p.set_defaults(handler=cmd_stock_movements)
    p = stock.add_parser("distribute", help="phân phối hàng cứu trợ chia đều cho người đang cách ly")
    p.add_argument("facility")
    p.add_argument("item")
    p.add_argument("quantity", type=number("quantity", 1, 1_000_000))
    p.add_argument("--reason")
    p.add_argument("--dry-run", action="store_true", help="chỉ xem phương án, không ghi")
    p.set_defaults(handler=cmd_stock_distribute)
    ahead.register_stock(stock)

    meal = sub.add_parser("meals", help="suất ăn: meals KHU [--date D]").add_subparsers(
        dest="action",
        required=True,
        parser_class=Parser,
        action=_MealsDefault,
        metavar="{counts,sheet,times,expect,record}",
    )
    p = meal.add_parser("counts", help="số suất mỗi bữa (mặc định)")
    p.add_argument("facility")
    p.add_argument("--date")
    p.add_argument(
        "--staff",
        type=number("staff", 0, 10_000),
        help="số lực lượng phục vụ ăn mỗi bữa (mặc định: theo ca trực)",
    )
    p.set_defaults(handler=cmd_meals)
    p = meal.add_parser("sheet", help="phiếu báo suất ăn cho bếp (mặc định: ngày mai), .xlsx hoặc .pdf")
    p.add_argument("facility")
    p.add_argument("--date")
    p.add_argument("--out", required=True)
    p.set_defaults(handler=cmd_meals_sheet)
    p = meal.add_parser("times", help="giờ các bữa ăn và giờ chốt suất ăn của khu")
    p.add_argument("facility")
    for name, help_text in (
        ("breakfast", "giờ bữa sáng (mặc định 06:30)"),
        ("lunch", "giờ bữa trưa (mặc định 11:00)"),
        ("dinner", "giờ bữa tối (mặc định 17:00)"),
        ("cutoff", "giờ chốt suất ăn ngày hôm trước (mặc định 15:00)"),
    ):
        p.add_argument(f"--{name}", help=help_text)
    p.set_defaults(handler=cmd_meals_times)
    p = meal.add_parser("expect", help="đoàn người dự kiến đến: bếp tính suất từ giờ đến")
    p.add_argument("facility")
    p.add_argument("--at", required=True)
    p.add_argument("--people", type=int, required=True)
    p.add_argument("--note")
    p.set_defaults(handler=cmd_meals_expect)
    p = meal.add_parser("record", help="ghi số suất đã phát")
    p.add_argument("facility")
    p.add_argument("meal", choices=list(MEALS))
    p.add_argument("portions", type=number("portions", 0, 100_000))
    p.add_argument("--diners", choices=list(DINERS), default="quarantined")
    p.add_argument("--date")
    p.set_defaults(handler=cmd_meals_record)
