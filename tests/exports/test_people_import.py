"""Reading the people lists the districts send, from files the tests write."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from quarantine_desk.domain.errors import BadFile
from quarantine_desk.exports.importer import fold, header_field, read_people_sheet


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_xlsx_with_title_rows_before_the_header(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "ds.xlsx",
        [
            ["DANH SÁCH CÔNG DÂN VỀ TỪ VÙNG DỊCH"],
            [],
            [
                "STT",
                "Họ và tên",
                "Ngày sinh",
                "Giới tính",
                "Số CCCD/CMND",
                "SĐT",
                "Địa chỉ",
                "Hộ gia đình",
                "Số mũi tiêm",
                "Ghi chú",
            ],
            [
                1,
                "  Nguyễn Thị Hường ",
                datetime(1985, 3, 14),
                "Nữ",
                46185001234,
                "0912345678",
                "Phú Hội, Huế",
                "H01",
                2.0,
                "",
            ],
            [],
            [
                2,
                "Trần Văn Đức",
                1979,
                "Nam",
                "038079000123",
                912345678,
                "Thủy Xuân, Huế",
                "H02",
                0,
                "+84 tiêm 2 mũi",
            ],
        ],
    )
    sheet = read_people_sheet(path)
    assert sheet.columns == {
        "name": "Họ và tên",
        "born": "Ngày sinh",
        "sex": "Giới tính",
        "id_number": "Số CCCD/CMND",
        "phone": "SĐT",
        "address": "Địa chỉ",
        "household": "Hộ gia đình",
        "doses": "Số mũi tiêm",
        "note": "Ghi chú",
    }
    assert [r.row_number for r in sheet.rows] == [4, 6]  # blank row 5 skipped, numbers as Excel shows them
    first, second = sheet.rows
    assert first.values == {
        "name": "Nguyễn Thị Hường",
        "born": "1985-03-14",
        "sex": "Nữ",
        "id_number": "46185001234",
        "phone": "0912345678",
        "address": "Phú Hội, Huế",
        "household": "H01",
        "doses": "2",
        "note": "",
    }
    assert second.values["born"] == "1979"
    assert second.values["phone"] == "912345678"
    assert second.values["doses"] == "0"
    assert second.values["note"] == "+84 tiêm 2 mũi"


def test_csv_with_semicolons_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    text = (
        "Danh sách người cách ly;;;\n"
        "Họ tên;Năm sinh;Giới;CMND;Điện thoại;Nơi ở\n"
        'Lê Thị Ngọc Ánh;1990;Nữ;012345678;0987654321;"Số 5; Lê Lợi"\n'
        ";;;;;\n"
        "Phạm Quốc Việt;1970;Nam;;;\n"
    )
    path.write_bytes(text.encode("utf-8-sig"))
    sheet = read_people_sheet(path)
    assert list(sheet.columns) == ["name", "born", "sex", "id_number", "phone", "address"]
    assert [r.row_number for r in sheet.rows] == [3, 5]
    assert sheet.rows[0].values["name"] == "Lê Thị Ngọc Ánh"  # no BOM glued to anything
    assert sheet.rows[0].values["address"] == "Số 5; Lê Lợi"
    assert sheet.rows[1].values == {
        "name": "Phạm Quốc Việt",
        "born": "1970",
        "sex": "Nam",
        "id_number": "",
        "phone": "",
        "address": "",
    }


def test_csv_with_commas_without_bom(tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    path.write_text("TÊN,SỐ GIẤY TỜ,Hộ chiếu\nVõ Minh Khôi,079201000111,\n", encoding="utf-8")
    sheet = read_people_sheet(path)
    assert sheet.columns == {"name": "TÊN", "id_number": "SỐ GIẤY TỜ"}
    assert sheet.rows[0].values == {"name": "Võ Minh Khôi", "id_number": "079201000111"}


def _cp1258(text: str) -> bytes:
    """Text as Windows-1258 stores it: vowels with their shape precomposed, the tone as a combining mark."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            shaped = unicodedata.normalize("NFC", base + "".join(marks[:-1]))
            out += shaped.encode("cp1258") + marks[-1].encode("cp1258")
    return out


def test_csv_in_the_windows_vietnamese_code_page(tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    path.write_bytes(_cp1258("Họ và tên;Năm sinh\nBùi Văn Lực;1988\n"))
    assert read_people_sheet(path).rows[0].values == {"name": "Bùi Văn Lực", "born": "1988"}


def test_headers_are_matched_without_accents_or_case() -> None:
    assert fold("  Số CCCD/CMND (*) ") == "so cccd cmnd"
    assert header_field("HO VA TEN") == "name"
    assert header_field("số điện thoại") == "phone"
    assert header_field("Hộ") == "household"
    assert header_field("Họ") == "family_name"  # a family-name column (beside "Tên"), not the household
    assert header_field("Số mũi") == "doses"
    assert header_field("Quốc tịch") is None


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.csv", b"", "empty"),
        ("empty.xlsx", b"", "empty"),
        ("blank.csv", "\ufeff\n ;;\n".encode(), "empty"),
        ("text.xlsx", "Họ và tên;Năm sinh\n".encode(), "unreadable"),
        ("zip.xlsx", b"PK\x03\x04 not really a zip", "unreadable"),
        ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "encrypted"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "xls"),
        ("binary.csv", b"\x00\x01\x02\x03", "unreadable"),
        ("photo.jpg", b"\xff\xd8\xff\xe0 JFIF", "unreadable"),
    ],
)
def test_bad_files(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BadFile) as err:
        read_people_sheet(path)
    assert err.value.reason == reason
    assert err.value.path == str(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BadFile) as err:
        read_people_sheet(tmp_path / "none.xlsx")
    assert err.value.reason == "not_found"


def test_no_name_column(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "ds.xlsx", [["Năm sinh", "Giới tính"], [1990, "Nam"]])
    with pytest.raises(BadFile) as err:
        read_people_sheet(path)
    assert err.value.reason == "no_name_column"


def test_header_without_rows_is_empty(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "ds.xlsx", [["Họ và tên", "Năm sinh"]])
    with pytest.raises(BadFile) as err:
        read_people_sheet(path)
    assert err.value.reason == "empty"


def test_an_empty_workbook_is_empty(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "ds.xlsx", [])
    with pytest.raises(BadFile) as err:
        read_people_sheet(path)
    assert err.value.reason == "empty"


def test_the_sheet_with_the_header_is_used(tmp_path: Path) -> None:
    wb = Workbook()
    cover = wb.active
    assert cover is not None
    cover.append(["Hướng dẫn: điền danh sách ở trang sau"])
    people = wb.create_sheet("Danh sách")
    people.append(["Họ và tên", "Năm sinh"])
    people.append(["Đặng Thị Mỹ Duyên", 2001])
    wb.save(tmp_path / "ds.xlsx")
    sheet = read_people_sheet(tmp_path / "ds.xlsx")
    assert sheet.rows[0].values == {"name": "Đặng Thị Mỹ Duyên", "born": "2001"}
    assert sheet.rows[0].row_number == 2


def test_a_sheet_without_its_dimension_record_is_read_once(tmp_path: Path, monkeypatch) -> None:
    # openpyxl's write-only mode, like many programs, writes no <dimension>: the sheet must still be parsed
    # once, not once to learn its size and again for its rows.
    import zipfile

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("F1")
    ws.append(["Họ và tên", "Năm sinh", "Giới tính"])
    for n in range(300):
        ws.append([f"Nguyễn Văn An {n}", 1980 + n % 20, "Nam"])
    path = tmp_path / "f1.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        sheet = next(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
        assert b"<dimension" not in z.read(sheet)
        size = z.getinfo(sheet).file_size
    read = 0
    original = zipfile.ZipExtFile.read

    def counting(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        nonlocal read
        data = original(self, n)
        if self.name == sheet:
            read += len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting)
    found = read_people_sheet(path)
    assert len(found.rows) == 300 and found.rows[-1].values["name"] == "Nguyễn Văn An 299"
    assert size <= read < 1.5 * size


def test_a_sheet_with_its_dimension_record_reads_every_row(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Họ và tên", "Năm sinh"], *([f"Lê Thị Hoa {n}", 1990] for n in range(40))]
    found = read_people_sheet(_xlsx(tmp_path / "f1.xlsx", rows))
    assert [r.row_number for r in found.rows] == list(range(2, 42))
