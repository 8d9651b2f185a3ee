"""Registration and accent-insensitive search."""

from __future__ import annotations

import pytest

from quarantine_desk.domain.errors import AlreadyExists, IdNumberTaken, InvalidInput, NotFound
from quarantine_desk.domain.people import Sex
from quarantine_desk.messages import describe
from quarantine_desk.services import people, stays
from quarantine_desk.services.people import NewPerson
from tests.services.fixtures import AUG1, facility, person


def test_search_without_diacritics(desk):
    person(desk, "Nguyễn Thị Hường", "F", "1980")
    person(desk, "Đặng Văn Đức", "M", "1975")
    person(desk, "Nguyễn Văn Hùng", "M", "1990")
    assert [p.full_name for p in people.search_people(desk, "nguyen thi huong")] == ["Nguyễn Thị Hường"]
    assert [p.full_name for p in people.search_people(desk, "dang van duc")] == ["Đặng Văn Đức"]
    assert {p.full_name for p in people.search_people(desk, "nguyen")} == {
        "Nguyễn Thị Hường",
        "Nguyễn Văn Hùng",
    }
    assert people.search_people(desk, "100%_") == []


def test_search_by_id_and_phone(desk):
    person(desk, "Trần Văn Ba", id_number="062090000123", phone="0905123456")
    assert people.search_people(desk, "062090000123")[0].full_name == "Trần Văn Ba"
    assert people.search_people(desk, "0905123")[0].full_name == "Trần Văn Ba"


def test_decomposed_input_is_stored_composed(desk):
    decomposed = "Nguye\u0302\u0303n Va\u0306n A"
    pid = person(desk, decomposed)
    assert people.get_person(desk, pid).full_name == "Nguyễn Văn A"


def test_results_in_vietnamese_order(desk):
    for name in ["Trần Văn Đạt", "Lê Thị Dung", "Nguyễn An", "Phạm Văn Bình"]:
        person(desk, name)
    names = [p.full_name for p in people.search_people(desk, "")]
    assert names == ["Nguyễn An", "Phạm Văn Bình", "Lê Thị Dung", "Trần Văn Đạt"]


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("name", {"name": ""}),
        ("id_number", {"id_number": "999123456789"}),
        ("id_number", {"id_number": "12345"}),
        ("phone", {"phone": "12345"}),
        ("born", {"born": "2999"}),
        ("sex", {"sex": "X"}),
        ("doses", {"doses": "many"}),
    ],
)
def test_bad_person_is_refused_and_nothing_added(desk, field, changes):
    fields = {"name": "Võ Văn Em", "sex": "M", "born": "1990", **changes}
    with pytest.raises(InvalidInput) as info:
        people.add_person(desk, NewPerson(**fields))
    assert info.value.field == field
    assert people.search_people(desk, "") == []


def test_duplicate_id_number(desk):
    person(desk, "Võ Văn Em", id_number="062090000123")
    with pytest.raises(AlreadyExists):
        person(desk, "Võ Văn Khác", id_number="062 090 000 123")


def test_the_duplicate_id_names_who_holds_it_and_where_they_stay(desk):
    holder = person(desk, "Võ Văn Em", born="1990", id_number="062090000123")
    with pytest.raises(IdNumberTaken) as free:
        person(desk, "Võ Văn Khác", id_number="062090000123")
    assert (free.value.full_name, free.value.birth_year, free.value.facility) == ("Võ Văn Em", 1990, None)
    assert (
        describe(free.value)
        == "Số giấy tờ “062090000123” đã là của Võ Văn Em, sinh 1990, hiện không ở khu cách ly nào."
    )
    facility(desk)
    stays.admit(desk, holder, "F01", "Nhóm A", room="102", at=AUG1)
    other = person(desk, "Võ Văn Khác", id_number="062090000124")
    with pytest.raises(IdNumberTaken) as staying:
        people.update_person(desk, other, NewPerson("Võ Văn Khác", "M", "1990", id_number="062090000123"))
    assert describe(staying.value, "en") == (
        "ID number “062090000123” already belongs to Võ Văn Em, born 1990, staying in F01, room 102."
    )
    assert people.get_person(desk, other).id_number == "062090000124"


def test_sex_has_no_default(desk):
    with pytest.raises(InvalidInput) as info:
        people.add_person(desk, NewPerson("Võ Văn Em", "", "1990", id_number="123456789"))
    assert info.value.field == "sex"
    assert people.search_people(desk, "") == []


@pytest.mark.parametrize(
    ("number", "born", "sex"),
    [
        ("062090000123", "1990", Sex.MALE),
        ("062190000123", "1990", Sex.FEMALE),
        ("062203000123", "2003", Sex.MALE),  # 2 and 3: born in the 2000s
        ("062305000123", "2005", Sex.FEMALE),
    ],
)
def test_sex_comes_from_the_cccd_when_not_chosen(desk, number, born, sex):
    assert people.add_person(desk, NewPerson("Võ Em", "", born, id_number=number)).sex is sex


@pytest.mark.parametrize(
    ("sex", "born", "reason"),
    [("F", "1990", "sex_mismatch"), ("M", "2003", "century_mismatch")],
)
def test_a_cccd_contradicting_the_sex_or_century_is_refused(desk, sex, born, reason):
    with pytest.raises(InvalidInput) as err:
        people.add_person(desk, NewPerson("Võ Em", sex, born, id_number="062090000123"))
    assert (err.value.field, err.value.reason) == ("id_number", reason)
    assert people.search_people(desk, "vo em") == []


def test_person_by_id_number_or_number(desk):
    pid = person(desk, "Võ Văn Em", id_number="062090000123")
    assert people.get_person(desk, "062090000123").id == pid
    assert people.get_person(desk, pid).id == pid
    # Looked up in the form it is stored in, however it was typed or scanned (the same clean-up as on entry).
    assert people.get_person(desk, "062.090 000.123").id == pid
    assert people.get_person(desk, " 062090000123 ").id == pid
    with pytest.raises(NotFound):
        people.get_person(desk, "999999")
