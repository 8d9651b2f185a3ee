"""The processes of the long-import test (tests/services/test_import_under_load.py): one imports a list of a few
thousand people while eight others keep working at the gate (register, admit, release, disinfect, search, the
room board), each timing every operation it makes.

Each process reports the longest single operation it waited for: with the import checked outside its transaction
and written in one short one, nobody waits for the whole import.
"""

from __future__ import annotations

import random
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quarantine_desk.db import engine as engine_module
from quarantine_desk.domain.errors import DeskError
from quarantine_desk.services import facilities, imports, people, stays
from quarantine_desk.services.context import Desk, open_desk
from tests.helpers import as_admin

FACILITY = "F01"
ROOMS = [f"{n}" for n in range(101, 109)]
KINDS = ("register", "admit", "release", "disinfect", "search", "rooms")
WEIGHTS = (2, 2, 1, 1, 3, 3)  # a desk reads more than it writes
PAUSE = 0.5  # between two operations: a person at a desk, not a loop


@dataclass
class Load:
    """What one of the eight did: operations made, the longest, refusals by code, unexpected failures."""

    worker: int
    operations: int = 0
    during_import: int = (
        0  # operations that overlapped the import: began before it ended, ended after it began
    )
    longest: float = (
        0.0  # seconds, the longest single operation after the first (its wait for the lock included)
    )
    longest_kind: str = ""
    lock_wait: float = 0.0  # SQLite: seconds, the longest wait for the write lock after the first operation
    people: list[int] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


@dataclass
class ImportRun:
    accepted: int = 0
    began: float = 0.0  # time.time() of the import's start and end, comparable across processes
    ended: float = 0.0
    write: float = 0.0  # seconds inside the import's write transaction
    writes: int = 0  # write transactions the import opened
    checked_before_write: int = 0  # rows of the list read and checked before the write transaction opened
    failures: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return self.ended - self.began


def _timed_writes(desk: Desk, spans: list[float], opened: list[float] | None = None) -> None:
    """Time each write transaction the desk opens (the import opens one); ``opened`` is told when each begins."""
    plain = desk.write

    @contextmanager
    def write(permission: Any) -> Iterator[Any]:
        start = time.monotonic()
        if opened is not None:
            opened.append(start)
        try:
            with plain(permission) as session:
                yield session
        finally:
            spans.append(time.monotonic() - start)

    desk.write = write  # type: ignore[method-assign]


def run_import(
    url: str, path: str, ready: Any, started: Any, overlapped: Any, done: Any, results: Any
) -> None:
    run = ImportRun()
    desk = as_admin(open_desk(url))
    try:
        for event in ready:
            event.wait(120)
        spans: list[float] = []
        opened: list[float] = []
        _timed_writes(desk, spans, opened)

        def progress(done: int, total: int) -> None:  # rows checked so far, told every batch
            if not opened:
                run.checked_before_write = max(run.checked_before_write, done)

        run.began = time.time()
        started.set()
        run.accepted = imports.import_people(desk, Path(path), progress=progress).accepted
        run.ended = time.time()
        run.write = max(spans, default=0.0)
        run.writes = len(opened)
        # The import is announced done only once each of the eight has worked beside it (an operation begun
        # before the end is announced): every one overlaps it, however quick the import was on this machine.
        for event in overlapped:
            event.wait(120)
    except Exception:
        run.failures.append(traceback.format_exc())
    finally:
        done.set()
        desk.close()
        results.put(("import", run))


def _timed_lock(load: Load) -> None:
    plain = engine_module._begin_immediate

    def begin(connection: Any) -> None:
        start = time.monotonic()
        plain(connection)
        load.lock_wait = max(load.lock_wait, time.monotonic() - start)

    engine_module._begin_immediate = begin  # type: ignore[assignment]


def work(
    url: str, worker: int, ready: Any, started: Any, done: Any, overlapped: Any, after: int, results: Any
) -> None:
    """Operations until the import is done and ``after`` more (so that every one overlaps the whole import);
    ``overlapped`` is set once an operation began before the import was done and ended after it had started."""
    rng = random.Random(2000 + worker)
    load = Load(worker)
    _timed_lock(load)
    desk = as_admin(open_desk(url))
    staying: dict[int, int] = {}
    left_after = after
    try:
        while left_after > 0:
            kind = rng.choices(KINDS, WEIGHTS)[0]
            waiting = [p for p in load.people if p not in staying]
            if kind == "admit" and not waiting or kind == "release" and not staying:
                kind = "register"
            before_done = not done.is_set()
            began = time.monotonic()
            try:
                if kind == "register":
                    row = people.add_person(
                        desk,
                        people.NewPerson(
                            name=_name(worker, load.operations), sex=rng.choice("MF"), born="1980"
                        ),
                    )
                    load.people.append(row.id)
                elif kind == "admit":
                    person = rng.choice(waiting)
                    staying[person] = stays.admit(desk, person, FACILITY, f"Nhóm {worker}").stay
                elif kind == "release":
                    person = rng.choice(sorted(staying))
                    stays.release(desk, person, override="Kiểm thử: ra sớm theo đề nghị của trạm y tế")
                    staying.pop(person)
                elif kind == "disinfect":
                    stays.disinfect(desk, FACILITY, rng.choice(ROOMS), by="Tổ khử khuẩn")
                elif kind == "search":
                    people.search_people(desk, rng.choice(["tran", "nguyen van", _name(worker, 1)]))
                else:
                    facilities.room_board(desk, FACILITY)
            except DeskError as exc:
                load.refused[exc.code] += 1
                if exc.code == "database_busy":
                    load.failures.append(traceback.format_exc())
            took = time.monotonic() - began
            load.operations += 1
            if took > load.longest and load.operations > 1:  # the first one loads the modules: not a wait
                load.longest, load.longest_kind = took, kind
            if before_done and started.is_set():
                load.during_import += 1
                overlapped.set()
            if load.operations == 1:
                load.lock_wait = 0.0  # the start (nine processes opening the database at once) is not counted
                ready.set()
            if done.is_set():
                left_after -= 1
            time.sleep(PAUSE)
    except Exception:
        load.failures.append(traceback.format_exc())
    finally:
        ready.set()
        desk.close()
        results.put(("work", load))


def _name(worker: int, number: int) -> str:
    """A name of letters only, different for every operation: "Trần Văn Bacd"."""
    return f"Trần Văn {chr(65 + worker)}{''.join(chr(97 + int(d)) for d in str(number))}"
