"""The audit trail as typed events: filtered by user, action, person, room and dates, searched without
diacritics, counted and paged in SQL (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime

from quarantine_desk.domain.roles import Role
from quarantine_desk.services import audit, medical, stays
from quarantine_desk.services.audit import AuditFilter
from tests.helpers import as_role
from tests.services.fixtures import AUG1, facility, person


def _setup(desk, clock):  # type: ignore[no-untyped-def]
    clock.now = AUG1
    facility(desk)
    nam = person(desk, "Trần Văn Nam", id_number="001085000111")
    hoa = person(desk, "Lê Thị Hòa", "F", id_number="001185000222")
    stays.admit(desk, nam, "F01", "Nhóm A", room="101", at=AUG1)
    stays.admit(desk, hoa, "F01", "Nhóm B", room="102", at=AUG1)
    nurse = as_role(desk, Role.MEDICAL, "yta1")
    clock.now = datetime(2021, 8, 2, 8, 0)
    medical.record_test(nurse, nam, "rapid", "negative", at=datetime(2021, 8, 2, 7, 30))
    return nam, hoa


def test_events_carry_their_person_room_and_typed_details(desk, clock):
    nam, _hoa = _setup(desk, clock)
    test = audit.events(desk, AuditFilter(action="test.record"))[0]
    assert (test.username, test.person_id, test.person_name, test.facility, test.room) == (
        "yta1",
        nam,
        "Trần Văn Nam",
        "F01",
        "101",
    )
    assert test.details["kind"] == "rapid" and test.details["result"] == "negative"
    assert test.details["sampled_at"] == "2021-08-02T07:30:00"


def test_filters_by_user_action_person_room_and_day(desk, clock):
    nam, hoa = _setup(desk, clock)
    assert [e.action for e in audit.events(desk, AuditFilter(username="yta1"))] == ["test.record"]
    assert {e.person_id for e in audit.events(desk, AuditFilter(person_ids=[hoa]))} == {hoa}
    assert audit.events(desk, AuditFilter(person_ids=[])) == []
    in_102 = audit.events(desk, AuditFilter(room="102"))
    assert in_102 and all(e.room == "102" for e in in_102)
    assert audit.count_events(desk, AuditFilter(since=date(2021, 8, 2), until=date(2021, 8, 2))) == 1
    assert audit.count_events(desk, AuditFilter(until=date(2021, 7, 31))) == 0
    everything = audit.count_events(desk)
    assert everything == len(audit.events(desk, limit=1000))


def test_search_without_diacritics_in_names_and_through_the_codes_of_shown_words(desk, clock):
    _setup(desk, clock)
    assert {e.action for e in audit.events(desk, AuditFilter(text="le thi hoa"))} >= {
        "person.add",
        "stay.admit",
    }
    # "âm tính" is shown for the code "negative": the window passes the codes whose words match.
    found = audit.events(desk, AuditFilter(text="am tinh", codes=["negative"]))
    assert [e.action for e in found] == ["test.record"]
    assert audit.events(desk, AuditFilter(text="am tinh")) == []
    assert audit.events(desk, AuditFilter(text="100%_")) == []


def test_pages_follow_each_other_newest_first(desk, clock):
    _setup(desk, clock)
    total = audit.count_events(desk)
    first = audit.events(desk, limit=3)
    rest = audit.events(desk, offset=3, limit=1000)
    assert len(first) == 3 and len(first) + len(rest) == total
    ids = [e.id for e in first + rest]
    assert len(set(ids)) == total
    moments = [e.at for e in first + rest]
    assert moments == sorted(moments, reverse=True)


def test_choices_list_users_and_actions_present(desk, clock):
    _setup(desk, clock)
    users, actions = audit.choices(desk)
    assert "yta1" in users and "test.record" in actions
