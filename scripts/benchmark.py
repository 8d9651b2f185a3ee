"""Benchmark: how fast the everyday operations are on a province-sized database.

Builds a SQLite file (or uses --db URL) with PEOPLE registered people, a facility of 60 rooms filled through the
normal admission service, then times search, the room board, the roster, one admission, and a 20,000-row roster
export. Prints the figures; asserts nothing. Run: `make benchmark` or `python scripts/benchmark.py --people 200000`.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from quarantine_desk.domain.people import Sex
from quarantine_desk.domain.roles import Role
from quarantine_desk.services import auth, documents, facilities, medical, people, stays
from quarantine_desk.services.context import Desk, UserRow
from quarantine_desk.services.demo import FAMILY, GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M
from quarantine_desk.services.people import CheckedPerson, insert_person
from quarantine_desk.services.setup import initialise


def timed(label: str, func: Callable[[], object], repeat: int = 5) -> object:
    best = float("inf")
    result: object = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<48} {best * 1000:9.1f} ms")
    return result


def register_many(desk: Desk, count: int, rng: random.Random) -> None:
    start = time.perf_counter()
    batch = 5000
    for first in range(0, count, batch):
        with desk.write(None) as session:
            for _ in range(min(batch, count - first)):
                sex = rng.choice("MF")
                name = (
                    f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_M if sex == 'M' else MIDDLE_F)} "
                    f"{rng.choice(GIVEN_M if sex == 'M' else GIVEN_F)}"
                )
                insert_person(
                    session,
                    desk,
                    CheckedPerson(
                        name,
                        Sex(sex),
                        1950 + rng.randrange(60),
                        None,
                        None,
                        None,
                        f"09{rng.randrange(10**8):08d}",
                        "huyện Đắk Hà, tỉnh Kon Tum",
                        None,
                        0,
                        None,
                        None,
                    ),
                    pre_registered=True,
                )
    print(f"{'register ' + str(count) + ' people (bulk)':<48} {(time.perf_counter() - start) * 1000:9.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--db")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="qd-bench-"))
    url = args.db or f"sqlite:///{folder / 'bench.sqlite3'}"
    desk, _ = initialise(url)
    if not auth.has_users(desk):
        auth.create_first_admin(desk, "admin", "benchmark-password")
    with desk.write(None) as session:
        from quarantine_desk.db.models import User

        admin = session.query(User).filter_by(username="admin").one()
        desk = desk.as_user(UserRow(admin.id, "admin", None, Role.ADMIN))
    rng = random.Random(7)
    print(f"database: {desk.display_url}")
    register_many(desk, args.people, rng)

    facilities.add_facility(desk, "B01", "Khu đo tốc độ")
    facilities.add_rooms(desk, "B01", "Khu A", "A001-A060", 4, "any")
    candidates = people.search_people(desk, "", limit=300)
    start = time.perf_counter()
    admitted = 0
    for i in range(0, 120, 10):
        group = [p.id for p in candidates[i : i + 10] if p.sex is Sex.MALE] or [candidates[i].id]
        try:
            admitted += len(stays.admit_group(desk, group, "B01", f"Nhóm {i // 10}"))
        except Exception:  # noqa: BLE001 - a full facility ends the filling, nothing more
            break
    elapsed = time.perf_counter() - start
    print(
        f"{'admit ' + str(admitted) + ' people in groups of ≤10':<48} {elapsed * 1000:9.1f} ms "
        f"({elapsed * 1000 / max(1, admitted):.1f} ms/person)"
    )

    timed("search 'nguyen van an' (accent-insensitive)", lambda: people.search_people(desk, "nguyen van an"))
    timed("search by phone prefix '0912'", lambda: people.search_people(desk, "0912"))
    timed("room board of 60 rooms", lambda: facilities.room_board(desk, "B01"))
    timed("roster of the facility", lambda: stays.roster(desk, "B01"))
    timed("tests due list", lambda: medical.tests_due_list(desk, "B01"))
    timed("daily report, one facility", lambda: documents.daily_report(desk, "B01"))
    one = people.search_people(desk, "", limit=400)[-1].id
    timed(
        "one admission, program chooses the bed", lambda: stays.admit(desk, one, "B01", "Nhóm lẻ"), repeat=1
    )
    timed("roster export .xlsx", lambda: documents.export_roster(desk, "B01", folder / "r.xlsx"), repeat=1)
    timed("roster export .pdf", lambda: documents.export_roster(desk, "B01", folder / "r.pdf"), repeat=1)
    print(f"(as of {datetime.now():%Y-%m-%d %H:%M}; files in {folder})")
    desk.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
