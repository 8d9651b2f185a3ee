"""A realistic demo facility, so that a newcomer sees a living program.

Three zones, 60 rooms, 240 beds, about 150 people in stays of several cohorts (households kept together, children
with their parents), tests on their scheduled days, one positive case transferred with its room closed, an early
release and a move to home quarantine with their reasons, and a policy change half-way: the later cohorts are
admitted under a new, shorter policy while the earlier ones keep theirs. Some people need special watch (an
underlying disease, a pregnancy); everyone's home commune is on record for the handover lists.
Everything goes through the same services as the window, so the demo obeys every rule. Deterministic: the same
seed gives the same people.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from quarantine_desk import faults
from quarantine_desk.db.models import Facility, Person
from quarantine_desk.domain.cohorts import CohortKind
from quarantine_desk.domain.errors import (
    AlreadyExists,
    DatabaseNotEmpty,
    DeskError,
    InvalidInput,
    NoBedAvailable,
)
from quarantine_desk.domain.people import PROVINCE_CODES
from quarantine_desk.domain.policy import PolicyKind, PolicyProfile
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.stays import StayOutcome, TestKind, TestResult
from quarantine_desk.services import (
    facilities,
    meals,
    medical,
    people,
    policies,
    relief,
    shifts,
    stays,
    supplies,
    vaccination,
)
from quarantine_desk.services.context import Desk

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "A",
    "Y",
]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Thành", "Công", "Xuân"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Hồng"]
GIVEN_M = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hùng",
    "Khánh",
    "Long",
    "Nam",
    "Phúc",
    "Quân",
    "Sơn",
    "Thắng",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
    "Đông",
    "Lực",
]
GIVEN_F = [
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hường",
    "Lan",
    "Linh",
    "Mai",
    "Nga",
    "Nhung",
    "Oanh",
    "Phương",
    "Thảo",
    "Trang",
    "Tuyết",
    "Yến",
    "Ánh",
]
COMMUNES = [
    "xã Đăk Mar",
    "xã Hà Mòn",
    "thị trấn Đăk Hà",
    "xã Ngọk Wang",
    "phường Quyết Thắng",
    "phường Thắng Lợi",
    "xã Đăk La",
]
COHORTS = [
    "F1 ca BN 12345 – chợ Đầm",
    "F1 ca BN 12410 – công ty may Sao Mai",
    "F1 ca BN 12502 – xe khách Kon Tum – TP.HCM",
    "Người về từ TP.HCM đợt 3",
    "F1 ca BN 12688 – khu dân cư tổ 5",
]
# What the gate knows of each cohort: its kind and source (the F0 case, the checkpoint).
COHORT_FACTS = [
    (CohortKind.F1_CONTACT, "BN 12345"),
    (CohortKind.F1_CONTACT, "BN 12410"),
    (CohortKind.F1_CONTACT, "BN 12502"),
    (CohortKind.RETURNEE, "Chốt kiểm dịch Km 1480, QL14"),
    (CohortKind.F1_CONTACT, "BN 12688"),
]
# The province shortens the period half-way through the demo; the cohorts already in keep theirs.
NEW_POLICY = "10 ngày, xét nghiệm ngày 1, 5, 10 (quy định mới của tỉnh)"


@dataclass(frozen=True)
class DemoSummary:
    facility: str
    rooms: int
    beds: int
    staying: int
    released: int
    transferred: int


def _phone(rng: random.Random) -> str:
    return "0" + rng.choice("3579") + "".join(rng.choice("0123456789") for _ in range(8))


CONDITIONS = ["Tăng huyết áp", "Đái tháo đường type 2", "Bệnh phổi tắc nghẽn mạn tính", "Suy thận mạn"]


def _details(rng: random.Random, commune: str, sex: str, age: int) -> people.Details:
    """The home commune as its own field (the handover groups by it), and for some the conditions that need
    special watch: the elderly with an underlying disease, a pregnant woman now and then. The F-level and the F0
    case come from the cohort, as for most people."""
    conditions, pregnant = "", False
    if age >= 55 and rng.random() < 0.35:
        conditions = rng.choice(CONDITIONS)
    elif sex == "F" and 20 <= age <= 40 and rng.random() < 0.12:
        pregnant, conditions = True, f"thai {rng.randrange(8, 36)} tuần"
    return people.Details(
        commune=commune,
        district="huyện Đắk Hà",
        province="tỉnh Kon Tum",
        conditions=conditions,
        pregnant=pregnant,
        special_watch=bool(conditions),
    )


def _cccd(rng: random.Random, sex: str, year: int) -> str:
    province = rng.choice(["062", "062", "062", "079", "048", "064"])
    century_sex = (0 if year < 2000 else 2) + (0 if sex == "M" else 1)
    assert province in PROVINCE_CODES
    return f"{province}{century_sex}{year % 100:02d}{rng.randrange(10**6):06d}"


#: The most people a demo makes (its 240 beds take the first ones; the others wait on the pre-registered list).
MAX_PEOPLE = 50_000


def _seed_diets(desk: Desk, code: str, today: date, rng: random.Random) -> None:
    """The kitchen's diets: children eat the child's portion, the elderly a soft one, a few are vegetarian and a
    few need a special diet (underlying conditions)."""
    for row in stays.roster(desk, code, today):
        born = row.birth_year or today.year - 30
        age = today.year - born
        if age < 12:
            diet = "child"
        elif age >= 70:
            diet = "soft"
        else:
            diet = rng.choices(["", "vegetarian", "special"], weights=[85, 10, 5])[0]
        if diet:
            vaccination.edit_person(
                desk, row.person, vaccination.PersonEdit(details=people.Details(diet=diet))
            )


def build_demo(desk: Desk, *, people_count: int = 150, code: str = "KT01", seed: int = 2021) -> DemoSummary:
    """Create the demo facility ``code`` and fill it, in one transaction: a demo stopped half-way leaves nothing.

    Refused in a database that already holds facilities or people: demo data never mixes with real data."""
    if not 1 <= people_count <= MAX_PEOPLE:
        raise InvalidInput("demo_people", "out_of_range", people_count, minimum=1, maximum=MAX_PEOPLE)
    desk.require(Permission.MANAGE_FACILITY)
    with desk.one_transaction() as one:
        with one.read() as session:
            facilities_held = session.scalar(select(func.count()).select_from(Facility)) or 0
            people_held = session.scalar(select(func.count()).select_from(Person)) or 0
        if facilities_held or people_held:
            raise DatabaseNotEmpty(desk.display_url, facilities_held, people_held)
        summary = _build(one, people_count, code, seed)
        faults.point("demo")
        return summary


def _build(desk: Desk, people_count: int, code: str, seed: int) -> DemoSummary:
    count = people_count
    rng = random.Random(seed)
    health = random.Random(seed + 1)  # its own sequence: the people stay those of the seed
    facilities.add_facility(
        desk,
        code,
        "Khu cách ly tập trung Trường Quân sự tỉnh Kon Tum",
        district="Đắk Hà",
        province="Kon Tum",
        address="Thôn 3, xã Hà Mòn, huyện Đắk Hà",
        capacity=240,
    )
    facilities.add_rooms(desk, code, "Khu A – Tầng 1", "A101-A120", 4, "M")
    facilities.add_rooms(desk, code, "Khu A – Tầng 2", "A201-A220", 4, "F")
    facilities.add_rooms(desk, code, "Khu B – Gia đình", "B101-B120", 4, "any")

    today = desk.now().date()
    # The new policy takes effect with the fourth cohort (six days ago).
    if not any(p.name == NEW_POLICY for p in policies.list_policies(desk)):
        policies.save_policy(
            desk,
            PolicyProfile(
                None, NEW_POLICY, today - timedelta(days=6), None, PolicyKind.STANDARD, 10, (1, 5, 10)
            ),
        )
    # Cohorts arrive over the last twelve days, so release dates spread over the coming days.
    arrivals: list[tuple[str, datetime, list[int]]] = []
    made = 0
    household_no = 0
    for index, cohort in enumerate(COHORTS):
        day = today - timedelta(days=12 - index * 3)
        at = datetime.combine(day, time(8 + index, 30))
        size = count // len(COHORTS) + (1 if index < count % len(COHORTS) else 0)
        group: list[int] = []
        while len(group) < size:
            family = rng.choice(FAMILY)
            # Every cohort has at least one family with a child; about a quarter of arrivals come as families.
            if (not group or rng.random() < 0.25) and size - len(group) >= 3:
                household_no += 1
                members = [
                    ("M", 1975 + rng.randrange(15)),
                    ("F", 1978 + rng.randrange(15)),
                    (rng.choice("MF"), 2005 + rng.randrange(12)),
                ]
                household = f"HGD-{household_no:03d}"
            else:
                members = [(rng.choice("MMF"), 1950 + rng.randrange(55))]
                household = ""
            commune = rng.choice(COMMUNES)
            address = f"{commune}, huyện Đắk Hà, tỉnh Kon Tum"
            if made >= count // 2:
                faults.point("demo.people")
            for sex, year in members:
                middle = rng.choice(MIDDLE_M if sex == "M" else MIDDLE_F)
                given = rng.choice(GIVEN_M if sex == "M" else GIVEN_F)
                doses = rng.choice([0, 0, 1, 2]) if year < 2004 else 0
                try:
                    row = people.add_person(
                        desk,
                        people.NewPerson(
                            name=f"{family} {middle} {given}",
                            sex=sex,
                            born=str(year),
                            id_number=_cccd(rng, sex, year) if year < 2006 else "",
                            phone=_phone(rng) if year < 2006 else "",
                            address=address,
                            household=household,
                            doses=str(doses),
                            last_dose_on=(day - timedelta(days=rng.randrange(400))).isoformat()
                            if doses
                            else "",
                        ),
                        details=_details(health, commune, sex, today.year - year),
                    )
                except AlreadyExists:
                    continue  # the rare repeated random ID number
                group.append(row.id)
                made += 1
        arrivals.append((cohort, at, group))

    for index, (cohort, at, group) in enumerate(arrivals):
        if not group:
            continue  # a demo of fewer people than cohorts
        kind, source = COHORT_FACTS[index % len(COHORT_FACTS)]
        new = stays.NewCohort(kind, at.date(), source)
        try:
            stays.admit_group(desk, group, code, cohort, at=at, new_cohort=new)
        except NoBedAvailable:
            # A larger demo than the facility: admit whoever still fits, one by one.
            for pid in group:
                try:
                    stays.admit(desk, pid, code, cohort, at=at, new_cohort=new)
                except DeskError:
                    continue

    # Tests on the scheduled days that have passed; medical staff record them in the morning.
    for due in medical.tests_due_list(desk, code, today - timedelta(days=1)):
        medical.record_test(
            desk,
            due.person,
            rng.choice(list(TestKind)),
            TestResult.NEGATIVE,
            at=datetime.combine(due.due, time(7, 30)),
        )

    # The earliest cohort has finished: release most of them as medical staff would.
    released = 0
    for leaving in stays.releases_due(desk, code, today):
        if not leaving.problems:
            stays.release(desk, leaving.person, at=datetime.combine(today, time(8, 0)))
            released += 1
    # One positive case: the room is closed and the roommates start again (R5).
    transferred = 0
    present = [r for r in stays.roster(desk, code, today) if r.released_at is None]
    # (among the people admitted before this morning's test: today's cohort arrives later)
    shared = [
        r
        for r in present
        if sum(1 for o in present if o.room == r.room) >= 3 and r.admitted_at < datetime.combine(today, time(7, 0))
    ]
    # Someone who came alone: a parent's transfer would leave a child alone in the room (R9).
    shared = [r for r in shared if people.get_person(desk, r.person).household is None] or shared[:0]
    if shared:
        case = shared[len(shared) // 2]
        medical.record_test(
            desk, case.person, TestKind.PCR, TestResult.POSITIVE, at=datetime.combine(today, time(7, 0))
        )
        stays.transfer(
            desk,
            case.person,
            "Bệnh viện Đa khoa tỉnh Kon Tum (cơ sở điều trị COVID-19)",
            at=datetime.combine(today, time(9, 0)),
        )
        transferred = 1

    # A manager lets one person go early (a death in the family) and moves another to home quarantine: both
    # get a release paper with the real days and the reason, never the completion certificate.
    alone = [
        r
        for r in stays.roster(desk, code, at=datetime.combine(today, time(9, 30)))
        if r.positive_at is None
        and r.planned_release > today + timedelta(days=1)
        and r.birth_year is not None
        and r.birth_year <= today.year - 18  # adults: a child leaves with the family, not alone
    ]
    ways = (
        (StayOutcome.RELEASED_EARLY, "Gia đình có tang, Ban chỉ đạo huyện đồng ý cho về"),
        (StayOutcome.HOME_QUARANTINE, "Theo đề nghị của Trạm y tế xã, chuyển cách ly tại nhà"),
    )
    for (outcome, reason), chosen in zip(ways, alone[::17], strict=False):
        try:
            stays.release(
                desk, chosen.person, at=datetime.combine(today, time(10, 0)), override=reason, outcome=outcome
            )
            released += 1
        except DeskError:
            continue  # a parent whose child would stay alone (R9): another person is picked next time

    # The other areas' demo data: stock with one item below its minimum, 24/7 shifts with one gap, meals served.
    _seed_diets(desk, code, today, rng)
    supplies.seed_demo(desk, code, today)
    shifts.seed_demo(desk, code, today)
    meals.seed_demo(desk, code, today)
    relief.seed_demo(desk, code, today)

    board = facilities.room_board(desk, code)
    staying = sum(r.occupants for r in board)
    return DemoSummary(
        code, len(board), sum(r.beds_in_service for r in board), staying, released, transferred
    )
