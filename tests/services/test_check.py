"""The invariant checker: sound data passes; each rule broken by hand (SQL around the services) is found.

Each break is made in a transaction of its own, the checker runs on that same session, and the transaction is
rolled back: the database (shared by the PostgreSQL tests) keeps its indexes and rows.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from quarantine_desk import cli
from quarantine_desk.db.models import RoomStateChange, Stay
from quarantine_desk.domain.errors import BadFile, UnsoundBackup
from quarantine_desk.services import backup, check, facilities, stays, supplies
from quarantine_desk.services.context import Desk
from tests.helpers import ADMIN_PASSWORD
from tests.services.fixtures import AUG1, facility, person


class Place:
    """A small facility with people in it, built through the services (so it keeps every rule)."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        facility(desk, rooms="101-104", beds=2)
        facility(desk, "F02", rooms="201", beds=2)
        self.a = person(desk, "Nguyễn Văn An")
        self.b = person(desk, "Trần Văn Bình")
        self.c = person(desk, "Lê Thị Cúc", "F")
        self.d = person(desk, "Phạm Văn Dũng")
        self.e = person(desk, "Võ Văn Em")
        stays.admit(desk, self.a, "F01", "Nhóm A", room="101", at=AUG1)
        stays.admit(desk, self.b, "F01", "Nhóm A", room="101", at=AUG1)
        stays.admit(desk, self.c, "F01", "Nhóm B", room="102", at=AUG1 + timedelta(days=1))
        # A room emptied, disinfected, and given to a new cohort: the way R4 wants it.
        stays.admit(desk, self.d, "F01", "Nhóm C", room="103", at=AUG1)
        stays.release(desk, self.d, at=AUG1 + timedelta(days=2), override="Chuyển về cách ly tại nhà")
        stays.disinfect(desk, "F01", "103", at=AUG1 + timedelta(days=2, hours=2))
        stays.admit(desk, self.e, "F01", "Nhóm D", room="103", at=AUG1 + timedelta(days=3))
        supplies.add_item(desk, "F01", "KT", "Kit test nhanh", "hộp")
        supplies.receive(desk, "F01", "KT", 10)

    def stay(self, session: Session, person_id: int) -> dict[str, object]:
        """The person's last stay as typed values (dates as dates on both databases)."""
        row = (
            session.execute(
                select(Stay.id, Stay.bed_id, Stay.cohort_id, Stay.period_start, Stay.admitted_at)
                .where(Stay.person_id == person_id)
                .order_by(Stay.id.desc())
            )
            .mappings()
            .first()
        )
        assert row is not None
        return dict(row)


def _sql(session: Session, statement: str, **params: object) -> None:
    session.execute(text(statement), params)


def _bed_twice(place: Place, s: Session) -> None:
    _sql(s, "DROP INDEX uq_stay_open_bed")
    _sql(
        s,
        "UPDATE stay SET bed_id = :bed WHERE id = :id",
        bed=place.stay(s, place.a)["bed_id"],
        id=place.stay(s, place.b)["id"],
    )


def _two_open_stays(place: Place, s: Session) -> None:
    _sql(s, "DROP INDEX uq_stay_open_person")
    _sql(s, "UPDATE stay SET person_id = :a WHERE id = :id", a=place.a, id=place.stay(s, place.b)["id"])


def _two_cohorts(place: Place, s: Session) -> None:
    _sql(
        s,
        "UPDATE stay SET cohort_id = :c WHERE id = :id",
        c=place.stay(s, place.c)["cohort_id"],
        id=place.stay(s, place.b)["id"],
    )


def _two_start_days(place: Place, s: Session) -> None:
    stay = place.stay(s, place.b)
    _sql(
        s,
        "UPDATE stay SET period_start = :d WHERE id = :id",
        d=stay["period_start"] - timedelta(days=1),
        id=stay["id"],
    )


def _mixed_sexes(place: Place, s: Session) -> None:
    _sql(s, "UPDATE person SET sex = 'F' WHERE id = :b", b=place.b)


def _without_disinfection(place: Place, s: Session) -> None:
    # Forget the disinfection of room 103: its state history and its last-disinfected time.
    _sql(s, "UPDATE room SET disinfected_at = NULL WHERE name = '103'")
    s.execute(delete(RoomStateChange).where(RoomStateChange.at == AUG1 + timedelta(days=2, hours=2)))


def _more_than_beds(place: Place, s: Session) -> None:
    _sql(
        s,
        "UPDATE bed SET room_id = (SELECT id FROM room WHERE name = '104'), label = 'x' WHERE id = :bed",
        bed=place.stay(s, place.b)["bed_id"],
    )


def _released_before_admitted(place: Place, s: Session) -> None:
    stay = place.stay(s, place.d)
    s.execute(
        update(Stay).where(Stay.id == stay["id"]).values(released_at=stay["admitted_at"] - timedelta(hours=1))
    )


def _elsewhere(place: Place, s: Session) -> None:
    _sql(
        s,
        "UPDATE stay SET facility_id = (SELECT id FROM facility WHERE code = 'F02') WHERE id = :id",
        id=place.stay(s, place.a)["id"],
    )


def _negative_stock(place: Place, s: Session) -> None:
    _sql(s, "UPDATE stock_movement SET quantity = -3")


BREAKS: dict[str, tuple[Callable[[Place, Session], None], set[tuple[str, str]]]] = {
    "bed_twice": (_bed_twice, {("bed_twice", "F01/101/1")}),
    "two_open_stays": (_two_open_stays, {("two_open_stays", "person:1")}),
    "room_two_cohorts": (_two_cohorts, {("room_two_cohorts", "F01/101")}),
    "room_two_start_days": (_two_start_days, {("room_two_start_days", "F01/101")}),
    "room_mixed_sexes": (_mixed_sexes, {("room_mixed_sexes", "F01/101")}),
    "admitted_without_disinfection": (_without_disinfection, {("admitted_without_disinfection", "F01/103")}),
    "more_occupants_than_beds": (
        _more_than_beds,
        {("more_occupants_than_beds", "F01/101"), ("stay_elsewhere", "stay:2")},
    ),
    "times_out_of_order": (_released_before_admitted, {("times_out_of_order", "stay:4")}),
    "stay_elsewhere": (_elsewhere, {("stay_elsewhere", "stay:1")}),
    "negative_stock": (_negative_stock, {("negative_stock", "item:1")}),
}


def test_sound_data_has_no_problems(desk):
    Place(desk)
    assert check.check(desk) == []


def test_every_problem_the_checker_knows_is_broken_by_a_test():
    assert set(BREAKS) == set(check.PROBLEMS)


@pytest.mark.parametrize("problem", list(BREAKS))
def test_each_broken_rule_is_found(desk, problem):
    place = Place(desk)
    assert (place.a, place.b) == (1, 2)  # the places named below count on these ids
    breaker, expected = BREAKS[problem]
    with Session(desk.engine) as session:
        try:
            assert check.problems(session) == []
            breaker(place, session)
            session.flush()
            found = {(p.problem, p.where) for p in check.problems(session)}
        finally:
            session.rollback()
    assert found == expected
    assert check.check(desk) == []  # rolled back: the database itself is untouched


def test_a_household_may_share_a_room_across_sexes(desk):
    place = Place(desk)
    with Session(desk.engine) as session:
        try:
            _mixed_sexes(place, session)
            _sql(session, "INSERT INTO household (code) VALUES ('HO-1')")
            _sql(
                session,
                "UPDATE person SET household_id = (SELECT id FROM household WHERE code = 'HO-1') "
                "WHERE id IN (:a, :b)",
                a=place.a,
                b=place.b,
            )
            session.flush()
            assert check.problems(session) == []
        finally:
            session.rollback()


def test_a_rule_broken_for_good_is_found_through_the_desk(desk):
    place = Place(desk)
    with Session(desk.engine) as session, session.begin():
        _mixed_sexes(place, session)
    assert [(p.problem, p.where) for p in check.check(desk)] == [("room_mixed_sexes", "F01/101")]


def test_the_command_lists_the_problems_and_exits_3(sqlite_only_desk, monkeypatch, capsys):
    desk = sqlite_only_desk
    place = Place(desk)
    monkeypatch.setenv("QUARANTINE_DESK_PASSWORD", ADMIN_PASSWORD)
    base = ["--db", desk.url, "--user", "admin"]
    assert cli.run([*base, "--json", "check"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    with Session(desk.engine) as session, session.begin():
        _mixed_sexes(place, session)
        _elsewhere(place, session)
    assert cli.run([*base, "--json", "check"]) == 3
    assert json.loads(capsys.readouterr().out) == [
        {"problem": "room_mixed_sexes", "where": "F01/101"},
        {"problem": "stay_elsewhere", "where": "stay:1"},
    ]
    assert cli.run([*base, "check"]) == 3
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "F01/101: một phòng có cả nam và nữ không cùng một hộ gia đình",
        "stay:1: giường hoặc phòng của một lượt cách ly không thuộc phòng hoặc khu của nó",
    ]


def _backup_with(desk: Desk, tmp_path: Path, change: str | None) -> Path:
    tmp_path.mkdir(exist_ok=True)
    out = backup.backup(desk, tmp_path / "sao-luu.sqlite3").path
    if change:
        with sqlite3.connect(out) as connection:
            connection.execute(change)
        connection.close()
    return out


def test_restore_refuses_a_backup_whose_room_holds_two_cohorts(desk, tmp_path):
    Place(desk)
    bad = _backup_with(
        desk,
        tmp_path,
        "UPDATE stay SET cohort_id = (SELECT cohort_id FROM stay WHERE person_id = 3) WHERE person_id = 2",
    )
    facilities.add_facility(desk, "F03", "Khu ba")  # the current data, which must survive the refusal
    with pytest.raises(UnsoundBackup) as info:
        backup.restore(desk, bad)
    assert info.value.problems == (("room_two_cohorts", "F01/101"),)
    assert "F03" in [f.code for f in facilities.list_facilities(desk)]
    good = _backup_with(desk, tmp_path / "good", None)
    assert backup.restore(desk, good).total > 0
    assert check.check(desk) == []


def test_restore_refuses_a_backup_of_a_newer_program(desk, tmp_path):
    Place(desk)
    newer = _backup_with(desk, tmp_path, "UPDATE alembic_version SET version_num = 'a1b2c3d4e5f6'")
    with pytest.raises(BadFile) as info:
        backup.restore(desk, newer)
    assert info.value.reason == "newer_schema"
    assert [f.code for f in facilities.list_facilities(desk)] == ["F01", "F02"]


def test_a_contact_accepted_by_a_manager_is_not_a_second_cohort(desk):
    Place(desk)
    late = person(desk, "Đặng Thị Giang", "F")
    stays.admit(desk, late, "F01", "Nhóm E", room="102", at=AUG1 + timedelta(days=5), as_contact=True)
    assert len({r.cohort for r in stays.room_occupants(desk, "F01", "102")}) == 2
    assert check.check(desk) == []


# --- R4 within one second ------------------------------------------------------------------------------------------
# Times are kept to the second and taken once the locks are held; the room's state history, in the order it was
# written, says what came first within a second.

SAME_SECOND = AUG1 + timedelta(days=4)


def _emptied_then_disinfected_then_admitted(desk: Desk) -> int:
    """Room 104: one person leaves, the room is disinfected and a new cohort enters, all in one second."""
    facility(desk, rooms="104", beds=2)
    first, second = person(desk, "Nguyễn Văn An"), person(desk, "Trần Văn Bình")
    stays.admit(desk, first, "F01", "Nhóm A", room="104", at=AUG1)
    stays.release(desk, first, at=SAME_SECOND, override="Chuyển về cách ly tại nhà")
    stays.disinfect(desk, "F01", "104", at=SAME_SECOND)
    stays.admit(desk, second, "F01", "Nhóm B", room="104", at=SAME_SECOND)
    return second


def test_a_disinfection_in_the_second_of_the_departure_and_the_admission_is_sound(desk):
    _emptied_then_disinfected_then_admitted(desk)
    assert check.check(desk) == []


def test_an_admission_in_the_second_of_the_departure_that_emptied_the_room_needs_a_disinfection(desk):
    # The departure emptied the room (its history says so) and the next cohort entered in the same second with no
    # disinfection in between: R4 is broken, the second does not excuse it.
    _emptied_then_disinfected_then_admitted(desk)
    with Session(desk.engine) as session:
        try:
            rows = session.execute(
                select(RoomStateChange.id, RoomStateChange.needs_disinfection)
                .where(RoomStateChange.at == SAME_SECOND)
                .order_by(RoomStateChange.id)
            ).all()
            assert [r.needs_disinfection for r in rows] == [True, False, False]  # left, disinfected, admitted
            session.execute(delete(RoomStateChange).where(RoomStateChange.id == rows[1].id))
            _sql(session, "UPDATE room SET disinfected_at = NULL WHERE name = '104'")
            session.flush()
            assert [(p.problem, p.where) for p in check.problems(session)] == [
                ("admitted_without_disinfection", "F01/104")
            ]
        finally:
            session.rollback()


def test_joining_in_the_second_of_a_departure_is_not_a_new_occupancy(desk):
    # The newcomer entered while the others were still there, and they left in the same second: the room was never
    # empty (no "needs disinfection" row), so no disinfection was due.
    facility(desk, rooms="104", beds=3)
    a, b, c = person(desk, "Nguyễn Văn An"), person(desk, "Trần Văn Bình"), person(desk, "Lê Văn Cường")
    stays.admit(desk, a, "F01", "Nhóm A", room="104", at=AUG1)
    stays.admit(desk, b, "F01", "Nhóm A", room="104", at=AUG1)
    stays.admit(desk, c, "F01", "Nhóm B", room="104", at=SAME_SECOND, as_contact=True)
    stays.release(desk, a, at=SAME_SECOND, override="Chuyển về cách ly tại nhà")
    stays.release(desk, b, at=SAME_SECOND, override="Chuyển về cách ly tại nhà")
    assert [r.needs_disinfection for r in _history(desk, SAME_SECOND)] == [False]
    assert check.check(desk) == []


def _history(desk: Desk, at: object) -> list:  # type: ignore[type-arg]
    with Session(desk.engine) as session:
        return list(
            session.execute(
                select(RoomStateChange.needs_disinfection)
                .where(RoomStateChange.at == at)
                .order_by(RoomStateChange.id)
            ).all()
        )


def test_a_stay_that_comes_and_goes_in_one_second_is_sound(desk):
    # Its departure emptied the room after it came: that "needs disinfection" row is not one it entered after.
    second = _emptied_then_disinfected_then_admitted(desk)
    stays.release(desk, second, at=SAME_SECOND, override="Chuyển về cách ly tại nhà")
    assert [r.needs_disinfection for r in _history(desk, SAME_SECOND)] == [True, False, False, True]
    assert check.check(desk) == []
