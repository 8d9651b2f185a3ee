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


# --- the record on the lists: special watch, the F-level and exposure via the cohort ------------------------------


def test_special_watch_and_the_cohorts_exposure_reach_every_list(desk, clock):  # type: ignore[no-untyped-def]
    from datetime import date, datetime

    from quarantine_desk.domain.cohorts import CohortKind
    from quarantine_desk.services import documents, facilities, medical, people, stays
    from quarantine_desk.services.people import Details, NewPerson
    from tests.services.fixtures import facility

    clock.now = datetime(2021, 12, 1, 9, 0)
    facility(desk, rooms="1-2")
    grandma = people.add_person(
        desk,
        NewPerson("Lê Thị Bà", "F", "1950"),
        details=Details(conditions="Tăng huyết áp", special_watch=True),
    ).id
    own = people.add_person(
        desk, NewPerson("Trần Văn Riêng", "M", "1990"), details=Details(f_level="F2", exposure="chợ Đầm")
    ).id
    plain = people.add_person(desk, NewPerson("Nguyễn Văn Thường", "M", "1991")).id
    new = stays.NewCohort(CohortKind.F1_CONTACT, date(2021, 11, 30), "BN 12345")
    stays.admit(desk, grandma, "F01", "F1 BN 12345", room="1", new_cohort=new)
    stays.admit(desk, own, "F01", "F1 BN 12345", room="2")
    stays.admit(desk, plain, "F01", "F1 BN 12345", room="2")
    rows = {r.person: r for r in stays.roster(desk, "F01")}
    # The cohort says F1 and BN 12345 for whoever has no record of their own; one's own record wins.
    assert (rows[plain].f_level, rows[plain].exposure, rows[plain].exposure_from_cohort) == (
        "f1",
        "BN 12345",
        True,
    )
    assert (rows[own].f_level, rows[own].exposure, rows[own].exposure_from_cohort) == ("f2", "chợ Đầm", False)
    assert (rows[grandma].special_watch, rows[grandma].conditions) == (True, "Tăng huyết áp")
    assert not rows[plain].special_watch
    # The room board counts the flagged occupants; the tests due and the room's occupants carry the flag.
    board = {r.room: r.special_watch for r in facilities.room_board(desk, "F01")}
    assert board == {"1": 1, "2": 0}
    due = {d.person: d.special_watch for d in medical.tests_due_list(desk, "F01")}
    assert due[grandma] and not due[plain]
    assert [r.special_watch for r in stays.room_occupants(desk, "F01", "1")] == [True]
    # The roster export says it in the remarks.
    f01 = next(f.id for f in facilities.list_facilities(desk) if f.code == "F01")
    notes = {r.person_id: r for r in documents.roster_rows(desk, f01, "present", clock.now.date())}
    from quarantine_desk.exports.common import release_note

    assert release_note(notes[grandma]) == "Cần theo dõi đặc biệt (Tăng huyết áp)"
    assert release_note(notes[plain]) == ""
    assert release_note(notes[own]) == "F2 – chợ Đầm"  # the record's own, beside the cohort's
