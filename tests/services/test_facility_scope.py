"""Facility scoping: a user of one facility reads and changes only that facility, whatever the caller; the
services refuse the others (OutsideFacility, exit 5). The roles × facilities matrix over the main services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from quarantine_desk.db.models import Facility, User, UserFacility
from quarantine_desk.domain.errors import NotAllowed, OutsideFacility
from quarantine_desk.domain.roles import Permission, Role, allows
from quarantine_desk.services import audit, auth, documents, facilities, medical, shifts, stays, supplies
from quarantine_desk.services.context import Desk, UserRow
from tests.services.fixtures import AUG1, facility, person

NOW = AUG1 + timedelta(hours=3)


def scoped(desk: Desk, role: Role, *codes: str) -> Desk:
    """The desk acting as a user of ``role`` working for the facilities ``codes`` (sealed, as the program
    would make them)."""
    username = f"{role.value}_{'_'.join(c.lower() for c in codes)}"
    with desk.write(None) as session:
        user = User(
            username=username,
            role=role.value,
            password_hash="!",
            active=True,
            failed_logins=0,
            created_at=AUG1,
        )
        session.add(user)
        session.flush()
        ids = [session.query(Facility).filter_by(code=code).one().id for code in codes]
        session.add_all(UserFacility(user_id=user.id, facility_id=i) for i in ids)
        audit.reseal(session, user)
        row = UserRow(user.id, username, None, role, frozenset(ids))
    return desk.as_user(row)


@pytest.fixture
def two_facilities(desk, clock):  # type: ignore[no-untyped-def]
    """F01 and F02, each with one person staying, one waiting to be admitted and one more to transfer."""
    clock.now = NOW
    people: dict[str, dict[str, int]] = {}
    for n, code in enumerate(("F01", "F02")):
        facility(desk, code)
        staying = person(desk, ("Trần Văn An", "Lê Văn Bình")[n])
        leaving = person(desk, ("Phạm Văn Cường", "Hoàng Văn Dũng")[n])
        waiting = person(desk, ("Vũ Văn Giang", "Đỗ Văn Hải")[n])
        stays.admit(desk, staying, code, "Nhóm A", room="101", at=AUG1)
        stays.admit(desk, leaving, code, "Nhóm A", room="101", at=AUG1)
        people[code] = {"staying": staying, "leaving": leaving, "waiting": waiting}
    return people


Operation = Callable[[Desk, str, dict[str, int], Path], object]

# (name, the permission it asks for, the call on a facility)
OPERATIONS: list[tuple[str, Permission, Operation]] = [
    ("rooms", Permission.READ, lambda d, f, p, t: facilities.room_board(d, f)),
    ("daily report", Permission.EXPORT, lambda d, f, p, t: documents.daily_report(d, f)),
    ("roster export", Permission.EXPORT, lambda d, f, p, t: documents.export_roster(d, f, t / "r.xlsx")),
    ("tests due", Permission.READ, lambda d, f, p, t: medical.tests_due_list(d, f)),
    (
        "admit",
        Permission.ADMIT,
        lambda d, f, p, t: stays.admit(
            d, p["waiting"], f, "Nhóm B", room="102", at=AUG1 + timedelta(hours=1)
        ),
    ),
    (
        "test",
        Permission.RECORD_MEDICAL,
        lambda d, f, p, t: medical.record_test(d, p["staying"], "rapid", "negative", at=NOW),
    ),
    (
        "health check",
        Permission.RECORD_MEDICAL,
        lambda d, f, p, t: medical.record_health_check(d, p["staying"], 36.8, at=NOW),
    ),
    (
        "add rooms",
        Permission.MANAGE_FACILITY,
        lambda d, f, p, t: facilities.add_rooms(d, f, "Tầng 2", "201", 2),
    ),
    (
        "stock item",
        Permission.MANAGE_STOCK,
        lambda d, f, p, t: supplies.add_item(d, f, "KHAU-TRANG", "Khẩu trang", "hộp"),
    ),
    (
        "plan shifts",
        Permission.MANAGE_SHIFTS,
        lambda d, f, p, t: shifts.plan_shifts(d, f, date(2021, 8, 2), 1),
    ),
    (
        "transfer",
        Permission.RELEASE,
        lambda d, f, p, t: stays.transfer(d, p["leaving"], "Bệnh viện tỉnh", at=NOW),
    ),
]


def _outcome(operation: Operation, desk: Desk, target: str, people: dict[str, int], folder: Path) -> str:
    try:
        operation(desk, target, people, folder)
    except OutsideFacility:
        return "outside"
    except NotAllowed:
        return "not_allowed"
    return "ok"


@pytest.mark.parametrize("place", ["own", "other"])
@pytest.mark.parametrize("role", list(Role))
def test_roles_by_facilities(desk, two_facilities, tmp_path, role, place):  # type: ignore[no-untyped-def]
    """A user of F01 on F01 (own) or F02 (other): allowed exactly when the role allows it and the facility is
    theirs; another facility is refused whatever the role, by the service itself."""
    user = scoped(desk, role, "F01")
    target = "F01" if place == "own" else "F02"
    got, expected = {}, {}
    for name, permission, operation in OPERATIONS:
        got[name] = _outcome(operation, user, target, two_facilities[target], tmp_path)
        if not allows(role, permission):
            expected[name] = "not_allowed"
        else:
            expected[name] = "ok" if place == "own" else "outside"
    assert got == expected


def test_a_district_user_works_on_every_facility(desk, two_facilities, tmp_path):  # type: ignore[no-untyped-def]
    manager = desk.as_user(UserRow(desk.user.id, desk.user.username, None, Role.MANAGER, None))
    for target in ("F01", "F02"):
        for name, _permission, operation in OPERATIONS:
            assert _outcome(operation, manager, target, two_facilities[target], tmp_path) == "ok", name


def test_lists_show_only_the_users_facilities(desk, two_facilities):  # type: ignore[no-untyped-def]
    both = scoped(desk, Role.VIEWER, "F01", "F02")
    one = scoped(desk, Role.MANAGER, "F02")
    assert [f.code for f in facilities.list_facilities(desk)] == ["F01", "F02"]
    assert [f.code for f in facilities.list_facilities(both)] == ["F01", "F02"]
    assert [f.code for f in facilities.list_facilities(one)] == ["F02"]
    report = documents.daily_report(one)
    assert [f.facility_code for f in report.facilities] == ["F02"] and report.scope == "F02"


def test_a_facility_user_cannot_touch_another_facilitys_person_or_papers(desk, two_facilities, tmp_path):  # type: ignore[no-untyped-def]
    nurse = scoped(desk, Role.MEDICAL, "F01")
    elsewhere = two_facilities["F02"]["staying"]
    with pytest.raises(OutsideFacility):
        documents.commitment_pdf(nurse, elsewhere, tmp_path / "c.pdf")
    with pytest.raises(OutsideFacility):
        stays.release(nurse, elsewhere, override="x")
    stay_id = next(r.stay for r in stays.roster(desk, "F02") if r.person == elsewhere)
    with pytest.raises(OutsideFacility):
        medical.stay_tests(nurse, stay_id)
    with pytest.raises(OutsideFacility):
        medical.health_checks(nurse, stay_id)
    assert not (tmp_path / "c.pdf").exists()


def test_facility_users_and_the_district(desk, two_facilities):  # type: ignore[no-untyped-def]
    admin_f01 = scoped(desk, Role.ADMIN, "F01")
    # A facility's administrator adds users of that facility only, never of the district or another one.
    assert auth.create_user(
        admin_f01, "yte_f01", "mat-khau-dai", Role.MEDICAL, facilities=["F01"]
    ).facilities == ("F01",)
    with pytest.raises(OutsideFacility):
        auth.create_user(admin_f01, "yte_f02", "mat-khau-dai", Role.MEDICAL, facilities=["F02"])
    with pytest.raises(OutsideFacility):
        auth.create_user(admin_f01, "huyen", "mat-khau-dai", Role.VIEWER)
    with pytest.raises(OutsideFacility):
        facilities.add_facility(admin_f01, "F03", "Khu mới")
    assert {u.username for u in auth.list_users(admin_f01)} == {"admin_f01", "yte_f01"}
    # The login gives the user their facilities.
    logged = auth.login(desk.as_user(None), "yte_f01", "mat-khau-dai")
    assert [f.code for f in facilities.list_facilities(logged)] == ["F01"]


def test_a_facility_manager_reads_the_audit_of_their_facility_only(desk, two_facilities):  # type: ignore[no-untyped-def]
    manager = scoped(desk, Role.MANAGER, "F02")
    seen = audit.list_events(manager)
    assert seen and {e.facility for e in seen} == {"F02"}
    assert audit.count_events(manager) == len(seen) < audit.count_events(desk)
    users, actions = audit.choices(manager)
    assert "stay.admit" in actions and "user.create" not in actions


def test_a_report_of_a_users_facilities_counts_for_each_of_them(desk, two_facilities, tmp_path):  # type: ignore[no-untyped-def]
    both = scoped(desk, Role.MANAGER, "F01", "F02")
    documents.write_daily_report(both, tmp_path / "bc.json", on=AUG1.date())
    assert documents.daily_report_made(desk, AUG1.date(), "F01")
    assert documents.daily_report_made(desk, AUG1.date(), "F02")
    assert not documents.daily_report_made(desk, AUG1.date(), "ALL")  # not the district's report
