"""Relief by the person and the Resolution 68 support list, on SQLite and PostgreSQL, hand-computed; the files
reopened cell by cell (xlsx) and by text (pdf)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from quarantine_desk.domain.errors import AlreadyHandedOut, InvalidInput, NotAllowed, NotEntitled, NotFound
from quarantine_desk.domain.roles import Role
from quarantine_desk.services import medical, rates, relief, stays, supplies, support
from tests.helpers import as_role
from tests.services.fixtures import facility, person


def at(day: int, hour: int = 8, minute: int = 0) -> datetime:
    return datetime(2021, 8, day, hour, minute)


def _cells(path) -> dict[tuple[int, int], object]:  # type: ignore[no-untyped-def]
    ws = load_workbook(path).active
    return {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}


def _row_of(cells: dict[tuple[int, int], object], text: str, column: int = 2) -> int:
    return next(r for (r, c), v in cells.items() if c == column and v == text)


@pytest.fixture
def camp(desk, clock):  # type: ignore[no-untyped-def]
    """Room 101: An and Bình (one household HGD-7); room 102: Chi; Dũng arrives on the 10th at 09:00."""
    clock.now = at(10, 12)
    facility(desk, "F01", rooms="101-103")
    an = person(desk, "Nguyễn Văn An", id_number="001085000101", household="HGD-7")
    binh = person(desk, "Nguyễn Thị Bình", sex="F", id_number="001185000102", household="HGD-7")
    chi = person(desk, "Lê Văn Chi", id_number="001085000103")
    dung = person(desk, "Phạm Văn Dũng", id_number="001085000104")
    stays.admit(desk, an, "F01", "Nhóm 1", room="101", at=at(1))
    stays.admit(desk, binh, "F01", "Nhóm 1", room="101", at=at(1))
    stays.admit(desk, chi, "F01", "Nhóm 1", room="102", at=at(1))
    stays.admit(desk, dung, "F01", "Nhóm 2", room="103", at=at(10, 9))
    return {"an": an, "binh": binh, "chi": chi, "dung": dung}


def test_a_round_for_those_present_and_a_second_handout_refused(desk, camp) -> None:  # type: ignore[no-untyped-def]
    r = relief.add_round(desk, "F01", "Đợt 2", date(2021, 8, 10), "1 thùng mì, 5 kg gạo", sets=5)
    # present at 08:00 on the 10th: An, Bình, Chi (Dũng came at 09:00)
    assert (r.entitled, r.entitled_at, r.shares, r.given) == ("present", at(10), 3, 0)
    given = relief.give(desk, r.id, "001085000101", at=at(10, 10))
    assert (given.name, given.goods, given.given_at, given.given_by) == (
        "Nguyễn Văn An", "1 thùng mì, 5 kg gạo", at(10, 10), "admin",
    )  # fmt: skip
    with pytest.raises(AlreadyHandedOut) as second:
        relief.give(desk, r.id, camp["an"], at=at(10, 11))
    assert second.value.exit_code == 3 and second.value.given_by == "admin"
    with pytest.raises(NotEntitled):
        relief.give(desk, r.id, camp["dung"])
    assert [e.name for e in relief.pending(desk, r.id)] == ["Nguyễn Thị Bình", "Lê Văn Chi"]
    assert [(e.room, e.household) for e in relief.pending(desk, r.id)] == [("101", "HGD-7"), ("102", None)]
    again = relief.rounds(desk, "F01")[0]
    assert (again.given, again.not_given, again.left_over) == (1, 2, 4)


def test_a_round_per_household_gives_one_set_to_the_household(desk, camp) -> None:  # type: ignore[no-untyped-def]
    r = relief.add_round(
        desk, "F01", "Đợt 3", date(2021, 8, 10), "1 bình nước 20 lít", per="household", at=at(10, 10)
    )
    # An and Bình share one household: three shares for four people
    assert r.shares == 3
    relief.give(desk, r.id, camp["binh"])
    with pytest.raises(AlreadyHandedOut) as refused:
        relief.give(desk, r.id, camp["an"])
    assert refused.value.taken_by == "Nguyễn Thị Bình"
    assert {e.name for e in relief.pending(desk, r.id)} == {"Lê Văn Chi", "Phạm Văn Dũng"}


def test_a_round_for_a_list_and_the_report_files(desk, camp, tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = relief.add_round(
        desk,
        "F01",
        "Sữa cho người cao tuổi",
        date(2021, 8, 10),
        "2 hộp sữa",
        people=["001085000103", str(camp["dung"])],
    )
    assert (r.entitled, r.shares) == ("list", 2)
    relief.give(desk, r.id, camp["chi"], at=at(10, 11, 30))
    xlsx = tmp_path / "dot.xlsx"
    relief.write_report(desk, r.id, xlsx)
    cells = _cells(xlsx)
    assert "BÁO CÁO PHÁT HÀNG CỨU TRỢ" in cells.values()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells.values()
    row = _row_of(cells, "Đã phát", 1)
    assert [cells.get((row, 2)), cells.get((row + 1, 2))] == [1, 1]  # given 1, not given 1
    assert cells.get((_row_of(cells, "Số suất đã chuẩn bị", 1), 2)) == "không ghi"
    given = _row_of(cells, "Lê Văn Chi")
    assert [cells.get((given, c)) for c in (1, 3, 5, 6, 7)] == [
        1,
        "102",
        "2 hộp sữa",
        at(10, 11, 30),
        "admin",
    ]
    missing = _row_of(cells, "Phạm Văn Dũng")
    assert missing > given and cells.get((missing, 3)) == "103"
    pdf = tmp_path / "dot.pdf"
    relief.write_report(desk, r.id, pdf)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "Sữa cho người cao tuổi" in text and "Chưa nhận (1 người)" in text and "Phạm Văn Dũng" in text


def test_relief_is_for_logistics_and_managers(desk, camp) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotAllowed):
        relief.add_round(as_role(desk, Role.MEDICAL), "F01", "Đợt 4", date(2021, 8, 10), "mì")
    r = relief.add_round(as_role(desk, Role.LOGISTICS), "F01", "Đợt 4", date(2021, 8, 10), "mì")
    with pytest.raises(InvalidInput):
        relief.add_round(desk, "F01", "", date(2021, 8, 10), "mì")
    with pytest.raises(InvalidInput):
        relief.add_round(desk, "F01", "Đợt 5", date(2021, 7, 1), "mì", at=datetime(2021, 7, 1, 8))
    assert relief.rounds(desk, "F01")[0].id == r.id


def _tested(desk, pid: int) -> None:  # type: ignore[no-untyped-def]
    for day in (1, 7, 14):
        medical.record_test(desk, pid, "rapid", "negative", at=at(day, 9))


@pytest.fixture
def ended(desk, clock):  # type: ignore[no-untyped-def]
    """Stays of August: An completed (14 days), Bình released early (7), Cúc transferred (11), Hoa and her son
    Khang (born 2012, a child) completed (14 each), Em left for another reason (does not qualify)."""
    clock.now = at(31, 12)
    facility(desk, "F01", rooms="101-105")
    ids = {}
    for key, name, sex, born, idn, hh in (
        ("an", "Nguyễn Văn An", "M", "1980", "001080000101", None),
        ("binh", "Trần Thị Bình", "F", "1985", "001185000102", None),
        ("cuc", "Lê Thị Cúc", "F", "1975", "001175000106", None),
        ("hoa", "Lê Thị Hoa", "F", "1988", "001188000103", "HGD-9"),
        ("child", "Lê Minh Khang", "M", "2012", "", "HGD-9"),
        ("other", "Đỗ Văn Em", "M", "1990", "001090000105", None),
    ):
        extra = {"id_number": idn} if idn else {}
        if hh:
            extra["household"] = hh
        ids[key] = person(desk, name, sex=sex, born=born, **extra)
    for key, room in (
        ("an", "101"),
        ("binh", "102"),
        ("cuc", "105"),
        ("hoa", "103"),
        ("child", "103"),
        ("other", "104"),
    ):
        stays.admit(desk, ids[key], "F01", "Nhóm 1", room=room, at=at(1))
    for key in ("an", "hoa", "child"):
        _tested(desk, ids[key])
    stays.release(desk, ids["an"], at=at(15))  # 14 days, completed
    stays.release(desk, ids["binh"], at=at(8, 10), override="Hoàn cảnh đặc biệt, có quyết định")  # 7 days
    stays.transfer(desk, ids["cuc"], "Bệnh viện Đa khoa tỉnh", at=at(12, 16))  # 11 days
    stays.release(desk, ids["child"], at=at(15))
    stays.release(desk, ids["hoa"], at=at(15))
    stays.release(desk, ids["other"], at=at(5), override="Tự ý rời khu", outcome="other")
    return ids


def test_the_support_list_with_an_early_release_a_transfer_and_a_child(desk, ended, tmp_path) -> None:  # type: ignore[no-untyped-def]
    made = support.support_list(desk, "F01", date(2021, 8, 1), date(2021, 8, 31))
    rows = {r.name: (r.days, r.days_paid, r.amount, r.child_support, r.outcome) for r in made.rows}
    assert rows == {
        "Nguyễn Văn An": (14, 14, 1_120_000, 0, "completed"),
        "Trần Thị Bình": (7, 7, 560_000, 0, "released_early"),
        "Lê Thị Cúc": (11, 11, 880_000, 0, "transferred"),
        "Lê Thị Hoa": (14, 14, 1_120_000, 0, "completed"),
        "Lê Minh Khang": (14, 14, 1_120_000, 1_000_000, "completed"),
    }
    assert made.left_out == 1
    # 14 + 7 + 11 + 14 + 14 = 60 days × 80,000 = 4,800,000, and one child: 1,000,000
    assert (made.days_paid, made.amount, made.child_support, made.total) == (
        60,
        4_800_000,
        1_000_000,
        5_800_000,
    )
    # the period counts the stays that ended in it: from the 9th, Bình (the 8th) is not on the list
    later = support.support_list(desk, "F01", date(2021, 8, 9), date(2021, 8, 31))
    assert "Trần Thị Bình" not in {r.name for r in later.rows}
    # a new daily rate from the 1st applies to stays admitted from then
    rates.set_rate(desk, "support.daily", 100_000, date(2021, 8, 1))
    rates.set_rate(desk, "support.max_days", 10, date(2021, 8, 1))
    capped = {
        r.name: (r.days_paid, r.amount)
        for r in support.support_list(desk, "F01", date(2021, 8, 1), date(2021, 8, 31)).rows
    }
    assert capped["Nguyễn Văn An"] == (10, 1_000_000) and capped["Trần Thị Bình"] == (7, 700_000)


def test_the_support_list_files(desk, ended, tmp_path) -> None:  # type: ignore[no-untyped-def]
    xlsx = tmp_path / "nq68.xlsx"
    support.write_support_list(desk, "F01", date(2021, 8, 1), date(2021, 8, 31), xlsx)
    cells = _cells(xlsx)
    assert "DANH SÁCH HỖ TRỢ TIỀN ĂN NGƯỜI CÁCH LY Y TẾ TẬP TRUNG" in cells.values()
    child = _row_of(cells, "Lê Minh Khang")
    assert [cells.get((child, c)) for c in range(3, 14)] == [
        "2012", None, datetime(2021, 8, 1), datetime(2021, 8, 15), "Hoàn thành cách ly", 14, 14, 80_000,
        1_120_000, 1_000_000, 2_120_000,
    ]  # fmt: skip
    total = _row_of(cells, "Tổng cộng")
    assert [cells.get((total, c)) for c in (8, 9, 11, 12, 13)] == [60, 60, 4_800_000, 1_000_000, 5_800_000]
    pdf = tmp_path / "nq68.pdf"
    support.write_support_list(desk, "F01", date(2021, 8, 1), date(2021, 8, 31), pdf)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "Nghị quyết 68/NQ-CP" in text and "5.800.000" in text and "Chuyển điều trị" in text
    assert "Đỗ Văn Em" not in text
    with pytest.raises(InvalidInput):
        support.support_list(desk, "F01", date(2021, 8, 31), date(2021, 8, 1))


def test_the_database_itself_refuses_a_second_handout_of_a_share(desk, camp) -> None:  # type: ignore[no-untyped-def]
    """Two PCs that both passed the service's check cannot both write: one handout per round and share."""
    from sqlalchemy.exc import IntegrityError

    from quarantine_desk.db.models import ReliefHandout

    r = relief.add_round(desk, "F01", "Đợt 2", date(2021, 8, 10), "1 thùng mì")
    relief.give(desk, r.id, camp["an"], at=at(10, 10))
    with pytest.raises(IntegrityError), desk.engine.begin() as connection:
        connection.execute(
            ReliefHandout.__table__.insert().values(
                round_id=r.id, person_id=camp["an"], share_key=f"p{camp['an']}", given_at=at(10, 11),
                given_by="may-2", goods="1 thùng mì",
            )  # fmt: skip
        )
    assert relief.rounds(desk, "F01")[0].given == 1


def test_a_round_from_the_store_draws_each_handout_and_never_below_zero(desk, camp, tmp_path) -> None:  # type: ignore[no-untyped-def]
    supplies.add_item(desk, "F01", "MI-TOM", "Mì tôm (thùng 30 gói)", "thùng")
    supplies.receive(desk, "F01", "MI-TOM", 2, "Ủy ban MTTQ huyện", at=at(10, 7))
    r = relief.add_round(
        desk, "F01", "Đợt 3", date(2021, 8, 10), "1 thùng mì", at=at(10, 10), item="mi-tom", item_quantity=1
    )
    assert (r.item, r.item_quantity, r.item_stock, r.shares) == ("MI-TOM", 1, 2, 4)
    relief.give(desk, r.id, camp["an"], at=at(10, 11))
    relief.give(desk, r.id, camp["binh"], at=at(10, 11))
    # the store is empty: the third handout is refused and nothing is recorded
    with pytest.raises(InvalidInput) as empty:
        relief.give(desk, r.id, camp["chi"], at=at(10, 11))
    assert empty.value.reason == "more_than_stock"
    assert next(s.quantity for s in supplies.list_stock(desk, "F01") if s.code == "MI-TOM") == 0
    again = relief.rounds(desk, "F01")[0]
    assert (again.given, again.item_stock) == (2, 0)
    assert [m.reason for m in supplies.movements(desk, "F01", "MI-TOM")][:2] == [
        "Đợt 3: Nguyễn Thị Bình", "Đợt 3: Nguyễn Văn An",
    ]  # fmt: skip
    xlsx = tmp_path / "dot3.xlsx"
    relief.write_report(desk, r.id, xlsx)
    cells = _cells(xlsx)
    assert cells.get((_row_of(cells, "Còn trong kho (thùng)", 1), 2)) == 0
    with pytest.raises(NotFound):
        relief.add_round(desk, "F01", "Đợt 4", date(2021, 8, 10), "gạo", item="GAO")
