"""The store's files (SQLite and PostgreSQL): the stock report of a period and the request sheet, reopened cell by
cell (xlsx) and by text (pdf)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from quarantine_desk.domain.errors import BadFile, InvalidInput
from quarantine_desk.exports.common import MOTTO, NATION
from quarantine_desk.services import medical, stays, store_files, supplies
from tests.services.fixtures import facility, person


@pytest.fixture
def store(desk):  # type: ignore[no-untyped-def]
    facility(desk, "F01")
    supplies.add_item(desk, "F01", "TN", "Test nhanh kháng nguyên", "test", 10)
    supplies.set_kit(desk, "F01", "TN", "rapid", pack_size=25)
    supplies.add_item(desk, "F01", "GAO", "Gạo", "kg", 50)
    supplies.receive(desk, "F01", "GAO", 300, at=datetime(2021, 8, 1, 8))
    supplies.issue(desk, "F01", "GAO", 70, at=datetime(2021, 8, 4, 8))
    supplies.receive(desk, "F01", "GAO", 100, at=datetime(2021, 8, 6, 14))
    supplies.issue(desk, "F01", "GAO", 80, at=datetime(2021, 8, 7, 8))
    supplies.issue(desk, "F01", "GAO", 60, at=datetime(2021, 8, 9, 8))  # after the period
    supplies.receive(desk, "F01", "TN", 5, at=datetime(2021, 8, 5, 7))
    pid = person(desk)
    stays.admit(desk, pid, "F01", "Nhóm 1", at=datetime(2021, 8, 5, 8))
    medical.record_test(desk, pid, "rapid", "negative", at=datetime(2021, 8, 5, 9))  # draws one kit
    return desk


def test_stock_report_of_a_period(store) -> None:  # type: ignore[no-untyped-def]
    """5 to 8 August. Gạo: 230 at the start (300 − 70), in 100, out 80, 250 at the end. Kits: 0, in 5, out 1
    (the test of 5 August), 4."""
    report = store_files.stock_report(store, "F01", date(2021, 8, 5), date(2021, 8, 8))
    assert [(r.code, r.opening, r.received, r.issued, r.closing) for r in report.lines] == [
        ("GAO", 230, 100, 80, 250),
        ("TN", 0, 5, 1, 4),
    ]


def test_stock_report_xlsx_cell_by_cell(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, _ = store_files.write_stock_report(
        store, "F01", date(2021, 8, 5), date(2021, 8, 8), tmp_path / "kho.xlsx"
    )
    ws = load_workbook(path).active
    assert ws["A1"].value == "KHU CÁCH LY F01"
    assert ws["E1"].value == NATION and ws["E2"].value == MOTTO
    assert ws["A4"].value == "BÁO CÁO XUẤT, NHẬP, TỒN VẬT TƯ"
    assert ws["A5"].value == "Khu cách ly F01 — từ ngày 05/08/2021 đến ngày 08/08/2021"
    assert [c.value for c in ws[7]] == [
        "STT", "Mã", "Tên vật tư", "Đơn vị tính", "Tồn đầu kỳ", "Nhập trong kỳ", "Xuất trong kỳ", "Tồn cuối kỳ",
    ]  # fmt: skip
    assert [c.value for c in ws[8]] == [1, "GAO", "Gạo", "kg", 230, 100, 80, 250]
    assert [c.value for c in ws[9]] == [2, "TN", "Test nhanh kháng nguyên", "test", 0, 5, 1, 4]
    assert ws.freeze_panes == "A8"


def test_stock_report_pdf_text(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, _ = store_files.write_stock_report(
        store, "F01", date(2021, 8, 5), date(2021, 8, 8), tmp_path / "kho.pdf"
    )
    text = " ".join((page.extract_text() or "") for page in PdfReader(path).pages)
    for expected in (NATION, "BÁO CÁO XUẤT, NHẬP, TỒN VẬT TƯ", "Gạo", "230", "250", "Thủ kho", "Trang 1/1"):
        assert expected in text


def test_request_sheet(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The clock stands at 10/08/2021. The person's day-7 test (11/08) is rapid, day 14 (18/08) past seven days:
    one kit needed, 4 in store, minimum 10: 7 missing, one box of 25. Gạo: 210 kg issued in the last seven days
    (70 + 80 + 60), 30 a day, 210 for the week, 190 in store, minimum 50: order 70 (kg, no packs)."""
    path, lines = store_files.write_request_sheet(store, "F01", tmp_path / "de-nghi.xlsx", days=7)
    assert [(r.code, r.need, r.stock, r.order, r.packs) for r in lines] == [
        ("GAO", 210, 190, 70, 70),
        ("TN", 1, 4, 25, 1),
    ]
    ws = load_workbook(path).active
    assert ws["A4"].value == "PHIẾU ĐỀ NGHỊ CẤP VẬT TƯ"
    assert [c.value for c in ws[8]] == [
        1,
        "Gạo",
        "kg",
        190,
        210,
        50,
        None,
        70,
        None,
        "hết vào khoảng 16/08/2021",
    ]
    assert [c.value for c in ws[9]] == [
        2, "Test nhanh kháng nguyên", "test", 4, 1, 10, "25 test/hộp", 25, 1, "1 lần xét nghiệm test nhanh theo lịch",
    ]  # fmt: skip
    pdf, _ = store_files.write_request_sheet(store, "F01", tmp_path / "de-nghi.pdf", days=7)
    text = " ".join((page.extract_text() or "") for page in PdfReader(pdf).pages)
    assert "PHIẾU ĐỀ NGHỊ CẤP VẬT TƯ" in text and "Người lập phiếu" in text and "RT-PCR" in text


def test_bad_period_and_format(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput):
        store_files.stock_report(store, "F01", date(2021, 8, 8), date(2021, 8, 5))
    with pytest.raises(BadFile):
        store_files.write_stock_report(store, "F01", date(2021, 8, 5), date(2021, 8, 8), tmp_path / "x.doc")
    assert not (tmp_path / "x.doc").exists()
