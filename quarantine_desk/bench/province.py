"""A province's database, made up the same way every time, for the benchmark.

The shape of a province server a few weeks into an outbreak: 50 facilities of 400 beds (100 rooms of 4) and one
field facility of 20,000 beds (2,000 rooms of 10), N people (200,000 by default), about one stay per person of
which about 19 % are open, three tests per past stay, and 5 % of the people on a tracing team's list, not yet
admitted. Facilities keep their shape from 50,000 people up, so the figures show how each operation grows with
the people; below that the beds shrink with the people (the test database).

Everything is written with bulk ``insert()`` into the program's own models, in the order of the foreign keys,
with the ids given here (and PostgreSQL's sequences moved past them afterwards): minutes, not hours. The rules
hold in what is made: one cohort per room, one sex per room unless the room is one household, one person per bed,
one open stay per person, never more occupants than beds.

The day of the data is fixed (``TODAY``), so the same seed gives the same database and the same figures.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import Engine, delete, func, insert, select, text, update

from quarantine_desk.bench.desk import ADMIN, NOW, TODAY, bench_desk
from quarantine_desk.db.models import (
    Base,
    Bed,
    Cohort,
    Facility,
    Household,
    MedicalTest,
    Person,
    QuarantinePolicy,
    Room,
    Setting,
    Stay,
    User,
    Zone,
)
from quarantine_desk.domain.roles import Role
from quarantine_desk.domain.text import name_sort_key
from quarantine_desk.services import auth
from quarantine_desk.services.context import Desk, open_desk
from quarantine_desk.services.demo import FAMILY, GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M
from quarantine_desk.services.people import index_people
from quarantine_desk.services.policies import ensure_default_policies

log = logging.getLogger(__name__)

GENERATOR_VERSION = 1
MARKER_KEY = "bench.province"
ADMIN_PASSWORD = "bench-password-2021"

SMALL_FACILITIES = 50
SMALL_ROOMS, SMALL_ROOM_BEDS = 100, 4
BIG_ROOMS, BIG_ROOM_BEDS = 2_000, 10
FULL_SHAPE_FROM = 50_000
# Of every 200,000 people: 17,600 staying in the small facilities (88 % of their beds), 19,000 in the big one
# (95 %), 1,000 who left the big one this morning (still on today's roster), 10,000 on the tracing lists.
PER_200K_SMALL_OPEN = 17_600
PER_200K_BIG_OPEN = 19_000
PER_200K_LEFT_TODAY = 1_000
PRE_REGISTERED_SHARE = 0.05
BATCH = 10_000

COMMUNES = ("xã Đăk Mar", "xã Hà Mòn", "thị trấn Đăk Hà", "xã Ngọk Wang", "phường Quyết Thắng", "xã Đăk La")
DISTRICTS = ("huyện Đăk Hà", "TP. Kon Tum", "huyện Đăk Tô", "huyện Ngọc Hồi", "huyện Sa Thầy")


@dataclass(frozen=True)
class Shape:
    people: int
    small_facilities: int
    small_rooms: int
    small_room_beds: int
    big_rooms: int
    big_room_beds: int
    seed: int

    @classmethod
    def for_people(cls, people: int, seed: int = 2021) -> Shape:
        scale = min(1.0, people / FULL_SHAPE_FROM)
        return cls(
            people=people,
            small_facilities=SMALL_FACILITIES,
            small_rooms=max(3, round(SMALL_ROOMS * scale)),
            small_room_beds=SMALL_ROOM_BEDS,
            big_rooms=max(6, round(BIG_ROOMS * scale)),
            big_room_beds=BIG_ROOM_BEDS,
            seed=seed,
        )

    @property
    def marker(self) -> str:
        return json.dumps({"version": GENERATOR_VERSION, **asdict(self)}, sort_keys=True)


@dataclass(frozen=True)
class Province:
    """What the benchmark needs to know about a generated database."""

    url: str
    shape: Shape
    small: str  # code of the first 400-bed facility
    small_other: str  # another one, for the bed choice
    big: str  # code of the 20,000-bed facility
    people: int
    stays: int
    open_stays: int
    tests: int
    seconds: float


def small_code(i: int) -> str:
    return f"KCL{i + 1:02d}"


BIG_CODE = "DC01"


def province_of(url: str) -> Province | None:
    """The province already in the database at ``url`` (its summary), or None."""
    desk = open_desk(url, create=True)
    try:
        with desk.write(None) as session:
            raw = session.scalar(select(Setting.value).where(Setting.key == MARKER_KEY))
    finally:
        desk.close()
    if raw is None:
        return None
    data = json.loads(raw)
    return Province(
        url=url, shape=Shape(**data.pop("shape")), **{k: v for k, v in data.items() if k != "url"}
    )


def _drop_everything(engine: Engine) -> None:
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        else:
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def generate(
    url: str, people: int = 200_000, *, seed: int = 2021, say: Callable[[str], None] = print
) -> Province:
    """Make the province in the database at ``url`` (empty, or made by an earlier run); reuse it if it matches."""
    shape = Shape.for_people(people, seed)
    existing = None
    try:
        existing = province_of(url)
    except Exception:  # noqa: BLE001 - an unreadable earlier bench database is made again
        existing = None
    if existing is not None and existing.shape == shape:
        say(f"database already holds the province of {people:,} people: {existing.url}")
        return existing
    desk = open_desk(url, create=True)
    with desk.write(None) as session:
        if existing is None and session.scalar(select(func.count()).select_from(Person)):
            desk.close()
            raise SystemExit(
                f"{desk.display_url} holds people that the benchmark did not make; give an empty one"
            )
    if existing is not None:
        say("database holds another province: made again")
        _drop_everything(desk.engine)
        desk.close()
        desk = open_desk(url, create=True)
    started = datetime.now()
    summary = _Maker(desk, shape, say).make()
    seconds = (datetime.now() - started).total_seconds()
    province = Province(url=url, shape=shape, seconds=round(seconds, 1), **summary)
    with desk.write(None) as session:
        data = asdict(province)
        data.pop("url")
        session.execute(delete(Setting).where(Setting.key == MARKER_KEY))
        session.execute(insert(Setting), [{"key": MARKER_KEY, "value": json.dumps(data, default=str)}])
    desk.close()
    say(f"province of {people:,} people made in {seconds:.0f} s")
    return province


class _Maker:
    """Builds the rows in memory a batch at a time and writes them in the order of the foreign keys."""

    ORDER = ("household", "person", "cohort", "stay", "medical_test")

    def __init__(self, desk: Desk, shape: Shape, say: Callable[[str], None]) -> None:
        self.desk = desk
        self.shape = shape
        self.say = say
        self.rng = random.Random(shape.seed)
        self.pending: dict[str, list[dict[str, Any]]] = {name: [] for name in self.ORDER}
        self.ids: dict[str, int] = {name: 0 for name in self.ORDER}
        self.counts: dict[str, int] = {name: 0 for name in self.ORDER}
        self.sort_keys: dict[str, str] = {}
        self.tables = {
            "household": Household,
            "person": Person,
            "cohort": Cohort,
            "stay": Stay,
            "medical_test": MedicalTest,
        }

    # --- writing -----------------------------------------------------------------------------------------------

    def add(self, table: str, row: dict[str, Any]) -> int:
        self.ids[table] += 1
        new_id = row["id"] = self.ids[table]
        self.pending[table].append(row)
        if len(self.pending[table]) >= BATCH:
            self.flush(table)
        return new_id

    def flush(self, upto: str | None = None) -> None:
        names = self.ORDER if upto is None else self.ORDER[: self.ORDER.index(upto) + 1]
        with self.desk.write(None) as session:
            for name in names:
                rows = self.pending[name]
                if not rows:
                    continue
                session.execute(insert(self.tables[name]), rows)
                if name == "person":
                    index_people(
                        session, [(r["id"], r["full_name"], r["id_number"], r["phone"]) for r in rows]
                    )
                self.counts[name] += len(rows)
                self.pending[name] = []

    # --- the province ------------------------------------------------------------------------------------------

    def make(self) -> dict[str, Any]:
        s = self.shape
        with self.desk.write(None) as session:
            ensure_default_policies(session)
            policies = {
                p.days: p for p in session.scalars(select(QuarantinePolicy).order_by(QuarantinePolicy.id))
            }
            standard = policies[14]
            # A stay keeps a copy of the policy it was admitted under (R6).
            self.policy_copy = {
                "policy_id": standard.id,
                "policy_name": standard.name,
                "policy_version": standard.version or 1,
                "policy_kind": standard.kind,
                "policy_days": standard.days,
                "policy_test_days": standard.test_days,
            }
        self.standard, self.protected = policies[14].id, policies[7].id
        if not auth.has_users(self.desk):
            auth.create_first_admin(self.desk, ADMIN, ADMIN_PASSWORD)
        with self.desk.write(None) as session:
            if session.scalar(select(User.id).where(User.username == ADMIN)) is None:
                # A database made with another first administrator: the benchmark's own one beside it.
                session.add(
                    User(
                        username=ADMIN,
                        role=Role.ADMIN.value,
                        password_hash=PasswordHasher().hash(ADMIN_PASSWORD),
                        active=True,
                        failed_logins=0,
                        created_at=NOW,
                    )
                )
        self.say("facilities, rooms and beds")
        facilities = [(small_code(i), s.small_rooms, s.small_room_beds) for i in range(s.small_facilities)]
        facilities.append((BIG_CODE, s.big_rooms, s.big_room_beds))
        self.rooms = self._facilities(facilities)  # facility id -> [(room id, [bed ids])]
        scale = s.people / 200_000
        small_ids = list(self.rooms)[:-1]
        big_id = list(self.rooms)[-1]
        open_small = round(PER_200K_SMALL_OPEN * scale / s.small_facilities)
        small_beds = s.small_rooms * s.small_room_beds
        open_small = min(open_small, int(small_beds * 0.88))
        open_big = min(round(PER_200K_BIG_OPEN * scale), int(s.big_rooms * s.big_room_beds * 0.95))
        left_today = min(round(PER_200K_LEFT_TODAY * scale), s.big_rooms * s.big_room_beds - open_big)
        pre_registered = round(s.people * PRE_REGISTERED_SHARE)

        self.say("people staying now")
        self.open_people: dict[str, list[int]] = {"M": [], "F": []}
        for fid in small_ids:
            self._fill(fid, self.rooms[fid], open_small, wave=0)
        taken = self._fill(big_id, self.rooms[big_id], open_big, wave=0)
        self.say("people who left this morning, and past stays")
        used = self._fill(big_id, self.rooms[big_id][taken:], left_today, wave=-1)
        self.left_rooms = [room_id for room_id, _ in self.rooms[big_id][taken : taken + used]]
        wave = 1
        budget = s.people - pre_registered
        while self.ids["stay"] < s.people:
            for fid, rooms in self.rooms.items():
                self._fill(fid, rooms, len(rooms) * 10**6, wave=wave, budget=budget)
                if self.ids["stay"] >= s.people:
                    break
            wave += 1
        self.say("people on the tracing lists")
        while self.ids["person"] < s.people:
            sex = self.rng.choice("MF")
            self._person(sex, None, self.rng.choice(FAMILY), pre_registered=True)
        self.flush()
        self._after()
        with self.desk.write(None) as session:
            open_stays = session.scalar(
                select(func.count()).select_from(Stay).where(Stay.released_at.is_(None))
            )
        return {
            "small": small_code(0),
            "small_other": small_code(1),
            "big": BIG_CODE,
            "people": self.counts["person"],
            "stays": self.counts["stay"],
            "open_stays": open_stays or 0,
            "tests": self.counts["medical_test"],
        }

    def _facilities(self, facilities: list[tuple[str, int, int]]) -> dict[int, list[tuple[int, list[int]]]]:
        rooms: dict[int, list[tuple[int, list[int]]]] = {}
        facility_rows, zone_rows, room_rows, bed_rows = [], [], [], []
        zone_id = room_id = bed_id = 0
        for fid, (code, room_count, beds) in enumerate(facilities, start=1):
            big = code == BIG_CODE
            facility_rows.append(
                {
                    "id": fid,
                    "code": code,
                    "name": ("Bệnh viện dã chiến số 1" if big else f"Khu cách ly tập trung số {fid}"),
                    "district": DISTRICTS[fid % len(DISTRICTS)],
                    "province": "Kon Tum",
                    "address": None,
                    "capacity": room_count * beds,
                    "active": True,
                    "secret": f"{random.Random(fid).getrandbits(256):064x}",
                    "created_at": NOW - timedelta(days=200),
                }
            )
            per_zone = 100 if big else 25
            rooms[fid] = []
            for r in range(room_count):
                if r % per_zone == 0:
                    zone_id += 1
                    zone_rows.append(
                        {"id": zone_id, "facility_id": fid, "name": f"Khu {_letters(r // per_zone)}"}
                    )
                room_id += 1
                room_rows.append(
                    {
                        "id": room_id,
                        "facility_id": fid,
                        "zone_id": zone_id,
                        "name": f"{_letters(r // per_zone)}{r % per_zone + 1:03d}",
                        "sex": "any",
                        "in_service": True,
                        "closed_at": None,
                        "needs_disinfection": False,
                        "disinfected_at": None,
                        "disinfected_by": None,
                    }
                )
                bed_ids = []
                for b in range(beds):
                    bed_id += 1
                    bed_rows.append(
                        {
                            "id": bed_id,
                            "room_id": room_id,
                            "label": str(b + 1),
                            "position": b,
                            "in_service": True,
                        }
                    )
                    bed_ids.append(bed_id)
                rooms[fid].append((room_id, bed_ids))
        with self.desk.write(None) as session:
            for model, rows in (
                (Facility, facility_rows),
                (Zone, zone_rows),
                (Room, room_rows),
                (Bed, bed_rows),
            ):
                for first in range(0, len(rows), BATCH):
                    session.execute(insert(model), rows[first : first + BATCH])
        return rooms

    def _person(self, sex: str, household: int | None, family: str, *, pre_registered: bool = False) -> int:
        rng = self.rng
        middle = rng.choice(MIDDLE_M if sex == "M" else MIDDLE_F)
        given = rng.choice(GIVEN_M if sex == "M" else GIVEN_F)
        name = f"{family} {middle} {given}"
        key = self.sort_keys.get(name)
        if key is None:
            key = self.sort_keys[name] = name_sort_key(name)
        number = self.ids["person"] + 1
        year = 1945 + rng.randrange(58)
        century_sex = (0 if year < 2000 else 2) + (0 if sex == "M" else 1)
        province = rng.choice(("062", "062", "062", "079", "048", "064"))
        doses = rng.choice((0, 0, 1, 1, 2))
        return self.add(
            "person",
            {
                "full_name": name,
                "sex": sex,
                "birth_year": year,
                "birth_date": date(year, 1 + rng.randrange(12), 1 + rng.randrange(28)),
                # Unique by construction: the person's number is in the last six digits.
                "id_number": f"{province}{century_sex}{year % 100:02d}{number % 10**6:06d}"
                if number < 10**6
                else None,
                "id_kind": "cccd" if number < 10**6 else None,
                "phone": "0" + rng.choice("3579") + f"{rng.randrange(10**8):08d}",
                "address": f"{rng.choice(COMMUNES)}, {rng.choice(DISTRICTS)}, tỉnh Kon Tum",
                "household_id": household,
                "doses": doses,
                "last_dose_on": TODAY - timedelta(days=20 + rng.randrange(60)) if doses else None,
                "recovered_on": None,
                "pre_registered": pre_registered,
                "sort_key": key,
                "created_at": NOW - timedelta(days=rng.randrange(180)),
            },
        )

    def _fill(
        self,
        facility_id: int,
        rooms: list[tuple[int, list[int]]],
        count: int,
        *,
        wave: int,
        budget: int | None = None,
    ) -> int:
        """Put ``count`` people into ``rooms`` in order, a cohort filling whole rooms; returns the rooms used.

        Wave 0 is staying now, wave -1 left this morning, wave k ≥ 1 stayed 16 k days ago and left.
        """
        rng = self.rng
        used = 0
        placed = 0
        cohort_id = 0
        cohort_rooms = 0
        cohort_day = TODAY
        for room_id, beds in rooms:
            if placed >= count:
                break
            if wave > 0 and self.ids["stay"] >= self.shape.people:
                break
            if cohort_rooms == 0:
                cohort_rooms = 1 + rng.randrange(6)
                if wave == 0:
                    cohort_day = TODAY - timedelta(days=rng.randrange(13))
                elif wave == -1:
                    cohort_day = TODAY - timedelta(days=14)
                else:
                    cohort_day = TODAY - timedelta(days=16 * wave + rng.randrange(3))
                cohort_id = self.add(
                    "cohort",
                    {
                        "facility_id": facility_id,
                        "name": f"F1 đợt {cohort_day:%d/%m} – nhóm {self.ids['cohort'] + 1}",
                        "exposure_date": cohort_day,
                        "created_at": datetime.combine(cohort_day, time(7, 0)),
                    },
                )
            cohort_rooms -= 1
            used += 1
            occupants = beds[: min(len(beds), count - placed)]
            family = rng.choice(FAMILY)
            household = None
            if len(occupants) <= 5 and rng.random() < 0.15:
                household = self.add(
                    "household", {"code": f"HGĐ-{self.ids['household'] + 1:06d}", "address": None}
                )
            room_sex = rng.choice("MF")
            admitted = datetime.combine(cohort_day, time(8 + rng.randrange(10), rng.randrange(60)))
            for bed_id in occupants:
                sex = rng.choice("MF") if household else room_sex
                if wave > 0 and budget is not None and self.ids["person"] >= budget:
                    # Everyone has been made: the rest of the past stays belong to people staying now.
                    pool = self.open_people[sex]
                    if not pool:
                        break
                    person = pool.pop()
                else:
                    person = self._person(sex, household, family)
                    if wave == 0:
                        self.open_people[sex].append(person)
                self._stay(person, facility_id, room_id, bed_id, cohort_id, admitted, wave)
                placed += 1
        return used

    def _stay(
        self,
        person: int,
        facility_id: int,
        room_id: int,
        bed_id: int,
        cohort_id: int,
        admitted: datetime,
        wave: int,
    ) -> None:
        rng = self.rng
        start = admitted.date()
        released_at = None
        outcome = None
        positive = rng.random() < 0.01 and wave != 0
        if wave == -1:
            released_at = datetime.combine(TODAY, time(7, rng.randrange(60)))
            outcome = "completed"
        elif wave > 0:
            released_at = datetime.combine(start + timedelta(days=14), time(9, rng.randrange(60)))
            outcome = "transferred" if positive else "completed"
        stay = self.add(
            "stay",
            {
                "person_id": person,
                "facility_id": facility_id,
                "room_id": room_id,
                "bed_id": bed_id,
                "cohort_id": cohort_id,
                **self.policy_copy,
                "admitted_at": admitted,
                "period_start": start,
                "planned_release": start + timedelta(days=14),
                "positive_at": released_at - timedelta(hours=2)
                if outcome == "transferred" and released_at
                else None,
                "released_at": released_at,
                "outcome": outcome,
                "transfer_to": "Bệnh viện Đa khoa tỉnh" if outcome == "transferred" else None,
                "override_reason": None,
                "released_by": ADMIN if released_at else None,
            },
        )
        for day in (1, 7, 14):
            sampled = datetime.combine(start + timedelta(days=day - 1), time(7, 30))
            if sampled > NOW:
                break
            self.add(
                "medical_test",
                {
                    "stay_id": stay,
                    "person_id": person,
                    "kind": "pcr" if day != 7 else "rapid",
                    "sampled_at": sampled,
                    "result": "positive" if positive and day == 14 else "negative",
                    "recorded_by": ADMIN,
                },
            )

    def _after(self) -> None:
        """The rooms left this morning: half disinfected since, half waiting for it (R4)."""
        half = len(self.left_rooms) // 2
        with self.desk.write(None) as session:
            session.execute(
                update(Room).where(Room.id.in_(self.left_rooms[:half])).values(needs_disinfection=True)
            )
            session.execute(
                update(Room)
                .where(Room.id.in_(self.left_rooms[half:]))
                .values(disinfected_at=NOW - timedelta(hours=1), disinfected_by=ADMIN)
            )
        if self.desk.dialect == "postgresql":
            with self.desk.engine.begin() as connection:
                for table in (*self.ORDER, "facility", "zone", "room", "bed"):
                    connection.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT coalesce(max(id), 1) FROM {table}))"
                        )
                    )
            # What autovacuum would do within a minute of such a load.
            with self.desk.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))


def _letters(n: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return letters[n] if n < 26 else letters[n // 26 - 1] + letters[n % 26]


__all__ = ["BIG_CODE", "NOW", "TODAY", "Province", "Shape", "bench_desk", "generate", "province_of"]
