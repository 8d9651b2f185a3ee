"""Meals by the clock on SQLite and PostgreSQL: who eats which meal, per diet and zone, staff on shift, planned
days, the cost, and the kitchen's order sheet (reopened cell by cell and by text), all hand-computed."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.services import facilities, meals, people, rates, shifts, staff_tests, stays
from tests.services.fixtures import facility, person

DAY = date(2021, 8, 10)


def at(hour: int, minute: int = 0, day: int = 10) -> datetime:
    return datetime(2021, 8, day, hour, minute)


@pytest.fixture
def f01(desk, clock):  # type: ignore[no-untyped-def]
    """Room 101 (Tầng 1): An from the 1st, released early at 10:59 on the 10th; Bình admitted at 10:59 on the
    10th (another cohort, room 102). Room 201 (Tầng 2): Chi, vegetarian, from the 1st, planned release the 15th."""
    clock.now = at(8, 0, 1)
    facility(desk, "F01", rooms="101-103")
    facilities.add_rooms(desk, "F01", "Tầng 2", "201", 4, "any")
    an = person(desk, "Nguyễn Văn An", id_number="001085000101")
    chi = person(desk, "Lê Thị Chi", sex="F", id_number="001185000103")
    stays.admit(desk, an, "F01", "Nhóm 1", room="101", at=at(8, 0, 1))
    stays.admit(desk, chi, "F01", "Nhóm 1b", room="201", at=at(8, 0, 1))
    clock.now = at(20)
    stays.release(desk, an, at=at(10, 59), override="Gia đình có việc gấp, đã được duyệt")
    binh = person(desk, "Trần Văn Bình", id_number="001085000102")
    stays.admit(desk, binh, "F01", "Nhóm 2", room="102", at=at(10, 59))
    return {"an": an, "binh": binh, "chi": chi}


def _set_diet(desk, pid: int, diet: str) -> None:  # type: ignore[no-untyped-def]
    from quarantine_desk.services import vaccination

    vaccination.edit_person(desk, pid, vaccination.PersonEdit(details=people.Details(diet=diet)))


def test_admitted_at_10_59_eats_lunch_released_at_10_59_does_not(desk, f01) -> None:  # type: ignore[no-untyped-def]
    _set_diet(desk, f01["chi"], "chay")
    counts = meals.meal_counts(desk, "F01", DAY, staff=0)
    breakfast, lunch, dinner = counts.meals
    assert (breakfast.at, lunch.at, dinner.at) == (at(6, 30), at(11), at(17))
    # breakfast: An and Chi; lunch and dinner: Bình and Chi
    assert [m.quarantined for m in counts.meals] == [2, 2, 2]
    assert breakfast.by_diet == {"regular": 1, "vegetarian": 1, "child": 0, "soft": 0, "special": 0}
    assert breakfast.by_zone == {"Tầng 1": 1, "Tầng 2": 1}
    assert lunch.by_zone == {"Tầng 1": 1, "Tầng 2": 1}
    assert not any(m.planned for m in counts.meals)
    # the roster says the same at the same moments
    assert {r.person for r in stays.roster(desk, "F01", at=at(11))} == {f01["binh"], f01["chi"]}
    assert {r.person for r in stays.roster(desk, "F01", at=at(6, 30))} == {f01["an"], f01["chi"]}


def test_staff_on_shift_at_the_meal_moment(desk, f01) -> None:  # type: ignore[no-untyped-def]
    shifts.plan_shifts(desk, "F01", DAY, 1, "3x8")
    day_shifts = shifts.roster_of_shifts(desk, "F01", DAY, DAY + timedelta(days=1))
    morning = next(s for s in day_shifts if s.starts_at == at(6))
    afternoon = next(s for s in day_shifts if s.starts_at == at(14))
    a = shifts.add_staff(desk, "F01", "Nguyễn Văn Hùng", "Bác sĩ")
    b = shifts.add_staff(desk, "F01", "Phạm Thị Lan", "Điều dưỡng")
    shifts.assign(desk, "F01", morning.id, a.id)
    shifts.assign(desk, "F01", morning.id, b.id)
    shifts.assign(desk, "F01", afternoon.id, a.id)
    counts = meals.meal_counts(desk, "F01", DAY)
    assert counts.staff_source == "shifts"
    # 06:30 and 11:00 in the morning shift (06–14): two; 17:00 in the afternoon one: one
    assert [m.staff for m in counts.meals] == [2, 2, 1]
    assert [m.total for m in counts.meals] == [4, 4, 3]
    # Lan must quarantine from 10:00 (a contact of a positive case): she no longer eats with the team at 11:00
    staff_tests.flag(desk, b.id, "exposure", "tiếp xúc ca dương tính", at=at(10))
    assert [m.staff for m in meals.meal_counts(desk, "F01", DAY).meals] == [2, 1, 1]


def test_a_day_to_come_uses_planned_releases_and_arrivals(desk, clock, f01) -> None:  # type: ignore[no-untyped-def]
    clock.now = at(20)
    # Chi leaves on the morning of her planned release: breakfast yes, lunch no
    planned = {r.person: r.planned_release for r in stays.roster(desk, "F01", at=at(20))}
    chi_leaves = planned[f01["chi"]]
    assert chi_leaves == date(2021, 8, 15)
    meals.plan_arrival(desk, "F01", datetime.combine(chi_leaves, time(10, 0)), 30, "Đoàn từ chốt Bờ Y")
    counts = meals.meal_counts(desk, "F01", chi_leaves, staff=0)
    assert all(m.planned for m in counts.meals)
    breakfast, lunch, _ = counts.meals
    assert breakfast.quarantined == 2  # Bình and Chi
    assert lunch.quarantined == 1 + 30  # Bình and the group arrived at 10:00
    assert lunch.by_zone == {"Tầng 1": 1, meals.ARRIVING: 30}
    assert lunch.by_diet["regular"] == 31
    with pytest.raises(InvalidInput):
        meals.plan_arrival(desk, "F01", at(19), 5)


def test_cost_of_the_day_from_the_rate_in_force(desk, f01) -> None:  # type: ignore[no-untyped-def]
    counts = meals.meal_counts(desk, "F01", DAY, staff=1)
    # 3 portions a meal (2 people + 1 staff): 3 × 20,000 + 3 × 30,000 + 3 × 30,000
    assert counts.cost == 240_000
    rates.set_rate(desk, "meal.lunch", 35_000, DAY)
    assert meals.meal_counts(desk, "F01", DAY, staff=1).cost == 255_000
    assert meals.meal_counts(desk, "F01", DAY - timedelta(days=1), staff=1).line("lunch").rate == 30_000


def test_meal_times_of_the_facility_move_the_count(desk, f01) -> None:  # type: ignore[no-untyped-def]
    meals.set_meal_times(desk, "F01", lunch=time(10, 30))
    counts = meals.meal_counts(desk, "F01", DAY, staff=0)
    assert counts.line("lunch").at == at(10, 30)
    # at 10:30 An is still there, Bình not yet
    assert counts.line("lunch").by_zone == {"Tầng 1": 1, "Tầng 2": 1}
    assert meals.meal_settings(desk, "F01").times.lunch == time(10, 30)
    with pytest.raises(InvalidInput):
        meals.set_meal_times(desk, "F01", breakfast=time(12, 0))


def test_the_sheet_after_the_cutoff_shows_the_changes(desk, clock, f01, tmp_path) -> None:  # type: ignore[no-untyped-def]
    tomorrow = date(2021, 8, 11)
    # at the cut-off (15:00 on the 10th) Bình and Chi were there; a person admitted at 18:00 is a change
    clock.now = at(18)
    dung = person(desk, "Phạm Văn Dũng", id_number="001085000104")
    stays.admit(desk, dung, "F01", "Nhóm 3", room="103", at=at(18))
    _set_diet(desk, dung, "soft")
    clock.now = at(19)
    sheet = meals.meal_sheet(desk, "F01", tomorrow)
    assert sheet.cutoff == at(15)
    assert sheet.at_cutoff is not None and sheet.changed
    assert [m.quarantined for m in sheet.at_cutoff.meals] == [2, 2, 2]
    assert [m.quarantined for m in sheet.counts.meals] == [3, 3, 3]
    xlsx = tmp_path / "suat-an.xlsx"
    meals.write_meal_sheet(desk, "F01", tomorrow, xlsx)
    ws = load_workbook(xlsx).active
    cells = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
    texts = [v for v in cells.values() if isinstance(v, str)]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts and "PHIẾU BÁO SUẤT ĂN" in texts
    header = next(r for (r, c), v in cells.items() if v == "Bữa" and c == 1)
    assert [cells.get((header, c)) for c in range(1, 13)] == [
        "Bữa", "Giờ", "Suất thường", "Suất chay", "Suất trẻ em", "Suất mềm", "Suất đặc biệt", "Người cách ly",
        "Lực lượng phục vụ", "Tổng số suất", "Đơn giá (đồng/suất)", "Thành tiền (đồng)",
    ]  # fmt: skip
    # breakfast of the 11th: Bình and Chi (regular), Dũng (soft); nobody on shift
    assert [cells.get((header + 1, c)) for c in range(1, 13)] == [
        "Bữa sáng", "06:30", 2, 0, 0, 1, 0, 3, 0, 3, 20_000, 60_000,
    ]  # fmt: skip
    changes = next(
        r for (r, c), v in cells.items() if isinstance(v, str) and v.startswith("3. Thay đổi sau giờ chốt")
    )
    assert [cells.get((changes + 2, c)) for c in range(1, 6)] == ["Bữa sáng", "Mềm", 0, 1, "+1"]
    pdf = tmp_path / "suat-an.pdf"
    meals.write_meal_sheet(desk, "F01", tomorrow, pdf)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "PHIẾU BÁO SUẤT ĂN" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Thay đổi sau giờ chốt (15:00 ngày 10/08/2021)" in text and "+1" in text


def test_a_sheet_before_the_cutoff_has_no_changes(desk, clock, f01) -> None:  # type: ignore[no-untyped-def]
    clock.now = at(14)
    sheet = meals.meal_sheet(desk, "F01", date(2021, 8, 11))
    assert sheet.at_cutoff is None and not sheet.changed
