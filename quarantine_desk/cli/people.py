"""People: adding a person, searching the register."""

from __future__ import annotations

import argparse
from typing import Any

from quarantine_desk.cli.args import Parser, UsageError
from quarantine_desk.cli.output import EXIT_OK, Output
from quarantine_desk.services import people
from quarantine_desk.services.context import Desk


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
    p.add_argument("--doses", type=int, default=0)
    p.add_argument("--last-dose")
    p.add_argument("--recovered")
    p.set_defaults(handler=cmd_person_add)

    search = sub.add_parser("people", help="tìm người").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = search.add_parser("search")
    p.add_argument("text")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(handler=cmd_people_search)
