"""Registration and accent-insensitive search."""

from __future__ import annotations

import pytest

from quarantine_desk.domain.errors import AlreadyExists, InvalidInput, NotFound
from quarantine_desk.services import people
from quarantine_desk.services.people import NewPerson
from tests.services.fixtures import person


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


def test_person_by_id_number_or_number(desk):
    pid = person(desk, "Võ Văn Em", id_number="062090000123")
    assert people.get_person(desk, "062090000123").id == pid
    assert people.get_person(desk, pid).id == pid
    # Looked up in the form it is stored in, however it was typed or scanned (the same clean-up as on entry).
    assert people.get_person(desk, "062.090 000.123").id == pid
    assert people.get_person(desk, " 062090000123 ").id == pid
    with pytest.raises(NotFound):
        people.get_person(desk, "999999")
