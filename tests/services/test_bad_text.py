"""Text that no field takes, refused by the domain before the database sees it, on SQLite and PostgreSQL alike:
a NUL or another control character, and a megabyte where a name goes. Nothing is stored, and the error names the
field (PostgreSQL would refuse a NUL with a DataError; SQLite would store both as given)."""

from __future__ import annotations

import dataclasses

import pytest

from quarantine_desk.domain.errors import InvalidInput, NotFound
from quarantine_desk.services import facilities, people, stays
from tests.services.fixtures import AUG1, facility, person

BAD = {"nul": "Nguyễn\x00Văn", "escape": "Trần \x1b[31mVăn", "megabyte": "Nguyễn " * 150_000}
VALID = people.NewPerson(name="Nguyễn Văn An", sex="M", born="1990")


@pytest.mark.parametrize("bad", sorted(BAD))
@pytest.mark.parametrize("field", ["name", "id_number", "phone", "address", "household", "born", "doses"])
def test_a_person_field(desk, field, bad):
    with pytest.raises(InvalidInput) as info:
        people.add_person(desk, dataclasses.replace(VALID, **{field: BAD[bad]}))
    assert info.value.field == field
    assert people.search_people(desk, "") == []


@pytest.mark.parametrize("bad", sorted(BAD))
def test_facility_room_cohort_and_reasons(desk, bad):
    text = BAD[bad]
    for call in (
        lambda: facilities.add_facility(desk, "F09", text),
        lambda: facilities.add_facility(desk, "F09", "Khu", district=text),
    ):
        with pytest.raises(InvalidInput):
            call()
    facility(desk)
    a = person(desk)
    with pytest.raises(InvalidInput):
        stays.admit(desk, a, "F01", text, at=AUG1)
    stays.admit(desk, a, "F01", "Nhóm A", at=AUG1)
    for call in (
        lambda: stays.release(desk, a, at=AUG1, override=text),
        lambda: stays.transfer(desk, a, text, at=AUG1),
    ):
        with pytest.raises(InvalidInput):
            call()
    assert [f.code for f in facilities.list_facilities(desk)] == ["F01"]
    assert stays.roster(desk, "F01", AUG1.date())[0].cohort == "Nhóm A"


def test_a_key_with_a_control_character_is_simply_not_found(desk):
    facility(desk)
    for call in (
        lambda: facilities.room_board(desk, "F01\x00"),
        lambda: stays.release(desk, "0621\x0090000123", at=AUG1),
        lambda: stays.release(desk, "1\x00", at=AUG1),
    ):
        with pytest.raises(NotFound):
            call()
