"""The week's duty roster (SQLite and PostgreSQL): shifts by role group, gaps marked, a flagged staff member not
counted; reopened cell by cell (xlsx) and by text (pdf)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from quarantine_desk.domain.errors import BadFile, InvalidInput
from quarantine_desk.exports.common import MOTTO, NATION
from quarantine_desk.services import duty_roster, shifts, staff_tests
from tests.services.fixtures import facility


@pytest.fixture
def week(desk):  # type: ignore[no-untyped-def]
    """Week 32 of 2021 (Monday 09/08) on three shifts a day: 21 shifts. Monday's morning has a doctor, a police
    officer and a volunteer; Monday's afternoon only the doctor; the rest nobody."""
    facility(desk, "F01")
    doctor = shifts.add_staff(desk, "F01", "Nguyễn Văn Hùng", "Bác sĩ", None).id
    police = shifts.add_staff(desk, "F01", "Trần Minh Quân", "Công an", None).id
    helper = shifts.add_staff(desk, "F01", "Vũ Ngọc Ánh", "Tình nguyện viên", None).id
    shifts.plan_shifts(desk, "F01", date(2021, 8, 9), 7, "3x8")
    monday = shifts.roster_of_shifts(desk, "F01", date(2021, 8, 9), date(2021, 8, 10))
    for person in (doctor, police, helper):
        shifts.assign(desk, "F01", monday[0].id, person)
    shifts.assign(desk, "F01", monday[1].id, doctor)
    return desk, helper


def test_gaps_by_role(week) -> None:  # type: ignore[no-untyped-def]
    desk, helper = week
    roster = duty_roster.week_roster(desk, "F01", duty_roster.parse_week("2021-W32"))
    assert len(roster.lines) == 21 and roster.gaps == 20
    morning, afternoon = roster.lines[0], roster.lines[1]
    assert (morning.gap, morning.people["Y tế"], morning.people["An ninh"]) == (
        False,
        ("Nguyễn Văn Hùng",),
        ("Trần Minh Quân",),
    )
    assert afternoon.remark == "THIẾU: An ninh, Hậu cần, phục vụ"
    assert roster.lines[2].remark == "CHƯA CÓ NGƯỜI TRỰC"
    staff_tests.flag(desk, helper, "exposure", at=datetime(2021, 8, 10, 9))
    roster = duty_roster.week_roster(desk, "F01", date(2021, 8, 9))
    morning = roster.lines[0]
    assert morning.people["Hậu cần, phục vụ"] == ("Vũ Ngọc Ánh (phải cách ly)",)
    assert morning.remark == "THIẾU: Hậu cần, phục vụ" and roster.gaps == 21


def test_roster_xlsx_cell_by_cell(week, tmp_path) -> None:  # type: ignore[no-untyped-def]
    desk, _ = week
    path, _ = duty_roster.write_week_roster(desk, "F01", "2021-W32", tmp_path / "lich.xlsx")
    ws = load_workbook(path).active
    assert ws["A1"].value == "KHU CÁCH LY F01"
    assert ws["D1"].value == NATION and ws["D2"].value == MOTTO
    assert ws["A4"].value == "LỊCH PHÂN CÔNG TRỰC 24/24"
    assert ws["A5"].value == "Khu cách ly F01 — tuần 32/2021, từ 09/08/2021 đến 15/08/2021"
    assert [c.value for c in ws[7]] == ["Ca", "Giờ", "Y tế", "An ninh", "Hậu cần, phục vụ", "Khác", "Ghi chú"]
    assert ws["A8"].value == "Thứ Hai, 09/08/2021"
    assert [c.value for c in ws[9]][:5] == [
        "Ca sáng", "06:00–14:00", "Nguyễn Văn Hùng", "Trần Minh Quân", "Vũ Ngọc Ánh",
    ]  # fmt: skip
    assert ws["G9"].value in (None, "")
    assert ws["G10"].value == "THIẾU: An ninh, Hậu cần, phục vụ"
    assert ws["A10"].fill.fgColor.rgb.endswith("F8D7DA")  # the gap is marked
    assert ws["A9"].fill.fgColor.rgb in ("00000000", None)


def test_roster_pdf_text(week, tmp_path) -> None:  # type: ignore[no-untyped-def]
    desk, _ = week
    path, _ = duty_roster.write_week_roster(desk, "F01", "2021-W32", tmp_path / "lich.pdf")
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages)
    for expected in (NATION, "LỊCH PHÂN CÔNG TRỰC 24/24", "Thứ Hai, 09/08/2021", "Chủ nhật, 15/08/2021",
                     "CHƯA CÓ NGƯỜI TRỰC", "Nguyễn Văn Hùng", "số ca còn thiếu: 20"):  # fmt: skip
        assert expected in text


def test_bad_week_and_file(week, tmp_path) -> None:  # type: ignore[no-untyped-def]
    desk, _ = week
    for bad in ("2021-32", "2021-W54", "tuần 32"):
        with pytest.raises(InvalidInput):
            duty_roster.parse_week(bad)
    with pytest.raises(BadFile):
        duty_roster.write_week_roster(desk, "F01", "2021-W32", tmp_path / "lich.doc")
