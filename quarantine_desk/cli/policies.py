"""Quarantine policies (R6) and cohorts: ``policy list``, ``policy add``, ``policy apply`` (lists the stays in
progress it would change; changes them only with ``--yes``), and ``cohort list``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from quarantine_desk.cli.args import Parser, UsageError, number, parse_at, parse_date
from quarantine_desk.cli.output import EXIT_OK, Output
from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.domain.policy import PolicyKind, PolicyProfile
from quarantine_desk.lazy import lazy_module

if TYPE_CHECKING:
    from quarantine_desk.services import cohorts, policies
    from quarantine_desk.services.context import Desk
else:
    cohorts = lazy_module("quarantine_desk.services.cohorts")
    policies = lazy_module("quarantine_desk.services.policies")


def _policy_payload(p: PolicyProfile) -> dict[str, Any]:
    return {
        "policy": p.id,
        "name": p.name,
        "kind": p.kind.value,
        "days": p.days,
        "test_days": list(p.test_days),
        "effective_from": p.effective_from,
        "effective_to": p.effective_to,
        "version": p.version,
    }


def cmd_policy_list(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    rows = policies.list_policies(desk)
    out.result(
        [_policy_payload(p) for p in rows],
        lambda: "\n".join(
            f"{p.id}\t{p.name}\t{p.days} ngày\txét nghiệm ngày {','.join(map(str, p.test_days))}\t"
            f"từ {p.effective_from:%d/%m/%Y}"
            + (f" đến {p.effective_to:%d/%m/%Y}" if p.effective_to else "")
            + ("\t(đã tiêm đủ / đã khỏi)" if p.kind is PolicyKind.PROTECTED else "")
            for p in rows
        ),
    )
    return EXIT_OK


def _test_days(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(d) for d in text.split(",") if d.strip())
    except ValueError:
        raise InvalidInput("test_days", "bad_format", text) from None


def cmd_policy_add(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    start = parse_date(args.from_, "from")
    if start is None:
        raise UsageError("--from là bắt buộc")
    saved = policies.save_policy(
        desk,
        PolicyProfile(
            None,
            args.name,
            start,
            parse_date(args.to, "effective_to"),
            PolicyKind.PROTECTED if args.protected else PolicyKind.STANDARD,
            args.days,
            _test_days(args.test_days),
        ),
    )
    out.result(
        _policy_payload(saved),
        lambda: (
            f"Đã thêm quy định “{saved.name}” (số {saved.id}): {saved.days} ngày, áp dụng cho người vào từ "
            f"{saved.effective_from:%d/%m/%Y}; người đang cách ly giữ quy định cũ."
        ),
    )
    return EXIT_OK


def cmd_policy_apply(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    result = policies.apply_policy(desk, args.policy, args.facility, confirm=args.yes)

    def text() -> str:
        lines = [
            f"{c.full_name}\tphòng {c.room}\t{c.policy_before}\tdự kiến ra {c.planned_before:%d/%m/%Y} → "
            f"{c.planned_after:%d/%m/%Y}"
            for c in result.changes
        ]
        if not result.changes:
            return f"Không có người đang cách ly nào tại {result.facility} thay đổi theo quy định “{result.policy}”."
        if result.applied:
            return "\n".join([f"Đã áp dụng “{result.policy}” cho {len(result.changes)} người:", *lines])
        return "\n".join(
            [
                f"Áp dụng “{result.policy}” sẽ thay đổi {len(result.changes)} người đang cách ly:",
                *lines,
                "Chưa thay đổi gì. Chạy lại với --yes để xác nhận.",
            ]
        )

    out.result(
        {
            "policy": result.policy,
            "facility": result.facility,
            "applied": result.applied,
            "stays": [
                {
                    "stay": c.stay,
                    "person": c.person,
                    "name": c.full_name,
                    "room": c.room,
                    "policy_before": c.policy_before,
                    "planned_before": c.planned_before,
                    "planned_after": c.planned_after,
                    "test_days": list(c.test_days_after),
                }
                for c in result.changes
            ],
        },
        text,
    )
    return EXIT_OK


KIND_LABELS = {"f1_contact": "F1 (tiếp xúc gần)", "returnee": "Người về từ nơi khác", "other": "Khác"}


def cmd_cohort_list(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    rows = cohorts.list_cohorts(desk, args.facility, at=parse_at(args.at))
    out.result(
        [
            {
                "cohort": r.cohort,
                "kind": r.kind,
                "exposure_date": r.exposure_date,
                "source": r.source,
                "admitted_on": r.admitted_on,
                "rooms": list(r.rooms),
                "people": r.people,
            }
            for r in rows
        ],
        lambda: (
            "\n".join(
                f"{r.cohort}\t{KIND_LABELS.get(r.kind, r.kind)}\tngày {r.exposure_date:%d/%m/%Y}\t{r.source or ''}\t"
                f"{r.people} người\tphòng {', '.join(r.rooms) or '—'}"
                for r in rows
            )
            or "Chưa có nhóm nào."
        ),
    )
    return EXIT_OK


def register(sub: Any) -> None:
    """Adds ``policy`` and ``cohort`` to the main parser's sub-commands."""
    policy = sub.add_parser("policy", help="quy định cách ly").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = policy.add_parser("list", help="các quy định và thời gian hiệu lực")
    p.set_defaults(handler=cmd_policy_list, reads_only=True)
    p = policy.add_parser("add", help="thêm quy định; chỉ áp dụng cho người vào sau")
    p.add_argument("--name", required=True)
    p.add_argument("--days", type=number("days", 1, 60), required=True)
    p.add_argument("--test-days", required=True, help="ví dụ 1,7,14")
    p.add_argument("--from", dest="from_", required=True, metavar="DATE")
    p.add_argument("--to", metavar="DATE")
    p.add_argument("--protected", action="store_true", help="cho người đã tiêm đủ hoặc đã khỏi bệnh")
    p.set_defaults(handler=cmd_policy_add)
    p = policy.add_parser("apply", help="áp dụng cho người đang cách ly (liệt kê; --yes để xác nhận)")
    p.add_argument("policy", type=number("policy", 1, 2**31 - 1))
    p.add_argument("--facility", required=True)
    p.add_argument("--yes", action="store_true")
    p.set_defaults(handler=cmd_policy_apply)

    cohort = sub.add_parser("cohort", help="nhóm cách ly").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = cohort.add_parser("list", help="các nhóm của khu: loại, ngày, nguồn, phòng, số người")
    p.add_argument("facility")
    p.add_argument("--at")
    p.set_defaults(handler=cmd_cohort_list, reads_only=True)
