"""The Excel writers, checked by reopening the files with openpyxl."""

from __future__ import annotations

import json
import os
import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from quarantine_desk.domain.errors import BadFile, Cancelled
from quarantine_desk.exports.rows import DailyReport
from quarantine_desk.exports.safe import cell_text, is_risky
from quarantine_desk.exports.xlsx import (
    ROSTER_COLUMNS,
    merge_daily_reports,
    read_daily_report,
    write_daily_report_json,
    write_daily_report_xlsx,
    write_roster_xlsx,
)

from .export_samples import HOSTILE, NAMES, ON, daily_report, roster_doc, roster_row, roster_rows, stop_after

HEADER_ROW = 7


def _all_cells(path: Path) -> list[object]:
    wb = load_workbook(path)
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


def test_cell_text_removes_xml_illegal_characters_only() -> None:
    assert cell_text("Nguyễn\x00 Văn\x07 A\tB") == "Nguyễn Văn A\tB"
    assert all(is_risky(v) for v in HOSTILE)
    assert not is_risky("Nguyễn Thị Hường")


def test_roster_has_title_header_and_rows(tmp_path: Path) -> None:
    rows = [roster_row(n) for n in range(1, 6)]
    path = write_roster_xlsx(roster_doc(iter(rows), len(rows)), tmp_path / "ds.xlsx")
    ws = load_workbook(path).active
    assert ws is not None
    assert ws["H1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert ws["H2"].value == "Độc lập - Tự do - Hạnh phúc"
    assert ws["A1"].value == "KHU CÁCH LY TẬP TRUNG KÝ TÚC XÁ ĐẠI HỌC HUẾ"
    assert ws["A4"].value == "DANH SÁCH NGƯỜI ĐANG CÁCH LY"
    assert ws["A5"].value == "Ngày 27/07/2021"
    header = [c.value for c in ws[HEADER_ROW]]
    assert header == [name for name, _ in ROSTER_COLUMNS]
    assert header[:4] == ["STT", "Họ và tên", "Năm sinh", "Ngày sinh"]
    assert "Xét nghiệm lần 3" in header and header[-1] == "Ghi chú"
    assert all(c.font.b for c in ws[HEADER_ROW])
    first = [c.value for c in ws[HEADER_ROW + 1]]
    assert first[0] == 1
    assert first[1] == NAMES[1]
    assert first[4] == "Nam"
    assert first[5] == "000000000001"
    assert first[6] == "0900000001"  # a phone number keeps its leading zero: text, not a number
    assert first[9] == "A101 – 2"
    assert first[12] == "20/07 PCR âm tính"
    assert first[13] == "27/07 Test nhanh âm tính"
    assert first[14] is None or first[14] == ""
    assert [c.value for c in ws[HEADER_ROW + 2]][4] == "Nữ"
    assert ws.cell(HEADER_ROW + 5, 2).value == NAMES[5]


def test_roster_dates_are_real_dates(tmp_path: Path) -> None:
    rows = [roster_row(3), roster_row(4)]
    path = write_roster_xlsx(roster_doc(rows, 2), tmp_path / "ds.xlsx")
    ws = load_workbook(path).active
    assert ws is not None
    year, born, admitted, release = ws.cell(8, 3), ws.cell(8, 4), ws.cell(8, 11), ws.cell(8, 12)
    assert year.value == 1985 and year.data_type == "n"  # the year also when the whole date is known
    assert isinstance(born.value, datetime) and born.value.date() == date(1985, 3, 14)
    assert born.number_format == "dd/mm/yyyy"
    assert isinstance(admitted.value, datetime) and admitted.value == datetime(2021, 7, 20, 8, 33)
    assert admitted.number_format == "dd/mm/yyyy hh:mm"
    assert isinstance(release.value, datetime) and release.value.date() == date(2021, 8, 3)
    assert release.number_format == "dd/mm/yyyy"
    assert ws.cell(9, 3).value == 1964  # only a year known: a number, and no date
    assert ws.cell(9, 4).value is None
    assert ws.cell(8, 1).data_type == "n"


def test_roster_layout_for_screen_and_print(tmp_path: Path) -> None:
    path = write_roster_xlsx(roster_doc(roster_rows(30), 30), tmp_path / "ds.xlsx")
    wb = load_workbook(path)
    ws = wb.active
    assert ws is not None
    assert ws.freeze_panes == f"C{HEADER_ROW + 1}"
    assert ws.auto_filter.ref == f"A{HEADER_ROW}:P{HEADER_ROW + 30}"  # 16 columns
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"  # A4
    assert ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert ws.column_dimensions["B"].width >= 20
    assert ws.column_dimensions["H"].width >= 20
    assert ws.cell(HEADER_ROW + 32, 1).value == "Tổng số: 30 người"


@pytest.mark.parametrize("hostile", HOSTILE)
def test_roster_never_writes_a_formula(tmp_path: Path, hostile: str) -> None:
    row = roster_row(1, name=hostile, phone=hostile)
    path = write_roster_xlsx(roster_doc([row], 1), tmp_path / "ds.xlsx")
    cells = _all_cells(path)
    assert not [c for c in cells if c.data_type == "f"]  # type: ignore[attr-defined]
    ws = load_workbook(path).active
    assert ws is not None
    for col in (2, 7):
        cell = ws.cell(HEADER_ROW + 1, col)
        assert cell.value == hostile
        assert cell.data_type == "s"
        assert cell.quotePrefix


def test_roster_with_extra_tests_and_release_notes(tmp_path: Path) -> None:
    row = roster_row(2, tests=5)
    row = type(row)(**{**row.__dict__, "released_at": datetime(2021, 8, 3, 9, 15), "outcome": "completed"})
    path = write_roster_xlsx(roster_doc([row], 1, "released"), tmp_path / "ds.xlsx")
    ws = load_workbook(path).active
    assert ws is not None
    assert ws["A4"].value == "DANH SÁCH NGƯỜI HOÀN THÀNH CÁCH LY TRONG NGÀY"
    note = ws.cell(HEADER_ROW + 1, 16).value
    assert note.startswith("XN lần 4: 10/08 Test nhanh âm tính; XN lần 5: 17/08 PCR âm tính")
    assert "Hoàn thành cách ly lúc 03/08/2021 09:15" in note


def test_empty_roster(tmp_path: Path) -> None:
    path = write_roster_xlsx(roster_doc(iter(()), 0, "positive"), tmp_path / "ds.xlsx")
    ws = load_workbook(path).active
    assert ws is not None
    assert ws["A4"].value == "DANH SÁCH NGƯỜI CÓ KẾT QUẢ DƯƠNG TÍNH / CHUYỂN ĐIỀU TRỊ"
    assert ws.cell(HEADER_ROW + 2, 1).value == "Tổng số: 0 người"


def test_twenty_thousand_rows_from_a_generator(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    path = write_roster_xlsx(
        roster_doc(roster_rows(20_000), 20_000),
        tmp_path / "big.xlsx",
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen[0] == (0, 20_000) and seen[-1] == (20_000, 20_000)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    # openpyxl needs many seconds to read 320,000 cells back; the sheet's XML is parsed directly instead
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    numbers = []
    with zipfile.ZipFile(path) as archive, archive.open("xl/worksheets/sheet1.xml") as sheet:
        for _, element in ElementTree.iterparse(sheet):
            if element.tag == f"{ns}row":
                first = element.find(f"{ns}c/{ns}v")
                if first is not None and int(element.get("r", 0)) > HEADER_ROW:
                    numbers.append(int(first.text or 0))
                element.clear()
    assert numbers == list(range(1, 20_001))


def test_two_thousand_rows_read_back(tmp_path: Path) -> None:
    path = write_roster_xlsx(roster_doc(roster_rows(2_000), 2_000), tmp_path / "ds.xlsx")
    wb = load_workbook(path, read_only=True)
    ws = wb.active
    assert ws is not None
    rows = list(ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    wb.close()
    assert [r[0] for r in rows[:2_000]] == list(range(1, 2_001))
    assert rows[-1][0] == "Tổng số: 2000 người" or rows[-2][0] == "Tổng số: 2000 người"


@pytest.mark.parametrize("after", [0, 3])
def test_cancelled_roster_leaves_no_file(tmp_path: Path, after: int) -> None:
    with pytest.raises(Cancelled):
        write_roster_xlsx(
            roster_doc(roster_rows(2_000), 2_000), tmp_path / "ds.xlsx", should_stop=stop_after(after)
        )
    assert os.listdir(tmp_path) == []


def test_cancel_keeps_an_older_file(tmp_path: Path) -> None:
    target = tmp_path / "ds.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(Cancelled):
        write_roster_xlsx(roster_doc(roster_rows(1_000), 1_000), target, should_stop=stop_after(2))
    assert os.listdir(tmp_path) == ["ds.xlsx"] and target.read_bytes() == b"old"


def test_failed_roster_leaves_no_file(tmp_path: Path) -> None:
    def broken() -> object:
        yield roster_row(1)
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        write_roster_xlsx(roster_doc(broken(), 2), tmp_path / "ds.xlsx")
    assert os.listdir(tmp_path) == []


# --- daily report ------------------------------------------------------------------------------------------------


def test_daily_report_xlsx_figures_and_totals(tmp_path: Path) -> None:
    report = daily_report("F01", "F02")
    path = write_daily_report_xlsx(report, tmp_path / "bc.xlsx")
    wb = load_workbook(path)
    ws = wb["Báo cáo"]
    assert ws["A4"].value == "BÁO CÁO NHANH TÌNH HÌNH CÁCH LY TẬP TRUNG"
    assert ws["A5"].value == "(Số liệu tính đến 16 giờ ngày 27/07/2021)"
    assert ws["D1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert [c.value for c in ws[7]][:3] == ["STT", "Khu cách ly", "Tổng số giường"]
    assert [c.value for c in ws[8]][:4] == [1, "Khu cách ly F01 - Trường Chính trị tỉnh", 200, 150]
    assert [c.value for c in ws[9]][:4] == [2, "Khu cách ly F02 - Trường Chính trị tỉnh", 400, 300]
    assert [c.value for c in ws[10]][1:4] == ["Tổng cộng", 600, 450]
    assert ws["A10"].font.b
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "Cảnh báo vật tư:" in values
    assert "- F01: Test nhanh: còn 40 bộ, dưới mức tối thiểu 100" in values
    assert wb["_du_lieu"].sheet_state == "hidden"
    assert not [c for c in _all_cells(path) if c.data_type == "f"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("suffix", [".xlsx", ".json"])
def test_daily_report_reads_back(tmp_path: Path, suffix: str) -> None:
    report = daily_report("F01", "F02")
    report = report.with_facilities(
        [
            *report.facilities[:1],
            type(report.facilities[1])(
                **{
                    **report.facilities[1].__dict__,
                    "facility_name": "=cmd|' /C calc'!A0",
                    "stock_alerts": ("-5 khẩu trang",),
                }
            ),
        ]
    )
    write = write_daily_report_xlsx if suffix == ".xlsx" else write_daily_report_json
    path = write(report, tmp_path / f"bc{suffix}")
    assert read_daily_report(path) == report


def test_daily_report_json_is_plain(tmp_path: Path) -> None:
    path = write_daily_report_json(daily_report("F01"), tmp_path / "bc.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["on"] == "2021-07-27" and data["scope"] == "F01"
    assert data["facilities"][0]["facility_name"] == "Khu cách ly F01 - Trường Chính trị tỉnh"
    assert data["totals"]["beds_total"] == 200


def test_read_daily_report_refuses_other_files(tmp_path: Path) -> None:
    roster = write_roster_xlsx(roster_doc([roster_row(1)], 1), tmp_path / "ds.xlsx")
    with pytest.raises(BadFile) as err:
        read_daily_report(roster)
    assert err.value.reason == "not_a_daily_report"
    other = tmp_path / "x.json"
    other.write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(BadFile) as err:
        read_daily_report(other)
    assert err.value.reason == "not_a_daily_report"
    for name, content in (
        ("t.xlsx", b"just text"),
        ("z.xlsx", b"PK\x03\x04broken zip"),
        ("b.pdf", b"%PDF-1.4\xff\xfe"),
    ):
        bad = tmp_path / name
        bad.write_bytes(content)
        with pytest.raises(BadFile) as err:
            read_daily_report(bad)
        assert err.value.reason == "unreadable", name


def test_merge_daily_reports(tmp_path: Path) -> None:
    one, two = daily_report("F02"), daily_report("F01")
    merged = merge_daily_reports([one, two])
    assert merged.scope == "ALL" and merged.on == ON
    assert [f.facility_code for f in merged.facilities] == ["F01", "F02"]
    assert merged.totals().beds_total == 400
    assert merged.totals().facility_code == "TONG" and merged.totals().facility_name == "Tổng cộng"
    path = write_daily_report_xlsx(merged, tmp_path / "tong.xlsx")
    assert read_daily_report(path) == merged


def test_merge_refuses_duplicates_and_mixed_days() -> None:
    with pytest.raises(BadFile) as err:
        merge_daily_reports([daily_report("F01"), daily_report("F02", "F01")])
    assert err.value.reason == "duplicate_facility"
    assert err.value.params == {"facility": "F01", "on": "2021-07-27"}
    with pytest.raises(BadFile) as err:
        merge_daily_reports([daily_report("F01"), daily_report("F02", on=date(2021, 7, 28))])
    assert err.value.reason == "different_dates"


def test_cancelled_daily_report_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(Cancelled):
        write_daily_report_xlsx(daily_report("F01"), tmp_path / "bc.xlsx", should_stop=lambda: True)
    assert os.listdir(tmp_path) == []


def test_totals_of_an_empty_report() -> None:
    totals = DailyReport(on=ON, made_at=datetime(2021, 7, 27, 16), scope="ALL").totals()
    assert totals.beds_total == 0 and totals.stock_alerts == ()
