"""People: adding a person, searching the register."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from quarantine_desk.cli.args import Parser, UsageError, number, parse_date
from quarantine_desk.cli.output import EXIT_OK, Output
from quarantine_desk.lazy import lazy_module

if TYPE_CHECKING:
    from quarantine_desk.services import people, vaccination
    from quarantine_desk.services.context import Desk
else:
    people = lazy_module("quarantine_desk.services.people")
    vaccination = lazy_module("quarantine_desk.services.vaccination")


def cmd_person_add(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    if args.qr is not None:
        given = [f"--{k}" for k in ("name", "sex", "born", "id_number", "address") if getattr(args, k)]
        if given:
            raise UsageError(f"{', '.join(given).replace('_', '-')}: đã có trong mã QR (--qr)")
        row = people.add_person_from_qr(
            desk,
            args.qr,
            phone=args.phone or "",
            household=args.household or "",
            doses=str(args.doses),
            last_dose_on=args.last_dose or "",
            recovered_on=args.recovered or "",
        )
        return _added(row, out)
    missing = [f"--{k}" for k in ("name", "sex", "born") if not getattr(args, k)]
    if missing:
        raise UsageError(f"thiếu {', '.join(missing)} (hoặc --qr với mã QR của CCCD gắn chip)")
    row = people.add_person(
        desk,
        people.NewPerson(
            name=args.name,
            sex=args.sex,
            born=args.born,
            id_number=args.id_number or "",
            phone=args.phone or "",
            address=args.address or "",
            household=args.household or "",
            doses=str(args.doses),
            last_dose_on=args.last_dose or "",
            recovered_on=args.recovered or "",
        ),
    )
    return _added(row, out)


def _added(row: people.PersonRow, out: Output) -> int:
    out.result(
        {
            "person": row.id,
            "id_number": row.id_number,
            "name": row.full_name,
            "born": row.born,
            "sex": row.sex.value,
        },
        lambda: f"Đã thêm {row.full_name} (số {row.id}).",
    )
    return EXIT_OK


def cmd_people_search(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    rows = people.search_people(desk, args.text, limit=args.limit)
    payload = [
        {
            "person": r.id,
            "id_number": r.id_number,
            "name": r.full_name,
            "born": r.born,
            "sex": r.sex.value,
            "phone": r.phone,
            "facility": r.facility,
            "room": r.room,
        }
        for r in rows
    ]
    out.result(
        payload,
        lambda: (
            "\n".join(
                f"{r.id}\t{r.full_name}\t{r.born}\t{r.id_number or ''}\t{r.phone or ''}"
                f"{chr(9) + r.facility + '/' + (r.room or '') if r.facility else ''}"
                for r in rows
            )
            or "Không tìm thấy ai."
        ),
    )
    return EXIT_OK


def _dose(text: str) -> people.Dose:
    """``DATE`` or ``DATE:VACCINE`` ("2021-08-01:AstraZeneca"); ``?`` for a dose whose date is not known."""
    day, _, vaccine = text.partition(":")
    given = None if day.strip() in ("", "?") else parse_date(day.strip(), "dose")
    return people.Dose(given, vaccine.strip() or None)


def cmd_person_edit(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    if args.no_doses and args.dose:
        raise UsageError("--no-doses và --dose không dùng cùng nhau")
    doses = [_dose(d) for d in args.dose] if args.dose else ([] if args.no_doses else None)
    recovered = parse_date(args.recovered, "recovered_on") if args.recovered else None
    result = vaccination.edit_person(
        desk,
        args.person,
        vaccination.PersonEdit(
            name=args.name,
            sex=args.sex,
            born=args.born,
            id_number=args.id_number,
            phone=args.phone,
            address=args.address,
            household=args.household,
            doses=doses,
            recovered_on=recovered,
            clear_recovered=args.not_recovered,
            details=people.Details(
                commune=args.commune,
                district=args.district,
                province=args.province,
                f_level=args.f_level,
                exposure=args.exposure,
                relative_name=args.relative_name,
                relative_phone=args.relative_phone,
                conditions=args.conditions,
                pregnant=args.pregnant,
                special_watch=args.watch,
                notes=args.notes,
                diet=args.diet,
            ),
        ),
    )
    row, moved = result.person, result.recomputed

    def text() -> str:
        line = f"Đã sửa thông tin {row.full_name} (số {row.id}); {len(result.doses)} mũi tiêm."
        if moved is not None:
            line += (
                f" Quy định cách ly đổi từ “{moved.policy_before}” sang “{moved.policy_after}”: dự kiến ra "
                f"{moved.planned_before:%d/%m/%Y} → {moved.planned_after:%d/%m/%Y}."
            )
        return line

    out.result(
        {
            "person": row.id,
            "id_number": row.id_number,
            "name": row.full_name,
            "born": row.born,
            "sex": row.sex.value,
            "doses": [{"date": d.given_on, "vaccine": d.vaccine} for d in result.doses],
            "recovered_on": row.recovered_on,
            **{
                k: getattr(row, k)
                for k in (
                    "commune",
                    "district",
                    "province",
                    "f_level",
                    "exposure",
                    "relative_name",
                    "relative_phone",
                    "conditions",
                    "pregnant",
                    "special_watch",
                    "notes",
                )
            },
            "recomputed": None
            if moved is None
            else {
                "stay": moved.stay,
                "policy_before": moved.policy_before,
                "policy_after": moved.policy_after,
                "planned_before": moved.planned_before,
                "planned_after": moved.planned_after,
            },
        },
        text,
    )
    return EXIT_OK


def register(sub: Any) -> None:
    """Adds ``person`` and ``people`` to the main parser's sub-commands."""
    person = sub.add_parser("person", help="người cách ly").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = person.add_parser("add")
    p.add_argument(
        "--qr", help="mã QR của CCCD gắn chip: CCCD|CMND cũ|Họ tên|ddmmyyyy|Nam/Nữ|địa chỉ|ngày cấp"
    )
    p.add_argument("--name")
    p.add_argument("--sex")
    p.add_argument("--born")
    p.add_argument("--id-number")
    p.add_argument("--phone")
    p.add_argument("--address")
    p.add_argument("--household")
    p.add_argument("--doses", type=number("doses", 0, 10), default=0)
    p.add_argument("--last-dose")
    p.add_argument("--recovered")
    p.set_defaults(handler=cmd_person_add)

    p = person.add_parser("edit", help="sửa thông tin; mũi tiêm và ngày khỏi bệnh tính lại ngày ra dự kiến")
    p.add_argument("person")
    p.add_argument("--name")
    p.add_argument("--sex")
    p.add_argument("--born")
    p.add_argument("--id-number")
    p.add_argument("--phone")
    p.add_argument("--address")
    p.add_argument("--household")
    p.add_argument(
        "--dose", action="append", metavar="DATE[:VẮC-XIN]", help="mỗi mũi một lần; thay toàn bộ lịch sử tiêm"
    )
    p.add_argument("--no-doses", action="store_true", help="xóa lịch sử tiêm (chưa tiêm)")
    p.add_argument("--recovered", metavar="DATE")
    p.add_argument("--not-recovered", action="store_true")
    p.add_argument("--commune", help="xã/phường")
    p.add_argument("--district", help="quận/huyện")
    p.add_argument("--province", help="tỉnh/thành phố")
    p.add_argument("--f-level", help="F1, F2, về từ vùng dịch, khác")
    p.add_argument("--exposure", help="mã ca F0 hoặc nơi tiếp xúc")
    p.add_argument("--relative-name", help="người thân để liên hệ")
    p.add_argument("--relative-phone")
    p.add_argument("--conditions", help="bệnh nền, thai kỳ…")
    p.add_argument("--pregnant", action=argparse.BooleanOptionalAction, default=None, help="có thai")
    p.add_argument(
        "--watch", action=argparse.BooleanOptionalAction, default=None, help="cần theo dõi đặc biệt"
    )
    p.add_argument("--notes", help="ghi chú")
    p.add_argument("--diet", help="chế độ ăn: regular (thường), vegetarian (chay), child (trẻ em), soft (mềm), special")
    p.set_defaults(handler=cmd_person_edit)

    search = sub.add_parser("people", help="tìm người").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = search.add_parser("search")
    p.add_argument("text")
    p.add_argument("--limit", type=number("limit", 1, 10_000), default=50)
    p.set_defaults(handler=cmd_people_search, reads_only=True)
