"""Layout rules every PDF keeps, read back page by page with pypdf: the signatures never stand alone on a
page (the roster, the 16:00 report, the Resolution 68 support list), a certificate is one A4 page whatever its
data, and each document of a bulk file numbers its own pages."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from quarantine_desk.domain.errors import Cancelled
from quarantine_desk.exports.logistics import support_list_document
from quarantine_desk.exports.pdf import (
    FONT,
    ROSTER_PDF_COLUMNS,
    register_fonts,
    roster_layout,
    write_certificates_pdf,
    write_commitment_pdf,
    write_daily_report_pdf,
    write_roster_pdf,
)
from quarantine_desk.exports.rows import RosterRow, TestCell
from quarantine_desk.exports.table_sets import write_table_set
from quarantine_desk.services.support import SupportList, SupportRow

from .export_samples import certificate, commitment, daily_report, roster_doc, roster_row, stop_after

LONG_ADDRESS = (
    "Thôn Phú Lộc Đông, xã Phú Lộc, huyện Phú Vang, tỉnh Thừa Thiên Huế, gần chợ cũ, sau nhà văn hóa thôn, "
    "kiệt 3 rẽ trái, nhà có cổng sắt sơn xanh, số nhà 123/45/6"
)

#: What a signature block prints, and the page number: a page with nothing else holds the signatures alone.
_SIGNATURE_TEXT = re.compile(
    r"Người lập biểu|Trưởng ban quản lý|\(Ký, ghi rõ họ tên\)|Thừa Thiên Huế, ngày \d+ tháng \d+ năm \d+"
    r"|Ngày \d+ tháng \d+ năm \d+|Trang \d+/\d+|\s"
)


def _pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def _signed_page(pages: list[str]) -> str:
    signed = [page for page in pages if "Trưởng ban quản lý" in page]
    assert len(signed) == 1, [len(p) for p in pages]
    assert _SIGNATURE_TEXT.sub("", signed[0]), "the signatures stand alone on their page"
    return signed[0]


def test_the_check_sees_signatures_alone() -> None:
    with pytest.raises(AssertionError):
        _signed_page(
            [
                "STT Họ và tên …",
                "Thừa Thiên Huế, ngày 27 tháng 07 năm 2021\nNgười lập biểu "
                "Trưởng ban quản lý\n(Ký, ghi rõ họ tên) (Ký, ghi rõ họ tên)\nTrang 2/2",
            ]
        )


@pytest.mark.parametrize("count", range(1, 61))
def test_roster_signatures_go_with_the_last_rows(tmp_path: Path, count: int) -> None:
    rows = [roster_row(n, name=f"Người số {n:03d}") for n in range(1, count + 1)]
    pages = _pages(write_roster_pdf(roster_doc(rows, count), tmp_path / "ds.pdf"))
    page = _signed_page(pages)
    assert page is pages[-1]
    assert f"Người số {count:03d}" in page and f"Tổng số: {count} người." in page
    if count > 1:  # at least the last two rows, and the table's header above them
        assert f"Người số {count - 1:03d}" in page and "Họ và tên" in page
    for n, text in enumerate(pages, start=1):
        assert f"Trang {n}/{len(pages)}" in text


@pytest.mark.parametrize("last", [1, 99, 999, 1_000, 9_999, 10_000, 20_000, 123_456])
def test_the_last_row_number_fits_in_the_stt_column(last: int) -> None:
    # A 20,000-bed field hospital's roster: "20000" is wider than the usual STT column.
    register_fonts()
    layout = roster_layout(last)
    stt = layout.columns[0]
    text = str(last)
    x = float(layout.line_start(0, text).split()[-1])  # where the centred number starts in its row
    assert layout.left <= x and x + stringWidth(text, FONT, layout.size) <= stt.width - layout.right + 1e-9
    widths = [c.width for c in layout.columns]
    usual = [w for _, w in ROSTER_PDF_COLUMNS]
    # the header row is drawn to the same widths; the table keeps its width, the other columns their shares
    assert widths == pytest.approx(list(layout.header._colWidths))
    assert sum(widths) == pytest.approx(sum(usual))
    assert [w / widths[1] for w in widths[1:]] == pytest.approx([w / usual[1] for w in usual[1:]])
    if last < 1_000:
        assert widths == usual  # a roster of the usual size is laid out as it always was


@pytest.mark.parametrize("facilities", [1, 5, 9, 10, 11, 12, 13, 14, 15, 20, 24, 25, 26, 27, 28, 40])
@pytest.mark.parametrize("alerts", [0, 1, 8])
def test_daily_report_signatures_go_with_the_figures(tmp_path: Path, facilities: int, alerts: int) -> None:
    report = daily_report(*(f"F{n:02d}" for n in range(1, facilities + 1)))
    first = dataclasses.replace(
        report.facilities[0], stock_alerts=tuple(f"Vật tư số {k}: còn ít" for k in range(1, alerts + 1))
    )
    report = report.with_facilities([first, *report.facilities[1:]])
    pages = _pages(write_daily_report_pdf(report, tmp_path / "bc.pdf"))
    page = _signed_page(pages)
    assert page is pages[-1]
    if alerts:
        assert f"Vật tư số {alerts}: còn ít" in page
    else:
        assert "Tổng cộng" in page and "Cảnh báo vật tư: không có." in page
    for n, text in enumerate(pages, start=1):
        assert f"Trang {n}/{len(pages)}" in text
        if "Trường Chính trị tỉnh" in text:  # a page of the table repeats its header
            assert "Tiếp nhận trong ngày" in text


def _support_list(count: int) -> SupportList:
    rows = tuple(
        SupportRow(
            n,
            f"Người số {n:03d}",
            "1980",
            f"0010800{n:05d}",
            "Thôn 1, Hà Mòn",
            datetime(2021, 8, 1, 8),
            datetime(2021, 8, 15, 10),
            ("completed", "released_early", "transferred")[n % 3],
            14,
            14,
            80_000,
            1_120_000,
            1_000_000 if n % 5 == 0 else 0,
        )
        for n in range(1, count + 1)
    )
    return SupportList(
        "F01", "Trường Chính trị tỉnh", "Phú Vang", "Thừa Thiên Huế", date(2021, 8, 1), date(2021, 8, 31), rows,
        1, datetime(2021, 8, 31, 12),
    )  # fmt: skip


@pytest.mark.parametrize("count", range(1, 36))
def test_support_list_signatures_go_with_the_last_rows(tmp_path: Path, count: int) -> None:
    pdf = tmp_path / "nq68.pdf"
    write_table_set(support_list_document(_support_list(count)), pdf)
    pages = _pages(pdf)
    page = _signed_page(pages)
    assert page is pages[-1] and "Kế toán" in page and "Nghị quyết 68/NQ-CP ngày 01/7/2021" in page
    assert f"Người số {count:03d}" in page and "Tổng cộng" in page
    if count > 1:  # the last two people and the total line, under the table's header
        assert f"Người số {count - 1:03d}" in page and "Họ và tên" in page
    for n, text in enumerate(pages, start=1):
        assert f"Trang {n}/{len(pages)}" in text
        assert "(đồng/ngày)" in text  # the header never breaks inside a word


def _long_certificate(n: int, tests: int) -> object:
    start = datetime(2021, 7, 21, 8)
    return dataclasses.replace(
        certificate(n),
        address=LONG_ADDRESS,
        tests=tuple(
            TestCell(start + timedelta(days=k), "pcr" if k % 3 == 0 else "rapid", "negative")
            for k in range(tests)
        ),
    )


@pytest.mark.parametrize("tests", [0, 1, 6, 7, 13, 30])
def test_a_certificate_is_one_page_with_its_code_and_signature(tmp_path: Path, tests: int) -> None:
    cert = _long_certificate(1, tests)
    pages = _pages(write_certificates_pdf([cert], tmp_path / "gxn.pdf"))  # type: ignore[list-item]
    assert len(pages) == 1
    page = pages[0]
    for expected in (
        "TRƯỞNG BAN QUẢN LÝ KHU CÁCH LY",
        "Số 1001/GXN-CL",
        "Trang 1/1",
        "cổng",
    ):
        assert expected in page, expected
    if tests >= 13:  # too many for the page: summarised, the count, the span, the results, the latest tests
        assert f"Đã xét nghiệm {tests} lần" in page and f"{tests} âm tính" in page
        assert str(tests) in page.split("Các lần gần nhất:")[1]


def test_a_certificate_with_absurdly_long_texts_is_still_one_page(tmp_path: Path) -> None:
    cert = dataclasses.replace(
        _long_certificate(1, 20),
        address="Đường rất dài " * 200,
        full_name="Nguyễn " * 80,  # type: ignore[type-var]
    )
    pages = _pages(write_certificates_pdf([cert], tmp_path / "gxn.pdf"))
    assert len(pages) == 1 and "TRƯỞNG BAN QUẢN LÝ KHU CÁCH LY" in pages[0] and "…" in pages[0]


def test_bulk_certificates_number_their_pages_each(tmp_path: Path) -> None:
    certs = [_long_certificate(n, 13 if n % 2 else 2) for n in range(1, 9)]
    pages = _pages(write_certificates_pdf(certs, tmp_path / "gxn.pdf"))  # type: ignore[arg-type]
    assert len(pages) == 8
    for n, page in enumerate(pages, start=1):
        assert "Trang 1/1" in page and f"Số {1000 + n}/GXN-CL" in page
        assert "Trang 4/8" not in page


def test_commitment_signatures_go_with_the_last_paragraph(tmp_path: Path) -> None:
    data = dataclasses.replace(commitment(), address=LONG_ADDRESS * 6, cohort="Đợt 20/07 " * 30)
    pages = _pages(write_commitment_pdf(data, tmp_path / "ck.pdf"))
    signed = [page for page in pages if "Người cách ly" in page]
    assert len(signed) == 1 and "Nếu vi phạm" in signed[0]


LONG_NAME = "Tôn Nữ Hoàng Phương Thảo Nguyễn Ngọc Bích Trâm Huyền Trang"


def _wide_row(n: int) -> RosterRow:
    """A row that wraps in many columns: a long name every third row, remarks (tests past the third, a special
    watch, an early release) on others."""
    row = roster_row(n, tests=5 if n % 4 == 0 else 2)
    if n % 3 == 0:
        row = dataclasses.replace(row, full_name=f"{LONG_NAME} {n}")
    if n % 5 == 0:
        row = dataclasses.replace(
            row,
            special_watch=True,
            conditions="Tăng huyết áp, tiểu đường type 2, đang điều trị ngoại trú",
            override_reason="Gia đình có việc tang, Ban quản lý đồng ý cho về sớm",
        )
    return row


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 17, 23, 31, 47, 60])
def test_roster_of_wrapping_rows_keeps_every_row_once_and_the_signatures_with_the_last(
    tmp_path: Path, count: int
) -> None:
    rows = [_wide_row(n) for n in range(1, count + 1)]
    pages = _pages(write_roster_pdf(roster_doc(iter(rows), count), tmp_path / "ds.pdf"))
    page = _signed_page(pages)
    assert page is pages[-1]
    assert f"Tổng số: {count} người." in page
    for n in range(max(1, count - 1), count + 1):  # the last two rows stand with the signatures
        assert f"{n:012d}" in page, n
    ids = [re.findall(r"\b0{3}\d{9}\b", text) for text in pages]
    assert [i for found in ids for i in found] == [f"{n:012d}" for n in range(1, count + 1)]  # once, in order
    for n, text in enumerate(pages, start=1):
        assert f"Trang {n}/{len(pages)}" in text
        assert "Họ và tên" in text and "Ghi chú" in text  # the header on every page
    everything = " ".join(" ".join(text.split()) for text in pages)
    if count >= 3:  # a wrapped name is all there: nothing cut off at the column's edge
        assert all(word in everything for word in LONG_NAME.split()), everything
    if count >= 5:
        assert "Cần theo dõi đặc biệt" in everything and "Ra sớm: Gia đình có việc tang" in everything
    if count >= 4:
        assert "XN lần 4:" in everything


def test_a_row_taller_than_a_page_is_cut_short_not_lost(tmp_path: Path) -> None:
    rows = [
        roster_row(1),
        dataclasses.replace(roster_row(2), address="Thôn Phú Lộc Đông " * 400),
        roster_row(3),
    ]
    pages = _pages(write_roster_pdf(roster_doc(rows, 3), tmp_path / "ds.pdf"))
    everything = "".join(pages)
    assert "…" in everything
    assert [n for n in range(1, 4) if f"{n:012d}" in everything] == [1, 2, 3]
    _signed_page(pages)


def test_roster_rows_are_read_as_the_pages_need_them(tmp_path: Path) -> None:
    """A cancel while the first pages are drawn comes before the rows of the later pages were read."""
    read = [0]

    def rows() -> Iterator[RosterRow]:
        for n in range(1, 2001):
            read[0] = n
            yield roster_row(n)

    with pytest.raises(Cancelled):
        write_roster_pdf(roster_doc(rows(), 2000), tmp_path / "ds.pdf", should_stop=stop_after(3))
    assert read[0] < 400
