"""People: adding a person, searching the register."""

from __future__ import annotations

import argparse
from typing import Any

from quarantine_desk.cli.args import Parser
from quarantine_desk.cli.output import EXIT_OK, Output
from quarantine_desk.services import people
from quarantine_desk.services.context import Desk


def cmd_person_add(desk: Desk, args: argparse.Namespace, out: Output) -> int:
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
    p.add_argument("--name", required=True)
    p.add_argument("--sex", required=True)
    p.add_argument("--born", required=True)
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
