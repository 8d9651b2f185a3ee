"""Reading F1 lists in the shapes the commune health stations send them (see commune_lists.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from quarantine_desk.domain.errors import BadFile
from quarantine_desk.exports.importer import read_people_sheet
from tests.exports.commune_lists import moh_form, rows_xlsx


def test_moh_form_two_row_header_merged_cells_split_names_and_signatures(tmp_path: Path) -> None:
    sheet = read_people_sheet(moh_form(tmp_path / "f1.xlsx"))
    assert sheet.header_rows == (12, 13)
    assert [(c.letter, c.role) for c in sheet.found] == [
        ("B", "family_name"),
        ("C", "given_name"),
        ("D", "born_male"),
        ("E", "born_female"),
        ("F", "id_number"),
        ("G", "phone"),
        ("H", "address"),
        ("I", "commune"),
        ("J", "note"),
    ]
    assert sheet.found[2].header == "Năm sinh / Nam"
    assert [r.row_number for r in sheet.rows] == [15, 16, 17, 18]
    # the column numbers, the total, the date line and the signatures are not people
    assert sheet.ignored == (14, 20, 22, 23, 24, 27)
    by_row = {r.row_number: r.values for r in sheet.rows}
    assert by_row[15]["name"] == "Nguyễn Văn Sơn"
    assert (by_row[15]["born"], by_row[15]["sex"]) == ("1985", "Nam")
    assert by_row[16]["name"] == "Trần Thị Thu Hà"  # typed in NFD, read as NFC
    assert (by_row[16]["born"], by_row[16]["sex"]) == ("14/07/1992", "Nữ")
    assert by_row[16]["commune"] == "Hà Mòn"
    assert (by_row[18]["born"], by_row[18]["sex"]) == ("2001-03-05", "Nữ")  # a real date
    assert sheet.rows[0].cells[:3] == ("1", "Nguyễn Văn", "Sơn")  # the whole row, for the list sent back


def test_header_below_row_ten_is_found_and_beyond_thirty_is_not(tmp_path: Path) -> None:
    rows: list[list[object]] = [["STT", "Họ tên", "Năm sinh", "Giới"], [1, "Võ Minh Khôi", 1990, "Nam"]]
    sheet = read_people_sheet(rows_xlsx(tmp_path / "a.xlsx", rows, title_rows=24))
    assert sheet.header_rows == (25,)
    assert sheet.rows[0].values == {"name": "Võ Minh Khôi", "born": "1990", "sex": "Nam"}
    with pytest.raises(BadFile) as err:
        read_people_sheet(rows_xlsx(tmp_path / "b.xlsx", rows, title_rows=30))
    assert err.value.reason == "no_name_column"


def test_sex_split_into_marked_columns(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["STT", "Họ và tên", "Giới tính", None, "Năm sinh"])
    ws.merge_cells("C1:D1")
    ws.append([None, None, "Nam", "Nữ", None])
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:B2")
    ws.merge_cells("E1:E2")
    ws.append([1, "Đặng Văn Tài", "x", None, 1980])
    ws.append([2, "Đặng Thị Tâm", None, "X", 1982])
    ws.append([3, "Đặng Văn Tú", "x", "x", 2005])
    ws.append([4, "Đặng Thị Thơ", None, None, 2007])
    wb.save(tmp_path / "gt.xlsx")
    sheet = read_people_sheet(tmp_path / "gt.xlsx")
    assert [r.values["sex"] for r in sheet.rows] == ["Nam", "Nữ", "Nam / Nữ", ""]  # never guessed


def test_split_name_in_one_header_row_and_synonyms_of_the_new_fields(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["TT", "Họ", "Tên", "Ngày tháng năm sinh", "Giới tính", "CMND/CCCD", "Phường/xã", "Quận/huyện"]
        + ["Tỉnh/TP", "Phân loại", "Tiếp xúc với F0", "SĐT người thân", "Bệnh nền", "Có thai", "Số mũi tiêm"],
        [
            1,
            "Hồ Thị",
            "Hoa",
            "02/09/1990",
            "Nữ",
            "",
            "Hà Mòn",
            "Đắk Hà",
            "Kon Tum",
            "F1",
            "BN 12345",
            "0905000000",
        ]
        + ["Tiểu đường", "Có", "Đã tiêm 2 mũi"],
    ]
    sheet = read_people_sheet(rows_xlsx(tmp_path / "ds.xlsx", rows))
    values = sheet.rows[0].values
    assert values["name"] == "Hồ Thị Hoa"
    assert [values[k] for k in ("commune", "district", "province", "f_level", "exposure")] == [
        "Hà Mòn",
        "Đắk Hà",
        "Kon Tum",
        "F1",
        "BN 12345",
    ]
    assert [values[k] for k in ("relative_phone", "conditions", "pregnant", "doses")] == [
        "0905000000",
        "Tiểu đường",
        "Có",
        "Đã tiêm 2 mũi",
    ]


def test_a_person_row_after_a_note_is_still_read(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Họ và tên", "Năm sinh", "SĐT"],
        ["Lý Văn Một", 1990, "0905000001"],
        ["Ghi chú: danh sách bổ sung", None, None],
        ["Lý Văn Hai", 1991, "0905000002"],
        ["Người lập", None, None],
        ["Lý Thị Ký", None, None],
    ]
    sheet = read_people_sheet(rows_xlsx(tmp_path / "ds.xlsx", rows))
    assert [r.values["name"] for r in sheet.rows] == ["Lý Văn Một", "Lý Văn Hai"]
    assert sheet.ignored == (3, 5, 6)


def test_a_row_with_a_name_but_nothing_else_before_any_signature_is_kept_for_rejection(
    tmp_path: Path,
) -> None:
    rows: list[list[object]] = [["Họ và tên", "Năm sinh"], ["Lý Văn Một", 1990], ["Lý Văn Hai", None]]
    sheet = read_people_sheet(rows_xlsx(tmp_path / "ds.xlsx", rows))
    assert [r.row_number for r in sheet.rows] == [2, 3]
    assert sheet.ignored == ()
