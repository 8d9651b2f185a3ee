"""One truth about every stay (issue "cohorts by date, policies fixed at admission, outcomes as they happened, one
count per moment"), each point tried on SQLite and PostgreSQL, edges included."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from quarantine_desk.domain.errors import (
    ChildAlone,
    ChildWouldBeLeftAlone,
    CohortDayConflict,
    FacilityNotEmpty,
    InvalidInput,
    NotAllowed,
    NotFound,
    ReleaseNeedsOverride,
    RoomCohortConflict,
)
from quarantine_desk.domain.policy import PolicyKind, PolicyProfile
from quarantine_desk.domain.roles import Role
from quarantine_desk.domain.rooms import RoomState
from quarantine_desk.domain.stays import StayOutcome
from quarantine_desk.exports import xlsx
from quarantine_desk.services import (
    audit,
    cohorts,
    documents,
    facilities,
    meals,
    medical,
    overview,
    policies,
    stays,
    vaccination,
)
from quarantine_desk.services.people import Dose
from tests.helpers import as_role
from tests.services.fixtures import facility, person

NOV24 = datetime(2021, 11, 24, 9, 0)
DEC1 = datetime(2021, 12, 1, 9, 0)


def actions(desk) -> list[str]:
    return [e.action for e in audit.list_events(desk)]


def fourteen_days(desk) -> PolicyProfile:
    return next(p for p in policies.list_policies(desk) if p.kind is PolicyKind.STANDARD and p.days == 14)


# --- 1. cohorts are real; R2 by day -------------------------------------------------------------------------------


def test_a_late_arrival_is_refused_with_the_rooms_that_fit(desk, clock):
    clock.now = DEC1
    facility(desk, rooms="1-2")
    early = person(desk, "Nguyễn Văn An")
    stays.admit(desk, early, "F01", "Nhóm A 24/11", room="1", at=NOV24)
    late = person(desk, "Trần Văn Bình")
    # Same cohort name, a later day: a new day is a new cohort.
    with pytest.raises(CohortDayConflict) as day:
        stays.admit(desk, late, "F01", "Nhóm A 24/11", room="1")
    assert (day.value.cohort_day, day.value.admitted_on) == ("2021-11-24", "2021-12-01")
    # Another cohort, into the room of 24/11: refused (R2), offered room 2.
    with pytest.raises(RoomCohortConflict) as info:
        stays.admit(desk, late, "F01", "Nhóm B 01/12", room="1")
    assert (info.value.room_day, info.value.person_day, info.value.rule) == ("2021-11-24", "2021-12-01", "R2")
    assert [o.room for o in info.value.options] == ["2"]
    # The earlier person's release is where it was, nobody else is in room 1.
    assert [r.planned_release for r in stays.roster(desk, "F01")] == [date(2021, 12, 8)]


def test_the_automatic_choice_and_the_proposal_never_offer_an_earlier_room(desk, clock):
    clock.now = DEC1
    facility(desk, rooms="1-2")
    stays.admit(desk, person(desk, "Nguyễn Văn An"), "F01", "Nhóm A", room="1", at=NOV24)
    late = person(desk, "Trần Văn Bình")
    assert [p.room for p in stays.propose_beds(desk, [late], "F01", "Nhóm B")] == ["2"]
    assert stays.admit(desk, late, "F01", "Nhóm B").room == "2"


def test_a_manager_may_accept_a_late_arrival_as_a_contact_which_restarts_the_room(desk, clock):
    clock.now = DEC1
    facility(desk, rooms="1")
    a = person(desk, "Nguyễn Văn An")
    b = person(desk, "Lê Văn Cường")
    stays.admit(desk, a, "F01", "Nhóm A", room="1", at=NOV24)
    stays.admit(desk, b, "F01", "Nhóm A", room="1", at=NOV24 + timedelta(hours=1))
    late = person(desk, "Trần Văn Bình")
    with pytest.raises(NotAllowed):
        stays.admit(as_role(desk, Role.MEDICAL), late, "F01", "Nhóm B", room="1", as_contact=True)
    result = stays.admit(desk, late, "F01", "Nhóm B", room="1", as_contact=True)
    assert result.planned_release == date(2021, 12, 15)
    roster = {r.person: r for r in stays.roster(desk, "F01")}
    # Every occupant restarts from the contact's day, with the tests that implies.
    assert {p: (r.period_start, r.planned_release) for p, r in roster.items()} == {
        p: (date(2021, 12, 1), date(2021, 12, 15)) for p in (a, b, late)
    }
    due = {(d.person, d.due) for d in medical.tests_due_list(desk, "F01", date(2021, 12, 7))}
    assert (a, date(2021, 12, 7)) in due
    assert actions(desk).count("stay.restart") == 2
    assert "room.accept_contact" in actions(desk)


def test_cohort_list_gives_kind_day_source_rooms_and_people(desk, clock):
    clock.now = DEC1
    facility(desk, rooms="1-3")
    stays.admit_group(
        desk,
        [person(desk, "Nguyễn Văn An"), person(desk, "Trần Văn Bình")],
        "F01",
        "F1 của BN-123",
        at=NOV24,
        new_cohort=stays.NewCohort(stays.CohortKind.F1_CONTACT, date(2021, 11, 22), "BN-123"),
    )
    stays.admit(desk, person(desk, "Lê Thị Cúc", sex="F"), "F01", "Về từ TP.HCM", at=DEC1)
    rows = cohorts.list_cohorts(desk, "F01")
    assert [(r.cohort, r.kind, r.exposure_date, r.source, r.people) for r in rows] == [
        ("Về từ TP.HCM", "other", date(2021, 12, 1), None, 1),
        ("F1 của BN-123", "f1_contact", date(2021, 11, 22), "BN-123", 2),
    ]
    assert rows[1].rooms == ("1",) and rows[1].admitted_on == date(2021, 11, 24)


# --- 2. a stay keeps its policy ---------------------------------------------------------------------------------


def test_a_policy_edit_leaves_planned_releases_untouched_and_release_reads_the_stay(desk, clock):
    clock.now = DEC1
    facility(desk)
    a = person(desk)
    stays.admit(desk, a, "F01", "Nhóm A", at=datetime(2021, 11, 20, 9))
    old = fourteen_days(desk)
    edited = policies.save_policy(
        desk, PolicyProfile(old.id, old.name, old.effective_from, None, old.kind, 7, (1, 7))
    )
    assert edited.version == 2
    assert stays.roster(desk, "F01")[0].planned_release == date(2021, 12, 4)
    # Day 12 of 14: still early for the stay, whatever the policy says now.
    with pytest.raises(ReleaseNeedsOverride) as info:
        stays.release(desk, a)
    assert "early" in {p.kind for p in info.value.problems}
    # A new admission takes the edited policy.
    assert stays.admit(desk, person(desk, "Trần Văn Bình"), "F01", "Nhóm B").planned_release == date(
        2021, 12, 8
    )


def test_applying_a_policy_lists_first_then_changes_only_with_confirmation(desk, clock):
    clock.now = DEC1
    facility(desk)
    a = person(desk, "Nguyễn Văn An")
    stays.admit(desk, a, "F01", "Nhóm A", at=datetime(2021, 11, 25, 9))
    new = policies.save_policy(
        desk,
        PolicyProfile(None, "10 ngày (thử)", date(2021, 12, 1), None, PolicyKind.STANDARD, 10, (1, 5, 10)),
    )
    listed = policies.apply_policy(desk, new.id, "F01")
    assert not listed.applied
    assert [(c.person, c.planned_before, c.planned_after) for c in listed.changes] == [
        (a, date(2021, 12, 9), date(2021, 12, 5))
    ]
    assert stays.roster(desk, "F01")[0].planned_release == date(2021, 12, 9)
    assert "stay.policy_apply" not in actions(desk)
    with pytest.raises(NotAllowed):
        policies.apply_policy(as_role(desk, Role.MEDICAL), new.id, "F01", confirm=True)
    done = policies.apply_policy(desk, new.id, "F01", confirm=True)
    assert done.applied and len(done.changes) == 1
    row = stays.roster(desk, "F01")[0]
    assert (row.planned_release, row.policy) == (date(2021, 12, 5), "10 ngày (thử)")
    assert {"stay.policy_apply", "policy.apply"} <= set(actions(desk))
    assert policies.apply_policy(desk, new.id, "F01").changes == ()


# --- 3. outcomes as they happened ---------------------------------------------------------------------------------


def test_an_override_is_an_early_release_with_its_reason_and_no_completion_certificate(desk, clock, tmp_path):
    clock.now = datetime(2021, 11, 29, 8, 0)
    facility(desk)
    a = person(desk)
    stays.admit(desk, a, "F01", "Nhóm A", at=NOV24)
    row = stays.release(desk, a, override="gia đình có tang")
    assert (row.outcome, row.reason) == ("released_early", "gia đình có tang")
    with pytest.raises(Exception, match="not_found"):
        documents.certificate(desk, a, tmp_path / "c.pdf")
    paper = documents.release_paper(desk, a, tmp_path / "p.pdf")
    assert (paper.outcome, paper.days, paper.reason) == ("released_early", 5, "gia đình có tang")
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "p.pdf").pages)
    assert "gia đình có tang" in text and "24/11/2021" in text and "29/11/2021" in text and "5 ngày" in text
    assert "hoàn thành" not in text.lower()


def test_the_paper_of_a_move_home_states_the_home_address_and_the_reason(desk, clock, tmp_path):
    clock.now = datetime(2021, 11, 29, 8, 0)
    facility(desk)
    a = person(desk, "Nguyễn Văn An", address="Thôn 3, xã Hà Mòn")
    stays.admit(desk, a, "F01", "Nhóm A", at=NOV24)
    stays.release(
        desk,
        a,
        outcome="home_quarantine",
        override="Theo chỉ đạo của huyện",
        home_address="Tổ 5, phường Quyết Thắng",
    )
    paper = documents.release_paper(desk, a, tmp_path / "p.pdf")
    assert (paper.reason, paper.home_address) == ("Theo chỉ đạo của huyện", "Tổ 5, phường Quyết Thắng")
    from pypdf import PdfReader

    text = " ".join(" ".join(page.extract_text() for page in PdfReader(tmp_path / "p.pdf").pages).split())
    assert "Chuyển sang cách ly tại nhà" in text and "Lý do: Theo chỉ đạo của huyện" in text
    assert "Địa chỉ cách ly tại nhà: Tổ 5, phường Quyết Thắng" in text
    assert "Thôn 3, xã Hà Mòn" in text  # the registered address (Nơi cư trú), apart from the home one


def test_home_quarantine_and_other_keep_their_address_and_reason(desk, clock):
    clock.now = datetime(2021, 11, 29, 8, 0)
    facility(desk)
    a = person(desk, "Nguyễn Văn An", address="Thôn 3, xã Hà Mòn")
    b = person(desk, "Trần Văn Bình")
    c = person(desk, "Lê Văn Cường")
    for p in (a, b, c):
        stays.admit(desk, p, "F01", "Nhóm A", at=NOV24)
    home = stays.release(desk, a, outcome="home_quarantine", override="Theo chỉ đạo của huyện")
    assert (home.outcome, home.reason) == ("home_quarantine", "Thôn 3, xã Hà Mòn")
    with pytest.raises(ReleaseNeedsOverride):
        stays.release(desk, b, outcome="other")
    with pytest.raises(InvalidInput):
        stays.release(desk, b, outcome="other", override="x")
    other = stays.release(desk, b, outcome="other", override="Chuyển công tác khẩn")
    assert (other.outcome, other.reason) == ("other", "Chuyển công tác khẩn")
    with pytest.raises(ReleaseNeedsOverride):
        stays.release(desk, c, outcome="completed")
    moved = stays.transfer(desk, c, "Bệnh viện dã chiến số 2")
    assert (moved.outcome, moved.reason) == ("transferred", "Bệnh viện dã chiến số 2")


def test_a_completed_stay_gets_the_certificate(desk, clock, tmp_path):
    clock.now = datetime(2021, 12, 8, 8, 0)
    facility(desk)
    a = person(desk)
    stays.admit(desk, a, "F01", "Nhóm A", at=NOV24)
    for day in (1, 7, 14):
        medical.record_test(desk, a, "pcr", "negative", at=NOV24 + timedelta(days=day - 1))
    assert stays.release(desk, a).outcome == "completed"
    assert documents.certificate(desk, a, tmp_path / "c.pdf").outcome == "completed"
    with pytest.raises(Exception, match="not_found"):
        documents.release_paper(desk, a, tmp_path / "p.pdf")


# --- 4. vaccination and recovery are history ------------------------------------------------------------------


def test_a_corrected_vaccination_recomputes_the_planned_release_audited(desk, clock):
    clock.now = DEC1
    facility(desk)
    a = person(desk)
    assert stays.admit(desk, a, "F01", "Nhóm A", at=datetime(2021, 11, 25, 9)).planned_release == date(
        2021, 12, 9
    )
    result = vaccination.edit_person(
        desk,
        a,
        vaccination.PersonEdit(doses=[Dose(date(2021, 8, 1), "AstraZeneca"), Dose(date(2021, 10, 1))]),
    )
    assert [d.given_on for d in result.doses] == [date(2021, 8, 1), date(2021, 10, 1)]
    assert result.recomputed is not None
    assert (result.recomputed.planned_before, result.recomputed.planned_after) == (
        date(2021, 12, 9),
        date(2021, 12, 2),
    )
    assert "stay.policy_recomputed" in actions(desk)
    assert [r.person for r in stays.releases_due(desk, "F01", date(2021, 12, 2))] == [a]
    # A correction that changes nothing of the policy leaves the stay alone.
    again = vaccination.edit_person(desk, a, vaccination.PersonEdit(phone="0912345678"))
    assert again.recomputed is None
    with pytest.raises(InvalidInput):
        vaccination.edit_person(desk, a, vaccination.PersonEdit(recovered_on=date(2021, 12, 5)))


# --- 5. children are never alone (R9) -----------------------------------------------------------------------------


def test_a_child_alone_is_refused_and_a_family_stays_together(desk, clock):
    clock.now = DEC1
    facility(desk, rooms="1-3")
    alone = person(desk, "Nguyễn Bé Na", sex="F", born="2014")
    with pytest.raises(ChildAlone) as info:
        stays.admit(desk, alone, "F01", "Nhóm A")
    assert (info.value.reason, info.value.rule, info.value.person) == ("no_household", "R9", "Nguyễn Bé Na")
    with pytest.raises(ChildAlone):
        stays.admit(desk, alone, "F01", "Nhóm A", room="1")
    mother = person(desk, "Trần Thị Mai", sex="F", born="1988", household="HK-01")
    child = person(desk, "Nguyễn Minh Khôi", sex="M", born="2015-03-02", household="HK-01")
    placed = stays.admit_group(desk, [child, mother], "F01", "Nhóm A")
    assert {r.room for r in placed} == {"1"}
    # The mother cannot leave the child behind.
    clock.now = datetime(2021, 12, 2, 9)
    with pytest.raises(ChildWouldBeLeftAlone):
        stays.release(desk, mother, override="Việc gia đình khẩn cấp")
    stays.release(desk, child, override="Về cùng mẹ")
    stays.release(desk, mother, override="Về cùng con")


def test_no_way_of_leaving_leaves_a_child_alone(desk, clock):
    """R9 holds for every way out: a transfer (a positive parent too) and each release outcome."""
    clock.now = DEC1
    facility(desk, rooms="1-3")
    mother = person(desk, "Trần Thị Mai", sex="F", born="1988", household="HK-01")
    child = person(desk, "Nguyễn Minh Khôi", sex="M", born="2015-03-02", household="HK-01")
    stays.admit_group(desk, [mother, child], "F01", "Nhóm A")
    clock.now = datetime(2021, 12, 3, 9)
    medical.record_test(desk, mother, "pcr", "positive")
    before = actions(desk)
    with pytest.raises(ChildWouldBeLeftAlone) as info:
        stays.transfer(desk, mother, "Bệnh viện Đa khoa tỉnh")
    assert (info.value.rule, info.value.person, info.value.child) == (
        "R9",
        "Trần Thị Mai",
        "Nguyễn Minh Khôi",
    )
    for outcome in ("released_early", "home_quarantine", "other"):
        with pytest.raises(ChildWouldBeLeftAlone):
            stays.release(
                desk,
                mother,
                override="Theo chỉ đạo của huyện",
                outcome=outcome,
                home_address="Thôn 3, Hà Mòn",
            )
    # Nothing was written: both still in room 1, the mother waiting for her transfer.
    assert actions(desk) == before
    assert sorted(r.person for r in stays.roster(desk, "F01")) == sorted([mother, child])
    # The child goes first (to the hospital with the mother), then the mother.
    stays.transfer(desk, child, "Bệnh viện Đa khoa tỉnh (đi cùng mẹ)")
    assert stays.transfer(desk, mother, "Bệnh viện Đa khoa tỉnh").outcome is StayOutcome.TRANSFERRED
    assert stays.roster(desk, "F01") == []


def test_a_second_adult_of_the_household_lets_one_leave(desk, clock):
    clock.now = DEC1
    facility(desk, rooms="1-2")
    father = person(desk, "Nguyễn Văn Cha", born="1980", household="HK-03")
    mother = person(desk, "Lê Thị Mẹ", sex="F", born="1982", household="HK-03")
    child = person(desk, "Nguyễn Văn Con", born="2012", household="HK-03")
    stays.admit_group(desk, [father, mother, child], "F01", "Nhóm A")
    clock.now = datetime(2021, 12, 3, 9)
    stays.transfer(desk, father, "Bệnh viện Đa khoa tỉnh")
    with pytest.raises(ChildWouldBeLeftAlone):
        stays.transfer(desk, mother, "Bệnh viện Đa khoa tỉnh")


def test_a_child_joins_a_room_only_beside_an_adult_of_the_household(desk, clock):
    clock.now = DEC1
    facility(desk, rooms="1-2")
    father = person(desk, "Nguyễn Văn Cha", born="1980", household="HK-02")
    stays.admit(desk, father, "F01", "Nhóm A", room="1", at=DEC1)
    child = person(desk, "Nguyễn Văn Con", born="2012", household="HK-02")
    with pytest.raises(ChildAlone):
        stays.admit(desk, child, "F01", "Nhóm A", room="2", at=DEC1)
    assert stays.admit(desk, child, "F01", "Nhóm A", at=DEC1).room == "1"


# --- 6. one definition of present ---------------------------------------------------------------------------------


def test_a_release_at_eight_is_gone_at_the_end_of_the_day_and_present_at_seven_fifty_nine(desk, clock):
    clock.now = datetime(2021, 12, 2, 9)
    facility(desk)
    a = person(desk, "Nguyễn Văn An")
    b = person(desk, "Trần Văn Bình")
    stays.admit(desk, a, "F01", "Nhóm A", at=NOV24)
    stays.admit(desk, b, "F01", "Nhóm A", at=NOV24)
    stays.release(desk, a, at=datetime(2021, 12, 1, 8, 0), override="Ra sớm có lý do")
    assert [r.person for r in stays.roster(desk, "F01", date(2021, 12, 1))] == [b]
    assert [r.person for r in stays.roster(desk, "F01", at=datetime(2021, 12, 1, 7, 59))] == [a, b]
    assert [r.person for r in stays.roster(desk, "F01", at=datetime(2021, 12, 1, 8, 0))] == [b]
    history = {h.day: h.present for h in overview.occupancy_history(desk, "F01", days=3)}
    assert history == {date(2021, 11, 30): 2, date(2021, 12, 1): 1, date(2021, 12, 2): 1}
    day = meals.meal_counts(desk, "F01", date(2021, 12, 1), staff=0)
    assert (day.line("breakfast").quarantined, day.line("lunch").quarantined) == (2, 1)


def test_the_report_counts_at_sixteen_admissions_at_15_59_and_16_01(desk, clock):
    clock.now = datetime(2021, 12, 1, 18, 0)
    facility(desk, rooms="1-2")
    stays.admit(
        desk, person(desk, "Nguyễn Văn An"), "F01", "Nhóm A", room="1", at=datetime(2021, 12, 1, 15, 59)
    )
    stays.admit(
        desk, person(desk, "Trần Văn Bình"), "F01", "Nhóm B", room="2", at=datetime(2021, 12, 1, 16, 1)
    )
    report = documents.daily_report(desk, "F01")
    f = report.facilities[0]
    assert (f.present_start, f.admitted, f.present_now, f.beds_occupied) == (0, 1, 1, 1)
    assert report.as_of == datetime(2021, 12, 1, 16, 0)
    assert f.present_now == len(stays.roster(desk, "F01", at=report.as_of))
    assert "16 giờ" in report.as_of_text
    # The next day's report counts the 16:01 admission as one of its own.
    clock.now = datetime(2021, 12, 2, 16, 30)
    g = documents.daily_report(desk, "F01").facilities[0]
    assert (g.present_start, g.admitted, g.present_now) == (1, 1, 2)


def test_a_report_made_early_says_when_and_counts_then(desk, clock, tmp_path):
    clock.now = datetime(2021, 12, 1, 13, 9)
    facility(desk)
    stays.admit(desk, person(desk), "F01", "Nhóm A", at=datetime(2021, 12, 1, 8, 0))
    report = documents.daily_report(desk, "F01")
    assert report.as_of == datetime(2021, 12, 1, 13, 9)
    assert "13:09" in report.as_of_text and "16 giờ" in report.as_of_text
    out = documents.write_daily_report(desk, tmp_path / "r.json", facility_code="F01")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["as_of"] == "2021-12-01T13:09:00"
    assert xlsx.read_daily_report(out).as_of == datetime(2021, 12, 1, 13, 9)


def test_a_past_report_takes_the_beds_of_that_moment(desk, clock):
    clock.now = datetime(2021, 11, 20, 9)
    facility(desk, rooms="1-2", beds=2)
    a = person(desk, "Nguyễn Văn An")
    b = person(desk, "Trần Văn Bình")
    stays.admit(desk, a, "F01", "Nhóm A", room="1", at=datetime(2021, 11, 20, 9))
    stays.admit(desk, b, "F01", "Nhóm A", room="1", at=datetime(2021, 11, 20, 9))
    clock.now = datetime(2021, 11, 25, 10)
    medical.record_test(desk, a, "pcr", "positive", at=datetime(2021, 11, 25, 10))
    stays.transfer(desk, a, "Bệnh viện dã chiến")
    clock.now = datetime(2021, 12, 6, 9)
    stays.release(desk, b, override="Đủ ngày theo quyết định")
    stays.disinfect(desk, "F01", "1")
    facilities.set_bed_in_service(desk, "F01", "2", "2", False)
    # Today: nobody, 3 beds in service, all free.
    today = documents.daily_report(desk, "F01").facilities[0]
    assert (today.beds_total, today.beds_occupied, today.beds_closed, today.present_now) == (3, 0, 0, 0)
    # 22/11 at 16:00: room 1 full, room 2 ready with its two beds.
    then = documents.daily_report(desk, "F01", date(2021, 11, 22)).facilities[0]
    assert (then.beds_total, then.beds_occupied, then.beds_free, then.beds_closed, then.present_now) == (
        4,
        2,
        2,
        0,
        2,
    )
    # 26/11: room 1 closed after the positive case, one person left in it.
    closed = documents.daily_report(desk, "F01", date(2021, 11, 26)).facilities[0]
    assert (closed.beds_occupied, closed.beds_closed, closed.present_now) == (1, 1, 1)


# --- 7. a facility is closed only when empty ---------------------------------------------------------------------


def test_a_facility_closes_only_when_empty_and_reports_keep_it_that_day(desk, clock):
    clock.now = DEC1
    facility(desk, "F01")
    facility(desk, "F02")
    a = person(desk)
    stays.admit(desk, a, "F01", "Nhóm A", at=NOV24)
    with pytest.raises(FacilityNotEmpty) as info:
        facilities.set_facility_active(desk, "F01", False)
    assert (info.value.people, info.value.rule) == (1, "R7")
    clock.now = datetime(2021, 12, 1, 17)
    stays.release(desk, a, at=datetime(2021, 12, 1, 10), override="Ra sớm có lý do")
    facilities.set_facility_active(desk, "F01", False)
    report = documents.daily_report(desk)
    assert [f.facility_code for f in report.facilities] == ["F01", "F02"]
    assert report.facilities[0].released == 1
    clock.now = datetime(2021, 12, 3, 17)
    assert [f.facility_code for f in documents.daily_report(desk).facilities] == ["F02"]
    facilities.set_facility_active(desk, "F01", True)
    assert {"facility.close", "facility.activate"} <= set(actions(desk))
    assert facilities.room_board(desk, "F01")[0].state is RoomState.AWAITING_DISINFECTION


def test_the_commitment_of_a_child_is_signed_by_the_adult_of_the_household(desk, clock, tmp_path):
    clock.now = DEC1
    facility(desk)
    mother = person(desk, "Trần Thị Mai", sex="F", born="1988", household="HK-01")
    child = person(desk, "Nguyễn Minh Khôi", sex="M", born="2015-03-02", household="HK-01")
    stays.admit_group(desk, [child, mother], "F01", "Nhóm A")
    from pypdf import PdfReader

    documents.commitment_pdf(desk, child, tmp_path / "child.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "child.pdf").pages)
    assert "Trần Thị Mai" in text and "giám hộ" in text
    documents.commitment_pdf(desk, mother, tmp_path / "mother.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "mother.pdf").pages)
    assert "giám hộ" not in text


def test_the_accompanying_adult_is_found_or_recorded_as_one_household(desk, clock):
    """What the check-in page offers for a child (R9): the household's adults, with where each stays; or an
    adult of the arrivals recorded as one household with the child, audited."""
    from quarantine_desk.services import people

    clock.now = DEC1
    facility(desk, rooms="1-2")
    mother = person(desk, "Trần Thị Mai", sex="F", born="1988", household="HK-01")
    grandpa = person(desk, "Nguyễn Văn Ông", born="1950", household="HK-01")
    child = person(desk, "Nguyễn Minh Khôi", born="2015", household="HK-01")
    person(desk, "Nguyễn Bé Em", born="2018", household="HK-01")
    stays.admit(desk, grandpa, "F01", "Nhóm A", room="2")
    adults = people.household_adults(desk, child, DEC1.date())
    assert sorted((a.id, a.facility or "", a.room or "") for a in adults) == sorted(
        [(grandpa, "F01", "2"), (mother, "", "")]
    )
    alone = person(desk, "Lê Bé Na", sex="F", born="2016")
    father = person(desk, "Lê Văn Cha", born="1980")
    assert people.household_adults(desk, alone, DEC1.date()) == []
    updates = actions(desk).count("person.update")
    code = people.share_household(desk, alone, father)
    assert people.get_person(desk, alone).household == code == people.get_person(desk, father).household
    assert [a.id for a in people.household_adults(desk, alone, DEC1.date())] == [father]
    assert actions(desk).count("person.update") == updates + 2  # each record changed, audited
    # Then the program keeps them together.
    placed = stays.admit_group(desk, [alone, father], "F01", "Nhóm B")
    assert len({r.room for r in placed}) == 1


def test_the_release_papers_of_a_day_are_only_for_endings_other_than_completed(desk, clock, tmp_path):
    clock.now = NOV24
    facility(desk, rooms="1-2")
    early = person(desk, "Hồ Văn Sớm")
    home = person(desk, "Lê Thị Nhà", sex="F")
    sent = person(desk, "Phan Văn Chuyển")
    for p in (early, home, sent):
        stays.admit(desk, p, "F01", "Nhóm A")
    clock.now = DEC1
    stays.release(desk, early, override="Gia đình có tang")
    stays.release(desk, home, outcome="home_quarantine", home_address="Thôn 3", override="Theo chỉ đạo huyện")
    stays.transfer(desk, sent, "Bệnh viện tỉnh")
    assert documents.certificates(desk, "F01", DEC1.date(), tmp_path / "p.pdf", papers=True) == 2
    with pytest.raises(NotFound):
        documents.certificates(desk, "F01", DEC1.date(), tmp_path / "c.pdf")
