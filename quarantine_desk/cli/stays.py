"""Stays: admission, test results, release, transfer, disinfection, the roster of a day."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from quarantine_desk.cli.args import UsageError, parse_at, parse_date
from quarantine_desk.cli.output import EXIT_OK, Output
from quarantine_desk.domain.cohorts import parse_kind
from quarantine_desk.domain.stays import RELEASE_OUTCOMES, TestKind, TestResult
from quarantine_desk.lazy import lazy_module

if TYPE_CHECKING:
    from quarantine_desk.services import medical, stays
    from quarantine_desk.services.context import Desk
else:
    medical = lazy_module("quarantine_desk.services.medical")
    stays = lazy_module("quarantine_desk.services.stays")


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


def _new_cohort(args: argparse.Namespace) -> stays.NewCohort:
    return stays.NewCohort(
        parse_kind(args.kind), parse_date(args.exposure_date, "exposure_date"), args.source or None
    )


def cmd_admit(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    if args.bed and not args.room:
        raise UsageError("--bed cần đi kèm --room")
    if args.as_contact and not args.room:
        raise UsageError("--as-contact cần đi kèm --room")
    if len(args.person) > 1:
        if args.room:
            raise UsageError("--room chỉ dùng khi nhận một người")
        results = stays.admit_group(
            desk, args.person, args.facility, args.cohort, at=parse_at(args.at), new_cohort=_new_cohort(args)
        )
        out.result(
            [_admit_payload(r) for r in results],
            lambda: "\n".join(
                f"Đã nhận {r.full_name}: phòng {r.room}, giường {r.bed}, dự kiến ra {r.planned_release:%d/%m/%Y}."
                for r in results
            ),
        )
        return EXIT_OK
    r = stays.admit(
        desk,
        args.person[0],
        args.facility,
        args.cohort,
        room=args.room,
        bed=args.bed,
        at=parse_at(args.at),
        as_contact=args.as_contact,
        new_cohort=_new_cohort(args),
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
        if r.result is not TestResult.POSITIVE:
            return "Đã ghi kết quả xét nghiệm."
        return (
            f"DƯƠNG TÍNH: đã đánh dấu chuyển điều trị; phòng {r.room_closed} bị phong tỏa; "
            f"{len(r.roommates_restarted)} người cùng phòng tính lại thời gian cách ly."
        )

    out.result(r, text)
    return EXIT_OK


RELEASE_SENTENCES = {
    "completed": "{name} đã hoàn thành cách ly ({at}).",
    "released_early": "{name} ra khỏi khu cách ly trước thời hạn ({at}); lý do: {reason}.",
    "home_quarantine": "{name} chuyển sang cách ly tại nhà ({at}): {reason}.",
    "other": "{name} ra khỏi khu cách ly ({at}); lý do: {reason}.",
}


def cmd_release(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    r = stays.release(
        desk,
        args.person,
        at=parse_at(args.at),
        override=args.override,
        outcome=args.outcome,
        home_address=args.home,
    )
    assert r.released_at is not None and r.outcome is not None
    out.result(
        {
            "stay": r.stay,
            "person": r.person,
            "name": r.full_name,
            "released_at": r.released_at,
            "outcome": r.outcome,
            "reason": r.reason,
        },
        lambda: RELEASE_SENTENCES.get(r.outcome or "", RELEASE_SENTENCES["other"]).format(
            name=r.full_name, at=f"{r.released_at:%d/%m/%Y %H:%M}", reason=r.reason or ""
        ),
    )
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
        "f_level": r.f_level,
        "exposure": r.exposure,
        "special_watch": r.special_watch,
    }


def cmd_roster(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    if args.date and args.at:
        raise UsageError("--date và --at không dùng cùng nhau")
    rows = stays.roster(desk, args.facility, parse_date(args.date), at=parse_at(args.at))
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


def register(sub: Any) -> None:
    """Adds the commands on stays to the main parser's sub-commands."""
    p = sub.add_parser("admit", help="nhận người vào cách ly")
    p.add_argument("person", nargs="+")
    p.add_argument("--facility", required=True)
    p.add_argument("--cohort", required=True)
    p.add_argument("--room")
    p.add_argument("--bed")
    p.add_argument("--at")
    p.add_argument(
        "--as-contact",
        action="store_true",
        help="trưởng ban nhận vào phòng của nhóm khác/ngày trước như người tiếp xúc: cả phòng tính lại từ đầu",
    )
    p.add_argument("--kind", choices=["f1_contact", "returnee", "other"], help="loại nhóm mới")
    p.add_argument("--exposure-date", metavar="DATE", help="ngày phơi nhiễm / ngày đến của nhóm mới")
    p.add_argument("--source", help="nguồn của nhóm mới: mã ca F0, chuyến bay, chốt")
    p.set_defaults(handler=cmd_admit)

    p = sub.add_parser("test", help="ghi kết quả xét nghiệm")
    p.add_argument("person")
    p.add_argument("--kind", required=True, choices=[k.value for k in TestKind])
    p.add_argument("--result", required=True, choices=[r.value for r in TestResult])
    p.add_argument("--at")
    p.set_defaults(handler=cmd_test)

    p = sub.add_parser("release", help="cho ra khỏi khu cách ly (hoàn thành, ra sớm, về nhà, khác)")
    p.add_argument("person")
    p.add_argument("--at")
    p.add_argument("--override", metavar="REASON", help="lý do (trưởng ban duyệt khi chưa đủ điều kiện)")
    p.add_argument("--outcome", choices=[o.value for o in RELEASE_OUTCOMES])
    p.add_argument("--home", metavar="ADDRESS", help="địa chỉ cách ly tại nhà (--outcome home_quarantine)")
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

    p = sub.add_parser(
        "roster", help="những người đang ở trong khu: cuối ngày --date (bây giờ nếu là hôm nay) hoặc lúc --at"
    )
    p.add_argument("facility")
    p.add_argument("--date")
    p.add_argument("--at")
    p.set_defaults(handler=cmd_roster)
