"""What the benchmark measures: each operation of the program beside a reference doing the same work.

A reference is the bare library or hand-written SQL on the bare driver, measured in the same run on the same
database, so a ratio says how much the program adds and a figure can be compared across machines. An operation
that changes data (an admission, an import) is undone after each measured run, outside the measured time, so
every run meets the same database.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Select, delete, func, select, text, update
from sqlalchemy.orm import Session

from quarantine_desk.bench.province import NOW, TODAY, Province
from quarantine_desk.services.context import Desk

Step = Callable[[], object]
#: A case's set-up: given the context, the step to measure and the undo that follows it (not measured).
Factory = Callable[["Context"], tuple[Step, Step | None]]

BENCH_COHORT = "Đo tốc độ"


@dataclass
class Context:
    desk: Desk
    province: Province
    folder: Path


@dataclass(frozen=True)
class Case:
    key: str
    title: str
    target: str
    now: Factory | Sequence[str]  # a set-up in this process, or a command whose whole run is measured
    ref: Factory | Sequence[str] | None
    ref_title: str
    repeat: int = 30
    env: dict[str, str] = field(default_factory=dict)

    @property
    def is_process(self) -> bool:
        return not callable(self.now)


# --- helpers -------------------------------------------------------------------------------------------------------


def bare_rows(desk: Desk, statement: Select[Any]) -> list[tuple[Any, ...]]:
    """The statement compiled once and run on the bare DB-API connection: the cost without the ORM."""
    compiled = statement.compile(dialect=desk.engine.dialect, compile_kwargs={"literal_binds": True})
    raw = desk.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(str(compiled))
        rows = list(cursor.fetchall())
        cursor.close()
        raw.rollback()
        return rows
    finally:
        raw.close()


def _sql(desk: Desk, sql: str, params: Sequence[Any] = (), *, write: bool = False) -> list[tuple[Any, ...]]:
    """Hand-written SQL on the bare driver, with the placeholders written as ``?``."""
    if desk.dialect == "postgresql":
        sql = sql.replace("?", "%s")
    raw = desk.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if write and desk.dialect == "sqlite":
            cursor.execute("BEGIN IMMEDIATE")
        cursor.execute(sql, tuple(params))
        rows = list(cursor.fetchall()) if cursor.description else []
        cursor.close()
        if write:
            raw.commit()
        else:
            raw.rollback()
        return rows
    finally:
        raw.close()


def _one(cursor: Any) -> tuple[Any, ...]:
    row = cursor.fetchone()
    assert row is not None
    return tuple(row)


def _facility_id(desk: Desk, code: str) -> int:
    from quarantine_desk.db.models import Facility

    with desk.read() as session:
        return session.execute(select(Facility.id).where(Facility.code == code)).scalar_one()


def _waiting_people(desk: Desk, count: int, sex: str = "M") -> list[int]:
    """People on the tracing lists, not staying anywhere: the ones the benchmark admits."""
    from quarantine_desk.db.models import Person, Stay

    with desk.read() as session:
        open_stay = select(Stay.id).where(Stay.person_id == Person.id, Stay.released_at.is_(None)).exists()
        return list(
            session.scalars(
                select(Person.id)
                .where(Person.pre_registered.is_(True), Person.sex == sex, ~open_stay)
                .order_by(Person.id)
                .limit(count)
            )
        )


def _past_the_audit_trigger(session: Session) -> None:
    """The benchmark undoes its own work, audit lines included, on its own database: on PostgreSQL the trigger
    that keeps the audit trail append-only is off for this transaction (the benchmark connects as the owner)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL session_replication_role = replica"))


def _forget_stays(desk: Desk, stay_ids: Sequence[int], person_ids: Sequence[int]) -> None:
    """Undo admissions made by the benchmark: the stays, their audit lines, the people back on the list."""
    from quarantine_desk.db.models import AuditEvent, Person, Stay

    with desk.write(None) as session:
        _past_the_audit_trigger(session)
        session.execute(
            delete(AuditEvent).where(AuditEvent.entity == "stay", AuditEvent.entity_id.in_(stay_ids))
        )
        session.execute(delete(Stay).where(Stay.id.in_(stay_ids)))
        session.execute(update(Person).where(Person.id.in_(person_ids)).values(pre_registered=True))


# --- search --------------------------------------------------------------------------------------------------------


def _search(text: str) -> Factory:
    def factory(ctx: Context) -> tuple[Step, Step | None]:
        from quarantine_desk.services import people

        return (lambda: people.search_people(ctx.desk, text)), None

    return factory


def _search_ref(text: str) -> Factory:
    def factory(ctx: Context) -> tuple[Step, Step | None]:
        from quarantine_desk.services import people

        statement = people.search_statement(text, limit=50)
        return (lambda: bare_rows(ctx.desk, statement)), None

    return factory


# --- admission -----------------------------------------------------------------------------------------------------


def _admit(which: str) -> Factory:
    def factory(ctx: Context) -> tuple[Step, Step | None]:
        from quarantine_desk.services import stays

        code = getattr(ctx.province, which)
        person = _waiting_people(ctx.desk, 1)[0]
        made: list[int] = []

        def step() -> object:
            result = stays.admit(ctx.desk, person, code, BENCH_COHORT, at=NOW)
            made.append(result.stay)
            return result

        def undo() -> None:
            _forget_stays(ctx.desk, made, [person])
            made.clear()

        return step, undo

    return factory


FREE_BED_SQL = """
SELECT b.id, b.room_id FROM bed b JOIN room r ON r.id = b.room_id
WHERE r.facility_id = ? AND r.in_service AND r.closed_at IS NULL AND NOT r.needs_disinfection AND b.in_service
  AND r.sex IN ('any', ?)
  AND NOT EXISTS (SELECT 1 FROM stay s WHERE s.bed_id = b.id AND s.released_at IS NULL)
  AND NOT EXISTS (SELECT 1 FROM stay s JOIN person p ON p.id = s.person_id
                  WHERE s.room_id = r.id AND s.released_at IS NULL AND (s.cohort_id <> ? OR p.sex <> ?))
ORDER BY r.id, b.position LIMIT ?
"""


def _admit_ref(which: str) -> Factory:
    """Hand-written admission: lock, one SQL for a fitting free bed, one INSERT, commit."""

    def factory(ctx: Context) -> tuple[Step, Step | None]:
        from quarantine_desk.db.models import Cohort, QuarantinePolicy

        desk = ctx.desk
        facility = _facility_id(desk, getattr(ctx.province, which))
        person = _waiting_people(desk, 1)[0]
        with desk.write(None) as session:
            cohort = session.scalar(select(Cohort.id).where(Cohort.facility_id == facility))
            found = session.scalar(select(QuarantinePolicy).where(QuarantinePolicy.days == 14))
            assert found is not None
            policy = (found.id, found.name, found.version or 1, found.kind, found.days, found.test_days)
        made: list[int] = []
        postgres = desk.dialect == "postgresql"
        mark = "%s" if postgres else "?"

        def step() -> object:
            raw = desk.engine.raw_connection()
            try:
                cursor = raw.cursor()
                if postgres:
                    cursor.execute("SELECT id FROM facility WHERE id = %s FOR UPDATE", (facility,))
                else:
                    cursor.execute("BEGIN IMMEDIATE")
                cursor.execute(FREE_BED_SQL.replace("?", mark), (facility, "M", cohort, "M", 1))
                bed, room = _one(cursor)
                cursor.execute(
                    "INSERT INTO stay (person_id, facility_id, room_id, bed_id, cohort_id, admitted_at, period_start,"
                    " planned_release, policy_id, policy_name, policy_version, policy_kind, policy_days,"
                    " policy_test_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)".replace("?", mark),
                    (person, facility, room, bed, cohort, NOW, TODAY, TODAY + timedelta(days=14), *policy),
                )
                cursor.execute(
                    f"SELECT id FROM stay WHERE person_id = {mark} AND released_at IS NULL", (person,)
                )
                made.append(_one(cursor)[0])
                raw.commit()
            finally:
                raw.close()
            return made[-1]

        def undo() -> None:
            _forget_stays(desk, made, [person])
            made.clear()

        return step, undo

    return factory


def _propose(ctx: Context) -> tuple[Step, Step | None]:
    from quarantine_desk.services import stays

    # A tiny test province has no facility with 40 free beds.
    half = 20 if ctx.province.shape.small_rooms >= 20 else 2
    group = _waiting_people(ctx.desk, half, "M") + _waiting_people(ctx.desk, half, "F")
    return (lambda: stays.propose_beds(ctx.desk, group, ctx.province.small_other, BENCH_COHORT + " 40")), None


def _propose_ref(ctx: Context) -> tuple[Step, Step | None]:
    facility = _facility_id(ctx.desk, ctx.province.small_other)
    sql = """
    SELECT b.id, b.room_id, r.sex FROM bed b JOIN room r ON r.id = b.room_id
    WHERE r.facility_id = ? AND r.in_service AND r.closed_at IS NULL AND NOT r.needs_disinfection
      AND b.in_service AND NOT EXISTS (SELECT 1 FROM stay s WHERE s.room_id = r.id AND s.released_at IS NULL)
    ORDER BY r.id, b.position
    """
    return (lambda: _sql(ctx.desk, sql, (facility,))), None


# --- lists and documents -------------------------------------------------------------------------------------------


def _roster(ctx: Context) -> tuple[Step, Step | None]:
    """What the window waits for before it shows the roster: the first page and the count of the whole."""
    from quarantine_desk.services import stays

    return (lambda: stays.roster_page(ctx.desk, ctx.province.big)), None


def _roster_statement(ctx: Context) -> Select[Any]:
    from quarantine_desk.db.models import Person, Stay
    from quarantine_desk.services import stays
    from quarantine_desk.services.presence import present_at

    facility = _facility_id(ctx.desk, ctx.province.big)
    return (
        stays.stay_rows_query()
        .where(Stay.facility_id == facility, present_at(NOW))
        .order_by(Person.sort_key, Person.id)
    )


def _roster_ref(ctx: Context) -> tuple[Step, Step | None]:
    """The same page as one statement with every join and LIMIT, room by room (by the names of zone and room as
    the database sorts them, not naturally, then the bed), and the count, on the bare driver."""
    from quarantine_desk.db.models import Bed, Room, Stay, Zone
    from quarantine_desk.services import stays
    from quarantine_desk.services.presence import present_at

    facility = _facility_id(ctx.desk, ctx.province.big)
    page = (
        stays.stay_rows_query()
        .where(Stay.facility_id == facility, present_at(NOW))
        .order_by(Zone.name, Room.name, Bed.position, Stay.id)
        .limit(stays.ROSTER_PAGE)
    )
    total = select(func.count()).select_from(Stay).where(Stay.facility_id == facility, present_at(NOW))
    return (lambda: (bare_rows(ctx.desk, page), bare_rows(ctx.desk, total))), None


def _roster_full(ctx: Context) -> tuple[Step, Step | None]:
    from quarantine_desk.services import stays

    return (lambda: stays.roster(ctx.desk, ctx.province.big)), None


def _roster_full_ref(ctx: Context) -> tuple[Step, Step | None]:
    statement = _roster_statement(ctx)
    return (lambda: bare_rows(ctx.desk, statement)), None


def _export(suffix: str) -> Factory:
    def factory(ctx: Context) -> tuple[Step, Step | None]:
        from quarantine_desk.services import documents

        out = ctx.folder / f"roster{suffix}"
        return (lambda: documents.export_roster(ctx.desk, ctx.province.big, out)), None

    return factory


def _roster_cells(ctx: Context) -> list[tuple[Any, ...]]:
    facility = _facility_id(ctx.desk, ctx.province.big)
    start = datetime.combine(TODAY, datetime.min.time())
    return _sql(
        ctx.desk,
        """SELECT p.id, p.full_name, p.birth_year, p.birth_date, p.sex, p.id_number, p.phone, p.address,
                  c.name, r.name, b.label, s.admitted_at, s.planned_release, s.released_at, s.outcome, ''
           FROM stay s JOIN person p ON p.id = s.person_id JOIN room r ON r.id = s.room_id
           JOIN bed b ON b.id = s.bed_id JOIN cohort c ON c.id = s.cohort_id
           WHERE s.facility_id = ? AND s.admitted_at < ? AND (s.released_at IS NULL OR s.released_at >= ?)
           ORDER BY p.sort_key, p.id""",
        (facility, start + timedelta(days=1), start),
    )


def _pdf_ref(ctx: Context) -> tuple[Step, Step | None]:
    """A lean canvas: the font registered once, each row drawn as strings, pages numbered on the fly."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    from quarantine_desk.resources import resource_path

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(resource_path("fonts", "DejaVuSans.ttf"))))
    rows = _roster_cells(ctx)
    out = ctx.folder / "roster-ref.pdf"
    widths = (30, 150, 40, 20, 80, 70, 90, 60, 40, 30, 70, 60)

    def step() -> object:
        width, height = landscape(A4)
        canvas = Canvas(str(out), pagesize=(width, height))
        y = height - 40
        page = 1
        for row in rows:
            if y < 40:
                canvas.setFont("DejaVuSans", 7)
                canvas.drawString(width / 2, 20, f"Trang {page}")
                canvas.showPage()
                page += 1
                y = height - 40
            canvas.setFont("DejaVuSans", 7)
            x = 30.0
            for value, w in zip(
                (
                    row[0],
                    row[1],
                    row[2],
                    row[4],
                    row[5],
                    row[6],
                    row[8],
                    row[9],
                    row[10],
                    row[11],
                    row[12],
                    row[7],
                ),
                widths,
                strict=True,
            ):
                canvas.drawString(x, y, str(value or "")[: int(w / 3.5)])
                x += w
            y -= 10
        canvas.drawString(width / 2, 20, f"Trang {page}")
        canvas.save()
        return out

    return step, None


def _xlsx_ref(ctx: Context) -> tuple[Step, Step | None]:
    from openpyxl import Workbook

    rows = _roster_cells(ctx)
    out = ctx.folder / "roster-ref.xlsx"

    def step() -> object:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Danh sách")
        sheet.append([f"cột {i}" for i in range(16)])
        for row in rows:
            sheet.append(list(row))
        book.save(out)
        return out

    return step, None


def _daily(ctx: Context) -> tuple[Step, Step | None]:
    from quarantine_desk.services import documents

    return (lambda: documents.daily_report(ctx.desk)), None


def _daily_ref(ctx: Context) -> tuple[Step, Step | None]:
    """Four GROUP BY queries give every facility's figures."""
    start = datetime.combine(TODAY, datetime.min.time())
    end = start + timedelta(days=1)
    tomorrow = TODAY + timedelta(days=1)
    queries = (
        (
            """SELECT r.facility_id, count(*), sum(CASE WHEN r.in_service AND r.closed_at IS NULL
                   AND NOT r.needs_disinfection THEN 1 ELSE 0 END)
               FROM bed b JOIN room r ON r.id = b.room_id WHERE b.in_service GROUP BY r.facility_id""",
            (),
        ),
        (
            """SELECT facility_id,
                 sum(CASE WHEN admitted_at < ? AND (released_at IS NULL OR released_at >= ?) THEN 1 ELSE 0 END),
                 sum(CASE WHEN admitted_at >= ? AND admitted_at < ? THEN 1 ELSE 0 END),
                 sum(CASE WHEN released_at >= ? AND released_at < ? AND outcome <> 'transferred' THEN 1 ELSE 0 END),
                 sum(CASE WHEN released_at >= ? AND released_at < ? AND outcome = 'transferred' THEN 1 ELSE 0 END),
                 sum(CASE WHEN admitted_at < ? AND (released_at IS NULL OR released_at >= ?) THEN 1 ELSE 0 END),
                 sum(CASE WHEN released_at IS NULL AND planned_release = ? THEN 1 ELSE 0 END)
               FROM stay WHERE released_at IS NULL OR released_at >= ? GROUP BY facility_id""",
            (start, start, start, end, start, end, start, end, end, end, tomorrow, start),
        ),
        (
            """SELECT s.facility_id, count(*), sum(CASE WHEN t.result = 'positive' THEN 1 ELSE 0 END)
               FROM medical_test t JOIN stay s ON s.id = t.stay_id
               WHERE t.sampled_at >= ? AND t.sampled_at < ? GROUP BY s.facility_id""",
            (start, end),
        ),
        (
            """SELECT sh.facility_id, count(DISTINCT a.staff_id) FROM shift sh JOIN assignment a ON a.shift_id = sh.id
               WHERE sh.starts_at < ? AND sh.ends_at > ? GROUP BY sh.facility_id""",
            (end, start),
        ),
    )
    return (lambda: [_sql(ctx.desk, sql, params) for sql, params in queries]), None


# --- import --------------------------------------------------------------------------------------------------------

IMPORT_ROWS = 5_000
IMPORT_HEADERS = ("Họ và tên", "Năm sinh", "Giới tính", "Số CCCD", "Số điện thoại", "Địa chỉ", "Số mũi tiêm")


def _import_rows(ctx: Context) -> int:
    # A tiny test province takes a small file.
    return min(IMPORT_ROWS, ctx.province.people)


def _import_file(ctx: Context) -> Path:
    from openpyxl import Workbook

    from quarantine_desk.services.demo import FAMILY, GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M

    count = _import_rows(ctx)
    path = ctx.folder / f"people-{count}.xlsx"
    if path.exists():
        return path
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách F1")
    sheet.append(list(IMPORT_HEADERS))
    for i in range(count):
        male = i % 2 == 0
        name = (
            f"{FAMILY[i % len(FAMILY)]} {(MIDDLE_M if male else MIDDLE_F)[i % 7]} "
            f"{(GIVEN_M if male else GIVEN_F)[i % 20]}"
        )
        sheet.append(
            [
                name,
                str(1950 + i % 50),
                "Nam" if male else "Nữ",
                f"062{0 if male else 1}{(1950 + i % 50) % 100:02d}9{i:05d}",
                f"09{i:08d}",
                "xã Hà Mòn, huyện Đăk Hà, tỉnh Kon Tum",
                str(i % 3),
            ]
        )
    book.save(path)
    return path


def _forget_import(desk: Desk, first_person: int, first_audit: int) -> None:
    from quarantine_desk.db.models import AuditEvent, Person, PersonToken

    with desk.write(None) as session:
        _past_the_audit_trigger(session)
        session.execute(delete(PersonToken).where(PersonToken.person_id > first_person))
        session.execute(delete(Person).where(Person.id > first_person))
        session.execute(delete(AuditEvent).where(AuditEvent.id > first_audit))


def _marks(desk: Desk) -> tuple[int, int]:
    from quarantine_desk.db.models import AuditEvent, Person

    with desk.read() as session:
        return (
            session.scalar(select(func.max(Person.id))) or 0,
            session.scalar(select(func.max(AuditEvent.id))) or 0,
        )


def _import(ctx: Context) -> tuple[Step, Step | None]:
    from quarantine_desk.services import imports

    path = _import_file(ctx)
    marks = _marks(ctx.desk)

    def step() -> object:
        result = imports.import_people(ctx.desk, path)
        assert result.accepted == _import_rows(ctx), result.rejected[:3]
        return result

    return step, lambda: _forget_import(ctx.desk, *marks)


def _import_ref(ctx: Context) -> tuple[Step, Step | None]:
    """openpyxl in read-only mode, then the rows and their search words in bulk."""
    from openpyxl import load_workbook
    from sqlalchemy import insert

    from quarantine_desk.db.models import Person
    from quarantine_desk.domain.text import name_sort_key
    from quarantine_desk.services.people import index_people

    path = _import_file(ctx)
    marks = _marks(ctx.desk)

    def step() -> object:
        book = load_workbook(path, read_only=True)
        rows = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
        book.close()
        first = marks[0] + 1
        people = [
            {
                "id": first + i,
                "full_name": r[0],
                "sex": "M" if r[2] == "Nam" else "F",
                "birth_year": int(r[1]),
                "id_number": r[3],
                "id_kind": "cccd",
                "phone": r[4],
                "address": r[5],
                "doses": int(r[6]),
                "pre_registered": True,
                "sort_key": name_sort_key(r[0]),
                "created_at": NOW,
            }
            for i, r in enumerate(rows)
        ]
        with ctx.desk.write(None) as session:
            session.execute(insert(Person), people)
            index_people(session, [(p["id"], p["full_name"], p["id_number"], p["phone"]) for p in people])
        return len(people)

    return step, lambda: _forget_import(ctx.desk, *marks)


# --- the list ------------------------------------------------------------------------------------------------------

PYTHON = sys.executable
HEAVY = "import PySide6.QtWidgets, reportlab.platypus, openpyxl, alembic.command, sqlalchemy.orm"


def cases(province: Province) -> list[Case]:
    window = [PYTHON, "-m", "quarantine_desk.bench.window_probe", province.url]
    return [
        Case(
            "version",
            "--version, whole process",
            "≤ 0.3 s",
            [PYTHON, "-m", "quarantine_desk", "--version"],
            [PYTHON, "-c", "pass"],
            "python -c pass",
            repeat=7,
        ),
        Case(
            "help",
            "--help, whole process",
            "≤ 0.3 s",
            [PYTHON, "-m", "quarantine_desk", "--help"],
            [PYTHON, "-c", HEAVY],
            "importing PySide6, reportlab, openpyxl, alembic",
            repeat=7,
        ),
        Case(
            "window_small",
            "start → window shown, last facility of 400 beds",
            "≤ 1.5 s",
            [*window, province.small],
            [PYTHON, "-m", "quarantine_desk.bench.window_probe", "--bare"],
            "bare PySide6 window",
            repeat=5,
        ),
        Case(
            "window_big",
            "start → window shown, last facility of 20,000 beds",
            "≤ 1.5 s",
            [*window, province.big],
            [PYTHON, "-m", "quarantine_desk.bench.window_probe", "--bare"],
            "bare PySide6 window",
            repeat=3,
        ),
        Case(
            "search_common",
            'search "nguyen van"',
            "p95 ≤ 10 ms",
            _search("nguyen van"),
            _search_ref("nguyen van"),
            "one statement of the same result, bare driver",
        ),
        Case(
            "search_given",
            'search "hường"',
            "p95 ≤ 10 ms",
            _search("hường"),
            _search_ref("hường"),
            "one statement of the same result, bare driver",
        ),
        Case(
            "admit_small",
            "admit, program picks the bed, 400 beds",
            "p95 ≤ 20 ms (SQLite), ≤ 40 ms (PostgreSQL)",
            _admit("small"),
            _admit_ref("small"),
            "hand-written admission",
            repeat=20,
        ),
        Case(
            "admit_big",
            "admit, program picks the bed, 20,000 beds",
            "p95 ≤ 20 ms (SQLite), ≤ 40 ms (PostgreSQL)",
            _admit("big"),
            _admit_ref("big"),
            "hand-written admission",
            repeat=10,
        ),
        Case(
            "propose_40",
            "bed choice for a cohort of 40",
            "≤ 100 ms",
            _propose,
            _propose_ref,
            "one SQL for free beds",
            repeat=10,
        ),
        Case(
            "roster",
            "roster of 20,000 present: first page + count",
            "≤ 300 ms",
            _roster,
            _roster_ref,
            "one statement for the page, and the count, bare driver",
            repeat=10,
        ),
        Case(
            "roster_full",
            "roster of 20,000 present: the whole list",
            "(exports, command line)",
            _roster_full,
            _roster_full_ref,
            "same SQL, bare driver",
            repeat=5,
        ),
        Case(
            "roster_pdf",
            "roster PDF, 20,000 rows",
            "≤ 8 s, ≤ 150 MB",
            _export(".pdf"),
            _pdf_ref,
            "lean reportlab canvas",
            repeat=1,
        ),
        Case(
            "daily_report",
            "daily report, all facilities",
            "≤ 500 ms",
            _daily,
            _daily_ref,
            "4 GROUP BY queries",
            repeat=3,
        ),
        Case(
            "import",
            "import 5,000 rows",
            "≤ 3 s, with validation",
            _import,
            _import_ref,
            "openpyxl read-only + bulk insert",
            repeat=2,
        ),
        Case(
            "roster_xlsx",
            "roster xlsx 20,000 × 16",
            "keep",
            _export(".xlsx"),
            _xlsx_ref,
            "bare openpyxl, write-only",
            repeat=1,
        ),
    ]


def tidy(province: Province) -> None:
    """Remove what an interrupted earlier run may have left: its admissions and its imported people."""
    from quarantine_desk.bench.province import bench_desk
    from quarantine_desk.db.models import Cohort, Person, Stay

    desk = bench_desk(province.url)
    try:
        with desk.read() as session:
            stays = list(
                session.execute(
                    select(Stay.id, Stay.person_id).join(Cohort).where(Cohort.name.like(BENCH_COHORT + "%"))
                ).tuples()
            )
            first = session.scalar(select(func.min(Person.id)).where(Person.id_number.like("062___9%")))
        if stays:
            _forget_stays(desk, [s for s, _ in stays], [p for _, p in stays])
        if first is not None:
            _forget_import(desk, first - 1, _marks(desk)[1])
    finally:
        desk.close()
