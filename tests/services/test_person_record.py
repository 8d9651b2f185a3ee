"""The person record's other fields: commune, F-level, relative, conditions and the special-watch flag, notes;
corrected through the one edit of the window and `person edit`, audited with before and after."""

from __future__ import annotations

import pytest

from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.services import audit, people, vaccination
from quarantine_desk.services.people import Details
from tests.services.fixtures import person


def test_edit_the_record_fields_audited(desk):
    pid = person(desk, "Hồ Thị Hoa", "F", "1990", phone="0905111222")
    result = vaccination.edit_person(
        desk,
        pid,
        vaccination.PersonEdit(
            details=Details(
                commune="Hà Mòn",
                district="Đắk Hà",
                province="Kon Tum",
                f_level="F1",
                exposure="BN 12345",
                relative_name="Hồ Văn Cha",
                relative_phone="+84 905 000 000",
                conditions="thai 20 tuần",
                pregnant=True,
                special_watch=True,
                notes="ở cùng mẹ",
            )
        ),
    )
    row = result.person
    assert (row.commune, row.district, row.province, row.f_level) == ("Hà Mòn", "Đắk Hà", "Kon Tum", "f1")
    assert (row.relative_phone, row.pregnant, row.special_watch) == ("0905000000", True, True)
    assert row.phone == "0905111222"  # what the edit did not name stays
    event = audit.list_events(desk, action="person.update")[0]
    values = event.details
    assert values["before"]["commune"] is None and values["after"]["commune"] == "Hà Mòn"
    assert values["before"]["special_watch"] is False and values["after"]["special_watch"] is True
    assert "phone" not in values["after"]
    # None leaves a field as it is; "" empties it
    again = vaccination.edit_person(
        desk, pid, vaccination.PersonEdit(details=Details(notes="", special_watch=False))
    )
    assert (again.person.notes, again.person.special_watch, again.person.commune) == (None, False, "Hà Mòn")
    assert people.get_person(desk, pid).exposure == "BN 12345"


@pytest.mark.parametrize(
    ("details", "field"),
    [
        (Details(f_level="F7"), "f_level"),
        (Details(relative_phone="12345"), "phone"),
        (Details(commune="x" * 101), "commune"),
    ],
)
def test_bad_record_fields_change_nothing(desk, details, field):
    pid = person(desk, "Hồ Văn Ba", "M", "1960")
    with pytest.raises(InvalidInput) as err:
        vaccination.edit_person(desk, pid, vaccination.PersonEdit(name="Hồ Văn Khác", details=details))
    assert err.value.field == field
    assert people.get_person(desk, pid).full_name == "Hồ Văn Ba"
