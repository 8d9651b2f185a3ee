"""One process of the stress test (tests/services/test_stress.py): a desk of its own on the shared database and a
fixed sequence of mixed operations drawn from its seed, as one PC at the gate would do them.

Each write the database accepted is counted (and the ids it made kept), so that the test can prove none was
lost; each refusal must be a typed error (a rule, a conflict with another PC), never anything else.
"""

from __future__ import annotations

import random
import traceback
from collections import Counter
from dataclasses import dataclass, field

from quarantine_desk.domain.errors import DeskError
from quarantine_desk.services import facilities, medical, people, stays
from quarantine_desk.services.context import open_desk
from tests.helpers import as_admin

FACILITIES = ("F01", "F02")
ROOMS = [f"{n}" for n in range(101, 109)]
COHORTS = ("Nhóm A", "Nhóm B", "Nhóm C")
KINDS = ("register", "admit", "test", "release", "disinfect", "search", "roster", "rooms")
WEIGHTS = (3, 4, 2, 2, 1, 1, 1, 1)


@dataclass
class Tally:
    """What one process did: writes accepted (with the ids made), refusals by code, unexpected failures."""

    worker: int
    operations: int = 0
    people: list[int] = field(default_factory=list)
    admitted: list[int] = field(default_factory=list)  # stay ids
    tests: list[int] = field(default_factory=list)
    released: list[int] = field(default_factory=list)  # stay ids
    disinfected: int = 0
    reads: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


def name(worker: int, number: int) -> str:
    """A name of letters only, different for every operation: "Trần Văn Bacd"."""
    return f"Trần Văn {chr(65 + worker)}{''.join(chr(97 + int(d)) for d in str(number))}"


def work(url: str, worker: int, operations: int) -> Tally:
    rng = random.Random(1000 + worker)
    tally = Tally(worker)
    desk = as_admin(open_desk(url))
    mine: list[int] = []  # this process's people
    staying: dict[int, int] = {}  # person id -> open stay id, as this process knows it
    try:
        for number in range(operations):
            kind = rng.choices(KINDS, WEIGHTS)[0]
            tally.operations += 1
            try:
                if kind == "register" or (kind in ("admit", "test", "release") and not mine):
                    sex = rng.choice("MF")
                    row = people.add_person(
                        desk,
                        people.NewPerson(name=name(worker, number), sex=sex, born=str(1950 + number % 50)),
                    )
                    mine.append(row.id)
                    tally.people.append(row.id)
                elif kind == "admit":
                    waiting = [p for p in mine if p not in staying]
                    if not waiting:
                        continue
                    person = rng.choice(waiting)
                    room = rng.choice(ROOMS) if rng.random() < 0.5 else None
                    stay = stays.admit(desk, person, rng.choice(FACILITIES), rng.choice(COHORTS), room=room)
                    staying[person] = stay.stay
                    tally.admitted.append(stay.stay)
                elif kind == "test":
                    if not staying:
                        continue
                    result = medical.record_test(desk, rng.choice(sorted(staying)), "rapid", "negative")
                    tally.tests.append(result.test)
                elif kind == "release":
                    if not staying:
                        continue
                    person = rng.choice(sorted(staying))
                    stays.release(desk, person, override="Kiểm thử: ra sớm theo đề nghị của trạm y tế")
                    tally.released.append(staying.pop(person))
                elif kind == "disinfect":
                    stays.disinfect(desk, rng.choice(FACILITIES), rng.choice(ROOMS), by="Tổ khử khuẩn")
                    tally.disinfected += 1
                elif kind == "search":
                    people.search_people(desk, rng.choice(["tran", "tran van", name(worker, 1)]))
                    tally.reads += 1
                elif kind == "roster":
                    stays.roster(desk, rng.choice(FACILITIES))
                    tally.reads += 1
                else:
                    facilities.room_board(desk, rng.choice(FACILITIES))
                    tally.reads += 1
            except DeskError as exc:
                tally.refused[exc.code] += 1
    except Exception:
        tally.failures.append(traceback.format_exc())
    finally:
        desk.close()
    return tally
