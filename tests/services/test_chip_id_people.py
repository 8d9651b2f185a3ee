"""A chip ID's QR text through the people service: registering from it and searching with it."""

from __future__ import annotations

import pytest

from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.services import people
from tests.services.fixtures import person
from tests.unit.test_chip_id import SON


def test_register_from_the_qr_text_then_find_by_it(desk):
    other = person(desk, "Nguyễn Văn Sơn", "M", "1990", id_number="062090000999")
    row = people.add_person_from_qr(desk, SON, phone="0905111222")
    assert (row.full_name, row.sex.value, row.birth_date.isoformat()) == ("Nguyễn Văn Sơn", "M", "1985-03-15")
    assert (row.id_number, row.phone, row.address) == (
        "062085000111",
        "0905111222",
        "Thôn 1, Hà Mòn, Đắk Hà, Kon Tum",
    )
    assert [p.id for p in people.search_people(desk, SON)] == [row.id]  # not the namesake
    assert {p.id for p in people.search_people(desk, "nguyen van son")} == {row.id, other}


def test_a_malformed_qr_text_registers_nobody(desk):
    with pytest.raises(InvalidInput) as err:
        people.add_person_from_qr(desk, SON.replace("15031985", "15131985"))
    assert err.value.field == "born"
    assert people.search_people(desk, "nguyen") == []
