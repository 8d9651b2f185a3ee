"""Importing F1 lists as the communes send them: each person checked after the import, re-imports, duplicates,
CCCD checks, the rejected rows sent back, progress. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from quarantine_desk.db.models import Person
from quarantine_desk.domain.errors import BadFile, Cancelled
from quarantine_desk.services import imports, people, stays
from tests.exports.commune_lists import MOH_PEOPLE, cp1258, moh_form, rows_xlsx
from tests.services.fixtures import facility, person


def _count(desk) -> int:
    with desk.read() as session:
        return int(session.scalar(select(func.count()).select_from(Person)) or 0)


def _people(desk) -> dict[str, Person]:
    with desk.read() as session:
        found = {p.full_name: p for p in session.scalars(select(Person))}
        session.expunge_all()
        return found


_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng")
_MIDDLE = ("Văn", "Hữu", "Đức", "Minh", "Quang", "Thành", "Công", "Xuân", "Ngọc", "Bá")
_GIVEN = ("An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Khoa", "Long", "Nam")


def _name(n: int) -> str:
    """5,000 different Vietnamese names (10 × 10 × 10 × 5)."""
    return f"{_FAMILY[n % 10]} {_MIDDLE[n // 10 % 10]} {_MIDDLE[n // 100 % 10]} {_GIVEN[n // 1000 % 10]}"


def test_the_moh_form_imports_every_person_as_written(desk, tmp_path):
    result = imports.import_people(desk, moh_form(tmp_path / "f1.xlsx"))
    assert (result.accepted, result.rejected, result.matched) == (4, (), ())
    assert result.ignored == (14, 20, 22, 23, 24, 27)  # not people, and not rejected either
    found = _people(desk)
    assert sorted(found) == sorted(p[0] for p in MOH_PEOPLE)
    for name, sex, born, id_number, phone, address in MOH_PEOPLE:
        p = found[name]
        assert p.sex == sex, name
        assert (p.birth_date.isoformat() if p.birth_date else str(p.birth_year)) == born, name
        assert p.id_number == id_number, name
        assert p.phone == phone, name
        assert p.address == address, name
        assert p.pre_registered
    assert people.search_people(desk, "tran thi thu ha")[0].full_name == "Trần Thị Thu Hà"  # typed in NFD
    assert (found["Lê Văn Hùng"].commune, found["Lê Văn Hùng"].notes) == ("Hà Mòn", "ho khan")


def test_the_record_fields_of_a_list_are_kept(desk, tmp_path):
    path = rows_xlsx(
        tmp_path / "f1.xlsx",
        [
            ["Họ và tên", "Năm sinh", "Giới tính", "Xã", "Huyện", "Tỉnh", "Phân loại", "Tiếp xúc với F0"]
            + ["Người thân", "SĐT người thân", "Bệnh nền", "Có thai", "Ghi chú"],
            ["Hồ Thị Hoa", 1990, "Nữ", "Hà Mòn", "Đắk Hà", "Kon Tum", "F1", "BN 12345", "Hồ Văn Cha"]
            + ["0905 000 000", "", "x", "ở cùng mẹ"],
            ["Hồ Văn Ba", 1960, "Nam", "Hà Mòn", "Đắk Hà", "Kon Tum", "F2", "", "", "", "Tiểu đường", "", ""],
            ["Hồ Văn Tư", 1961, "Nam", "", "", "", "F9", "", "", "", "", "", ""],
        ],
    )
    result = imports.import_people(desk, path)
    assert result.accepted == 2
    assert [(r.row, r.field) for r in result.rejected] == [(4, "f_level")]
    found = _people(desk)
    hoa, ba = found["Hồ Thị Hoa"], found["Hồ Văn Ba"]
    assert (hoa.commune, hoa.district, hoa.province, hoa.f_level, hoa.exposure) == (
        "Hà Mòn",
        "Đắk Hà",
        "Kon Tum",
        "f1",
        "BN 12345",
    )
    assert (hoa.relative_name, hoa.relative_phone, hoa.notes) == ("Hồ Văn Cha", "0905000000", "ở cùng mẹ")
    assert (hoa.pregnant, hoa.special_watch) == (True, True)
    assert (ba.conditions, ba.pregnant, ba.special_watch, ba.f_level) == ("Tiểu đường", False, True, "f2")


def test_a_second_import_creates_nobody_twice_and_reports_each_match(desk, tmp_path):
    path = moh_form(tmp_path / "f1.xlsx")
    imports.import_people(desk, path)
    facility(desk)
    stays.admit(desk, "062085000111", "F01", "F1 Hà Mòn")
    before = _count(desk)
    again = imports.import_people(desk, path)
    assert _count(desk) == before
    assert again.accepted == 0 and again.rejected == ()
    assert [(m.row, m.by) for m in again.matched] == [
        (15, "id_number"),
        (16, "name_born"),
        (17, "name_born"),
        (18, "id_number"),
    ]
    assert all(m.filled == () for m in again.matched)
    assert [m.staying for m in again.matched] == [True, False, False, False]  # Sơn is already in the facility


def test_update_existing_fills_only_empty_fields(desk, tmp_path):
    registered = person(desk, "Lê Văn Hùng", "M", "1978", phone="0905999888")
    path = rows_xlsx(
        tmp_path / "f1.xlsx",
        [
            ["Họ và tên", "Năm sinh", "Giới tính", "CCCD", "SĐT", "Địa chỉ"],
            ["Lê Văn Hùng", 1978, "Nam", "062078000555", "", "Thôn 3, Hà Mòn"],
        ],
    )
    looked = imports.import_people(desk, path)
    assert [(m.person, m.filled) for m in looked.matched] == [(registered, ("id_number", "address"))]
    unchanged = _people(desk)["Lê Văn Hùng"]
    assert (unchanged.id_number, unchanged.address) == (None, None)  # not without --update-existing
    filled = imports.import_people(desk, path, update_existing=True)
    assert filled.updated == 1 and filled.accepted == 0
    p = _people(desk)["Lê Văn Hùng"]
    assert (p.id_number, p.address, p.phone) == ("062078000555", "Thôn 3, Hà Mòn", "0905999888")
    assert people.get_person(desk, "062078000555").id == registered
    # a filled field is never overwritten: another phone is another person, not this one
    other = rows_xlsx(
        tmp_path / "f1b.xlsx",
        [["Họ và tên", "Năm sinh", "Giới tính", "SĐT"], ["Lê Văn Hùng", 1978, "Nam", "0911000111"]],
    )
    result = imports.import_people(desk, other, update_existing=True)
    assert result.accepted == 1 and result.matched == ()
    assert _people(desk)["Lê Văn Hùng"].phone in ("0905999888", "0911000111")
    assert _count(desk) == 2


def test_duplicates_within_the_file(desk, tmp_path):
    path = rows_xlsx(
        tmp_path / "f1.xlsx",
        [
            ["Họ và tên", "Năm sinh", "Giới tính", "CCCD", "SĐT", "Xã"],
            ["Võ Văn A", 1990, "Nam", "062090000001", "", ""],
            ["Võ Văn A", 1990, "Nam", "062090000001", "", ""],
            ["Võ Thị B", 1991, "Nữ", "", "0905000002", ""],
            ["VÕ THỊ B", 1991, "Nữ", "", "0905 000 002", ""],
            ["Võ Thị C", 1992, "Nữ", "", "", "Hà Mòn"],
            ["Võ Thị C", 1992, "Nữ", "", "", "Hà Mòn"],
            ["Võ Thị C", 1992, "Nữ", "", "", "Đắk Mar"],  # another commune: another person
        ],
    )
    result = imports.import_people(desk, path)
    assert result.accepted == 4
    assert [(r.row, r.field, r.reason) for r in result.rejected] == [
        (3, "id_number", "duplicate_in_file"),
        (5, "name", "duplicate_in_file"),
        (7, "name", "duplicate_in_file"),
    ]
    assert "trùng với dòng 2" in result.rejected[0].message


def test_cccd_checks(desk, tmp_path):
    person(desk, "Người Khác", "M", "1990", id_number="062090000777")
    path = rows_xlsx(
        tmp_path / "f1.xlsx",
        [
            ["Họ và tên", "Năm sinh", "Giới tính", "Số CCCD"],
            ["Đúng Văn Một", 1985, "Nam", "062085000111"],
            ["Sai Thị Giới", 1985, "Nữ", "062085000112"],  # 4th digit 0: a man
            ["Sai Văn Thế Kỷ", 1985, "Nam", "062285000113"],  # 4th digit 2: born in the 2000s
            ["Sai Văn Tỉnh", 1985, "Nam", "000085000114"],  # no province 000
            ["Thiếu Văn Số", 1985, "Nam", "06208500011"],  # 11 digits
            ["Trùng Văn Số", 1990, "Nam", "062090000777"],  # someone else's number
            ["Đúng Thị Hai", 2003, "Nữ", "062303000115"],
        ],
    )
    result = imports.import_people(desk, path)
    assert result.accepted == 2
    assert [(r.row, r.reason) for r in result.rejected] == [
        (3, "sex_mismatch"),
        (4, "century_mismatch"),
        (5, "bad_province_code"),
        (6, "bad_format"),
        (7, "belongs_to_other"),
    ]
    assert "giới tính" in result.rejected[0].message
    assert "Người Khác" in result.rejected[4].message


def test_windows_1258_csv_with_day_first_dates(desk, tmp_path):
    path = tmp_path / "f1.csv"
    path.write_bytes(
        cp1258("Họ và tên;Ngày sinh;Giới tính;Địa chỉ\nBùi Thị Lựu;05/11/1987;Nữ;Thôn Kon Klốc, Hà Mòn\n")
    )
    assert imports.import_people(desk, path).accepted == 1
    p = _people(desk)["Bùi Thị Lựu"]
    assert (p.birth_date, p.sex, p.address) == (date(1987, 11, 5), "F", "Thôn Kon Klốc, Hà Mòn")


def test_bad_files_say_what_is_wrong_and_change_nothing(desk, tmp_path):
    old = tmp_path / "f1.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    no_header = rows_xlsx(tmp_path / "f1.xlsx", [["Năm sinh", "Giới tính"], [1990, "Nam"]])
    for path, reason in ((tmp_path / "none.xlsx", "not_found"), (old, "xls"), (no_header, "no_name_column")):
        with pytest.raises(BadFile) as err:
            imports.import_people(desk, path)
        assert err.value.reason == reason
    assert _count(desk) == 0


def test_the_rejected_rows_go_back_to_the_commune_with_their_reasons(desk, tmp_path):
    path = rows_xlsx(
        tmp_path / "f1.xlsx",
        [
            ["STT", "Họ và tên", "Năm sinh", "Giới tính"],
            [1, "Đinh Văn Tốt", 1990, "Nam"],
            [2, "Đinh Văn Xấu", 2990, "Nam"],
            [3, "@Đinh 2", 1990, "Nam"],
        ],
    )
    result = imports.import_people(desk, path)
    saved = imports.save_rejected(result, path)
    assert saved == tmp_path / "f1_tu_choi.xlsx"
    ws = openpyxl.load_workbook(saved).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == ["Lý do không nhập", "Dòng", "STT", "Họ và tên", "Năm sinh", "Giới tính"]
    assert [r[1:] for r in rows[1:]] == [
        [3, "2", "Đinh Văn Xấu", "2990", "Nam"],
        [4, "3", "@Đinh 2", "1990", "Nam"],
    ]
    assert "Năm sinh" in rows[1][0]
    assert ws["D3"].data_type == "s"  # never a formula


def test_five_thousand_rows_report_progress_per_batch(desk, tmp_path):
    rows: list[list[object]] = [["Họ và tên", "Năm sinh", "Giới tính", "Số điện thoại"]]
    rows += [[_name(n), 1950 + n % 60, "Nam", f"09{n:08d}"] for n in range(5000)]
    path = rows_xlsx(tmp_path / "big.xlsx", rows)
    calls: list[tuple[int, int]] = []
    result = imports.import_people(desk, path, progress=lambda done, total: calls.append((done, total)))
    assert result.accepted == 5000
    assert calls[:3] == [(500, 5000), (1000, 5000), (1500, 5000)]
    assert calls[-1] == (5000, 5000)
    assert _count(desk) == 5000
    assert people.search_people(desk, "0900004999")[0].full_name == _name(4999)
    again = imports.import_people(desk, path)
    assert again.accepted == 0 and len(again.matched) == 5000 and _count(desk) == 5000


def test_cancel_writes_nothing(desk, tmp_path):
    rows: list[list[object]] = [["Họ và tên", "Năm sinh", "Giới tính"]]
    rows += [[_name(n), 1980, "Nam"] for n in range(600)]
    path = rows_xlsx(tmp_path / "f1.xlsx", rows)
    with pytest.raises(Cancelled):
        imports.import_people(desk, path, should_stop=lambda: True)
    assert _count(desk) == 0
