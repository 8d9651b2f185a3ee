"""Lists back to the home communes: the day's handover by commune, and the F1 people who never arrived."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
from pypdf import PdfReader

from quarantine_desk.services import handover, imports, stays
from tests.exports.commune_lists import rows_xlsx
from tests.services.fixtures import AUG1, facility, person

AUG15 = datetime(2021, 8, 15, 9, 0)


def _released_on_the_15th(desk, clock) -> None:
    facility(desk)
    sơn = person(desk, "Nguyễn Văn Sơn", "M", "1985", address="Thôn 1, Hà Mòn, Đắk Hà, Kon Tum")
    hà = person(desk, "Trần Thị Hà", "F", "1992", address="Thôn 2, Xã Hà Mòn, Đắk Hà")
    mai = person(desk, "Lê Thị Mai", "F", "1990", address="Tổ 3, Đắk Mar, Đắk Hà, Kon Tum")
    hùng = person(desk, "Phạm Văn Hùng", "M", "1978", address="=cmd|' /C calc'!A0")
    still = person(desk, "Võ Văn Còn", "M", "1980", address="Thôn 1, Hà Mòn")
    for p in (sơn, hà, mai, hùng, still):
        stays.admit(desk, p, "F01", "F1 chợ Đầm", at=AUG1)
    clock.now = AUG15
    for p in (sơn, hà, hùng):
        stays.release(desk, p, at=AUG15, override="Hết thời gian theo chỉ đạo")
    stays.transfer(desk, mai, "Bệnh viện Dã chiến số 2", at=AUG15)


def test_handover_xlsx_has_a_sheet_per_commune(desk, clock, tmp_path):
    _released_on_the_15th(desk, clock)
    summary = handover.export_handover(desk, "F01", date(2021, 8, 15), tmp_path / "bg.xlsx")
    assert summary.people == 4
    assert summary.communes == ("Đắk Mar", "Hà Mòn", "Không rõ xã/phường")
    book = openpyxl.load_workbook(tmp_path / "bg.xlsx")
    assert book.sheetnames == ["Đắk Mar", "Hà Mòn", "Không rõ xã phường"]
    ws = book["Hà Mòn"]
    cells = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    flat = [str(c) for row in cells for c in row if c is not None]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat and "Độc lập - Tự do - Hạnh phúc" in flat
    assert any("BÀN GIAO" in c for c in flat)
    names = [row[1] for row in cells[7:] if isinstance(row[0], int)]
    assert names == ["Trần Thị Hà", "Nguyễn Văn Sơn"]  # "Xã Hà Mòn" and "Hà Mòn" are one commune
    assert ws.cell(8, 8).value == date(2021, 8, 1) or ws.cell(8, 8).value == datetime(2021, 8, 1)
    assert "Đại diện xã/phường (bên nhận)" in flat and "Tổng cộng: 2 người" in flat
    moved = [row for row in book["Đắk Mar"].iter_rows(values_only=True) if row[0] == 1][0]
    assert moved[1] == "Lê Thị Mai" and "Bệnh viện Dã chiến số 2" in moved[-1]
    risky = book["Không rõ xã phường"].cell(8, 7)
    assert risky.value == "=cmd|' /C calc'!A0" and risky.data_type == "s"  # text, never a formula


def test_handover_of_one_commune_as_pdf(desk, clock, tmp_path):
    _released_on_the_15th(desk, clock)
    summary = handover.export_handover(
        desk, "F01", date(2021, 8, 15), tmp_path / "bg.pdf", commune="xa ha mon"
    )
    assert summary.people == 2
    text = "\n".join(page.extract_text() for page in PdfReader(tmp_path / "bg.pdf").pages)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Nguyễn Văn Sơn" in text
    assert "Lê Thị Mai" not in text and "Trang 1/1" in text
    assert "bên nhận" in text


def test_people_expected_who_have_not_arrived(desk, clock, tmp_path):
    facility(desk)
    clock.now = datetime(2021, 8, 1, 8, 0)
    path = rows_xlsx(
        tmp_path / "f1.xlsx",
        [
            ["Họ và tên", "Năm sinh", "Giới tính", "SĐT", "Địa chỉ"],
            ["Đinh Văn Đến", 1990, "Nam", "0905000001", "Thôn 1, Hà Mòn"],
            ["Đinh Văn Vắng", 1991, "Nam", "0905000002", "Thôn 2, Hà Mòn"],
            ["Đinh Thị Xa", 1992, "Nữ", "0905000003", "Tổ 1, Đắk Mar, Đắk Hà, Kon Tum"],
        ],
    )
    imports.import_people(desk, path)
    clock.now = datetime(2021, 8, 2, 8, 0)
    stays.admit(desk, _id(desk, "dinh van den"), "F01", "F1 thôn 1", at=clock.now)
    clock.now = datetime(2021, 8, 4, 8, 0)
    summary = handover.export_not_arrived(desk, 2, tmp_path / "chua-den.xlsx")
    assert (summary.people, summary.communes) == (2, ("Đắk Mar", "Hà Mòn"))
    book = openpyxl.load_workbook(tmp_path / "chua-den.xlsx")
    rows = [r for r in book["Hà Mòn"].iter_rows(values_only=True) if r[0] == 1]
    assert rows[0][1] == "Đinh Văn Vắng" and rows[0][-1] == 3
    assert handover.export_not_arrived(desk, 5, tmp_path / "none.xlsx").people == 0


def _id(desk, name: str) -> int:
    from quarantine_desk.services import people

    return people.search_people(desk, name)[0].id
