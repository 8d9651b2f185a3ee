"""Excel files that print: readable scale, the header on every page, rows as tall as their wrapped text, one
type per column. When LibreOffice is installed (CI installs it), the files are printed to PDF through it and
the pages read back."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from quarantine_desk.exports.xlsx import (
    LINE_HEIGHT,
    MIN_FIT_SCALE,
    ROSTER_COLUMNS,
    print_layout,
    wrapped_lines,
    write_daily_report_xlsx,
    write_roster_xlsx,
)

from .export_samples import daily_report, roster_doc, roster_row

HEADER_ROW = 7
LONG_NAME = "Khu cách ly tập trung Trường Chính trị tỉnh Thừa Thiên Huế, cơ sở 2 (khu nhà B)"


def test_print_layout_keeps_a_readable_scale() -> None:
    assert print_layout([10] * 5) == ("portrait", 1.0)
    assert print_layout([10] * 12) == ("landscape", 1.0)
    orientation, scale = print_layout([10] * 15)
    assert orientation == "landscape" and scale is not None and MIN_FIT_SCALE <= scale < 1
    assert print_layout([10] * 30) == ("landscape", None)  # fitted, it would print at about 50 %: 100 %
    _, roster_scale = print_layout([w for _, w in ROSTER_COLUMNS])
    assert roster_scale is not None and roster_scale >= MIN_FIT_SCALE


def test_wrapped_lines_counts_words_and_line_breaks() -> None:
    assert wrapped_lines("Nguyễn Văn An", 21) == 1
    assert wrapped_lines("Số 12 đường Lê Lợi, phường Phú Hội, thành phố Huế, tỉnh Thừa Thiên Huế", 24) == 3
    assert wrapped_lines("một\nhai\nba", 30) == 3
    assert wrapped_lines("x" * 100, 10) >= 10  # a word longer than the column is broken anywhere


def _row_heights(path: Path) -> dict[int, float]:
    """Each row's height as written in the sheet's XML (openpyxl's reader hides the spliced rows' heights)."""
    ws = load_workbook(path).active
    assert ws is not None
    return {r: d.height for r, d in ws.row_dimensions.items() if d.height}


def test_roster_rows_are_as_tall_as_their_wrapped_text(tmp_path: Path) -> None:
    short = dataclasses.replace(roster_row(1), address="Phú Hội, Huế", cohort="Đợt 1", tests=())
    long = roster_row(2)  # an address of three lines and more
    path = write_roster_xlsx(roster_doc([short, long], 2), tmp_path / "ds.xlsx")
    heights = _row_heights(path)
    assert HEADER_ROW + 1 not in heights  # one line: the default height
    assert heights[HEADER_ROW + 2] >= 3 * LINE_HEIGHT
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert f'<row r="{HEADER_ROW + 2}" ht=' in sheet and 'customHeight="1"' in sheet


def test_roster_prints_with_its_header_on_every_page(tmp_path: Path) -> None:
    path = write_roster_xlsx(roster_doc([roster_row(1)], 1), tmp_path / "ds.xlsx")
    ws = load_workbook(path).active
    assert ws is not None
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1


def test_roster_year_and_date_columns_hold_one_type_each(tmp_path: Path) -> None:
    rows = [roster_row(n) for n in range(1, 10)]
    rows.append(dataclasses.replace(roster_row(10), birth_year=None, birth_date=None))
    path = write_roster_xlsx(roster_doc(rows, len(rows)), tmp_path / "ds.xlsx")
    ws = load_workbook(path).active
    assert ws is not None
    assert ws.cell(HEADER_ROW, 3).value == "Năm sinh" and ws.cell(HEADER_ROW, 4).value == "Ngày sinh"
    years = [ws.cell(HEADER_ROW + n, 3).value for n in range(1, 11)]
    dates = [ws.cell(HEADER_ROW + n, 4).value for n in range(1, 11)]
    assert all(isinstance(y, int) for y in years[:9]) and years[9] is None
    assert all(d is None or isinstance(d, datetime) for d in dates) and any(dates)
    assert all(d is None or d.year == y for y, d in zip(years, dates, strict=True))


def test_daily_report_rows_fit_long_facility_names(tmp_path: Path) -> None:
    report = daily_report("F01", "F02")
    report = report.with_facilities(
        [dataclasses.replace(f, facility_name=LONG_NAME) for f in report.facilities]
    )
    path = write_daily_report_xlsx(report, tmp_path / "bc.xlsx")
    ws = load_workbook(path).active
    assert ws is not None
    assert (ws.row_dimensions[HEADER_ROW + 1].height or 0) >= 3 * 16
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"


# --- printed through LibreOffice ---------------------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def _print(xlsx: Path) -> PdfReader:
    """The file printed to PDF by LibreOffice headless, with a profile of its own (no clash with a running one)."""
    assert SOFFICE is not None
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(xlsx.parent / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(xlsx.parent),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return PdfReader(xlsx.with_suffix(".pdf"))


@needs_soffice
def test_roster_prints_readably_through_libreoffice(tmp_path: Path) -> None:
    rows = [roster_row(n, name=f"Người số {n:03d}") for n in range(1, 152)]
    pdf = _print(write_roster_xlsx(roster_doc(rows, 151), tmp_path / "ds.xlsx"))
    pages = [page.extract_text() for page in pdf.pages]
    assert 5 <= len(pages) <= 20, len(pages)  # neither one tiny page nor a page per handful of rows
    box = pdf.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    for n, text in enumerate(pages, start=1):
        # every column on every page (fitted to the width), under the repeated header
        assert "Họ và tên" in text and "Ghi chú" in text, n
        assert f"Trang {n}/{len(pages)}" in text, n
    text = "\n".join(pages)
    assert all(f"Người số {n:03d}" in text for n in range(1, 152))
    assert "Tổng số: 151 người" in pages[-1]


def _lowest_y(page: object, needle: str) -> list[float]:
    found: list[float] = []

    def visit(text: str, cm: object, tm: list[float], *_: object) -> None:
        if needle in text:
            found.append(tm[5])

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    return found


@needs_soffice
def test_daily_report_prints_names_clear_of_the_totals(tmp_path: Path) -> None:
    report = daily_report("F01", "F02", "F03")
    report = report.with_facilities(
        [dataclasses.replace(f, facility_name=f"{LONG_NAME} {f.facility_code}") for f in report.facilities]
    )
    pdf = _print(write_daily_report_xlsx(report, tmp_path / "bc.xlsx"))
    assert len(pdf.pages) == 1
    page = pdf.pages[0]
    totals = _lowest_y(page, "Tổng cộng")
    name_end = _lowest_y(page, "F03")
    assert totals and name_end
    assert min(name_end) > max(totals) + 4  # the last name's last line stays above the totals line
