"""The PDF writers, checked by extracting the text and the fonts with pypdf."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from quarantine_desk.domain.errors import Cancelled
from quarantine_desk.exports.pdf import (
    write_certificates_pdf,
    write_commitment_pdf,
    write_daily_report_pdf,
    write_roster_pdf,
)

from .export_samples import (
    certificate,
    commitment,
    daily_report,
    roster_doc,
    roster_row,
    roster_rows,
    stop_after,
)

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def _pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def _font_names(path: Path) -> set[str]:
    """The base fonts of every page, and whether each embeds its program (FontFile2)."""
    names: set[str] = set()
    for page in PdfReader(path).pages:
        fonts: Any = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
            names.add(f"{font['/BaseFont']}{'+embedded' if embedded else ''}")
    return names


def _assert_dejavu_embedded(path: Path) -> None:
    names = _font_names(path)
    assert any("DejaVuSans" in n and n.endswith("+embedded") for n in names), names
    assert not any("Helvetica" in n or "Times" in n for n in names), names


def test_roster_pdf_text_fonts_and_pages(tmp_path: Path) -> None:
    rows = [roster_row(n) for n in range(1, 61)]
    rows[0] = roster_row(1, name="Nguyễn Thị Hường")
    seen: list[tuple[int, int]] = []
    path = write_roster_pdf(
        roster_doc(iter(rows), 60), tmp_path / "ds.pdf", progress=lambda d, t: seen.append((d, t))
    )
    pages = _pages(path)
    assert len(pages) > 1
    first = pages[0]
    for text in (
        NATION,
        MOTTO,
        "KHU CÁCH LY TẬP TRUNG KÝ TÚC XÁ ĐẠI HỌC HUẾ",
        "DANH SÁCH NGƯỜI ĐANG CÁCH LY",
        "Ngày 27/07/2021",
        "Nguyễn Thị Hường",
        "Lê Thị Ngọc Ánh",
        "20/07 PCR",
    ):
        assert text in first, text
    for n, page in enumerate(pages, start=1):
        assert f"Trang {n}/{len(pages)}" in page
        assert "Họ và tên" in page and "Địa chỉ" in page and "Ngày vào" in page  # the header repeats
    assert "Tổng số: 60 người." in pages[-1]
    assert (
        "Người lập biểu" in pages[-1]
        and "Trưởng ban quản lý" in pages[-1]
        and "(Ký, ghi rõ họ tên)" in pages[-1]
    )
    assert "Thừa Thiên Huế, ngày 27 tháng 07 năm 2021" in pages[-1]
    assert seen[-1] == (60, 60)
    _assert_dejavu_embedded(path)
    box = PdfReader(path).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape


def test_roster_pdf_keeps_the_given_order(tmp_path: Path) -> None:
    rows = [roster_row(n, name=name) for n, name in enumerate(["Ánh", "Bình", "Đức", "Hường"], start=1)]
    text = _pages(write_roster_pdf(roster_doc(rows, 4), tmp_path / "ds.pdf"))[0]
    positions = [text.index(name) for name in ("Ánh", "Bình", "Đức", "Hường")]
    assert positions == sorted(positions)


def test_roster_pdf_escapes_markup(tmp_path: Path) -> None:
    row = roster_row(1, name="<b>Lê & Con</b>")
    text = _pages(write_roster_pdf(roster_doc([row], 1), tmp_path / "ds.pdf"))[0]
    assert "Lê & Con" in text


def test_empty_roster_pdf(tmp_path: Path) -> None:
    text = _pages(write_roster_pdf(roster_doc(iter(()), 0, "due_tomorrow"), tmp_path / "ds.pdf"))[0]
    assert "DANH SÁCH NGƯỜI DỰ KIẾN HOÀN THÀNH CÁCH LY NGÀY MAI" in text
    assert "Không có người nào trong danh sách." in text


def test_two_thousand_rows_from_a_generator(tmp_path: Path) -> None:
    path = write_roster_pdf(roster_doc(roster_rows(2_000), 2_000), tmp_path / "ds.pdf")
    reader = PdfReader(path)
    count = len(reader.pages)
    assert count > 20
    assert f"Trang {count}/{count}" in reader.pages[-1].extract_text()


@pytest.mark.parametrize("after", [0, 2, 20])
def test_cancelled_roster_pdf_leaves_no_file(tmp_path: Path, after: int) -> None:
    # 20 calls: past the rows, the cancel comes while the pages are being laid out
    with pytest.raises(Cancelled):
        write_roster_pdf(
            roster_doc(roster_rows(300), 300), tmp_path / "ds.pdf", should_stop=stop_after(after)
        )
    assert os.listdir(tmp_path) == []


def test_daily_report_pdf(tmp_path: Path) -> None:
    path = write_daily_report_pdf(daily_report("F01", "F02"), tmp_path / "bc.pdf")
    text = "\n".join(_pages(path))
    for expected in (
        NATION,
        MOTTO,
        "BÁO CÁO NHANH TÌNH HÌNH CÁCH LY TẬP TRUNG",
        "(Số liệu tính đến 16 giờ ngày 27/07/2021)",
        "Tổng cộng",
        "Khu cách ly F01",
        "Test nhanh: còn 40 bộ",
        "Trang 1/1",
        "Người lập biểu",
    ):
        assert expected in text, expected
    assert "600" in text  # total beds of the two
    _assert_dejavu_embedded(path)


def test_certificates_one_page_each(tmp_path: Path) -> None:
    path = write_certificates_pdf([certificate(1), certificate(2), certificate(3)], tmp_path / "gxn.pdf")
    pages = _pages(path)
    assert len(pages) == 3
    for n, page in enumerate(pages, start=1):
        for expected in (
            NATION,
            "GIẤY XÁC NHẬN HOÀN THÀNH CÁCH LY Y TẾ TẬP TRUNG",
            "Nguyễn Thị Hường",
            "Đã hoàn thành thời gian cách ly y tế tập trung từ ngày",
            "20/07/2021",
            "03/08/2021",
            "68/NQ-CP",
            "TRƯỞNG BAN QUẢN LÝ KHU CÁCH LY",
            f"Số {1000 + n}/GXN-CL",
            "Âm tính",
            "RT-PCR",
        ):
            assert expected in page, (n, expected)
    _assert_dejavu_embedded(path)
    # the QR code is vector drawing: many filled rectangles in the page's content
    content = PdfReader(path).pages[0].get_contents()
    assert content is not None and content.get_data().count(b" re") > 50


def test_cancelled_certificates_leave_no_file(tmp_path: Path) -> None:
    with pytest.raises(Cancelled):
        write_certificates_pdf(
            [certificate(n) for n in range(5)], tmp_path / "gxn.pdf", should_stop=stop_after(2)
        )
    assert os.listdir(tmp_path) == []


def test_commitment_pdf(tmp_path: Path) -> None:
    path = write_commitment_pdf(commitment(), tmp_path / "ck.pdf")
    text = "\n".join(_pages(path))
    for expected in (
        NATION,
        MOTTO,
        "BẢN CAM KẾT THỰC HIỆN CÁCH LY Y TẾ TẬP TRUNG",
        "Nguyễn Thị Hường",
        "phòng A101, giường 2",
        "03/08/2021",
        "Tôi xin cam kết",
        "7. Không tự ý rời khỏi khu cách ly",
        "Người cách ly",
        "Đại diện gia đình",
        "Đại diện Ban quản lý",
        "Trang 1/1",
    ):
        assert expected in text, expected
    _assert_dejavu_embedded(path)
    box = PdfReader(path).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 portrait


def test_roster_pdf_text_survives_many_letters(tmp_path: Path) -> None:
    """More distinct letters than one subset of the embedded font holds (256): every name reads back whole."""
    lower = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
    letters = lower + lower.upper() + "".join(map(chr, range(0x410, 0x450)))  # and Cyrillic, as on a passport
    words = [letters[i : i + 5] for i in range(0, len(letters), 5)]
    rows = [
        roster_row(n, name=f"{words[n % len(words)]} {words[n * 7 % len(words)]} {n}") for n in range(1, 61)
    ]
    path = write_roster_pdf(roster_doc(rows, 60), tmp_path / "ds.pdf")
    text = " ".join(_pages(path))
    assert [row.full_name for row in rows if row.full_name not in text] == []
    _assert_dejavu_embedded(path)
