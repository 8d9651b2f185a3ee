"""Commands that read or write files: exports, the daily report and its merge, certificates, imports."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quarantine_desk.cli.args import Parser, UsageError, file_path, number, output_path, parse_date
from quarantine_desk.cli.output import EXIT_OK, EXIT_RULE, Output, jsonable
from quarantine_desk.domain import certificates as certs
from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.domain.stays import ROSTER_VARIANTS
from quarantine_desk.lazy import lazy_module

if TYPE_CHECKING:
    from quarantine_desk.exports.importer import ImportSheet
    from quarantine_desk.services import documents
    from quarantine_desk.services.context import Desk
else:
    documents = lazy_module("quarantine_desk.services.documents")


def document_written(out: Output, path: Path, sentence: str, rows: int | None = None, **more: Any) -> None:
    """Every document command's answer: the sentence with the path written and, with --json, ``{"file",
    "pages" or "rows", "bytes", ...}``."""
    facts = documents.written(path, rows)
    size = f"{facts.pages} trang" if facts.pages is not None else f"{facts.rows} dòng"
    payload: dict[str, Any] = {"file": facts.file}
    payload.update({"pages": facts.pages} if facts.pages is not None else {"rows": facts.rows})
    payload["bytes"] = facts.bytes
    # 50.482: thousands with a dot, as written in Vietnam
    size_in_bytes = f"{facts.bytes:,}".replace(",", ".")
    out.result({**payload, **more}, lambda: f"{sentence} ({size}, {size_in_bytes} byte).")


def cmd_export_roster(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    counted = [0]

    def progress(done: int, total: int) -> None:
        counted[0] = done

    path = documents.export_roster(
        desk, args.facility, Path(args.out), on=parse_date(args.date), variant=args.variant, progress=progress
    )
    document_written(
        out,
        path,
        f"Đã ghi danh sách vào {path}",
        rows=counted[0],
        facility=args.facility.upper(),
        variant=args.variant,
    )
    return 0


def cmd_export_handover(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from quarantine_desk.services import handover

    on = parse_date(args.date) or desk.now().date()
    summary = handover.export_handover(desk, args.facility, on, Path(args.out), commune=args.commune)
    out.result(
        {"file": summary.path, "people": summary.people, "communes": list(summary.communes), "date": on},
        lambda: (
            f"Đã ghi danh sách bàn giao ngày {on:%d/%m/%Y}: {summary.people} người, "
            f"{len(summary.communes)} xã/phường ({', '.join(summary.communes)}) vào {summary.path}."
        ),
    )
    return EXIT_OK


def cmd_export_not_arrived(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from quarantine_desk.services import handover

    on = parse_date(args.date) or desk.now().date()
    summary = handover.export_not_arrived(desk, args.days, Path(args.out), on=on, commune=args.commune)
    out.result(
        {"file": summary.path, "people": summary.people, "communes": list(summary.communes), "date": on},
        lambda: (
            f"Đã ghi danh sách {summary.people} người trong danh sách F1 chưa đến sau {args.days} ngày "
            f"vào {summary.path}."
        ),
    )
    return EXIT_OK


def cmd_report_daily(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    report = documents.daily_report(desk, args.facility, parse_date(args.date))
    path = documents.write_daily_report(desk, Path(args.out), facility_code=args.facility, on=report.on)
    document_written(out, path, f"Đã ghi báo cáo ngày vào {path}", rows=len(report.facilities), on=report.on)
    return 0


def cmd_report_merge(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    merged = documents.merge_reports([Path(p) for p in args.files], Path(args.out), force=args.force)
    marked = [f.facility_code for f in merged.facilities if f.remarks]

    sentence = f"Đã tổng hợp {len(merged.facilities)} khu cách ly vào {args.out}"
    if marked:
        remarks = "\n".join(f"  {r}" for r in merged.totals().remarks)
        sentence += f"; số liệu được đánh dấu ({', '.join(marked)}):\n{remarks}\n"
    document_written(
        out,
        Path(args.out),
        sentence,
        rows=len(merged.facilities),
        facilities=[f.facility_code for f in merged.facilities],
        on=merged.on,
        marked={f.facility_code: list(f.remarks) for f in merged.facilities if f.remarks},
    )
    return 0


def cmd_certificate(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    data = documents.certificate(desk, args.person, Path(args.out))
    document_written(
        out,
        Path(args.out),
        f"Đã ghi giấy xác nhận số {data.number} của {data.full_name} vào {args.out}",
        number=data.number,
        qr=data.verification_code,
        stay=data.stay_id,
    )
    return 0


def cmd_release_paper(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    data = documents.release_paper(desk, args.person, Path(args.out))
    out.result(
        {
            "file": args.out,
            "stay": data.stay_id,
            "outcome": data.outcome,
            "days": data.days,
            "reason": data.reason,
            "home_address": data.home_address,
        },
        lambda: f"Đã ghi giấy xác nhận thời gian cách ly của {data.full_name} ({data.days} ngày).",
    )
    return 0


def cmd_certificates(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    on = parse_date(args.date) or desk.now().date()
    count = documents.certificates(desk, args.facility, on, Path(args.out))
    document_written(out, Path(args.out), f"Đã ghi {count} giấy xác nhận vào {args.out}", count=count)
    return 0


def verify_sentence(result: certs.CertificateCheck) -> str:
    """The verdict on a scanned certificate, in Vietnamese."""
    claim = result.claim
    code = claim.facility_code if claim else ""
    if result.valid and claim is not None:
        who = claim.name + (f", sinh năm {claim.birth_year}" if claim.birth_year else "")
        who += f", giấy tờ số …{claim.id_last4}" if claim.id_last4 else ""
        return (
            f"Giấy xác nhận HỢP LỆ (chữ ký số của khu {code} đúng). Số {claim.number}: {who}, đã hoàn thành "
            f"cách ly tại {claim.facility_name} từ {claim.start:%d/%m/%Y} đến {claim.end:%d/%m/%Y}."
        )
    return {
        "malformed": "KHÔNG đọc được: đây không phải mã QR của giấy xác nhận, hoặc quét chưa hết.",
        "no_key": (
            f"CHƯA kiểm tra được chữ ký: cần tệp khóa công khai của khu {code} (--key TỆP; khu cách ly xuất tệp "
            "này bằng lệnh facility key export)."
        ),
        "other_facility": f"CHƯA kiểm tra được chữ ký: khóa đã cho là của khu khác, không phải của khu {code}.",
        "bad_signature": (f"Giấy xác nhận KHÔNG hợp lệ: nội dung đã bị sửa, hoặc không do khu {code} ký."),
        "not_completed": "Giấy xác nhận KHÔNG hợp lệ: không phải giấy hoàn thành cách ly.",
    }.get(result.reason, "Giấy xác nhận KHÔNG hợp lệ.")


def cmd_verify(args: argparse.Namespace, out: Output) -> int:
    """Checks a scanned certificate with a key file, or with the keys of the database one logs in to; with
    neither, it still reads the certificate and says which facility's key it needs."""
    if args.key:
        keys = documents.read_key_file(Path(args.key))
    elif args.user:
        from quarantine_desk.cli import login

        desk = login(args)
        try:
            keys = documents.known_public_keys(desk)
        finally:
            desk.close()
    else:
        keys = {}
    result = documents.verify_certificate(args.text, keys)
    claim = result.claim
    out.result(
        {
            "valid": result.valid,
            "reason": result.reason,
            "number": claim.number if claim else None,
            "name": claim.name if claim else None,
            "birth_year": claim.birth_year if claim else None,
            "id_last4": claim.id_last4 if claim else None,
            "facility": claim.facility_name if claim else None,
            "facility_code": claim.facility_code if claim else None,
            "from": claim.start if claim else None,
            "to": claim.end if claim else None,
            "outcome": claim.outcome if claim else None,
        },
        lambda: verify_sentence(result),
    )
    return EXIT_OK if result.valid else EXIT_RULE


def cmd_facility_key_export(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    path = documents.export_facility_key(desk, args.facility, Path(args.out))
    out.result(
        {"file": path, "facility": args.facility.upper(), "bytes": path.stat().st_size},
        lambda: (
            f"Đã ghi khóa công khai của khu {args.facility.upper()} vào {path}. Gửi tệp này cho xã, phường, "
            "chốt kiểm soát để họ kiểm tra giấy xác nhận (quarantine-desk verify MÃ --key TỆP)."
        ),
    )
    return 0


def cmd_facility_key_new(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    public = documents.renew_signing_key(desk, args.facility)
    out.result(
        {"facility": args.facility.upper(), "public_key": public},
        lambda: (
            f"Đã tạo khóa ký mới cho khu {args.facility.upper()}. Xuất tệp khóa công khai mới (facility key export) "
            "và gửi cho xã, phường, chốt kiểm soát; giấy đã cấp trước đó vẫn kiểm tra được bằng tệp khóa cũ."
        ),
    )
    return 0


def cmd_commitment(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    """Prints the commitment form (--out), records that it was signed (--signed), or both."""
    if not args.out and not args.signed:
        raise UsageError("cần --out TỆP.pdf để in bản cam kết, hoặc --signed để ghi nhận bản đã ký")
    payload: dict[str, Any] = {}
    lines: list[str] = []
    if args.out:
        path = documents.commitment_pdf(desk, args.person, Path(args.out))
        facts = documents.written(path)
        payload.update(file=path, pages=facts.pages, bytes=facts.bytes)
        lines.append(f"Đã ghi bản cam kết vào {path} ({facts.pages} trang).")
    if args.signed:
        record = documents.record_commitment(
            desk,
            args.person,
            signed_on=parse_date(args.date),
            signed_by=args.signed_by,
            received_by=args.received_by,
        )
        payload.update(
            signed_on=record.signed_on,
            signed_by=record.signed_by,
            received_by=record.received_by,
            child=record.child,
        )
        lines.append(
            f"Đã ghi nhận: {record.signed_by} đã ký bản cam kết của {record.name} ngày "
            f"{record.signed_on:%d/%m/%Y}; người nhận: {record.received_by}."
        )
    out.result(payload, lambda: "\n".join(lines))
    return 0


def cmd_import_people(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from quarantine_desk.messages import import_column
    from quarantine_desk.services import imports

    lang = args.lang
    source = Path(args.file)

    def show_columns(sheet: ImportSheet) -> None:
        """The mapping, before anything is written, so a wrong column is seen in time."""
        if out.as_json:
            return
        rows = "–".join(str(n) for n in sheet.header_rows)
        print(f"Dòng tiêu đề: {rows}" if lang == "vi" else f"Header row: {rows}")
        for column in sheet.found:
            left_out = (" (chưa có chỗ lưu: bỏ qua)" if lang == "vi" else " (not kept yet)") * (
                column.role in imports.NOT_KEPT
            )
            print(f"Cột {column.letter} → {import_column(column.role, lang)}{left_out}  («{column.header}»)")

    def show_progress(done: int, total: int) -> None:
        if total < imports.BATCH:
            return  # a short list needs no progress lines
        print(f"… {done}/{total} dòng" if lang == "vi" else f"… {done}/{total} rows", file=sys.stderr)

    result = imports.import_people(
        desk,
        source,
        dry_run=args.dry_run,
        update_existing=args.update_existing,
        lang=lang,
        progress=show_progress,
        on_columns=show_columns,
    )
    saved = imports.save_rejected(result, source, lang=lang) if result.rejected else None

    def text() -> str:
        vi = lang == "vi"
        lines = []
        if result.ignored:
            listed = ", ".join(str(n) for n in result.ignored)
            lines.append(
                f"Bỏ qua các dòng không phải người (chữ ký, tổng cộng, ghi chú): {listed}."
                if vi
                else f"Left out the rows that are not people (signatures, totals, notes): {listed}."
            )
        lines += [_match_line(m, result.update_existing, vi) for m in result.matched]
        lines += [
            f"Dòng {r.row}: {r.message}" if vi else f"Row {r.row}: {r.message}" for r in result.rejected
        ]
        if vi:
            lines.append(
                f"{'Kiểm tra (chưa ghi gì)' if result.dry_run else 'Đã nhập'}: {result.accepted} người mới, "
                f"{len(result.matched)} người đã có, {len(result.rejected)} dòng bị từ chối"
                + (f", {result.updated} người được bổ sung thông tin." if result.update_existing else ".")
            )
        else:
            lines.append(
                f"{'Checked (nothing written)' if result.dry_run else 'Imported'}: {result.accepted} new, "
                f"{len(result.matched)} already registered, {len(result.rejected)} rejected"
                + (f", {result.updated} completed." if result.update_existing else ".")
            )
        if saved is not None:
            lines.append(
                f"Các dòng bị từ chối (kèm lý do) đã lưu vào {saved}."
                if vi
                else f"The rejected rows, with the reasons, are in {saved}."
            )
        return "\n".join(lines)

    out.result({**jsonable(result), "updated": result.updated, "rejected_file": saved}, text)
    return EXIT_RULE if result.rejected else EXIT_OK


def _match_line(m: Any, update_existing: bool, vi: bool) -> str:
    from quarantine_desk.messages import FIELDS

    lang = "vi" if vi else "en"
    how = {
        "id_number": ("cùng số giấy tờ", "same ID number"),
        "name_born": ("cùng họ tên và năm sinh", "same name and birth year"),
    }[m.by][0 if vi else 1]
    staying = (" đang ở khu cách ly" if vi else " now in a stay") if m.staying else ""
    filled = ", ".join(FIELDS[lang].get(f, f) for f in m.filled)
    if vi:
        line = f"Dòng {m.row}: đã có {m.name} (số {m.person}, {how}){staying}; không thêm lần nữa"
        if filled:
            line += f"; {'đã bổ sung' if update_existing else 'có thể bổ sung (--update-existing)'}: {filled}"
    else:
        line = (
            f"Row {m.row}: {m.name} is already registered (no. {m.person}, {how}){staying}; not added again"
        )
        if filled:
            line += f"; {'filled in' if update_existing else 'could fill in (--update-existing)'}: {filled}"
    return line + "."


def _passphrase(args: argparse.Namespace) -> str | None:
    """The backup passphrase from the environment variable named by --passphrase-env (never on the command line,
    where other users of the PC could read it)."""
    name = getattr(args, "passphrase_env", None)
    if not name:
        return None
    value = os.environ.get(name)
    if value is None:
        raise InvalidInput("passphrase", "not_set", name=name)
    return value


def cmd_backup(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from quarantine_desk.services import autobackup, backup

    if args.action == "list":
        if args.out or args.passphrase_env:
            raise UsageError("backup list không nhận --out hay --passphrase-env")
        files = autobackup.list_backups(desk)
        out.result(
            [
                {
                    "file": b.path,
                    "kind": b.kind,
                    "made_at": b.made_at.replace(microsecond=0),
                    "bytes": b.size,
                    "encrypted": b.encrypted,
                }
                for b in files
            ],
            lambda: (
                "\n".join(
                    f"{b.made_at:%d/%m/%Y %H:%M}\t{BACKUP_KINDS.get(b.kind, b.kind)}\t{b.size:,} byte\t{b.path}".replace(
                        ",", "."
                    )
                    for b in files
                )
                or "Chưa có bản sao lưu tự động nào."
            ),
        )
        return 0
    if not args.out:
        raise UsageError("cần --out TỆP (hoặc: backup list)")
    passphrase = _passphrase(args)
    summary = backup.backup(desk, Path(args.out), passphrase=passphrase)
    out.result(
        {
            "file": summary.path,
            "revision": summary.revision,
            "rows": summary.rows,
            "encrypted": passphrase is not None,
        },
        lambda: (
            f"Đã sao lưu {summary.total} dòng dữ liệu vào {summary.path}"
            + (
                " (đã mã hóa bằng mật khẩu sao lưu)."
                if passphrase is not None
                else " (không mã hóa; không gồm khóa ký giấy xác nhận)."
            )
        ),
    )
    return 0


BACKUP_KINDS = {
    "daily": "hằng ngày",
    "weekly": "hằng tuần",
    "before-restore": "trước khi khôi phục",
    "before-upgrade": "trước khi nâng cấp",
    "manual": "khác",
}


def cmd_restore(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from quarantine_desk.services import backup

    summary = backup.restore(desk, Path(args.file), passphrase=_passphrase(args))
    out.result(
        {"file": summary.path, "rows": summary.rows},
        lambda: (
            f"Đã khôi phục {summary.total} dòng dữ liệu từ {summary.path}; dữ liệu cũ được sao lưu "
            "trong thư mục backups."
        ),
    )
    return 0


def register(sub: Any) -> None:
    """Registers the document commands on the main parser's sub-commands."""
    export = sub.add_parser("export", help="xuất danh sách").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = export.add_parser("roster", help="danh sách người cách ly (.xlsx hoặc .pdf)")
    p.add_argument("facility")
    p.add_argument("--out", required=True, type=output_path)
    p.add_argument("--date")
    p.add_argument("--variant", default="present", choices=ROSTER_VARIANTS)
    p.set_defaults(handler=cmd_export_roster)

    p = export.add_parser(
        "handover", help="danh sách bàn giao về địa phương trong ngày, theo xã (.xlsx hoặc .pdf)"
    )
    p.add_argument("facility")
    p.add_argument("--date")
    p.add_argument("--commune", help="chỉ xã/phường này")
    p.add_argument("--out", required=True, type=output_path)
    p.set_defaults(handler=cmd_export_handover)
    p = export.add_parser("not-arrived", help="người trong danh sách F1 chưa đến sau N ngày, theo xã")
    p.add_argument("--days", type=number("days", 0, 365), default=2)
    p.add_argument("--date")
    p.add_argument("--commune")
    p.add_argument("--out", required=True, type=output_path)
    p.set_defaults(handler=cmd_export_not_arrived)

    report = sub.add_parser("report", help="báo cáo").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = report.add_parser("daily", help="báo cáo 16 giờ (.xlsx, .pdf hoặc .json)")
    p.add_argument("--facility")
    p.add_argument("--date")
    p.add_argument("--out", required=True, type=output_path)
    p.set_defaults(handler=cmd_report_daily)
    p = report.add_parser("merge", help="tổng hợp báo cáo của nhiều khu")
    p.add_argument("files", nargs="+", type=file_path)
    p.add_argument("--out", required=True, type=output_path)
    p.add_argument(
        "--force",
        action="store_true",
        help="vẫn tổng hợp tệp có số liệu bị sửa hoặc không khớp, đánh dấu chúng trong báo cáo tổng hợp",
    )
    p.set_defaults(handler=cmd_report_merge)

    p = sub.add_parser("certificate", help="giấy xác nhận hoàn thành cách ly")
    p.add_argument("person")
    p.add_argument("--out", required=True, type=output_path)
    p.set_defaults(handler=cmd_certificate)
    p = sub.add_parser(
        "release-paper", help="giấy xác nhận thời gian cách ly của người ra sớm, về nhà hoặc vì lý do khác"
    )
    p.add_argument("person")
    p.add_argument("--out", required=True, type=output_path)
    p.set_defaults(handler=cmd_release_paper)
    p = sub.add_parser("commitment", help="bản cam kết: in (--out), ghi nhận đã ký (--signed)")
    p.add_argument("person")
    p.add_argument(
        "--out", type=output_path, help="tệp .pdf của bản cam kết (trẻ dưới 16 tuổi: người giám hộ ký)"
    )
    p.add_argument("--signed", action="store_true", help="ghi nhận bản cam kết đã được ký")
    p.add_argument("--date", help="ngày ký (mặc định hôm nay)")
    p.add_argument("--signed-by", help="người ký (mặc định người cách ly, hoặc người giám hộ của trẻ)")
    p.add_argument("--received-by", help="người nhận bản đã ký (mặc định người dùng đang đăng nhập)")
    p.set_defaults(handler=cmd_commitment)
    p = sub.add_parser("certificates", help="giấy xác nhận của mọi người ra trong ngày")
    p.add_argument("facility")
    p.add_argument("--date")
    p.add_argument("--out", required=True, type=output_path)
    p.set_defaults(handler=cmd_certificates)
    p = sub.add_parser("verify", help="kiểm tra mã trên giấy xác nhận")
    p.add_argument("text", help="nội dung mã QR quét được")
    p.add_argument("--key", type=file_path, help="tệp khóa công khai của khu cách ly (facility key export)")
    p.set_defaults(handler=cmd_verify, needs_login=False)

    imports = sub.add_parser("import", help="nhập danh sách").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = imports.add_parser("people", help="danh sách F1 (.xlsx hoặc .csv)")
    p.add_argument("file", type=file_path)
    p.add_argument("--dry-run", action="store_true")
    p.add_argument(
        "--update-existing",
        action="store_true",
        help="bổ sung các ô còn trống của người đã có (không ghi đè)",
    )
    p.set_defaults(handler=cmd_import_people)

    p = sub.add_parser(
        "backup",
        help="sao lưu toàn bộ dữ liệu vào một tệp (--out), hoặc liệt kê các bản sao lưu tự động (list)",
    )
    p.add_argument("action", nargs="?", choices=["list"], help="list: các bản sao lưu tự động")
    p.add_argument("--out", type=output_path)
    p.add_argument(
        "--passphrase-env",
        metavar="BIẾN",
        help="mã hóa bằng mật khẩu lấy từ biến môi trường này (ít nhất 8 ký tự)",
    )
    p.set_defaults(handler=cmd_backup)
    p = sub.add_parser("restore", help="khôi phục toàn bộ dữ liệu từ một bản sao lưu")
    p.add_argument("file", type=file_path)
    p.add_argument("--passphrase-env", metavar="BIẾN", help="mật khẩu của bản sao lưu đã mã hóa, từ biến này")
    p.set_defaults(handler=cmd_restore)
