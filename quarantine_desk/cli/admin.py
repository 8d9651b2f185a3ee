"""Setting up: the database and its first administrator, the demo, facilities, rooms, users."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any

from quarantine_desk.cli import documents
from quarantine_desk.cli.args import Parser, number, output_path, password
from quarantine_desk.cli.output import EXIT_OK, EXIT_RULE, Output
from quarantine_desk.lazy import lazy_module

if TYPE_CHECKING:
    from quarantine_desk.services import audit, auth, facilities, setup
    from quarantine_desk.services.context import Desk
else:
    setup = lazy_module("quarantine_desk.services.setup")
    auth = lazy_module("quarantine_desk.services.auth")
    audit = lazy_module("quarantine_desk.services.audit")
    facilities = lazy_module("quarantine_desk.services.facilities")


def cmd_init(args: argparse.Namespace, out: Output) -> int:
    desk, user = setup.initialise(args.db, args.admin, password("Mật khẩu cho quản trị viên: "))
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


def cmd_check(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from quarantine_desk.messages import check_problem
    from quarantine_desk.services import check

    found = check.check(desk)
    out.result(
        [p.as_dict() for p in found],
        lambda: (
            "\n".join(check_problem(p.problem, p.where, args.lang) for p in found)
            if found
            else ("Dữ liệu đúng các quy tắc." if args.lang == "vi" else "The data keeps the rules.")
        ),
    )
    return EXIT_RULE if found else EXIT_OK


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


def cmd_facility_close(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    """Close (takes nobody more; refused while people stay there) or reopen a facility."""
    opening = args.action == "open"
    row = facilities.set_facility_active(desk, args.code, opening)
    out.result(
        row,
        lambda: f"Đã mở lại khu cách ly {row.code}." if opening else f"Đã đóng khu cách ly {row.code}.",
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
            "special_watch": r.special_watch,  # occupants who need special watch: the board's badge
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


def _user_line(row: auth.UserInfo) -> str:
    where = ", ".join(row.facilities) if row.facilities else "toàn huyện"
    return f"{row.username} ({row.role.value}; {where})"


def cmd_user_add(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    new_password = os.environ.get("QUARANTINE_DESK_NEW_PASSWORD") or password("Mật khẩu cho người dùng mới: ")
    row = auth.create_user(
        desk,
        args.username,
        new_password,
        args.role,
        args.full_name,
        facilities=None if args.district else args.facility,
    )
    out.result(row, lambda: f"Đã tạo người dùng {_user_line(row)}.")
    return EXIT_OK


def cmd_user_set(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    row = auth.update_user(
        desk, args.username, role=args.role, facilities=args.facility, district=args.district
    )
    out.result(row, lambda: f"Đã cập nhật người dùng {_user_line(row)}.")
    return EXIT_OK


def cmd_user_list(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    rows = auth.list_users(desk)
    out.result(
        rows,
        lambda: "\n".join(_user_line(r) + ("" if r.active else " – đã khóa") for r in rows),
    )
    return EXIT_OK


def cmd_user_unlock(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    count = auth.unlock_user(desk, args.username)
    out.result(
        {"user": args.username, "sources": count},
        lambda: f"Đã mở khóa đăng nhập cho {args.username} ({count} máy đang phải chờ).",
    )
    return EXIT_OK


def cmd_audit_verify(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    """The audit chain and the users' seals; exit 3 with the problems when something was changed by hand."""
    problems = audit.verify(desk)
    out.result(
        [{"problem": p.problem, "where": p.where} for p in problems],
        lambda: (
            "\n".join(f"{AUDIT_PROBLEMS_VI[p.problem]}: {p.where}" for p in problems)
            or "Nhật ký và người dùng nguyên vẹn."
        ),
    )
    return EXIT_RULE if problems else EXIT_OK


AUDIT_PROBLEMS_VI = {
    "audit_event_edited": "Sự kiện nhật ký bị sửa",
    "audit_event_missing": "Sự kiện nhật ký bị xóa",
    "audit_event_unchained": "Sự kiện nhật ký được thêm ngoài chương trình",
    "audit_chain_head": "Các sự kiện cuối của nhật ký bị xóa",
    "user_seal": "Vai trò hoặc khu cách ly của người dùng bị sửa ngoài chương trình",
}


def _scope_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    group = p.add_mutually_exclusive_group(required=required)
    group.add_argument(
        "--facility", action="append", metavar="CODE", help="khu cách ly người dùng làm việc (có thể lặp lại)"
    )
    group.add_argument("--district", action="store_true", help="làm việc cho cả huyện (mọi khu cách ly)")


def register(sub: Any) -> None:
    """Adds the set-up commands to the main parser's sub-commands."""
    p = sub.add_parser("init", help="tạo hoặc nâng cấp cơ sở dữ liệu; quản trị viên đầu tiên")
    p.add_argument("--admin", required=True)
    p.set_defaults(handler=cmd_init, needs_login=False)

    p = sub.add_parser(
        "check", help="kiểm tra dữ liệu theo các quy tắc (thoát 0: đúng; 3: có vi phạm, liệt kê từng lỗi)"
    )
    p.set_defaults(handler=cmd_check, reads_only=True)

    p = sub.add_parser("demo", help="tạo khu cách ly mẫu")
    p.add_argument("--people", type=number("demo_people", 1, 50_000), default=150)
    p.set_defaults(handler=cmd_demo)

    facility = sub.add_parser("facility", help="khu cách ly").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = facility.add_parser("add")
    p.add_argument("code")
    p.add_argument("name")
    p.add_argument("--district")
    p.add_argument("--province")
    p.add_argument("--address")
    p.add_argument("--capacity", type=number("capacity", 1, 100_000))
    p.set_defaults(handler=cmd_facility_add)
    p = facility.add_parser("list")
    p.set_defaults(handler=cmd_facility_list, reads_only=True)
    p = facility.add_parser("close", help="đóng khu (chỉ khi không còn ai đang cách ly)")
    p.add_argument("code")
    p.set_defaults(handler=cmd_facility_close)
    p = facility.add_parser("open", help="mở lại khu")
    p.add_argument("code")
    p.set_defaults(handler=cmd_facility_close)
    key = facility.add_parser("key", help="khóa ký giấy xác nhận").add_subparsers(
        dest="key_action", required=True, parser_class=Parser
    )
    p = key.add_parser("export", help="ghi khóa công khai ra tệp, để nơi khác kiểm tra giấy xác nhận")
    p.add_argument("facility")
    p.add_argument("--out", required=True, type=output_path)
    p.set_defaults(handler=documents.cmd_facility_key_export)
    p = key.add_parser(
        "new",
        help="tạo khóa ký mới (khi khóa cũ không còn, ví dụ sau khi khôi phục bản sao lưu không mã hóa)",
    )
    p.add_argument("facility")
    p.set_defaults(handler=documents.cmd_facility_key_new)

    room = sub.add_parser("room", help="phòng").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = room.add_parser("add", help="thêm phòng; ROOM có thể là một khoảng, ví dụ 201-220")
    p.add_argument("facility")
    p.add_argument("zone")
    p.add_argument("room")
    p.add_argument("--beds", type=number("beds", 1, 50), required=True)
    p.add_argument("--sex", default="any", choices=["M", "F", "any"])
    p.set_defaults(handler=cmd_room_add)

    p = sub.add_parser("rooms", help="tình trạng các phòng")
    p.add_argument("facility")
    p.set_defaults(handler=cmd_rooms, reads_only=True)

    user = sub.add_parser("user", help="người dùng").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    roles = ["admin", "manager", "medical", "logistics", "viewer"]
    p = user.add_parser("add", help="mật khẩu mới trong QUARANTINE_DESK_NEW_PASSWORD hoặc nhập")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=roles)
    p.add_argument("--full-name")
    _scope_options(p, required=True)
    p.set_defaults(handler=cmd_user_add)
    p = user.add_parser("set", help="đổi vai trò hoặc khu cách ly của người dùng")
    p.add_argument("username")
    p.add_argument("--role", choices=roles)
    _scope_options(p, required=False)
    p.set_defaults(handler=cmd_user_set)
    p = user.add_parser("list", help="người dùng, vai trò và khu cách ly")
    p.set_defaults(handler=cmd_user_list, reads_only=True)
    p = user.add_parser("unlock", help="cho đăng nhập lại ngay sau nhiều lần nhập sai mật khẩu")
    p.add_argument("username")
    p.set_defaults(handler=cmd_user_unlock)

    trail = sub.add_parser("audit", help="nhật ký thao tác").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = trail.add_parser("verify", help="kiểm tra nhật ký và người dùng có bị sửa ngoài chương trình không")
    p.set_defaults(handler=cmd_audit_verify)
