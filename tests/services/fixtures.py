"""Small builders for service tests: a facility with rooms, people, admissions."""

from __future__ import annotations

from datetime import datetime

from quarantine_desk.services import facilities, people
from quarantine_desk.services.context import Desk


def facility(
    desk: Desk,
    code: str = "F01",
    *,
    rooms: str = "101-104",
    beds: int = 4,
    sex: str = "any",
    zone: str = "Tầng 1",
) -> str:
    facilities.add_facility(desk, code, f"Khu cách ly {code}", district="Đắk Hà", province="Kon Tum")
    facilities.add_rooms(desk, code, zone, rooms, beds, sex)
    return code


def person(desk: Desk, name: str = "Nguyễn Văn An", sex: str = "M", born: str = "1990", **fields: str) -> int:
    return people.add_person(desk, people.NewPerson(name=name, sex=sex, born=born, **fields)).id


AUG1 = datetime(2021, 8, 1, 8, 0)
