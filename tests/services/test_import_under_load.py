"""A long import beside eight other PCs, on SQLite and on PostgreSQL: one process imports a list of 3,000 people
while eight others register, admit, release, disinfect, search and read the room board, without a pause longer
than a person's.

All finish; no one is refused as busy; every write is kept; every one of the eight works while the import runs;
and the import reads and checks every row of its list before it opens its one write transaction, so nobody waits
for the whole import. Each of the eight reports its longest single operation (its wait for the lock included),
printed beside the import's times: figures to read, not bounds to assert, since a loaded machine stretches them
all (the benchmark measures speed).
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

from quarantine_desk.services import check
from tests.exports.commune_lists import rows_xlsx
from tests.services.fixtures import facility
from tests.services.import_load_worker import ROOMS, ImportRun, Load, run_import, work

PROCESSES = 8
ROWS = 3000
AFTER = 5  # operations each of the eight makes once the import is done

pytestmark = pytest.mark.slow


def _list(path: Path) -> Path:
    header = ["Họ và tên", "Năm sinh", "Giới tính", "Số điện thoại", "Địa chỉ"]
    rows: list[list[object]] = [header]
    for n in range(ROWS):
        letters = "".join(chr(97 + int(d)) for d in f"{n:04d}")
        rows.append(
            [
                f"Nguyễn Thị Nhập {letters}",
                1940 + n % 70,
                "Nữ" if n % 2 else "Nam",
                f"09{n:08d}",
                "Thôn 1, Hà Mòn",
            ]
        )
    return rows_xlsx(path, rows)


def test_a_long_import_beside_eight_pcs_holds_nobody_up(desk, tmp_path):
    facility(desk, rooms=f"{ROOMS[0]}-{ROOMS[-1]}", beds=3)
    path = _list(tmp_path / "f1.xlsx")
    with desk.engine.connect() as connection:
        before = connection.execute(text("SELECT count(*) FROM person")).scalar_one()
    # Forked from a server process that loaded the program once (not 9 fresh interpreters, nor a fork of this
    # process with its connections and Qt): each of the nine starts in a fraction of a second.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tests.services.import_load_worker"])
    results = context.Queue()
    ready = [context.Event() for _ in range(PROCESSES)]
    overlapped = [context.Event() for _ in range(PROCESSES)]
    started, done = context.Event(), context.Event()
    processes = [
        context.Process(
            target=work, args=(desk.url, n, ready[n], started, done, overlapped[n], AFTER, results)
        )
        for n in range(PROCESSES)
    ]
    processes.append(
        context.Process(
            target=run_import, args=(desk.url, str(path), ready, started, overlapped, done, results)
        )
    )
    for process in processes:
        process.start()
    reports = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(60)
    run: ImportRun = next(r for kind, r in reports if kind == "import")
    loads: list[Load] = sorted((r for kind, r in reports if kind == "work"), key=lambda w: w.worker)

    assert run.failures == [] and [w.failures for w in loads] == [[]] * PROCESSES
    assert run.accepted == ROWS
    refused = sum((w.refused for w in loads), Counter())
    # the rules' refusals (no bed left, a room awaiting disinfection, another PC's change); never "busy"
    assert set(refused) <= {
        "room_cohort_conflict", "room_awaiting_disinfection", "bed_taken", "no_bed_available", "room_not_empty",
        "concurrent_change", "no_open_stay", "room_sex_conflict", "child_alone",
    }, refused  # fmt: skip
    print(
        f"\nimport {ROWS} rows: {run.total:.2f} s, its write {run.write:.2f} s; "
        f"operations of the eight: {sum(w.operations for w in loads)} "
        f"({sum(w.during_import for w in loads)} during the import); longest each: "
        + ", ".join(f"{w.longest:.2f} s ({w.longest_kind}, lock {w.lock_wait:.2f} s)" for w in loads)
    )
    # every one of the eight kept working while the import ran
    assert all(w.during_import >= 1 for w in loads), [w.during_import for w in loads]
    # The list is read and every row checked before the write, not inside it, and the write is one transaction:
    # the others wait for that short write at most, never for the whole import.
    assert run.writes == 1, run.writes
    assert run.checked_before_write == ROWS, run.checked_before_write
    with desk.engine.connect() as connection:
        after = connection.execute(text("SELECT count(*) FROM person")).scalar_one()
    assert after == before + ROWS + sum(len(w.people) for w in loads)
    assert check.check(desk) == []
