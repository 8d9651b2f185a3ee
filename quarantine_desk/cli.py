"""The scripting interface: every operation on stays as a command, over the same services as the window.

Exit codes: 0 done; 2 usage error or bad input; 3 refused by a rule; 4 not found; 5 login or role; 6 bad input
file. With ``--json`` the result goes to stdout as JSON and an error as
``{"error": CODE, "rule": "R2", "message": "..."}``; otherwise people get Vietnamese sentences.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from quarantine_desk import __version__
from quarantine_desk.cli_args import parse_at, parse_date
from quarantine_desk.domain.errors import DeskError, InvalidInput
from quarantine_desk.messages import describe
from quarantine_desk.services import auth, facilities, medical, people, stays
from quarantine_desk.services.context import Desk, open_desk
from quarantine_desk.services.setup import initialise

log = logging.getLogger(__name__)

PASSWORD_ENV = "QUARANTINE_DESK_PASSWORD"

EXIT_OK, EXIT_USAGE, EXIT_RULE, EXIT_NOT_FOUND, EXIT_NOT_ALLOWED, EXIT_BAD_FILE = 0, 2, 3, 4, 5, 6


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so the error goes out as JSON when asked."""

    def error(self, message: str) -> Any:  # type: ignore[override]
        raise UsageError(message)


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _jsonable(v) for k, v in asdict(value).items()}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, Path):
        return str(value)
    return value


def _password(prompt: str = "Mật khẩu: ") -> str:
    password = os.environ.get(PASSWORD_ENV)
    if password is not None:
        return password
    if not sys.stdin or not sys.stdin.isatty():
        raise InvalidInput("password", "empty")
    return getpass.getpass(prompt)


class Output:
    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def result(self, value: Any, text: Callable[[], str]) -> None:
        if self.as_json:
            print(json.dumps(_jsonable(value), ensure_ascii=False, indent=1))
        else:
            print(text())


# --- commands ------------------------------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace, out: Output) -> int:
    password = _password("Mật khẩu cho quản trị viên: ")
    desk, user = initialise(args.db, args.admin, password)
    try:
        out.result(
            {
                "database": desk.display_url,
                "admin": user.username if user else None,
                "created_admin": user is not None,
            },
            lambda: (
                f"Cơ sở dữ liệu sẵn sàng: {desk.display_url}."
                + (
                    f" Đã tạo quản trị viên “{user.username}”."
                    if user
                    else " Đã có người dùng; không tạo thêm quản trị viên."
                )
            ),
        )
    finally:
        desk.close()
    return EXIT_OK


def cmd_demo(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from quarantine_desk.services import demo

    summary = demo.build_demo(desk, people_count=args.people)
    out.result(
        summary,
        lambda: (
            f"Đã tạo khu cách ly mẫu {summary.facility}: {summary.rooms} phòng, "
            f"{summary.beds} giường, {summary.staying} người đang cách ly."
        ),
    )
    return EXIT_OK


def cmd_facility_add(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    row = facilities.add_facility(
        desk,
        args.code,
        args.name,
        district=args.district,
        province=args.province,
        address=args.address,
        capacity=args.capacity,
    )
    out.result(row, lambda: f"Đã thêm khu cách ly {row.code} – {row.name}.")
    return EXIT_OK


def cmd_facility_list(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    rows = facilities.list_facilities(desk)
    out.result(
        rows,
        lambda: "\n".join(
            f"{r.code}\t{r.name}\t{r.district or ''}\t{r.province or ''}"
            f"\t{'đang hoạt động' if r.active else 'đã đóng'}"
            for r in rows
        ),
    )
    return EXIT_OK


def cmd_room_add(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    names = facilities.add_rooms(desk, args.facility, args.zone, args.room, args.beds, args.sex)
    out.result(
        {
            "facility": args.facility.upper(),
            "zone": args.zone,
            "rooms": names,
            "beds": args.beds,
            "sex": args.sex,
        },
        lambda: f"Đã thêm {len(names)} phòng ({', '.join(names)}), mỗi phòng {args.beds} giường.",
    )
    return EXIT_OK


STATE_VI = {
    "ready": "sẵn sàng",
    "occupied": "có người",
    "closed": "phong tỏa",
    "awaiting_disinfection": "chờ khử khuẩn",
    "out_of_service": "ngừng sử dụng",
}


def cmd_rooms(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    rows = facilities.room_board(desk, args.facility)
    today = desk.now().date()
    payload = [
        {
            "zone": r.zone,
            "room": r.room,
            "beds": r.beds_in_service,
            "occupants": r.occupants,
            "state": r.state.value,
            "cohort": r.cohort,
            "sex": r.sex,
            "days_to_release": r.days_to_release(today),
            "disinfected_at": r.disinfected_at,
        }
        for r in rows
    ]

    def text() -> str:
        lines = ["Khu\tPhòng\tTình trạng\tNgười/giường\tNhóm\tCòn (ngày)"]
        for r in rows:
            days = r.days_to_release(today)
            lines.append(
                f"{r.zone}\t{r.room}\t{STATE_VI[r.state.value]}\t{r.occupants}/{r.beds_in_service}\t"
                f"{r.cohort or ''}\t{'' if days is None else days}"
            )
        return "\n".join(lines)

    out.result(payload, text)
    return EXIT_OK


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


def _admit_payload(r: stays.AdmitResult) -> dict[str, Any]:
    return {
        "stay": r.stay,
        "person": r.person,
        "name": r.full_name,
        "room": r.room,
        "bed": r.bed,
        "cohort": r.cohort,
        "admitted_at": r.admitted_at,
        "planned_release": r.planned_release,
        "test_days": list(r.test_days),
        "policy": r.policy,
        "reason": r.reason,
    }


def cmd_admit(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    if args.bed and not args.room:
        raise UsageError("--bed cần đi kèm --room")
    if len(args.person) > 1:
        if args.room:
            raise UsageError("--room chỉ dùng khi nhận một người")
        results = stays.admit_group(desk, args.person, args.facility, args.cohort, at=parse_at(args.at))
        out.result(
            [_admit_payload(r) for r in results],
            lambda: "\n".join(
                f"Đã nhận {r.full_name}: phòng {r.room}, giường {r.bed}, dự kiến ra {r.planned_release:%d/%m/%Y}."
                for r in results
            ),
        )
        return EXIT_OK
    r = stays.admit(
        desk, args.person[0], args.facility, args.cohort, room=args.room, bed=args.bed, at=parse_at(args.at)
    )
    out.result(
        _admit_payload(r),
        lambda: (
            f"Đã nhận {r.full_name}: phòng {r.room}, giường {r.bed}, nhóm “{r.cohort}”, dự kiến ra "
            f"{r.planned_release:%d/%m/%Y}; xét nghiệm các ngày "
            f"{', '.join(d.strftime('%d/%m') for d in r.test_days)}."
        ),
    )
    return EXIT_OK


def cmd_test(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    r = medical.record_test(desk, args.person, args.kind, args.result, at=parse_at(args.at))

    def text() -> str:
        if r.result != "positive":
            return "Đã ghi kết quả xét nghiệm."
        return (
            f"DƯƠNG TÍNH: đã đánh dấu chuyển điều trị; phòng {r.room_closed} bị phong tỏa; "
            f"{len(r.roommates_restarted)} người cùng phòng tính lại thời gian cách ly."
        )

    out.result(r, text)
    return EXIT_OK


def cmd_release(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    r = stays.release(desk, args.person, at=parse_at(args.at), override=args.override)
    out.result(r, lambda: f"{r.full_name} đã hoàn thành cách ly ({r.released_at:%d/%m/%Y %H:%M}).")
    return EXIT_OK


def cmd_transfer(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    r = stays.transfer(desk, args.person, args.to, at=parse_at(args.at))
    out.result(r, lambda: f"Đã chuyển {r.full_name} đến {r.transfer_to}.")
    return EXIT_OK


def cmd_disinfect(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    stays.disinfect(desk, args.facility, args.room, at=parse_at(args.at), by=args.by)
    out.result(
        {"facility": args.facility.upper(), "room": args.room, "state": "ready"},
        lambda: f"Đã ghi nhận khử khuẩn phòng {args.room}.",
    )
    return EXIT_OK


def _roster_payload(r: stays.StayRow) -> dict[str, Any]:
    return {
        "person": r.person,
        "id_number": r.id_number,
        "name": r.full_name,
        "sex": r.sex,
        "room": r.room,
        "bed": r.bed,
        "cohort": r.cohort,
        "admitted_at": r.admitted_at,
        "planned_release": r.planned_release,
        "released_at": r.released_at,
        "outcome": r.outcome,
        "stay": r.stay,
    }


def cmd_roster(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    rows = stays.roster(desk, args.facility, parse_date(args.date))
    out.result(
        [_roster_payload(r) for r in rows],
        lambda: (
            "\n".join(
                f"{i}\t{r.full_name}\t{r.birth_year or ''}\t{'Nam' if r.sex == 'M' else 'Nữ'}\t{r.room}-{r.bed}\t"
                f"{r.cohort}\t{r.admitted_at:%d/%m/%Y}\t{r.planned_release:%d/%m/%Y}"
                for i, r in enumerate(rows, 1)
            )
            or "Không có ai."
        ),
    )
    return EXIT_OK


def cmd_user_add(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    password = os.environ.get("QUARANTINE_DESK_NEW_PASSWORD") or _password("Mật khẩu cho người dùng mới: ")
    row = auth.create_user(desk, args.username, password, args.role, args.full_name)
    out.result(row, lambda: f"Đã tạo người dùng {row.username} ({row.role.value}).")
    return EXIT_OK


# --- parser --------------------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="quarantine-desk", description="Quản lý khu cách ly tập trung.")
    parser.add_argument("--version", action="version", version=f"quarantine-desk {__version__}")
    parser.add_argument(
        "--db", help="địa chỉ cơ sở dữ liệu (mặc định: biến QUARANTINE_DESK_DB, rồi tệp SQLite)"
    )
    parser.add_argument("--json", action="store_true", help="kết quả dạng JSON")
    parser.add_argument("--user", help="tên đăng nhập (mật khẩu trong QUARANTINE_DESK_PASSWORD hoặc nhập)")
    parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="ngôn ngữ thông báo")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("init", help="tạo hoặc nâng cấp cơ sở dữ liệu; quản trị viên đầu tiên")
    p.add_argument("--admin", required=True)
    p.set_defaults(handler=cmd_init, needs_login=False)

    p = sub.add_parser("demo", help="tạo khu cách ly mẫu")
    p.add_argument("--people", type=int, default=150)
    p.set_defaults(handler=cmd_demo)

    facility = sub.add_parser("facility", help="khu cách ly").add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    p = facility.add_parser("add")
    p.add_argument("code")
    p.add_argument("name")
    p.add_argument("--district")
    p.add_argument("--province")
    p.add_argument("--address")
    p.add_argument("--capacity", type=int)
    p.set_defaults(handler=cmd_facility_add)
    p = facility.add_parser("list")
    p.set_defaults(handler=cmd_facility_list)

    room = sub.add_parser("room", help="phòng").add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    p = room.add_parser("add", help="thêm phòng; ROOM có thể là một khoảng, ví dụ 201-220")
    p.add_argument("facility")
    p.add_argument("zone")
    p.add_argument("room")
    p.add_argument("--beds", type=int, required=True)
    p.add_argument("--sex", default="any", choices=["M", "F", "any"])
    p.set_defaults(handler=cmd_room_add)

    p = sub.add_parser("rooms", help="tình trạng các phòng")
    p.add_argument("facility")
    p.set_defaults(handler=cmd_rooms)

    person = sub.add_parser("person", help="người cách ly").add_subparsers(
        dest="action", required=True, parser_class=_Parser
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
        dest="action", required=True, parser_class=_Parser
    )
    p = search.add_parser("search")
    p.add_argument("text")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(handler=cmd_people_search)

    p = sub.add_parser("admit", help="nhận người vào cách ly")
    p.add_argument("person", nargs="+")
    p.add_argument("--facility", required=True)
    p.add_argument("--cohort", required=True)
    p.add_argument("--room")
    p.add_argument("--bed")
    p.add_argument("--at")
    p.set_defaults(handler=cmd_admit)

    p = sub.add_parser("test", help="ghi kết quả xét nghiệm")
    p.add_argument("person")
    p.add_argument("--kind", required=True, choices=["rapid", "pcr"])
    p.add_argument("--result", required=True, choices=["negative", "positive", "pending"])
    p.add_argument("--at")
    p.set_defaults(handler=cmd_test)

    p = sub.add_parser("release", help="hoàn thành cách ly")
    p.add_argument("person")
    p.add_argument("--at")
    p.add_argument("--override", metavar="REASON")
    p.set_defaults(handler=cmd_release)

    p = sub.add_parser("transfer", help="chuyển đi (cơ sở điều trị)")
    p.add_argument("person")
    p.add_argument("--to", required=True)
    p.add_argument("--at")
    p.set_defaults(handler=cmd_transfer)

    p = sub.add_parser("disinfect", help="ghi nhận khử khuẩn phòng")
    p.add_argument("facility")
    p.add_argument("room")
    p.add_argument("--at")
    p.add_argument("--by")
    p.set_defaults(handler=cmd_disinfect)

    p = sub.add_parser("roster", help="danh sách người trong khu vào một ngày")
    p.add_argument("facility")
    p.add_argument("--date")
    p.set_defaults(handler=cmd_roster)

    user = sub.add_parser("user", help="người dùng").add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    p = user.add_parser("add", help="mật khẩu mới trong QUARANTINE_DESK_NEW_PASSWORD hoặc nhập")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=["admin", "manager", "medical", "logistics", "viewer"])
    p.add_argument("--full-name")
    p.set_defaults(handler=cmd_user_add)

    _add_document_commands(sub)
    __import__("quarantine_desk.cli_shifts").cli_shifts.add_commands(sub, _Parser)  # staff, duty shifts
    __import__("quarantine_desk.cli_logistics").cli_logistics.add_commands(sub, _Parser)  # stock, meals
    return parser


def _add_document_commands(sub: Any) -> None:
    """Exports, reports, certificates, imports and backups (quarantine_desk.cli_documents)."""
    from quarantine_desk import cli_documents

    cli_documents.add_commands(sub, _Parser)


def _login(args: argparse.Namespace) -> Desk:
    desk = open_desk(args.db)
    if not args.user:
        desk.close()
        from quarantine_desk.domain.errors import LoginRequired

        raise LoginRequired()
    try:
        return auth.login(desk, args.user, _password())
    except BaseException:
        desk.close()
        raise


def _error(out: Output, code: str, rule: str | None, message: str, exit_code: int) -> int:
    if out.as_json:
        print(json.dumps({"error": code, "rule": rule, "message": message}, ensure_ascii=False))
    else:
        print(message, file=sys.stderr)
    return exit_code


def run(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code. ``None`` command opens the window (see __main__)."""
    parser = build_parser()
    as_json = "--json" in (argv if argv is not None else sys.argv[1:])
    out = Output(as_json)
    lang = "vi"
    try:
        args = parser.parse_args(argv)
        lang = args.lang
        if not args.command:
            return -1
        if not getattr(args, "needs_login", True):
            return int(args.handler(args, out))
        desk = _login(args)
        try:
            return int(args.handler(desk, args, out))
        finally:
            desk.close()
    except UsageError as exc:
        return _error(out, "usage", None, f"Lệnh không đúng: {exc}", EXIT_USAGE)
    except DeskError as exc:
        log.info("command refused: %s", exc)
        return _error(out, exc.code, exc.rule, describe(exc, lang), exc.exit_code)
    except KeyboardInterrupt:
        return _error(out, "cancelled", None, "Đã hủy.", 130)
    except Exception as exc:  # a bug: keep the traceback in the log, give the user a sentence
        log.exception("unexpected error")
        return _error(
            out, "internal", None, f"Lỗi không mong đợi ({type(exc).__name__}); chi tiết trong nhật ký.", 1
        )
